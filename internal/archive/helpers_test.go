package archive

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Hostile cases live in testdata/hostile/*.txt, one attack per file, in a
// txtar-like text format:
//
//	# free text (ignored)
//	# want: ErrInsecurePath|ErrCorrupt   sentinel names; any one may match
//	# maxDecompressed: 1048576           Limits.MaxDecompressed (optional)
//	# maxEntries: 3                      Limits.MaxEntries (optional)
//	# mutate: <op>                       optional, repeatable, see below
//	-- NAME [type=T] [target=L] [zeros=N] [fill=N] --
//	content lines (each ends with "\n"), up to the next "-- " line
//
// NAME is taken literally, or Go-unquoted if it starts with a double quote.
// T is file (default), dir, symlink, hardlink, fifo, char or block; L the
// link target; zeros=N / fill=N replace the content with N zero / 'A'
// bytes. Mutations apply to the tar bytes, then to the gzip bytes:
//
//	setsize I N       set the size field of the I-th (0-based, USTAR)
//	                  header to N and fix its checksum
//	settype I C       set the type flag of the I-th header to C, ditto
//	replace "A" "B"   replace Go-quoted A by B in the tar bytes
//	not-gzip          leave the tar uncompressed
//	truncate P        keep only the first P percent of the gzip bytes
type hostileCase struct {
	name    string
	want    []string
	lim     Limits
	mutate  [][]string
	entries []testEntry
}

type testEntry struct {
	name, typ, target string
	data              []byte
	generated         bool // data from zeros=/fill=, not from the text
}

func parseCase(t testing.TB, file string) hostileCase {
	t.Helper()
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c := hostileCase{name: strings.TrimSuffix(filepath.Base(file), ".txt")}
	var cur *testEntry
	for _, line := range strings.SplitAfter(string(text), "\n") {
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(line, " --\n") {
			c.entries = append(c.entries, parseEntryHeader(t, strings.TrimSpace(line[3:len(line)-4])))
			cur = &c.entries[len(c.entries)-1]
			continue
		}
		if cur != nil {
			if !cur.generated {
				cur.data = append(cur.data, line...)
			}
			continue
		}
		key, val, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "#"), ":")
		val = strings.TrimSpace(val)
		switch strings.TrimSpace(key) {
		case "want":
			c.want = strings.Split(val, "|")
		case "maxDecompressed":
			c.lim.MaxDecompressed, _ = strconv.ParseInt(val, 10, 64)
		case "maxEntries":
			c.lim.MaxEntries, _ = strconv.Atoi(val)
		case "mutate":
			c.mutate = append(c.mutate, splitQuoted(t, val))
		default:
			_ = ok // free text
		}
	}
	if len(c.want) == 0 {
		t.Fatalf("%s: no want line", file)
	}
	return c
}

func parseEntryHeader(t testing.TB, s string) testEntry {
	fields := splitQuoted(t, s)
	e := testEntry{name: fields[0], typ: "file", data: []byte{}}
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "type":
			e.typ = v
		case "target":
			e.target = v
		case "zeros", "fill":
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("bad %s", f)
			}
			b := byte(0)
			if k == "fill" {
				b = 'A'
			}
			e.data, e.generated = bytes.Repeat([]byte{b}, n), true
		default:
			t.Fatalf("unknown attribute %q", f)
		}
	}
	return e
}

// splitQuoted splits s at spaces, unquoting Go-quoted fields.
func splitQuoted(t testing.TB, s string) []string {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '"' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				t.Fatalf("bad quoted field in %q", s)
			}
			u, _ := strconv.Unquote(q)
			out, s = append(out, u), s[len(q):]
			continue
		}
		f, rest, _ := strings.Cut(s, " ")
		out, s = append(out, f), rest
	}
	return out
}

type countWriter struct {
	w io.Writer
	n int
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += n
	return n, err
}

// buildTar writes entries as a tar stream and returns it with the offset
// of each entry's (last) header block.
func buildTar(t testing.TB, entries []testEntry) ([]byte, []int) {
	t.Helper()
	var buf bytes.Buffer
	cw := &countWriter{w: &buf}
	tw := tar.NewWriter(cw)
	var offsets []int
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, ModTime: time.Unix(1700000000, 0), Linkname: e.target}
		switch e.typ {
		case "file":
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.data))
		case "dir":
			h.Typeflag = tar.TypeDir
		case "symlink":
			h.Typeflag = tar.TypeSymlink
		case "hardlink":
			h.Typeflag = tar.TypeLink
		case "fifo":
			h.Typeflag = tar.TypeFifo
		case "char", "block":
			h.Typeflag, h.Devmajor, h.Devminor = tar.TypeChar, 1, 3
			if e.typ == "block" {
				h.Typeflag = tar.TypeBlock
			}
		default:
			t.Fatalf("unknown type %q", e.typ)
		}
		if err := tw.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("%q: %v", e.name, err)
		}
		offsets = append(offsets, cw.n-512)
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(e.data); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), offsets
}

func gzipBytes(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// buildCase returns the .tar.gz (or mutated bytes) of a hostile case.
func buildCase(t testing.TB, c hostileCase) []byte {
	t.Helper()
	raw, offsets := buildTar(t, c.entries)
	compress := true
	var post [][]string
	for _, m := range c.mutate {
		switch m[0] {
		case "setsize":
			i, _ := strconv.Atoi(m[1])
			n, _ := strconv.ParseInt(m[2], 10, 64)
			setSize(raw[offsets[i]:offsets[i]+512], n)
		case "settype":
			i, _ := strconv.Atoi(m[1])
			raw[offsets[i]+156] = m[2][0]
			setSize(raw[offsets[i]:offsets[i]+512], -1)
		case "replace":
			raw = bytes.ReplaceAll(raw, []byte(m[1]), []byte(m[2]))
		case "not-gzip":
			compress = false
		default:
			post = append(post, m)
		}
	}
	if !compress {
		return raw
	}
	out := gzipBytes(t, raw)
	for _, m := range post {
		switch m[0] {
		case "truncate":
			p, _ := strconv.Atoi(m[1])
			out = out[:len(out)*p/100]
		default:
			t.Fatalf("unknown mutation %q", m[0])
		}
	}
	return out
}

// setSize rewrites a USTAR header's size field (unless n < 0) and checksum.
func setSize(blk []byte, n int64) {
	if n >= 0 {
		copy(blk[124:136], fmt.Sprintf("%011o\x00", n))
	}
	copy(blk[148:156], "        ")
	sum := 0
	for _, b := range blk {
		sum += int(b)
	}
	copy(blk[148:156], fmt.Sprintf("%06o\x00 ", sum))
}

// listAll returns every path under dir, relative, sorted.
func listAll(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
