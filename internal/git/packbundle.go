package git

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/renameio/v2"
)

// Bundle is a git bundle of every ref of a repository, ready to be
// copied: Size bytes, read from it in one pass. Close releases it.
type Bundle struct {
	Size int64
	// FromPack is true when the bundle is the repository's own pack file
	// behind a header, false when git bundle create wrote it.
	FromPack bool
	r        io.Reader
	file     *os.File
	remove   string // a file to delete on Close
}

func (b *Bundle) Read(p []byte) (int, error) { return b.r.Read(p) }

// Close releases the bundle's file (and deletes it when it was written
// for the bundle).
func (b *Bundle) Close() error {
	err := b.file.Close()
	if b.remove != "" {
		os.Remove(b.remove)
	}
	return err
}

// OpenBundle returns a bundle of every ref of the bare repository dir,
// with the refs and objects of `git bundle create --all` (what GitLab's
// export writes). A repository that holds exactly its reachable objects
// in one pack, as an import leaves it, needs no git bundle create: the
// bundle is a header naming the refs followed by that pack file, read in
// place. Any other repository (loose objects, several packs, objects no
// ref reaches any more, SHA-256) is bundled by git into a file under
// scratch, removed on Close. Check HasCommits first: an empty repository
// has no bundle.
func OpenBundle(ctx context.Context, dir, scratch string) (*Bundle, error) {
	b, err := packBundle(ctx, dir)
	if err != nil && !errors.Is(err, errNotPacked) {
		return nil, err
	}
	if b != nil {
		return b, nil
	}
	f, err := os.CreateTemp(scratch, "bundle-*")
	if err != nil {
		return nil, fmt.Errorf("bundle of %s: %w", dir, err)
	}
	path := f.Name()
	f.Close()
	if err := CreateBundle(ctx, dir, path); err != nil {
		os.Remove(path)
		return nil, err
	}
	if f, err = os.Open(path); err == nil {
		var info os.FileInfo
		if info, err = f.Stat(); err == nil {
			return &Bundle{Size: info.Size(), r: f, file: f, remove: path}, nil
		}
		f.Close()
	}
	os.Remove(path)
	return nil, fmt.Errorf("bundle of %s: %w", dir, err)
}

// errNotPacked says a repository's objects are not exactly one pack of
// its reachable objects.
var errNotPacked = errors.New("not one pack of reachable objects")

// packBundle makes the bundle of dir from its one pack, or returns
// errNotPacked. The pack is the bundle's only when it holds every object
// the refs reach and nothing else: the repository has no loose objects,
// no other pack and no alternates, and the pack's object count is the
// count of objects reachable from the refs (every reachable object being
// in the pack, equal counts make equal sets). An object no ref reaches any
// more, a deleted branch's say, is never exported. The count is skipped
// when the repository's mark says it was made for the same pack and refs
// (see reachableMarkFile), and recorded when it is made. The pack is opened
// before the refs are read and checked to be still the only one after, so
// a push in between falls back to git bundle create.
func packBundle(ctx context.Context, dir string) (b *Bundle, err error) {
	pack, err := onlyPack(dir)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(pack)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errNotPacked, err)
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	objects, err := packObjectCount(f)
	if err != nil {
		return nil, err
	}
	header, tips, err := bundleHeader(ctx, dir)
	if err != nil {
		return nil, err
	}
	mark := reachableMark(pack, header)
	mustCount := !hasReachableMark(dir, mark)
	if mustCount {
		out, err := inRepo(ctx, dir, strings.NewReader(strings.Join(tips, "\n")+"\n"), nil,
			"rev-list", "--objects", "--count", "--stdin")
		if err != nil {
			return nil, fmt.Errorf("git rev-list in %s: %w", dir, err)
		}
		reachable, err := strconv.ParseUint(strings.TrimSpace(out), 10, 64)
		if err != nil || reachable != uint64(objects) {
			return nil, errNotPacked
		}
	}
	if again, err := onlyPack(dir); err != nil || again != pack {
		return nil, errNotPacked
	}
	if mustCount {
		writeReachableMark(dir, mark)
	}
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("bundle of %s: %w", dir, err)
	}
	return &Bundle{Size: int64(len(header)) + info.Size(), FromPack: true,
		r: io.MultiReader(bytes.NewReader(header), f), file: f}, nil
}

// reachableMarkFile, in a repository, records the last pack and refs
// packBundle found to be exactly the reachable objects and their tips, so
// that the next bundle of an unchanged repository skips the count (the
// walk of every object, most of a small export's git time). A pack's name
// is its content's hash and the header names every ref and HEAD, so while
// both are the same the reachable objects are the same.
const reachableMarkFile = "ferry-reachable"

