package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// copyProgress shows how migrate-store's copy of rows goes, on stderr: a
// progress bar on a terminal, otherwise (a log collector, a file) a plain
// line when a table starts and one every copyLineEvery.
type copyProgress struct {
	w      io.Writer
	bar    *progressbar.ProgressBar // nil: plain lines
	counts map[string]int64
	total  int64
	done   int64
	table  string
	last   time.Time
	every  time.Duration
}

// copyLineEvery is the least time between two plain progress lines.
const copyLineEvery = 5 * time.Second

// newCopyProgress reports the copy of counts (rows per table) to f, with a
// bar when f is a terminal.
func newCopyProgress(f *os.File, counts map[string]int64) *copyProgress {
	p := &copyProgress{w: f, counts: counts, every: copyLineEvery, last: time.Now()}
	for _, n := range counts {
		p.total += n
	}
	if term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(p.total, progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription("copying rows"), progressbar.OptionShowCount(),
			progressbar.OptionShowIts(), progressbar.OptionSetItsString("rows"),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionSetPredictTime(true),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(f) }))
	} else {
		fmt.Fprintf(f, "migrate-store: copying %d rows of %d tables\n", p.total, len(counts))
	}
	return p
}

// row counts one more row of table copied.
func (p *copyProgress) row(table string) {
	p.done++
	if table != p.table {
		p.table = table
		if p.bar != nil {
			p.bar.Describe(table)
		} else {
			fmt.Fprintf(p.w, "migrate-store: copying %s (%d rows)\n", table, p.counts[table])
		}
	}
	if p.bar != nil {
		_ = p.bar.Add64(1)
		return
	}
	if now := time.Now(); now.Sub(p.last) >= p.every {
		p.last = now
		fmt.Fprintf(p.w, "migrate-store: %d of %d rows copied (%d%%)\n", p.done, p.total, p.done*100/max(p.total, 1))
	}
}

// finish ends the bar, or says the copy is over.
func (p *copyProgress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		return
	}
	fmt.Fprintf(p.w, "migrate-store: %d of %d rows copied\n", p.done, p.total)
}
