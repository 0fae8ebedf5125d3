package exporter

import "context"

// aheadBatch is how many bytes of records the database reader hands over
// at a time; at most three batches are read ahead of the filter.
const aheadBatch = 1 << 20

// eachAhead calls fn with each stored record of one relation in order, as
// DB.EachRelationRecord does, but reads the database on another goroutine,
// a few batches ahead of fn, so that reading and filtering overlap. Memory
// stays bounded: at most about four batches are held at once.
func (w *Worker) eachAhead(ctx context.Context, projectID int64, relation string, fn func(data []byte) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan [][]byte, 2)
	read := make(chan error, 1)
	go func() {
		defer close(batches)
		var batch [][]byte
		size := 0
		send := func() error {
			select {
			case batches <- batch:
				batch, size = nil, 0
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := w.DB.EachRelationRecord(ctx, projectID, relation, func(data []byte) error {
			batch, size = append(batch, data), size+len(data)
			if size >= aheadBatch {
				return send()
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			err = send()
		}
		read <- err
	}()
	var err error
	for batch := range batches {
		for _, data := range batch {
			if err == nil {
				err = fn(data)
			}
		}
		if err != nil {
			cancel() // the reader stops; the loop drains what it sent
		}
	}
	if rerr := <-read; err == nil {
		err = rerr
	}
	return err
}
