package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/git"
	"github.com/ferryhq/ferry/internal/store"
)

// BatchSize is how many records one transaction stores.
const BatchSize = 500

// restore is one attempt at restoring an extracted archive.
type restore struct {
	w       *Worker
	im      *ferry.Import
	dir     string
	logger  *slog.Logger
	project ferry.Project
	user    ferry.User
	legacy  *archive.Legacy
	// users maps the archive's user ids to local users (see users.go).
	users map[int64]int64
	// catalog holds the project's labels and milestones (catalog.go).
	catalog *catalog
}

func (r *restore) run(ctx context.Context) error {
	var err error
	if r.project, err = r.w.DB.ProjectByID(ctx, r.im.ProjectID); err != nil {
		return err
	}
	if r.user, err = r.w.DB.UserByID(ctx, r.im.UserID); err != nil {
		return err
	}
	r.catalog = newCatalog(r.project.ID)
	attrs, err := r.attributes()
	if err != nil {
		return permanent(err)
	}
	if r.legacy != nil {
		defer r.legacy.Close()
	}
	if err := r.repositories(ctx, attrs); err != nil {
		return err
	}
	if err := r.saveProject(ctx, attrs); err != nil {
		return err
	}
	if err := r.loadUsers(ctx); err != nil {
		return err
	}
	if err := r.relations(ctx); err != nil {
		return err
	}
	if err := r.fixMilestoneIIDs(ctx); err != nil {
		return err
	}
	if err := r.ensureImporterMember(ctx); err != nil {
		return err
	}
	return r.files(ctx)
}

// attributes reads tree/project.json, or the attributes of a legacy
// project.json.
func (r *restore) attributes() (map[string]json.RawMessage, error) {
	if _, err := os.Lstat(filepath.Join(r.dir, archive.ProjectFile)); err == nil {
		return archive.ReadProjectJSON(r.dir)
	}
	if _, err := os.Lstat(filepath.Join(r.dir, "project.json")); err == nil {
		legacy, err := archive.OpenLegacy(r.dir)
		if err != nil {
			return nil, err
		}
		r.legacy = legacy
		return legacy.Attributes(), nil
	}
	return nil, errors.New("invalid import format: the archive has no tree/project.json")
}

// repositories restores project.bundle (and the wiki) with git; no bundle
// leaves an empty repository.
func (r *restore) repositories(ctx context.Context, attrs map[string]json.RawMessage) error {
	branch := r.project.DefaultBranch
	if b := stringAttr(attrs, "default_branch"); b != "" && ferry.ValidBranchName(b) {
		branch = b
	}
	if err := r.w.Repos.Remove(r.project.ID); err != nil {
		return err
	}
	dir := r.w.Repos.Dir(r.project.ID)
	if err := git.Init(ctx, dir, branch); err != nil {
		return err
	}
	if err := fetchBundle(ctx, dir, filepath.Join(r.dir, archive.BundleFile)); err != nil {
		return err
	}
	branches, err := git.Branches(ctx, dir)
	if err != nil {
		return err
	}
	if len(branches) > 0 && !contains(branches, branch) {
		branch = branches[0]
		for _, b := range []string{"main", "master"} {
			if contains(branches, b) {
				branch = b
				break
			}
		}
		if err := git.SetDefaultBranch(ctx, dir, branch); err != nil {
			return err
		}
	}
	r.project.DefaultBranch = branch
	wikiBundle := filepath.Join(r.dir, archive.WikiBundleFile)
	if _, err := os.Lstat(wikiBundle); err == nil {
		wiki := r.w.Repos.WikiDir(r.project.ID)
		if err := git.Init(ctx, wiki, "main"); err != nil {
			return err
		}
		return fetchBundle(ctx, wiki, wikiBundle)
	}
	return nil
}

// fetchBundle restores bundle into dir; a missing bundle is nothing to
// do. Anything at the bundle's path that is not a valid bundle file (a
// "gitdir:" file or a directory pointing at another repository, a broken
// or empty bundle) fails the import before git reads it.
func fetchBundle(ctx context.Context, dir, bundle string) error {
	if _, err := os.Lstat(bundle); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err := git.Unbundle(ctx, dir, bundle); err != nil {
		if ctx.Err() != nil {
			return err
		}
		return permanent(fmt.Errorf("%s: %w", filepath.Base(bundle), err))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func stringAttr(attrs map[string]json.RawMessage, key string) string {
	var s string
	_ = json.Unmarshal(attrs[key], &s)
	return s
}

// copyFile streams path into w.
func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// storeBatch stores records of relation, with the labels and milestones
// created since the last batch, in one transaction, and counts the
// records restored.
func (r *restore) storeBatch(ctx context.Context, relation string, first int64, batch [][]byte, restored int) error {
	err := r.w.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := r.catalog.flush(ctx, tx); err != nil {
			return err
		}
		return tx.InsertRelationRecords(ctx, r.project.ID, relation, first, batch)
	})
	if err != nil {
		return err
	}
	r.catalog.flushed()
	r.im.Stats.Imported[relation] += int64(restored)
	return r.w.DB.UpdateImport(ctx, r.im)
}
