package blob_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ferryhq/ferry/internal/blob"
)

func TestLocal_CommitAbortDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := &blob.Local{Root: t.TempDir()}
	w, err := s.Create(ctx, "exports/1/a.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, "hello"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, "exports/1/a.tar.gz"); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("blob visible before Commit: %v", err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	o, err := s.Open(ctx, "exports/1/a.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(o)
	o.Close()
	if string(b) != "hello" || o.Size() != 5 {
		t.Errorf("read %q size %d", b, o.Size())
	}

	w, _ = s.Create(ctx, "exports/1/b")
	io.WriteString(w, "partial")
	w.Abort()
	if _, err := s.Open(ctx, "exports/1/b"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("aborted blob visible: %v", err)
	}
	if left, _ := os.ReadDir(filepath.Join(s.Root, ".tmp")); len(left) != 0 {
		t.Errorf("abort left %d temp files", len(left))
	}
	if err := s.Delete(ctx, "exports/1/a.tar.gz"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.Root, "exports")); !os.IsNotExist(err) {
		t.Errorf("empty parent folders kept: %v", err)
	}
	if err := s.Delete(ctx, "exports/1/a.tar.gz"); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
}

func TestCheckKey(t *testing.T) {
	t.Parallel()
	for key, ok := range map[string]bool{
		"exports/1/x.tar.gz": true, "a": true, "": false, "../x": false, "/abs": false, "a/../../b": false,
		"a//b": false, "a\\b": false, ".tmp/x": false, "./a": false,
	} {
		if err := blob.CheckKey(key); (err == nil) != ok {
			t.Errorf("CheckKey(%q) = %v, want ok %v", key, err, ok)
		}
	}
}

func TestLocal_List(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := &blob.Local{Root: t.TempDir()}
	for _, k := range []string{"uploads/1/abc/b.png", "uploads/1/abc/a.txt", "uploads/2/x"} {
		w, _ := s.Create(ctx, k)
		io.WriteString(w, k)
		w.Commit()
	}
	var got []string
	err := s.List(ctx, "uploads/1", func(rel string, size int64) error {
		got = append(got, rel)
		return nil
	})
	if err != nil || len(got) != 2 || got[0] != "abc/a.txt" || got[1] != "abc/b.png" {
		t.Errorf("List = %v, %v", got, err)
	}
	if err := s.List(ctx, "uploads/9", func(string, int64) error { t.Error("listed a missing prefix"); return nil }); err != nil {
		t.Error(err)
	}
}

// TestLocal_TempDir pins that a Local given a TempDir writes its blobs
// there until Commit moves them into Root, and makes no Root/.tmp.
func TestLocal_TempDir(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	s := &blob.Local{Root: root, TempDir: filepath.Join(root, "scratch")}
	w, err := s.Create(ctx, "uploads/1/a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, "hello"); err != nil {
		t.Fatal(err)
	}
	if writing, _ := os.ReadDir(s.TempDir); len(writing) != 1 {
		t.Errorf("%d files in TempDir while writing, want 1", len(writing))
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(s.TempDir); len(left) != 0 {
		t.Errorf("Commit left %d files in TempDir", len(left))
	}
	if _, err := os.Stat(filepath.Join(root, ".tmp")); !os.IsNotExist(err) {
		t.Errorf("Root/.tmp made: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "uploads", "1", "a")); err != nil || string(b) != "hello" {
		t.Errorf("committed blob %q, %v", b, err)
	}
}
