package exporter

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/git"
	"github.com/ferryhq/ferry/internal/progress"
)

// countingWriter counts the bytes that pass through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeArchive streams the archive of p into blob key and returns its
// size. The blob appears only when the whole archive is written.
func (w *Worker) writeArchive(ctx context.Context, p ferry.Project, e *ferry.Export, key string,
	prog *progress.Recorder) (int64, error) {
	scratch, err := os.MkdirTemp(w.TempDir, fmt.Sprintf("export-%d-*", e.ID))
	if err != nil {
		return 0, fmt.Errorf("scratch folder: %w", err)
	}
	defer os.RemoveAll(scratch)
	return archiveBlob(ctx, w.Blobs, key, func(bw io.Writer) io.Writer { return prog.Writer(ctx, bw) },
		func(aw *archive.Writer) error { return w.writeEntries(ctx, aw, p, e, scratch, prog) },
		func() { prog.Flush(ctx) }) // the files step's bytes, with the archive's end
}

// archiveBlob streams an archive into blob key: write adds its entries
// to the archive, whose bytes go through wrap (nil: none) to the blob;
// closed (nil: none) runs once the archive is complete. The blob appears
// only when the whole archive is written. It returns the archive's size.
func archiveBlob(ctx context.Context, blobs blob.Store, key string, wrap func(io.Writer) io.Writer,
	write func(*archive.Writer) error, closed func()) (int64, error) {
	bw, err := blobs.Create(ctx, key)
	if err != nil {
		return 0, err
	}
	var out io.Writer = bw
	if wrap != nil {
		out = wrap(bw)
	}
	counter := &countingWriter{w: out}
	aw := archive.NewWriter(counter)
	err = write(aw)
	if err == nil {
		err = aw.Close()
	}
	if err == nil {
		if closed != nil {
			closed()
		}
		err = bw.Commit()
	}
	if err != nil {
		_ = bw.Abort()
		return 0, err
	}
	return counter.n, nil
}

// writeEntries writes the archive in GitLab's order: versions, the tree,
// the repositories, then the snippets folder. The repositories' bundles
// are opened while the tree is written.
func (w *Worker) writeEntries(ctx context.Context, aw *archive.Writer, p ferry.Project, e *ferry.Export, scratch string,
	prog *progress.Recorder) error {
	bundles := openBundles(ctx, scratch, repoBundle{w.Repos.Dir(p.ID), archive.BundleFile},
		repoBundle{w.Repos.WikiDir(p.ID), archive.WikiBundleFile})
	defer bundles.close()
	prog.Step(ctx, StepTree, "", 0, 0, 0)
	if err := aw.AddBytes(archive.VersionFile, []byte(archive.Version)); err != nil {
		return err
	}
	if err := aw.AddBytes(archive.GitLabVersionFile, []byte(w.GitLabVersion)); err != nil {
		return err
	}
	if err := aw.AddBytes(archive.GitLabRevFile, []byte("ferry")); err != nil {
		return err
	}
	if err := w.writeTree(ctx, aw, p, e, scratch, prog); err != nil {
		return err
	}
	prog.Step(ctx, StepRepositories, "", 0, 0, 0)
	opened, err := bundles.wait()
	if err != nil {
		return err
	}
	for _, nb := range opened {
		if err := aw.AddFile(nb.name, nb.bundle.Size, nb.bundle); err != nil {
			return err
		}
	}
	prog.Step(ctx, StepFiles, "", 0, 0, 0)
	for _, b := range []struct{ prefix, dir string }{
		{blob.UploadsPrefix(p.ID), archive.UploadsDir},
		{blob.LFSPrefix(p.ID) + "/objects", archive.LFSDir},
		{blob.LFSPrefix(p.ID) + "/" + archive.LFSIndexFile, ""},
		{blob.ExtraPrefix(p.ID), ""},
	} {
		if err := w.addBlobs(ctx, aw, b.prefix, b.dir); err != nil {
			return err
		}
	}
	return aw.AddDir(archive.SnippetsDir)
}

// addBlobs copies the blobs under prefix into the archive folder dir (a
// single blob, when prefix names one, as dir's sibling file).
func (w *Worker) addBlobs(ctx context.Context, aw *archive.Writer, prefix, dir string) error {
	return w.Blobs.List(ctx, prefix, func(rel string, size int64) error {
		key, name := prefix+"/"+rel, path.Join(dir, rel)
		if rel == "." {
			key, name = prefix, path.Base(prefix)
		}
		obj, err := w.Blobs.Open(ctx, key)
		if err != nil {
			return err
		}
		defer obj.Close()
		return aw.AddFile(name, size, obj)
	})
}

// repoBundle is a repository whose bundle goes into the archive as name.
type repoBundle struct{ dir, name string }

// namedBundle is an opened bundle and its name in the archive.
type namedBundle struct {
	name   string
	bundle *git.Bundle
}

// bundleSet opens repositories' bundles in the background, so that git's
// work (a reachability count, or a whole git bundle create) overlaps the
// tree's.
type bundleSet struct {
	cancel context.CancelFunc
	done   chan struct{}
	opened []namedBundle
	err    error
}

// openBundles starts opening the bundles of repos, in order.
func openBundles(ctx context.Context, scratch string, repos ...repoBundle) *bundleSet {
	ctx, cancel := context.WithCancel(ctx)
	s := &bundleSet{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for _, r := range repos {
			b, err := openBundle(ctx, r.dir, scratch)
			if err != nil {
				s.err = fmt.Errorf("bundle %s: %w", r.name, err)
				return
			}
			if b != nil {
				s.opened = append(s.opened, namedBundle{r.name, b})
			}
		}
	}()
	return s
}

// wait returns the bundles once all are open.
func (s *bundleSet) wait() ([]namedBundle, error) {
	<-s.done
	return s.opened, s.err
}

// close stops the opening and releases every bundle opened.
func (s *bundleSet) close() {
	s.cancel()
	<-s.done
	for _, nb := range s.opened {
		nb.bundle.Close()
	}
}

// openBundle opens the bundle of the repository at dir; a missing or
// empty repository has none (nil), and is left out as GitLab does.
func openBundle(ctx context.Context, dir, scratch string) (*git.Bundle, error) {
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return nil, nil
	}
	has, err := git.HasCommits(ctx, dir)
	if err != nil || !has {
		return nil, err
	}
	return git.OpenBundle(ctx, dir, scratch)
}
