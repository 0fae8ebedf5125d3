package importer

import (
	"context"
	"encoding/json"

	"golang.org/x/sync/errgroup"
)

// restoreAll restores the three parts of an archive at once: git indexes
// the bundles, the files go to the blob store and the tree goes into the
// database, so that git's CPU, the files' writes and the inserts overlap.
// The first part to fail stops the others, and its error is the one
// returned. The steps show the tree, then what is still running after
// it: repositories, files.
func (r *restore) restoreAll(ctx context.Context, attrs map[string]json.RawMessage) error {
	build := &repoBuild{branch: r.headBranch(attrs)}
	r.project.DefaultBranch = build.branch
	projectID := r.project.ID // the tree rewrites r.project meanwhile
	dir, wiki := r.w.Repos.Dir(projectID), r.w.Repos.WikiDir(projectID)
	g, gctx := errgroup.WithContext(ctx)
	gitDone := make(chan struct{})
	g.Go(func() error {
		defer close(gitDone)
		return build.build(gctx, r.w.Repos, dir, wiki, r.dir)
	})
	g.Go(func() error { return r.files(gctx, projectID) })
	g.Go(func() error {
		if err := r.tree(gctx, attrs); err != nil {
			return err
		}
		r.prog.Step(gctx, StepRepositories, "", 0, 0, r.bundlesSize())
		<-gitDone
		if gctx.Err() != nil {
			return gctx.Err()
		}
		for _, bundle := range build.restored {
			r.prog.Add(gctx, regularSize(bundle)) // git reads the files itself: no finer count
		}
		r.prog.Flush(gctx)
		r.prog.Step(gctx, StepFiles, "", 0, 0, 0) // shown until the files are stored too: g.Wait waits for them
		return nil
	})
	err := g.Wait()
	r.drops = append(r.drops, build.drops...) // removed when the attempt ends
	if err != nil || build.branch == r.project.DefaultBranch {
		return err
	}
	r.project.DefaultBranch = build.branch
	return r.w.DB.UpdateProject(ctx, &r.project)
}
