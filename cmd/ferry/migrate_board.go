package main

import (
	"fmt"
	"io"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/migrate"
)

// board is `ferry migrate`'s display on a terminal: one bar for the
// whole run (projects ended of all, the failures counted) above a line
// per project that is moving, saying its step (exporting, downloading
// bytes, uploading bytes, importing with the records counted,
// verifying). A project that ends leaves a line above the board.
type board struct {
	p   *mpb.Progress
	all *mpb.Bar

	mu     sync.Mutex
	total  int
	ended  int
	failed int
	lines  map[string]*boardLine // by source path
}

// boardLine is one moving project's line.
type boardLine struct {
	bar  *mpb.Bar
	mu   sync.Mutex
	step string // the step's verb: "exporting", "importing", ...
	text string // what the line says after the project's path
}

// String is what the line says.
func (l *boardLine) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.text
}

// boardWidth is the width a board has on a writer that is not a
// terminal (a test's buffer).
const boardWidth = 100

// newBoard draws a board of total projects on w; forceTTY draws it on a
// writer that is not a terminal (tests).
func newBoard(w io.Writer, total int, forceTTY bool) *board {
	opts := []mpb.ContainerOption{mpb.WithOutput(w), mpb.WithWidth(boardWidth)}
	if forceTTY {
		opts = append(opts, mpb.ForceTTY(), mpb.WithAutoRefresh())
	}
	b := &board{p: mpb.New(opts...), total: total, lines: map[string]*boardLine{}}
	b.all = b.p.AddBar(int64(total),
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return b.summary() })),
		mpb.AppendDecorators(decor.Percentage(decor.WC{W: 5})))
	return b
}

// events are the migrator's events drawn on the board.
func (b *board) events() migrate.Events {
	return migrate.Events{
		Step:  b.step,
		Bytes: b.bytes,
		State: b.state,
		Done:  b.done,
	}
}

// summary is the overall bar's text.
func (b *board) summary() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := fmt.Sprintf("migrate: %d of %d projects done", b.ended, b.total)
	if b.failed > 0 {
		s += fmt.Sprintf(", %d failed", b.failed)
	}
	return s
}

// stepVerbs say what a project does in each of the migrator's steps.
var stepVerbs = map[string]string{"export": "exporting", "download": "downloading", "import": "importing",
	"check": "verifying"}

func (b *board) step(it migrate.Item, step string) {
	verb := stepVerbs[step]
	if verb == "" {
		verb = step
	}
	b.set(it, func(l *boardLine) { l.step, l.text = verb, verb })
}

func (b *board) bytes(it migrate.Item, what string, done, total int64) {
	b.set(it, func(l *boardLine) { l.text = transferText(what+"ing", done, total) })
}

func (b *board) state(it migrate.Item, state string, p *ferry.Progress, records int64) {
	b.set(it, func(l *boardLine) { l.text = l.step + ": " + stateText(state, p, records) })
}

// set changes the item's line, adding it when the item starts moving
// (the events of one item come from one goroutine; no lock is held while
// mpb is called, as its renderer calls back into the decorators).
func (b *board) set(it migrate.Item, change func(*boardLine)) {
	name := itemName(it)
	b.mu.Lock()
	l := b.lines[name]
	if l == nil {
		l = &boardLine{step: "moving"}
		b.lines[name] = l
	}
	b.mu.Unlock()
	l.mu.Lock()
	change(l)
	l.mu.Unlock()
	if l.bar == nil {
		l.bar = b.p.New(0, mpb.NopStyle(), mpb.PrependDecorators(decor.Any(func(decor.Statistics) string {
			return "  " + name + ": " + l.String()
		})))
	}
}

// done removes the item's line, notes how it ended above the board and
// moves the overall bar (of projects: a group's step does not count).
func (b *board) done(r migrate.Result, _, _ int) {
	name := itemName(r.Item)
	project := r.Kind == ""
	b.mu.Lock()
	l := b.lines[name]
	delete(b.lines, name)
	if project {
		b.ended++
		if r.Outcome != "migrated" {
			b.failed++
		}
	}
	b.mu.Unlock()
	if l != nil && l.bar != nil {
		l.bar.Abort(true)
	}
	line := name + ": " + r.Outcome
	if r.Error != "" {
		line += " (" + r.Step + ")"
	}
	fmt.Fprintln(b.p, line)
	if project {
		b.all.Increment()
	}
}

// end draws the board a last time (the lines of projects still moving,
// when the run was interrupted, stay) and stops it.
func (b *board) end() {
	b.mu.Lock()
	var moving []*boardLine
	for _, l := range b.lines {
		moving = append(moving, l)
	}
	b.mu.Unlock()
	for _, l := range moving {
		l.bar.Abort(false)
	}
	b.all.Abort(false)
	b.p.Wait()
}
