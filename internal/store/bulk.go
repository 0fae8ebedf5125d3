package store

import (
	"context"
	"database/sql"
	"strings"
)

// Rows are inserted many to a statement: with one statement a row, the
// database parses and plans the same INSERT for every record, which the
// import's profile showed as a fifth of its time on SQLite.
const (
	bulkRows  = 64      // rows of one statement at most
	bulkBytes = 2 << 20 // and text of at most about this many bytes (a row over it goes alone)
)

// bulkInsert collects the rows of one INSERT (head is "INSERT INTO t (a,
// b)") and runs them in multi-row statements, each shape prepared once.
// Call add for each row and then flush; close releases the statements.
type bulkInsert struct {
	q     queries
	head  string
	cols  int
	args  []any
	bytes int
	stmts map[int]*sql.Stmt // by number of rows
}

func newBulkInsert(q queries, head string, cols int) *bulkInsert {
	return &bulkInsert{q: q, head: head, cols: cols, stmts: map[int]*sql.Stmt{}}
}

// add appends one row (cols values) of about size bytes of text, running
// the statement first when the row would overflow it.
func (b *bulkInsert) add(ctx context.Context, size int, row ...any) error {
	if n := len(b.args) / b.cols; n > 0 && (n == bulkRows || b.bytes+size > bulkBytes) {
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	b.args = append(b.args, row...)
	b.bytes += size
	return nil
}

// flush runs the rows added since the last flush.
func (b *bulkInsert) flush(ctx context.Context) error {
	n := len(b.args) / b.cols
	if n == 0 {
		return nil
	}
	stmt, ok := b.stmts[n]
	if !ok {
		var err error
		if stmt, err = b.q.w.PrepareContext(ctx, b.q.rebind(b.statement(n))); err != nil {
			return mapError(err)
		}
		b.stmts[n] = stmt
	}
	_, err := stmt.ExecContext(ctx, b.args...)
	clear(b.args) // let the rows' text go
	b.args, b.bytes = b.args[:0], 0
	return mapError(err)
}

func (b *bulkInsert) statement(rows int) string {
	row := "(?" + strings.Repeat(", ?", b.cols-1) + ")"
	var s strings.Builder
	s.Grow(len(b.head) + 8 + rows*(len(row)+2))
	s.WriteString(b.head)
	s.WriteString(" VALUES ")
	for i := range rows {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString(row)
	}
	return s.String()
}

func (b *bulkInsert) close() {
	for _, s := range b.stmts {
		s.Close()
	}
}
