package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/git"
	"github.com/ferryhq/ferry/internal/repos"
)

// repoBuild is the restore of the repositories: each is built beside
// the one in place and swapped in whole, so the project's readers never
// meet a missing or half restored repository; the old one goes when the
// attempt ends. No bundle leaves an empty repository.
type repoBuild struct {
	branch   string   // the branch HEAD names
	drops    []func() // remove the repositories the restored ones replaced
	restored []string // the bundles restored
}

// headBranch is the branch HEAD is to name: the archive's default branch,
// or the project's. buildRepository falls back to main, master or the
// first branch when the bundle lacks it.
func (r *restore) headBranch(attrs map[string]json.RawMessage) string {
	if b := stringAttr(attrs, "default_branch"); b != "" && ferry.ValidBranchName(b) {
		return b
	}
	return r.project.DefaultBranch
}

// build restores the project's repository into dir and its wiki into
// wiki from the bundles in the extracted archive at archiveDir. No wiki
// bundle removes an earlier attempt's wiki: a wiki is made on first use.
func (b *repoBuild) build(ctx context.Context, store *repos.Store, dir, wiki, archiveDir string) error {
	bundle := filepath.Join(archiveDir, archive.BundleFile)
	drop, err := store.Replace(ctx, dir, func(tmp string) (err error) {
		b.branch, err = buildRepository(ctx, tmp, bundle, b.branch)
		return err
	})
	if err != nil {
		return err
	}
	b.drops = append(b.drops, drop)
	b.restored = append(b.restored, bundle)
	wikiBundle := filepath.Join(archiveDir, archive.WikiBundleFile)
	if _, err := os.Lstat(wikiBundle); err != nil {
		return os.RemoveAll(wiki)
	}
	drop, err = store.Replace(ctx, wiki, func(tmp string) error {
		_, err := buildRepository(ctx, tmp, wikiBundle, "main")
		return err
	})
	if err != nil {
		return err
	}
	b.drops = append(b.drops, drop)
	b.restored = append(b.restored, wikiBundle)
	return nil
}

// bundlesSize is the bytes of the bundles the repositories step restores
// (project and wiki), its progress total.
func (r *restore) bundlesSize() int64 {
	var n int64
	for _, name := range []string{archive.BundleFile, archive.WikiBundleFile} {
		n += regularSize(filepath.Join(r.dir, name))
	}
	return n
}

// regularSize is the size of the regular file at path, 0 for anything else.
func regularSize(path string) int64 {
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() {
		return fi.Size()
	}
	return 0
}

// buildRepository makes the repository dir from bundle with HEAD at
// branch or, when the bundle has no such branch, at main, master or its
// first branch. It returns the branch HEAD names.
func buildRepository(ctx context.Context, dir, bundle, branch string) (string, error) {
	if err := git.Init(ctx, dir, branch); err != nil {
		return branch, err
	}
	if err := fetchBundle(ctx, dir, bundle); err != nil {
		return branch, err
	}
	branches, err := git.Branches(ctx, dir)
	if err != nil || len(branches) == 0 || slices.Contains(branches, branch) {
		return branch, err
	}
	branch = branches[0]
	for _, b := range []string{"main", "master"} {
		if slices.Contains(branches, b) {
			branch = b
			break
		}
	}
	return branch, git.SetDefaultBranch(ctx, dir, branch)
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

// markReachable counts, once the import is finished and the project in
// use, whether each of its repositories is one pack of its reachable
// objects (as a restore leaves it) and marks it so (git.MarkReachable):
// the count, a walk of every object, is then out of both the import's
// way and the first export's. GitLab likewise runs its housekeeping after
// an import finishes. The mark only saves work: a failed or interrupted
// count leaves it to the export.
func (w *Worker) markReachable(ctx context.Context, projectID int64, logger *slog.Logger) {
	for _, dir := range []string{w.Repos.Dir(projectID), w.Repos.WikiDir(projectID)} {
		if err := git.MarkReachable(ctx, dir); err != nil && ctx.Err() == nil {
			logger.WarnContext(ctx, "counting the repository's objects for exports failed; the next export counts them",
				"repository", filepath.Base(dir), "err", err)
		}
	}
}
