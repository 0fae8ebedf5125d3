package git

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path"
	"strconv"
	"strings"
)

// TreeEntry is one entry of a tree.
type TreeEntry struct {
	ID, Name, Type, Path, Mode string
}

// Tree lists the entries of the tree at dir path (the root for "") in
// commit, descending into sub-trees when recursive. Trees come first, then
// blobs, then submodules ("commit"), as GitLab sorts them. Returns an
// error wrapping ErrNoRef when path is not a tree of commit.
func Tree(ctx context.Context, dir, commit, dirPath string, recursive bool) ([]TreeEntry, error) {
	dirPath = strings.Trim(dirPath, "/")
	spec := commit + "^{tree}"
	if dirPath != "" {
		spec = commit + ":" + dirPath
	}
	args := []string{"ls-tree", "-z"}
	if recursive {
		args = append(args, "-r", "-t")
	}
	out, err := inRepo(ctx, dir, nil, nil, append(args, spec)...)
	if err != nil {
		return nil, fmt.Errorf("git ls-tree %s in %s: %w: %w", spec, dir, ErrNoRef, err)
	}
	byType := map[string][]TreeEntry{}
	for rec := range strings.SplitSeq(out, "\x00") {
		meta, name, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 {
			continue
		}
		p := path.Join(dirPath, name)
		byType[f[1]] = append(byType[f[1]], TreeEntry{ID: f[2], Name: path.Base(name), Type: f[1], Path: p, Mode: f[0]})
	}
	return append(append(byType["tree"], byType["blob"]...), byType["commit"]...), nil
}

// Blob is a file of a commit.
type Blob struct {
	ID   string
	Mode string
	Size int64
}

// BlobAt returns the blob at file path in commit. Returns an error
// wrapping ErrNoRef when there is no file there.
func BlobAt(ctx context.Context, dir, commit, file string) (Blob, error) {
	out, err := inRepo(ctx, dir, nil, nil, "ls-tree", "-z", "--long", "--full-tree", commit, "--", ":(literal)"+strings.Trim(file, "/"))
	if err != nil {
		return Blob{}, fmt.Errorf("git ls-tree %s in %s: %w", commit, dir, err)
	}
	meta, name, ok := strings.Cut(strings.TrimSuffix(out, "\x00"), "\t")
	f := strings.Fields(meta)
	if !ok || len(f) != 4 || f[1] != "blob" || name != strings.Trim(file, "/") {
		return Blob{}, fmt.Errorf("%s at %s: %w", file, commit, ErrNoRef)
	}
	size, err := strconv.ParseInt(f[3], 10, 64)
	return Blob{ID: f[2], Mode: f[0], Size: size}, err
}

// BlobSize returns the size of blob sha. Returns an error wrapping ErrNoRef
// when sha is not a blob.
func BlobSize(ctx context.Context, dir, sha string) (int64, error) {
	if !isHex(sha) {
		return 0, fmt.Errorf("blob %q: %w", sha, ErrNoRef)
	}
	t, err := inRepo(ctx, dir, nil, nil, "cat-file", "-t", sha)
	if err != nil || strings.TrimSpace(t) != "blob" {
		return 0, fmt.Errorf("blob %s: %w", sha, ErrNoRef)
	}
	out, err := inRepo(ctx, dir, nil, nil, "cat-file", "-s", sha)
	if err != nil {
		return 0, fmt.Errorf("git cat-file in %s: %w", dir, err)
	}
	return strconv.ParseInt(strings.TrimSpace(out), 10, 64)
}

// LastCommitFor returns the newest commit reachable from commit that
// changed file.
func LastCommitFor(ctx context.Context, dir, commit, file string) (string, error) {
	out, err := inRepo(ctx, dir, nil, nil, "log", "-1", "--format=%H", commit, "--", ":(literal)"+strings.Trim(file, "/"))
	if err != nil {
		return "", fmt.Errorf("git log in %s: %w", dir, err)
	}
	return strings.TrimSpace(out), nil
}

// isHex reports whether s is an abbreviated or full object name.
func isHex(s string) bool {
	if len(s) < 4 || len(s) > 64 {
		return false
	}
	return strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}

// Stream runs git in dir with args and copies its standard output to w as
// it comes, never holding it whole. It is for cat-file and archive, whose
// objects may be large.
func Stream(ctx context.Context, dir string, w io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, "git", append([]string{"--git-dir=" + dir}, args...)...)
	cmd.Env = env(dir)
	cmd.Stdout = w
	var stderr strings.Builder
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4096}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("git %s in %s: %w: %s", args[0], dir, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// StreamBlob copies blob sha to w.
func StreamBlob(ctx context.Context, dir, sha string, w io.Writer) error {
	if !isHex(sha) {
		return fmt.Errorf("blob %q: %w", sha, ErrNoRef)
	}
	return Stream(ctx, dir, w, "cat-file", "blob", sha)
}

// ArchiveFormats maps GitLab's archive format names to the format git
// archive writes, which is also the archive's file extension.
var ArchiveFormats = map[string]string{
	"tar.gz": "tar.gz", "tgz": "tar.gz", "gz": "tar.gz", "tar.bz2": "tar.bz2", "tbz": "tar.bz2",
	"tbz2": "tar.bz2", "tb2": "tar.bz2", "bz2": "tar.bz2", "tar": "tar", "zip": "zip",
}

// Archive streams commit as an archive of format (a value of
// ArchiveFormats) with every path under prefix/ to w. A path limits it to
// that folder.
func Archive(ctx context.Context, dir, commit, format, prefix, sub string, w io.Writer) error {
	args := []string{"-c", "tar.tar.bz2.command=bzip2 -c", "archive", "--format=" + format, "--prefix=" + prefix + "/", commit}
	if sub = strings.Trim(sub, "/"); sub != "" {
		args = append(args, "--", ":(literal)"+sub)
	}
	return Stream(ctx, dir, w, args...)
}

// limitedWriter keeps the first n bytes written to it.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if keep := min(len(p), l.n); keep > 0 {
		_, _ = l.w.Write(p[:keep])
		l.n -= keep
	}
	return len(p), nil
}
