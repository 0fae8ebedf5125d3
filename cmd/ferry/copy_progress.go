package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// copyProgress shows how one of migrate-store's copies (rows, or the
// bytes of the stored files) goes, on stderr: a progress bar on a
// terminal, otherwise (a log collector, a file) a plain line when a part
// starts and one every copyLineEvery.
type copyProgress struct {
	w     io.Writer
	bar   *progressbar.ProgressBar // nil: plain lines
	unit  string                   // "rows" or "bytes"
	total int64
	done  int64
	last  time.Time
}

// copyLineEvery is the least time between two plain progress lines.
const copyLineEvery = 5 * time.Second

// newCopyProgress reports a copy of total units (what says of what) to f,
// with a bar when f is a terminal.
func newCopyProgress(f *os.File, what, unit string, total int64) *copyProgress {
	p := &copyProgress{w: f, unit: unit, total: total, last: time.Now()}
	if term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription(what),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString(unit),
			progressbar.OptionShowBytes(unit == "bytes"), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true), progressbar.OptionOnCompletion(func() { fmt.Fprintln(f) }))
	} else {
		fmt.Fprintf(f, "migrate-store: copying %s (%d %s)\n", what, total, unit)
	}
	return p
}

// part says that the copy of part (a table) begins, of n units.
func (p *copyProgress) part(part string, n int64) {
	if p.bar != nil {
		p.bar.Describe(part)
		return
	}
	fmt.Fprintf(p.w, "migrate-store: copying %s (%d %s)\n", part, n, p.unit)
}

// add counts n more units copied.
func (p *copyProgress) add(n int64) {
	p.done += n
	if p.bar != nil {
		_ = p.bar.Add64(n)
		return
	}
	if now := time.Now(); now.Sub(p.last) >= copyLineEvery {
		p.last = now
		fmt.Fprintf(p.w, "migrate-store: %d of %d %s copied (%d%%)\n", p.done, p.total, p.unit, p.done*100/max(p.total, 1))
	}
}

// finish ends the bar, or says the copy is over.
func (p *copyProgress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		return
	}
	fmt.Fprintf(p.w, "migrate-store: %d of %d %s copied\n", p.done, p.total, p.unit)
}