// reachableMark is the mark for pack counted under header.
func reachableMark(pack string, header []byte) []byte {
	sum := sha256.Sum256(header)
	return []byte(filepath.Base(pack) + " " + hex.EncodeToString(sum[:]) + "\n")
}

func hasReachableMark(dir string, mark []byte) bool {
	got, err := os.ReadFile(filepath.Join(dir, reachableMarkFile))
	return err == nil && bytes.Equal(got, mark)
}

// writeReachableMark replaces dir's mark whole. The mark only saves work,
// so failing to write it is not an error: the next bundle counts again.
func writeReachableMark(dir string, mark []byte) {
	_ = renameio.WriteFile(filepath.Join(dir, reachableMarkFile), mark, 0o600)
}

// MarkReachable records, when dir holds exactly its reachable objects in
// one pack (as an import leaves it), that it does, so that its first
// export need not count them: an import calls it once it is finished.
func MarkReachable(ctx context.Context, dir string) error {
	b, err := packBundle(ctx, dir)
	if errors.Is(err, errNotPacked) {
		return nil
	}
	if err != nil {
		return err
	}
	return b.Close()
}

// onlyPack returns the path of the repository's one pack file, or
// errNotPacked when it has loose objects, alternates, a promisor pack or
// other than one pack.
func onlyPack(dir string) (string, error) {
	objects := filepath.Join(dir, "objects")
	for _, name := range []string{"info/alternates", "info/http-alternates"} {
		if _, err := os.Lstat(filepath.Join(objects, name)); !errors.Is(err, os.ErrNotExist) {
			return "", errNotPacked
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, "shallow")); !errors.Is(err, os.ErrNotExist) {
		return "", errNotPacked
	}
	entries, err := os.ReadDir(objects)
	if err != nil {
		return "", fmt.Errorf("%w: %v", errNotPacked, err)
	}
	for _, e := range entries {
		if len(e.Name()) != 2 || !e.IsDir() {
			continue
		}
		loose, err := os.ReadDir(filepath.Join(objects, e.Name()))
		if err != nil || len(loose) > 0 {
			return "", errNotPacked
		}
	}
	packs, err := os.ReadDir(filepath.Join(objects, "pack"))
	if err != nil {
		return "", fmt.Errorf("%w: %v", errNotPacked, err)
	}
	var pack string
	for _, e := range packs {
		switch name := e.Name(); {
		case strings.HasSuffix(name, ".promisor"):
			return "", errNotPacked
		case strings.HasSuffix(name, ".pack"):
			if pack != "" {
				return "", errNotPacked
			}
			pack = filepath.Join(objects, "pack", name)
		}
	}
	if pack == "" {
		return "", errNotPacked
	}
	if _, err := os.Stat(strings.TrimSuffix(pack, ".pack") + ".idx"); err != nil {
		return "", errNotPacked
	}
	return pack, nil
}

// packObjectCount reads the object count from a pack file's header
// ("PACK", version 2 or 3, count), without moving f's offset.
func packObjectCount(f *os.File) (uint32, error) {
	var head [12]byte
	if _, err := f.ReadAt(head[:], 0); err != nil {
		return 0, errNotPacked
	}
	version := binary.BigEndian.Uint32(head[4:8])
	if string(head[:4]) != "PACK" || (version != 2 && version != 3) {
		return 0, errNotPacked
	}
	return binary.BigEndian.Uint32(head[8:12]), nil
}

// bundleHeader returns a v2 bundle header of every ref of dir and HEAD,
// in git bundle create --all's order (refs by name, then HEAD), and the
// objects they name. A SHA-256 repository, a symbolic ref other than HEAD
// or a HEAD that names no commit gives errNotPacked: git bundle create
// decides those.
func bundleHeader(ctx context.Context, dir string) ([]byte, []string, error) {
	out, err := inRepo(ctx, dir, nil, nil, "rev-parse", "--show-object-format", "--verify", "-q", "HEAD")
	if err != nil {
		return nil, nil, errNotPacked
	}
	lines := strings.Fields(out)
	if len(lines) != 2 || lines[0] != "sha1" {
		return nil, nil, errNotPacked
	}
	head := lines[1]
	out, err = inRepo(ctx, dir, nil, nil, "for-each-ref", "--format=%(objectname) %(refname) %(symref)")
	if err != nil {
		return nil, nil, fmt.Errorf("git for-each-ref in %s: %w", dir, err)
	}
	var header bytes.Buffer
	header.WriteString("# v2 git bundle\n")
	var tips []string
	for line := range strings.Lines(out) {
		fields := strings.Fields(line)
		if len(fields) != 2 {
			return nil, nil, errNotPacked // a symbolic ref
		}
		header.WriteString(fields[0] + " " + fields[1] + "\n")
		tips = append(tips, fields[0])
	}
	header.WriteString(head + " HEAD\n\n")
	return header.Bytes(), append(tips, head), nil
}
