package generate

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/ferryhq/ferry/internal/archive"
)

// git runs git with no user or system configuration.
func git(ctx context.Context, dir string, stdin io.Reader, args ...string) error {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir, cmd.Stdin = dir, stdin
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git %s: %w: %s", args[0], err, out)
	}
	return nil
}

// repositories builds the project and wiki repositories with
// fast-import and adds their bundles.
func (g *gen) repositories(ctx context.Context, aw *archive.Writer) error {
	if err := g.repository(ctx, "repo.git", g.sc.Commits, g.sc.RepoBytes, archive.BundleFile, aw); err != nil {
		return err
	}
	return g.repository(ctx, "wiki.git", 20, 64<<10, archive.WikiBundleFile, aw)
}

func (g *gen) repository(ctx context.Context, name string, commits int, bytes int64, entry string, aw *archive.Writer) error {
	dir := g.scratch(name)
	if err := git(ctx, g.dir, nil, "init", "--quiet", "--bare", "--initial-branch=main", dir); err != nil {
		return err
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := git(ctx, dir, pr, "fast-import", "--quiet", "--done")
		pr.CloseWithError(errors.New("git fast-import ended early")) // unblocks history if git died
		done <- err
	}()
	err := g.history(pw, commits, bytes)
	pw.CloseWithError(err)
	if ferr := <-done; ferr != nil {
		err = ferr // git's own error says more
	}
	if err != nil {
		return err
	}
	bundle := filepath.Join(g.dir, name+".bundle")
	if err := git(ctx, dir, nil, "bundle", "create", "--quiet", bundle, "--all"); err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	return addFile(aw, entry, bundle)
}

// history writes a fast-import stream: commits on main, each adding a file
// of random bytes (so the bundle reaches about total bytes) and changing a
// text file; a branch every 100 commits and a tag every 250.
func (g *gen) history(w io.Writer, commits int, total int64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	blobSize := max(int(total/int64(max(commits, 1))), 64)
	data := make([]byte, blobSize)
	for i := 1; i <= commits; i++ {
		for j := 0; j+8 <= len(data); j += 8 {
			v := g.rnd.Uint64()
			for k := range 8 {
				data[j+k] = byte(v >> (8 * k))
			}
		}
		text := g.sentence(40) + "\n"
		fmt.Fprintf(bw, "blob\nmark :%d\ndata %d\n", 2*i, len(data))
		bw.Write(data)
		fmt.Fprintf(bw, "\nblob\nmark :%d\ndata %d\n%s\n", 2*i+1, len(text), text)
		msg := g.sentence(8)
		fmt.Fprintf(bw, "commit refs/heads/main\nmark :%d\ncommitter Dev <dev@example.com> %d +0000\ndata %d\n%s\n",
			1_000_000+i, 1_600_000_000+i*600, len(msg), msg)
		if i > 1 {
			fmt.Fprintf(bw, "from :%d\n", 1_000_000+i-1)
		}
		fmt.Fprintf(bw, "M 100644 :%d data/blob-%05d.bin\nM 100644 :%d README.md\n\n", 2*i, i, 2*i+1)
		if i%100 == 0 {
			fmt.Fprintf(bw, "reset refs/heads/feature/%d\nfrom :%d\n\n", i/100, 1_000_000+i)
		}
		if i%250 == 0 {
			fmt.Fprintf(bw, "reset refs/tags/v%d.0\nfrom :%d\n\n", i/250, 1_000_000+i)
		}
	}
	fmt.Fprintf(bw, "done\n")
	return bw.Flush()
}

// files adds uploads referenced from issue descriptions and LFS objects.
func (g *gen) files(_ context.Context, aw *archive.Writer) error {
	for i := 0; i < g.sc.Issues; i += 50 {
		png := make([]byte, 2048)
		for j := range png {
			png[j] = byte(g.rnd.Uint32())
		}
		if err := aw.AddBytes(fmt.Sprintf("%s/%032x/screenshot-%d.png", archive.UploadsDir, i, i), png); err != nil {
			return err
		}
	}
	index := "{"
	for i := range 5 {
		content := []byte(fmt.Sprintf("large file %d %s", i, g.sentence(200)))
		oid := fmt.Sprintf("%064x", i+1)
		if err := aw.AddBytes(archive.LFSDir+"/"+oid, content); err != nil {
			return err
		}
		if i > 0 {
			index += ","
		}
		index += fmt.Sprintf("%q:[\"project\"]", oid)
	}
	return aw.AddBytes(archive.LFSIndexFile, []byte(index+"}"))
}
