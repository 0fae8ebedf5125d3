package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/ferryhq/ferry"
)

// meter shows how an export or an import goes, on stderr: a progress bar
// on a terminal (bytes for a transfer, a job's step when the server
// reports one, a spinner with the job's state when it gives no numbers),
// otherwise plain lines: one when something new starts and one every
// meterLineEvery while it runs.
type meter struct {
	w    io.Writer
	tty  bool
	name string // "export", "import"
	bar  *progressbar.ProgressBar
	key  string // what is shown: a transfer, or a state and step
	last time.Time
}

// meterLineEvery is the least time between two plain progress lines.
const meterLineEvery = 5 * time.Second

func newMeter(f *os.File, name string) *meter {
	return &meter{w: f, tty: term.IsTerminal(int(f.Fd())), name: name}
}

// bytes shows a transfer (what: "download", "upload") at done of total
// bytes (total -1: unknown).
func (m *meter) bytes(what string, done, total int64) {
	line := m.name + ": " + transferText(what, done, total)
	m.show("bytes:"+what, m.name+": "+what, total, true, done, line, done == total)
}

// transferText says how a transfer (what) goes: done of total bytes
// (total -1: unknown).
func transferText(what string, done, total int64) string {
	s := what + " " + sizeText(done)
	if total > 0 {
		s += fmt.Sprintf(" of %s (%d%%)", sizeText(total), done*100/total)
	}
	return s
}

// stateText says a job's state with the progress the server gives and
// the records counted so far (-1: none).
func stateText(state string, p *ferry.Progress, records int64) string {
	s := state
	if p != nil && state != "finished" && state != "failed" {
		s += ", " + p.Step
		if p.Item != "" {
			s += fmt.Sprintf(" %s (%d/%d)", p.Item, p.ItemIndex, p.ItemCount)
		}
		if p.TotalBytes > 0 {
			s += fmt.Sprintf(": %s of %s", sizeText(p.DoneBytes), sizeText(p.TotalBytes))
		}
	}
	if records >= 0 {
		s += fmt.Sprintf(", %d records", records)
	}
	return s
}

// state shows a job's state with the progress the server gives (Ferry's
// progress field), or the records counted so far (-1: none).
func (m *meter) state(state string, p *ferry.Progress, records int64) {
	desc := m.name + ": " + state
	key := "state:" + state
	if p != nil && state != "finished" && state != "failed" {
		desc += ", " + p.Step
		key += ":" + p.Step + ":" + p.Item
		if p.Item != "" {
			desc += fmt.Sprintf(" %s (%d/%d)", p.Item, p.ItemIndex, p.ItemCount)
		}
	}
	if records >= 0 {
		desc += fmt.Sprintf(", %d records", records)
	}
	if p != nil && p.TotalBytes > 0 && key != "state:"+state {
		line := desc + fmt.Sprintf(": %s of %s", sizeText(p.DoneBytes), sizeText(p.TotalBytes))
		m.show(key, desc, p.TotalBytes, true, p.DoneBytes, line, false)
		return
	}
	m.show(key, desc, -1, false, 0, desc, false)
}

// show moves the bar (a new one when key changes), or writes line when
// key changes, meterLineEvery has passed or the line is the last.
func (m *meter) show(key, desc string, total int64, bytes bool, done int64, line string, last bool) {
	changed := key != m.key
	m.key = key
	if !m.tty {
		if now := time.Now(); changed || last || now.Sub(m.last) >= meterLineEvery {
			m.last = now
			fmt.Fprintln(m.w, line)
		}
		return
	}
	if changed {
		m.end()
		m.bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(m.w), progressbar.OptionSetDescription(desc),
			progressbar.OptionShowBytes(bytes), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSpinnerType(14), progressbar.OptionSetPredictTime(total > 0), progressbar.OptionFullWidth(),
			progressbar.OptionClearOnFinish())
	}
	m.bar.Describe(desc)
	if total > 0 {
		_ = m.bar.Set64(done)
	} else {
		_ = m.bar.Add64(1) // the spinner turns
	}
}

// end clears the bar.
func (m *meter) end() {
	if m.bar != nil {
		_ = m.bar.Finish()
		m.bar = nil
	}
}

// sizeText is n bytes for people.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
