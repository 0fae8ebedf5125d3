package exporter

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

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
// the repositories, then the snippets folder.
func (w *Worker) writeEntries(ctx context.Context, aw *archive.Writer, p ferry.Project, e *ferry.Export, scratch string,
	prog *progress.Recorder) error {
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
	if err := addBundle(ctx, aw, w.Repos.Dir(p.ID), archive.BundleFile, scratch); err != nil {
		return err
	}
	if err := addBundle(ctx, aw, w.Repos.WikiDir(p.ID), archive.WikiBundleFile, scratch); err != nil {
		return err
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

// addBundle adds a bundle of the repository at dir under name; a missing
// or empty repository is left out, as GitLab does.
func addBundle(ctx context.Context, aw *archive.Writer, dir, name, scratch string) error {
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return nil
	}
	has, err := git.HasCommits(ctx, dir)
	if err != nil || !has {
		return err
	}
	path := filepath.Join(scratch, name)
	if err := git.CreateBundle(ctx, dir, path); err != nil {
		return err
	}
	defer os.Remove(path)
	return addFile(aw, name, path)
}

// addFile copies the file at path into the archive as name.
func addFile(aw *archive.Writer, name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	return aw.AddFile(name, info.Size(), f)
}
