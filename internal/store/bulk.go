package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Rows are inserted many to a statement: with one statement a row, the
// database parses and plans the same INSERT for every record, which the
// import's profile showed as a fifth of its time on SQLite.
const (
	bulkRows  = 64      // rows of one statement at most
	bulkBytes = 2 << 20 // and text of at most about this many bytes (a row over it goes alone)
)

// bulkInsert collects rows for table and writes them in as few round
// trips as it can: in a PostgreSQL transaction with one COPY (PostgreSQL
// spent 0.6 s of a small import planning and running 300 multi-row
// INSERTs), elsewhere in multi-row INSERTs, each shape prepared once.
// Call add for each row and then flush; close releases the statements.
type bulkInsert struct {
	q       queries
	table   string
	columns []string
	args    []any
	bytes   int
	stmts   map[int]*sql.Stmt // by number of rows
}

func newBulkInsert(q queries, table string, columns ...string) *bulkInsert {
	return &bulkInsert{q: q, table: table, columns: columns, stmts: map[int]*sql.Stmt{}}
}

// add appends one row (a value for each column) of about size bytes of
// text, writing the rows before it first when the row would overflow
// their INSERT. A COPY takes every row: it streams them.
func (b *bulkInsert) add(ctx context.Context, size int, row ...any) error {
	if n := len(b.args) / len(b.columns); b.q.conn == nil && n > 0 && (n == bulkRows || b.bytes+size > bulkBytes) {
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	b.args = append(b.args, row...)
	b.bytes += size
	return nil
}

// flush writes the rows added since the last flush.
func (b *bulkInsert) flush(ctx context.Context) error {
	n := len(b.args) / len(b.columns)
	if n == 0 {
		return nil
	}
	var err error
	if b.q.conn != nil {
		err = b.copy(ctx, n)
	} else {
		err = b.insert(ctx, n)
	}
	clear(b.args) // let the rows' text go
	b.args, b.bytes = b.args[:0], 0
	return mapError(err)
}

func (b *bulkInsert) insert(ctx context.Context, rows int) error {
	stmt, ok := b.stmts[rows]
	if !ok {
		var err error
		if stmt, err = b.q.w.PrepareContext(ctx, b.q.rebind(b.statement(rows))); err != nil {
			return err
		}
		b.stmts[rows] = stmt
	}
	_, err := stmt.ExecContext(ctx, b.args...)
	return err
}

// copy writes the rows with PostgreSQL's COPY, on the connection of the
// transaction that holds b.q (a COPY is a statement of the transaction
// like any other).
func (b *bulkInsert) copy(ctx context.Context, n int) error {
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = b.args[i*len(b.columns) : (i+1)*len(b.columns)]
	}
	return b.q.conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy into %s: the connection is a %T, not pgx's", b.table, driverConn)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{b.table}, b.columns, pgx.CopyFromRows(rows))
		return err
	})
}

func (b *bulkInsert) statement(rows int) string {
	row := "(?" + strings.Repeat(", ?", len(b.columns)-1) + ")"
	var s strings.Builder
	s.WriteString("INSERT INTO " + b.table + " (" + strings.Join(b.columns, ", ") + ") VALUES ")
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
