package exporter

import (
	"bufio"
	"bytes"
	"io"
	"os"

	"github.com/ferryhq/ferry/internal/archive"
)

// spoolMemory is how much of a relation file a spool keeps in memory
// before it moves to a scratch file.
const spoolMemory = 4 << 20

// spool holds one relation file while it is written, because a tar entry
// needs its size before its data and a filtered relation's size is known
// only once it is written: in memory up to spoolMemory bytes (most
// relations), then in a scratch file in dir. Memory stays bounded
// whatever the relation's size. One spool serves every relation of an
// export in turn (reset), so its buffers and file are made once.
type spool struct {
	dir    string
	mem    bytes.Buffer
	file   *os.File
	w      *bufio.Writer
	size   int64
	onDisk bool
}

func newSpool(dir string) *spool { return &spool{dir: dir} }

// Write appends p.
func (s *spool) Write(p []byte) (int, error) {
	s.size += int64(len(p))
	if s.onDisk {
		return s.w.Write(p)
	}
	if s.mem.Len()+len(p) <= spoolMemory {
		return s.mem.Write(p)
	}
	if s.file == nil {
		f, err := os.CreateTemp(s.dir, "relation-*.ndjson")
		if err != nil {
			return 0, err
		}
		s.file, s.w = f, bufio.NewWriterSize(f, 256<<10)
	}
	s.onDisk = true
	if _, err := s.w.Write(s.mem.Bytes()); err != nil {
		return 0, err
	}
	s.mem.Reset()
	return s.w.Write(p)
}

// reset empties the spool for the next relation.
func (s *spool) reset() error {
	s.mem.Reset()
	s.size = 0
	if !s.onDisk {
		return nil
	}
	s.onDisk = false
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	s.w.Reset(s.file)
	return s.file.Truncate(0)
}

// addTo writes what was spooled to aw as the file name.
func (s *spool) addTo(aw *archive.Writer, name string) error {
	if !s.onDisk {
		return aw.AddBytes(name, s.mem.Bytes())
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return aw.AddFile(name, s.size, s.file)
}

// Close removes the scratch file, if there is one.
func (s *spool) Close() error {
	if s.file == nil {
		return nil
	}
	s.file.Close()
	return os.Remove(s.file.Name())
}
