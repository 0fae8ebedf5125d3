package git

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// importedRepo returns a repository with branches main and feature, and
// a copy of it made as an import makes it (unbundled from its bundle, so
// one pack of exactly its objects), with the bundle's bytes.
func importedRepo(t *testing.T) (src, dst string, bundle []byte) {
	t.Helper()
	ctx, dir := t.Context(), t.TempDir()
	src, dst = filepath.Join(dir, "src.git"), filepath.Join(dir, "dst.git")
	if err := Init(ctx, src, "main"); err != nil {
		t.Fatal(err)
	}
	sig := Signature{Name: "T", Email: "t@example.com", When: time.Unix(1700000000, 0)}
	for i, branch := range []string{"main", "main", "feature"} {
		if _, err := CommitFile(ctx, src, branch, "f.txt", []byte{byte('a' + i)}, sig, "c"); err != nil {
			t.Fatal(err)
		}
	}
	gitOut(t, src, "-c", "user.name=T", "-c", "user.email=t@example.com", "tag", "-a", "-m", "release", "v1", "main")
	path := filepath.Join(dir, "project.bundle")
	if err := CreateBundle(ctx, src, path); err != nil {
		t.Fatal(err)
	}
	if err := Init(ctx, dst, "main"); err != nil {
		t.Fatal(err)
	}
	if err := Unbundle(ctx, dst, path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return src, dst, data
}

// readBundle opens dir's bundle, reads it whole and checks its Size.
func readBundle(t *testing.T, dir string) (*Bundle, []byte) {
	t.Helper()
	b, err := OpenBundle(t.Context(), dir, t.TempDir())
	if err != nil {
		t.Fatalf("OpenBundle: %v", err)
	}
	defer b.Close()
	data, err := io.ReadAll(b)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(data)) != b.Size {
		t.Errorf("read %d bytes, Size %d", len(data), b.Size)
	}
	return b, data
}

// bundleRefs writes data to a file and returns the refs of the repository
// unbundled from it.
func bundleRefs(t *testing.T, data []byte) (repo string, refs []string) {
	t.Helper()
	dir := t.TempDir()
	path, repo := filepath.Join(dir, "b.bundle"), filepath.Join(dir, "r.git")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Init(t.Context(), repo, "main"); err != nil {
		t.Fatal(err)
	}
	if err := Unbundle(t.Context(), repo, path); err != nil {
		t.Fatalf("Unbundle: %v", err)
	}
	gitOut(t, repo, "fsck", "--strict")
	refs, err := Refs(t.Context(), repo)
	if err != nil {
		t.Fatal(err)
	}
	return repo, refs
}

func TestOpenBundle_ImportedRepositoryGivesItsBundleBack(t *testing.T) {
	t.Parallel()
	_, dst, want := importedRepo(t)
	b, got := readBundle(t, dst)
	if !b.FromPack {
		t.Error("FromPack = false for a repository of one pack of its reachable objects")
	}
	if !bytes.Equal(got, want) {
		t.Errorf("bundle of the imported repository differs from the one imported (%d bytes, want %d)", len(got), len(want))
	}
}

func TestOpenBundle_FallsBackToGit(t *testing.T) {
	t.Parallel()
	sig := Signature{Name: "T", Email: "t@example.com", When: time.Unix(1700000100, 0)}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
	}{
		{"loose objects", func(t *testing.T, dir string) {
			if _, err := CommitFile(t.Context(), dir, "main", "g.txt", []byte("g"), sig, "more"); err != nil {
				t.Fatal(err)
			}
		}},
		{"two packs", func(t *testing.T, dir string) {
			if _, err := CommitFile(t.Context(), dir, "topic", "h.txt", []byte("h"), sig, "topic"); err != nil {
				t.Fatal(err)
			}
			gitOut(t, dir, "repack", "-q")
		}},
		{"a symbolic ref", func(t *testing.T, dir string) {
			gitOut(t, dir, "symbolic-ref", "refs/heads/alias", "refs/heads/feature")
		}},
		{"HEAD on no commit", func(t *testing.T, dir string) {
			gitOut(t, dir, "symbolic-ref", "HEAD", "refs/heads/unborn")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, dst, _ := importedRepo(t)
			tc.change(t, dst)
			want, err := Refs(t.Context(), dst)
			if err != nil {
				t.Fatal(err)
			}
			b, data := readBundle(t, dst)
			if b.FromPack {
				t.Error("FromPack = true")
			}
			if _, got := bundleRefs(t, data); !slices.Equal(got, want) {
				t.Errorf("bundle refs %v, want %v", got, want)
			}
		})
	}
}

