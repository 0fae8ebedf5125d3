package git

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CreateBundle writes a bundle of every ref of the bare repository dir to
// dest, as GitLab's export does (`git bundle create - --all`). Returns an
// error for an empty repository (git refuses to make an empty bundle):
// check HasCommits first.
func CreateBundle(ctx context.Context, dir, dest string) error {
	if _, err := inRepo(ctx, dir, nil, nil, "bundle", "create", dest, "--all"); err != nil {
		return fmt.Errorf("git bundle create %s: %w", dir, err)
	}
	return nil
}

// VerifyBundle checks that bundle is a complete, readable bundle and
// returns the refs it holds ("<sha> <ref>" lines).
func VerifyBundle(ctx context.Context, bundle string) ([]string, error) {
	scratch, err := os.MkdirTemp("", "ferry-verify-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	repo := filepath.Join(scratch, "r.git")
	if err := Init(ctx, repo, "main"); err != nil {
		return nil, err
	}
	if _, err := inRepo(ctx, repo, nil, nil, "bundle", "verify", "--quiet", bundle); err != nil {
		return nil, fmt.Errorf("git bundle verify: %w", err)
	}
	out, err := inRepo(ctx, repo, nil, nil, "bundle", "list-heads", bundle)
	if err != nil {
		return nil, fmt.Errorf("git bundle list-heads: %w", err)
	}
	heads := strings.TrimSpace(out)
	if heads == "" {
		return nil, errors.New("git bundle verify: the bundle holds no refs")
	}
	return strings.Split(heads, "\n"), nil
}

// FetchBundle fetches every branch and tag of bundle into the bare
// repository dir (made with Init), keeping refs as they are named in the
// bundle.
func FetchBundle(ctx context.Context, dir, bundle string) error {
	if _, err := inRepo(ctx, dir, nil, nil, "fetch", "--quiet", "--no-write-fetch-head", bundle,
		"+refs/*:refs/*"); err != nil {
		return fmt.Errorf("git fetch bundle into %s: %w", dir, err)
	}
	return nil
}

// Refs returns every ref of the bare repository dir as "<sha> <ref>" lines,
// sorted by ref name.
func Refs(ctx context.Context, dir string) ([]string, error) {
	out, err := inRepo(ctx, dir, nil, nil, "for-each-ref", "--format=%(objectname) %(refname)", "--sort=refname")
	if err != nil {
		return nil, fmt.Errorf("git for-each-ref %s: %w", dir, err)
	}
	out = strings.TrimSpace(out)
	if out == "" {
		return nil, nil
	}
	return strings.Split(out, "\n"), nil
}
