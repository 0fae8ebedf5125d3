package importer

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"runtime"
	"sync"
)

// Preparers is how many batches are cleaned at once while the previous
// ones are stored: decoding and re-encoding records is the costly part of
// an import, and it runs on every core while the database writes.
var Preparers = max(runtime.GOMAXPROCS(0), 2)

// batch is up to BatchSize lines of one relation on their way through the
// pipeline: read in order, prepared concurrently, stored in order.
type batch struct {
	lines []rawLine
	recs  [][]byte
	fails []lineFailure
	done  chan struct{}
}

type rawLine struct {
	line int
	raw  json.RawMessage
}

type lineFailure struct {
	line int
	err  error
}

// relation stores one relation: a reader feeds batches to Preparers
// goroutines and, in the order read, each prepared batch is stored in one
// transaction and its invalid records recorded as failed relations.
func (r *restore) relation(ctx context.Context, name string) error {
	rd, err := r.openRelation(name)
	if err != nil {
		return permanent(err)
	}
	defer rd.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ordered, work := make(chan *batch, Preparers+1), make(chan *batch, Preparers+1)
	readErr := make(chan error, 1)
	go func() { readErr <- r.read(ctx, rd, name, ordered, work) }()
	var wg sync.WaitGroup
	for range Preparers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				r.prepareBatch(ctx, name, b)
			}
		}()
	}
	err = r.storeInOrder(ctx, name, ordered)
	cancel()
	for range ordered { // let the reader finish after an error
	}
	wg.Wait()
	if rerr := <-readErr; err == nil && rerr != nil && !errors.Is(rerr, context.Canceled) {
		err = rerr
	}
	return err
}

// read splits the relation into batches, counting fetched records.
func (r *restore) read(ctx context.Context, rd interface {
	Next() (int, json.RawMessage, error)
}, name string, ordered, work chan<- *batch) error {
	defer close(ordered)
	defer close(work)
	b := &batch{done: make(chan struct{})}
	send := func() bool {
		select {
		case ordered <- b:
		case <-ctx.Done():
			return false
		}
		select {
		case work <- b:
		case <-ctx.Done():
			return false
		}
		b = &batch{done: make(chan struct{})}
		return true
	}
	for {
		line, raw, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return permanent(err)
		}
		b.lines = append(b.lines, rawLine{line, raw})
		if len(b.lines) == BatchSize && !send() {
			return ctx.Err()
		}
	}
	if len(b.lines) > 0 && !send() {
		return ctx.Err()
	}
	return nil
}

func (r *restore) prepareBatch(ctx context.Context, name string, b *batch) {
	defer close(b.done)
	for _, l := range b.lines {
		rec, err := r.prepare(ctx, name, l.raw)
		if err != nil {
			b.fails = append(b.fails, lineFailure{l.line, err})
			continue
		}
		b.recs = append(b.recs, rec)
	}
	b.lines = nil
}

// storeInOrder stores each prepared batch as it comes, in read order.
func (r *restore) storeInOrder(ctx context.Context, name string, ordered <-chan *batch) error {
	var pos int64
	r.im.Stats.Imported[name] += 0 // listed even when nothing is stored
	for b := range ordered {
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		r.im.Stats.Fetched[name] += int64(len(b.recs) + len(b.fails))
		for _, f := range b.fails {
			if err := r.failed(ctx, name, f.line, f.err); err != nil {
				return err
			}
		}
		if len(b.recs) > 0 {
			if err := r.storeBatch(ctx, name, pos, b.recs); err != nil {
				return err
			}
			pos += int64(len(b.recs))
		}
	}
	return r.w.DB.UpdateImport(ctx, r.im)
}
