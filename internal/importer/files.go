package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/git"
)

// uploadPath is GitLab's FileUploader pattern: uploads/<10 or 32 hex
// secret>/<file>.
var uploadPath = regexp.MustCompile(`^[0-9a-fA-F]{10}(?:[0-9a-fA-F]{22})?/[^/]+$`)

// files stores the archive's uploads and LFS objects (each LFS object
// under the SHA-256 of its content, as GitLab recomputes the oid).
func (r *restore) files(ctx context.Context, projectID int64) error {
	uploads := filepath.Join(r.dir, archive.UploadsDir)
	err := filepath.WalkDir(uploads, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(uploads, path)
		rel = filepath.ToSlash(rel)
		if !uploadPath.MatchString(rel) {
			r.logger.WarnContext(ctx, "upload outside GitLab's layout skipped", "path", rel)
			return nil
		}
		return r.storeFile(ctx, blob.UploadsPrefix(projectID)+"/"+rel, path)
	})
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := r.lfs(ctx, projectID); err != nil {
		return err
	}
	return r.keepVerbatim(ctx, projectID)
}

// keepVerbatim stores project.design.bundle, snippets/*.bundle and
// avatar/* unchanged, after checking that the bundles are valid bundle
// files (GitLab fails an import whose design or snippet bundle does not
// restore). A bundle path that holds anything else, a directory
// included, fails the import.
func (r *restore) keepVerbatim(ctx context.Context, projectID int64) error {
	var paths []string
	if _, err := os.Lstat(filepath.Join(r.dir, archive.DesignBundleFile)); err == nil {
		paths = append(paths, archive.DesignBundleFile)
	}
	for _, pattern := range []string{archive.SnippetsDir + "/*.bundle", "avatar/*"} {
		matches, _ := filepath.Glob(filepath.Join(r.dir, filepath.FromSlash(pattern)))
		for _, m := range matches {
			rel, _ := filepath.Rel(r.dir, m)
			paths = append(paths, filepath.ToSlash(rel))
		}
	}
	for _, rel := range paths {
		path := filepath.Join(r.dir, filepath.FromSlash(rel))
		if filepath.Ext(rel) == ".bundle" {
			if _, err := git.VerifyBundle(ctx, filepath.Dir(r.dir), path); err != nil {
				return permanent(fmt.Errorf("%s: %w", rel, err))
			}
		} else if info, err := os.Lstat(path); err != nil || !info.Mode().IsRegular() {
			continue
		}
		if err := r.storeFile(ctx, blob.ExtraPrefix(projectID)+"/"+rel, path); err != nil {
			return err
		}
	}
	return nil
}

func (r *restore) lfs(ctx context.Context, projectID int64) error {
	dir := filepath.Join(r.dir, archive.LFSDir)
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	index := map[string][]string{}
	if data, err := os.ReadFile(filepath.Join(r.dir, archive.LFSIndexFile)); err == nil {
		_ = json.Unmarshal(data, &index)
	}
	stored := map[string][]string{}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		oid, err := sha256File(path)
		if err != nil {
			return err
		}
		if err := r.storeFile(ctx, blob.LFSPrefix(projectID)+"/objects/"+oid, path); err != nil {
			return err
		}
		repos := index[e.Name()]
		if len(repos) == 0 {
			repos = []string{"project"}
		}
		stored[oid] = repos
	}
	data, _ := json.Marshal(stored)
	w, err := r.w.Blobs.Create(ctx, blob.LFSPrefix(projectID)+"/"+archive.LFSIndexFile)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Abort()
		return err
	}
	return w.Commit()
}

func (r *restore) storeFile(ctx context.Context, key, path string) error {
	w, err := r.w.Blobs.Create(ctx, key)
	if err != nil {
		return err
	}
	if err := copyFile(w, path); err != nil {
		w.Abort()
		return err
	}
	return w.Commit()
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
