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
// total. Records are decoded one at a time; only the page is kept.
func streamPage[R, E any](ctx context.Context, r *Reader, p ferry.Project, relation string, pg store.Page,
	keep func(*R) bool, show func(id int64, rec *R) (E, error)) ([]E, int, error) {
	out, total, from := []E{}, 0, pg.Offset()
	err := eachRecord(ctx, r, p, relation, func(id int64, rec *R) (bool, error) {
		if keep != nil && !keep(rec) {
			return false, nil
		}
		if total >= from && len(out) < pg.Limit() {
			e, err := show(id, rec)
			if err != nil {
				return true, err
			}
			out = append(out, e)
		}
		total++
		return false, nil
	})
	return out, total, err
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
		var rec R
		if err := json.Unmarshal(data, &rec); err != nil {
			return fmt.Errorf("%s record %d: %w", relation, id, err)
		}
		done, err := fn(id, &rec)
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

// byRow matches the record of row id.
func byRow[R any](id int64) func(int64, *R) bool {
	return func(row int64, _ *R) bool { return row == id }
}
