package git

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrInvalidBundle is wrapped by the errors of VerifyBundle and Unbundle
// for a path that is not a git bundle file. Its text is GitLab's message
// for the same refusal.
var ErrInvalidBundle = errors.New("Invalid bundle file")

// bundleSignatures are the first line of a git bundle, versions 2 and 3.
var bundleSignatures = [][]byte{[]byte("# v2 git bundle\n"), []byte("# v3 git bundle\n")}

// CheckBundleFile returns nil when path is a regular file (not a link, a
// directory or a device) that starts with a git bundle signature, and an
// error wrapping ErrInvalidBundle otherwise. Anything else handed to git
// as a bundle would be taken for a repository: a "gitdir: <path>" file or
// a directory with a commondir file points git at another repository,
// whose refs and objects it would copy.
func CheckBundleFile(path string) error {
	f, err := openBundleFile(path)
	if err != nil {
		return err
	}
	return f.Close()
}

// openBundleFile opens path as CheckBundleFile checks it, and returns the
// file positioned at its start.
func openBundleFile(path string) (*os.File, error) {
	name := filepath.Base(path)
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: %s cannot be opened as a file: %v", ErrInvalidBundle, name, err)
	}
	if err := checkBundleSignature(f, name); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidBundle, name, err)
	}
	return f, nil
}

func checkBundleSignature(f *os.File, name string) error {
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrInvalidBundle, name, err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%w: %s is not a regular file", ErrInvalidBundle, name)
	}
	head := make([]byte, len(bundleSignatures[0]))
	if _, err := io.ReadFull(f, head); err != nil {
		return fmt.Errorf("%w: %s is too short to be a git bundle", ErrInvalidBundle, name)
	}
	for _, sig := range bundleSignatures {
		if bytes.Equal(head, sig) {
			return nil
		}
	}
	return fmt.Errorf("%w: %s does not start with a git bundle signature", ErrInvalidBundle, name)
}

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

// VerifyBundle checks that bundle is a bundle file (CheckBundleFile) that
// git reads as complete, and returns the refs it holds ("<sha> <ref>"
// lines). It works in a throwaway repository under scratchDir.
func VerifyBundle(ctx context.Context, scratchDir, bundle string) ([]string, error) {
	if err := CheckBundleFile(bundle); err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp(scratchDir, "verify-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	repo := filepath.Join(scratch, "r.git")
	if err := Init(ctx, repo, "main"); err != nil {
		return nil, err
	}
	if _, err := inRepo(ctx, repo, nil, nil, "bundle", "verify", "--quiet", bundle); err != nil {
		return nil, fmt.Errorf("%w: git bundle verify: %v", ErrInvalidBundle, err)
	}
	out, err := inRepo(ctx, repo, nil, nil, "bundle", "list-heads", bundle)
	if err != nil {
		return nil, fmt.Errorf("%w: git bundle list-heads: %v", ErrInvalidBundle, err)
	}
	heads := strings.TrimSpace(out)
	if heads == "" {
		return nil, fmt.Errorf("%w: the bundle holds no refs", ErrInvalidBundle)
	}
	return strings.Split(heads, "\n"), nil
}

// Unbundle restores every branch and tag of bundle into the bare
// repository dir (made with Init), keeping refs as they are named in the
// bundle. The bundle must pass CheckBundleFile; git reads it itself,
// never through a transport, so no path can make git read another
// repository. The refs are then created at once, over objects checked to
// be connected, as a fetch would. Errors for a bad bundle wrap
// ErrInvalidBundle.
//
// A v2 bundle without prerequisites (what an export writes) has its pack
// indexed by git index-pack --check-self-contained-and-connected, as git
// clone does: the pack is refused unless every object it names is in it,
// so no separate walk of every object is needed (that walk took as long
// as the indexing). Any other bundle goes through git bundle unbundle and
// that walk.
func Unbundle(ctx context.Context, dir, bundle string) error {
	f, err := openBundleFile(bundle)
	if err != nil {
		return err
	}
	refs, err := unbundleSelfContained(ctx, dir, f)
	f.Close()
	if errors.Is(err, errNotSelfContained) {
		return unbundleChecked(ctx, dir, bundle)
	}
	if err != nil {
		return err
	}
	return createRefs(ctx, dir, refs)
}

// errNotSelfContained says a bundle is not a v2 bundle without
// prerequisites.
var errNotSelfContained = errors.New("not a self-contained v2 bundle")

// maxBundleHeader bounds the ref list read before a bundle's pack.
const maxBundleHeader = 64 << 20

// unbundleSelfContained indexes the pack of f, a checked bundle file at
// its start, into dir when it is a v2 bundle without prerequisites, and
// returns the bundle's "<sha> <ref>" lines.
func unbundleSelfContained(ctx context.Context, dir string, f *os.File) (string, error) {
	br := bufio.NewReader(io.LimitReader(f, maxBundleHeader))
	var refs strings.Builder
	var offset int64
	for first := true; ; first = false {
		line, err := br.ReadString('\n')
		if err != nil {
			return "", errNotSelfContained // let git say what is wrong
		}
		offset += int64(len(line))
		switch {
		case first && line != string(bundleSignatures[0]):
			return "", errNotSelfContained
		case first:
		case line == "\n":
			if _, err := f.Seek(offset, io.SeekStart); err != nil {
				return "", fmt.Errorf("%w: %v", ErrInvalidBundle, err)
			}
			if _, err := inRepoBackground(ctx, dir, f, "index-pack", "--stdin", "--check-self-contained-and-connected"); err != nil {
				return "", fmt.Errorf("%w: git index-pack: %v", ErrInvalidBundle, err)
			}
			return refs.String(), nil
		case strings.HasPrefix(line, "-"):
			return "", errNotSelfContained // prerequisites
		default:
			refs.WriteString(line)
		}
	}
}

// unbundleChecked restores bundle with git bundle unbundle, then checks
// that the objects of every ref are connected.
func unbundleChecked(ctx context.Context, dir, bundle string) error {
	out, err := inRepoBackground(ctx, dir, nil, "bundle", "unbundle", bundle)
	if err != nil {
		return fmt.Errorf("%w: git bundle unbundle: %v", ErrInvalidBundle, err)
	}
	if err := createRefs(ctx, dir, out); err != nil {
		return err
	}
	if _, err := inRepoBackground(ctx, dir, nil, "rev-list", "--objects", "--all", "--quiet"); err != nil {
		return fmt.Errorf("%w: the bundle's objects are not connected: %v", ErrInvalidBundle, err)
	}
	return nil
}

// createRefs creates, in one transaction, the refs/ refs of a bundle's
// "<sha> <ref>" lines (git refuses a ref to an object it does not have).
func createRefs(ctx context.Context, dir, lines string) error {
	var updates strings.Builder
	for line := range strings.Lines(lines) {
		sha, ref, ok := strings.Cut(strings.TrimSpace(line), " ")
		if ok && strings.HasPrefix(ref, "refs/") {
			fmt.Fprintf(&updates, "create %s %s\n", ref, sha)
		}
	}
	if updates.Len() == 0 {
		return fmt.Errorf("%w: the bundle holds no refs", ErrInvalidBundle)
	}
	if _, err := inRepo(ctx, dir, strings.NewReader(updates.String()), nil, "update-ref", "--stdin"); err != nil {
		return fmt.Errorf("%w: refs of the bundle: %v", ErrInvalidBundle, err)
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
