package git

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestBundle_RoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src.git"), filepath.Join(dir, "dst.git")
	if err := Init(ctx, src, "main"); err != nil {
		t.Fatal(err)
	}
	sig := Signature{Name: "T", Email: "t@example.com", When: time.Unix(1700000000, 0)}
	for i, branch := range []string{"main", "main", "feature"} {
		if _, err := CommitFile(ctx, src, branch, "f.txt", []byte{byte('a' + i)}, sig, "c"); err != nil {
			t.Fatal(err)
		}
	}
	bundle := filepath.Join(dir, "project.bundle")
	if err := CreateBundle(ctx, src, bundle); err != nil {
		t.Fatal(err)
	}
	heads, err := VerifyBundle(ctx, bundle)
	if err != nil {
		t.Fatal(err)
	}
	if len(heads) < 2 {
		t.Errorf("bundle heads %v", heads)
	}
	if err := Init(ctx, dst, "main"); err != nil {
		t.Fatal(err)
	}
	if err := FetchBundle(ctx, dst, bundle); err != nil {
		t.Fatal(err)
	}
	want, _ := Refs(ctx, src)
	got, _ := Refs(ctx, dst)
	if !slices.Equal(got, want) || len(got) != 2 {
		t.Errorf("refs after fetch %v, want %v", got, want)
	}
	empty := filepath.Join(dir, "empty.git")
	Init(ctx, empty, "main")
	if err := CreateBundle(ctx, empty, filepath.Join(dir, "e.bundle")); err == nil {
		t.Error("bundle of an empty repository succeeded")
	}
	if _, err := VerifyBundle(ctx, filepath.Join(dir, "f.txt")); err == nil {
		t.Error("verify of a non-bundle succeeded")
	}
}