// A pack holding an object no ref reaches (a deleted branch's commit)
// is not the bundle: git bundle create leaves the object out, and so must
// the export.
func TestOpenBundle_LeavesOutUnreachableObjects(t *testing.T) {
	t.Parallel()
	_, dst, _ := importedRepo(t)
	deleted := gitOut(t, dst, "rev-parse", "refs/heads/feature")
	gitOut(t, dst, "update-ref", "-d", "refs/heads/feature")
	b, data := readBundle(t, dst)
	if b.FromPack {
		t.Error("FromPack = true for a pack with an unreachable commit")
	}
	repo, refs := bundleRefs(t, data)
	if slices.ContainsFunc(refs, func(r string) bool { return strings.Contains(r, "feature") }) {
		t.Errorf("bundle refs %v name the deleted branch", refs)
	}
	if _, err := inRepo(t.Context(), repo, nil, nil, "cat-file", "-e", deleted); err == nil {
		t.Errorf("the deleted branch's commit %s is in the bundle", deleted)
	}
}

func TestOpenBundle_CloseRemovesItsFile(t *testing.T) {
	t.Parallel()
	_, dst, _ := importedRepo(t)
	gitOut(t, dst, "update-ref", "-d", "refs/heads/feature")
	scratch := t.TempDir()
	b, err := OpenBundle(context.Background(), dst, scratch)
	if err != nil {
		t.Fatal(err)
	}
	if files, _ := os.ReadDir(scratch); len(files) != 1 {
		t.Errorf("scratch holds %d files while the bundle is open, want 1", len(files))
	}
	b.Close()
	if files, _ := os.ReadDir(scratch); len(files) != 0 {
		t.Errorf("scratch holds %d files after Close", len(files))
	}
}

// Bundles whose objects are not all there are refused, whichever way
// Unbundle reads them.
func TestUnbundle_RefusesDisconnectedBundles(t *testing.T) {
	t.Parallel()
	src, _, _ := importedRepo(t)
	tip := gitOut(t, src, "rev-parse", "refs/heads/main")
	commitOnly, err := inRepo(t.Context(), src, strings.NewReader(tip+"\n"), nil, "pack-objects", "--stdout", "-q")
	if err != nil {
		t.Fatal(err)
	}
	whole, err := inRepo(t.Context(), src, strings.NewReader(tip+"\n"), nil, "pack-objects", "--revs", "--stdout", "-q")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.bundle") // the whole pack with its true ref is accepted
	if err := os.WriteFile(good, []byte("# v2 git bundle\n"+tip+" refs/heads/main\n\n"+whole), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Unbundle(t.Context(), newRepo(t, "main"), good); err != nil {
		t.Fatalf("Unbundle of a whole pack: %v", err)
	}
	prerequisites := filepath.Join(dir, "prerequisites.bundle")
	if _, err := inRepo(t.Context(), src, nil, nil, "bundle", "create", prerequisites, "main~1..main"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		bundle []byte
	}{
		{"a commit without its tree", []byte("# v2 git bundle\n" + tip + " refs/heads/main\n\n" + commitOnly)},
		{"a ref to an object not in a whole pack", []byte("# v2 git bundle\n" + tip + " refs/heads/main\n" +
			strings.Repeat("1", 40) + " refs/heads/ghost\n\n" + whole)},
		{"prerequisites", mustRead(t, prerequisites)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, repo := filepath.Join(t.TempDir(), "b.bundle"), newRepo(t, "main")
			if err := os.WriteFile(path, tc.bundle, 0o600); err != nil {
				t.Fatal(err)
			}
			err := Unbundle(t.Context(), repo, path)
			if !errors.Is(err, ErrInvalidBundle) {
				t.Fatalf("Unbundle = %v, want ErrInvalidBundle", err)
			}
			if refs, _ := Refs(t.Context(), repo); len(refs) != 0 {
				t.Errorf("refs %v created from a refused bundle", refs)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// An imported repository is marked as one pack of its reachable objects,
// and a mark is trusted only for the pack and the refs it was made for:
// a forged mark over a pack with an unreachable commit makes the pack the
// bundle (the count is skipped), while the same pack under other refs is
// counted again and bundled by git.
func TestMarkReachable_SkipsTheCountOnlyForTheSamePackAndRefs(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	_, dst, _ := importedRepo(t)
	if err := MarkReachable(ctx, dst); err != nil {
		t.Fatal(err)
	}
	pack, err := onlyPack(dst)
	if err != nil {
		t.Fatal(err)
	}
	header, _, err := bundleHeader(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	mark, err := os.ReadFile(filepath.Join(dst, reachableMarkFile))
	if err != nil || !bytes.Equal(mark, reachableMark(pack, header)) {
		t.Fatalf("mark after MarkReachable %q (%v), want %q", mark, err, reachableMark(pack, header))
	}

	gitOut(t, dst, "update-ref", "-d", "refs/heads/feature") // its commit is now unreachable
	if b, _ := readBundle(t, dst); b.FromPack {
		t.Error("FromPack = true under the mark of other refs")
	}
	header, _, err = bundleHeader(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dst, reachableMarkFile), reachableMark(pack, header), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := readBundle(t, dst); !b.FromPack {
		t.Error("FromPack = false under a mark for this pack and these refs: the count was not skipped")
	}
}
