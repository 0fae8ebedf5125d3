package store

// SetMatchLimits sets how many matches of a search are read as a list
// (few), as a map (ids) and over how wide a range (span), and returns
// what restores them. A test that calls it must not run in parallel.
func SetMatchLimits(few, ids int, span int64) (restore func()) {
	f, i, s := fewMatches, maxMatchIDs, maxMatchSpan
	fewMatches, maxMatchIDs, maxMatchSpan = few, ids, span
	return func() { fewMatches, maxMatchIDs, maxMatchSpan = f, i, s }
}

// WriterConnections is how many connections db's writer pool holds open.
func WriterConnections(db *DB) int { return db.writer.Stats().OpenConnections }
