package git

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

func TestBundle_RoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src, dst, data := importedRepo(t) // CreateBundle, then Unbundle into dst
	dir := t.TempDir()
	bundle := filepath.Join(dir, "project.bundle")
	if err := os.WriteFile(bundle, data, 0o600); err != nil {
		t.Fatal(err)
	}
	heads, err := VerifyBundle(ctx, dir, bundle)
	if err != nil {
		t.Fatal(err)
	}
	if len(heads) < 3 {
		t.Errorf("bundle heads %v", heads)
	}
	want, _ := Refs(ctx, src)
	got, _ := Refs(ctx, dst)
	if !slices.Equal(got, want) || len(got) != 3 {
		t.Errorf("refs after fetch %v, want %v", got, want)
	}
	empty := filepath.Join(dir, "empty.git")
	Init(ctx, empty, "main")
	if err := CreateBundle(ctx, empty, filepath.Join(dir, "e.bundle")); err == nil {
		t.Error("bundle of an empty repository succeeded")
	}
	if _, err := VerifyBundle(ctx, dir, filepath.Join(dir, "f.txt")); err == nil {
		t.Error("verify of a non-bundle succeeded")
	}
}

func TestCheckBundleFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	v2 := write("v2.bundle", "# v2 git bundle\nabc refs/heads/main\n\n")
	link := filepath.Join(dir, "link.bundle")
	if err := os.Symlink(v2, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.bundle")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	repoDir := filepath.Join(dir, "dir.bundle")
	if err := os.Mkdir(repoDir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, path string
		ok         bool
	}{
		{"V2", v2, true},
		{"V3", write("v3.bundle", "# v3 git bundle\n@object-format=sha1\n"), true},
		{"Gitfile", write("gitfile.bundle", "gitdir: ../../repositories/1.git\n"), false},
		{"Short", write("short.bundle", "# v2 git"), false},
		{"Empty", write("empty.bundle", ""), false},
		{"V1", write("v1.bundle", "# v1 git bundle\n"), false},
		{"Directory", repoDir, false},
		{"Symlink", link, false},
		{"Fifo", fifo, false},
		{"Missing", filepath.Join(dir, "missing.bundle"), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckBundleFile(tt.path)
			if tt.ok != (err == nil) {
				t.Fatalf("CheckBundleFile = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidBundle) {
				t.Errorf("error %v does not wrap ErrInvalidBundle", err)
			}
		})
	}
}

// TestUnbundle_RefusesRepositories pins that a gitfile or a repository
// directory at a bundle's path copies nothing, even though git itself
// would read them as repositories.
func TestUnbundle_RefusesRepositories(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.git")
	if err := Init(ctx, victim, "main"); err != nil {
		t.Fatal(err)
	}
	if _, err := CommitFile(ctx, victim, "main", "secret.txt", []byte("s3cr3t"), Signature{Name: "V", Email: "v@example.com"}, "c"); err != nil {
		t.Fatal(err)
	}
	gitfile := filepath.Join(dir, "gitfile.bundle")
	os.WriteFile(gitfile, []byte("gitdir: "+victim+"\n"), 0o600)
	for name, bundle := range map[string]string{"Gitfile": gitfile, "RepositoryDirectory": victim} {
		t.Run(name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "dst.git")
			if err := Init(ctx, dst, "main"); err != nil {
				t.Fatal(err)
			}
			if err := Unbundle(ctx, dst, bundle); !errors.Is(err, ErrInvalidBundle) {
				t.Errorf("Unbundle = %v, want ErrInvalidBundle", err)
			}
			if refs, _ := Refs(ctx, dst); len(refs) != 0 {
				t.Errorf("refs copied: %v", refs)
			}
		})
	}
}
