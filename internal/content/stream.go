package content

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// streamPage returns pg's page of the records of relation that keep
// accepts (nil keeps all), in archive order, shown by show, and their
// total. Records are decoded one at a time, and with keep nil only those
// on the page; only the page is kept.
func streamPage[R, E any](ctx context.Context, r *Reader, p ferry.Project, relation string, pg store.Page,
	keep func(*R) bool, show func(id int64, rec *R) (E, error)) ([]E, int, error) {
	out, total, from := []E{}, 0, pg.Offset()
	err := r.db.EachRelationRow(ctx, p.ID, relation, func(id int64, data []byte) error {
		onPage := total >= from && len(out) < pg.Limit()
		if keep == nil && !onPage {
			total++
			return nil
		}
		rec, err := decode[R](relation, id, data)
		if err != nil || keep != nil && !keep(rec) {
			return err
		}
		if onPage {
			e, err := show(id, rec)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		total++
		return nil
	})
	return out, total, err
}

// recordByRow returns the record of relation whose row id is id, shown
// by show; only that record is decoded. Returns ferry.ErrNotFound if
// there is none.
func recordByRow[R, E any](ctx context.Context, r *Reader, p ferry.Project, relation string, id int64,
	show func(id int64, rec *R) (E, error)) (E, error) {
	var (
		found E
		ok    bool
	)
	err := r.db.EachRelationRow(ctx, p.ID, relation, func(row int64, data []byte) error {
		if row != id {
			return nil
		}
		rec, err := decode[R](relation, row, data)
		if err == nil {
			found, err = show(row, rec)
		}
		ok = true
		if err == nil {
			err = errStop
		}
		return err
	})
	if err == errStop {
		err = nil
	}
	if err == nil && !ok {
		err = ferry.ErrNotFound
	}
	return found, err
}

// findRecord returns the first record of relation that match accepts,
// shown by show. Returns ferry.ErrNotFound if there is none.
func findRecord[R, E any](ctx context.Context, r *Reader, p ferry.Project, relation string,
	match func(id int64, rec *R) bool, show func(id int64, rec *R) (E, error)) (E, error) {
	var (
		found E
		ok    bool
	)
	err := eachRecord(ctx, r, p, relation, func(id int64, rec *R) (bool, error) {
		if !match(id, rec) {
			return false, nil
		}
		var err error
		found, err = show(id, rec)
		ok = true
		return true, err
	})
	if err == nil && !ok {
		err = ferry.ErrNotFound
	}
	return found, err
}

// errStop ends a walk over a relation early.
var errStop = fmt.Errorf("stop")

// eachRecord decodes each record of relation into an R for fn, until fn
// reports it is done.
func eachRecord[R any](ctx context.Context, r *Reader, p ferry.Project, relation string,
	fn func(id int64, rec *R) (done bool, err error)) error {
	err := r.db.EachRelationRow(ctx, p.ID, relation, func(id int64, data []byte) error {
		rec, err := decode[R](relation, id, data)
		if err != nil {
			return err
		}
		done, err := fn(id, rec)
		if err == nil && done {
			return errStop
		}
		return err
	})
	if err == errStop {
		return nil
	}
	return err
}

// decodeShow decodes one record and shows it.
func decodeShow[R, E any](data []byte, show func(*R) (E, error)) (E, error) {
	var rec R
	if err := json.Unmarshal(data, &rec); err != nil {
		var zero E
		return zero, err
	}
	return show(&rec)
}

// decode is relation's record of row id as an R.
func decode[R any](relation string, id int64, data []byte) (*R, error) {
	var rec R
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("%s record %d: %w", relation, id, err)
	}
	return &rec, nil
}
