package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"
)

// minSearchTerm is GitLab's Gitlab::SQL::Pattern
// MIN_CHARS_FOR_PARTIAL_MATCHING: shorter terms are not searched for.
const minSearchTerm = 3

// maxSearchWords is how many indexed words one run of a term may expand
// to before the search gives up the index for that term and reads the text.
const maxSearchWords = 256

// searchTerms reads a search as GitLab's fuzzy search does
// (Gitlab::SQL::Pattern, lib/gitlab/sql/pattern.rb): the query squished,
// "quoted phrases" (between spaces) kept whole, the rest split at spaces,
// and only terms of at least three characters kept; each must appear in
// the column, in any letter case. When no term is that long, exact is the
// whole query, which the column must equal (in any letter case).
func searchTerms(search string) (terms []string, exact string) {
	query := strings.Join(strings.Fields(search), " ")
	var quoted []string
	var rest strings.Builder
	for i := 0; i < len(query); i++ {
		if query[i] == '"' && (i == 0 || query[i-1] == ' ') {
			if j := strings.IndexByte(query[i+1:], '"'); j > 0 && (i+j+2 == len(query) || query[i+j+2] == ' ') {
				quoted = append(quoted, query[i+1:i+1+j])
				i += j + 1
				continue
			}
		}
		rest.WriteByte(query[i])
	}
	for _, t := range append(strings.Fields(rest.String()), quoted...) {
		if utf8.RuneCountInString(t) >= minSearchTerm {
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return nil, query
	}
	return terms, ""
}

// searchColumns are the columns a search looks in (SearchIn).
func (f IssuableFilter) searchColumns() []string {
	if f.SearchIn == "title" || f.SearchIn == "description" {
		return []string{f.SearchIn}
	}
	return []string{"title", "description"}
}

// searchConditions adds f.Search: for some column, every term in it (or
// the column equal to the exact query). On PostgreSQL each is a LIKE,
// which pg_trgm's indexes answer (migration 0016). On SQLite the words
// index (issuables_search) selects the candidates: a term of letters and
// digits appears in a text exactly when a word of it contains the term;
// the other terms are read in the text too. The index query is evaluated
// first (matchRows), so that the list reads what it matches as fits
// their number.
func (q queries) searchConditions(ctx context.Context, f IssuableFilter, c *conds) error {
	terms, exact := searchTerms(f.Search)
	if len(terms) == 0 && exact == "" {
		return nil // only spaces: GitLab searches for nothing (blank)
	}
	words := map[string][]string{}
	var cols []searchPart
	var matches []string // per column, when no column needs more than the index
	indexOnly := q.dialect == SQLite
	for _, col := range f.searchColumns() {
		p, err := q.searchColumn(ctx, col, terms, exact, words)
		if err != nil {
			return err
		}
		if !p.never {
			cols = append(cols, p)
			matches = append(matches, p.match)
			indexOnly = indexOnly && p.match != "" && len(p.likes) == 0
		}
	}
	switch {
	case len(cols) == 0:
		c.add("1 = 0")
	case indexOnly:
		match := strings.Join(matches, " OR ")
		m, err := q.matchRows(ctx, match)
		if err != nil {
			return err
		}
		if !m.drive(c) {
			cond, args := m.cond(match)
			c.add(cond, args...)
		}
	default:
		var parts []string
		var args []any
		for _, p := range cols {
			cond, cargs := p.likes, p.likeArgs
			if p.match != "" {
				m, err := q.matchRows(ctx, p.match)
				if err != nil {
					return err
				}
				mc, margs := m.cond(p.match)
				cond, cargs = append([]string{mc}, cond...), append(margs, cargs...)
			}
			parts = append(parts, "("+strings.Join(cond, " AND ")+")")
			args = append(args, cargs...)
		}
		c.add("("+strings.Join(parts, " OR ")+")", args...)
	}
	return nil
}

const searchMatch = `i.id IN (SELECT rowid FROM issuables_search WHERE issuables_search MATCH ?)`

// searchPart is what one column must meet: the index query match (SQLite;
// "" for none) and LIKE conditions on its text; never when no row can.
type searchPart struct {
	match    string
	likes    []string
	likeArgs []any
	never    bool
}

func (p *searchPart) like(col, pattern string) {
	p.likes = append(p.likes, `lower(i.`+col+`) LIKE ? ESCAPE '\'`)
	p.likeArgs = append(p.likeArgs, pattern)
}

func (q queries) searchColumn(ctx context.Context, col string, terms []string, exact string, words map[string][]string) (searchPart, error) {
	var p searchPart
	var match []string
	if exact != "" {
		p.like(col, likeEscape(strings.ToLower(exact)))
		if runs, ok := wordRuns(exact); ok && q.dialect == SQLite {
			for _, r := range runs { // each a whole word of a text equal to the query
				match = append(match, `"`+r+`"`)
			}
		}
	}
	for _, t := range terms {
		runs, ok := wordRuns(t)
		whole := ok && len(runs) == 1 && runs[0] == strings.ToLower(t)
		if !ok || q.dialect != SQLite {
			p.like(col, "%"+likeEscape(strings.ToLower(t))+"%")
			continue
		}
		for _, r := range runs {
			if len(r) < minSearchTerm {
				whole = false
				continue
			}
			found, err := q.searchWords(ctx, r, words)
			if err != nil {
				return p, err
			}
			if len(found) == 0 {
				return searchPart{never: true}, nil
			}
			if len(found) > maxSearchWords {
				whole = false
				continue
			}
			match = append(match, `("`+strings.Join(found, `" OR "`)+`")`)
		}
		if !whole {
			p.like(col, "%"+likeEscape(strings.ToLower(t))+"%")
		}
	}
	if len(match) > 0 {
		p.match = "{" + col + "}: (" + strings.Join(match, " AND ") + ")"
	}
	return p, nil
}

// wordRuns returns the runs of ASCII letters and digits of s, lowercased:
// the index's words, as its tokenizer (unicode61) splits and folds them.
// ok is false when s holds other than ASCII, whose folding the search
// leaves to the text.
func wordRuns(s string) (runs []string, ok bool) {
	start := -1
	for i := 0; i <= len(s); i++ {
		alnum := false
		if i < len(s) {
			b := s[i]
			if b >= utf8.RuneSelf {
				return nil, false
			}
			alnum = b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
		}
		switch {
		case alnum && start < 0:
			start = i
		case !alnum && start >= 0:
			runs = append(runs, strings.ToLower(s[start:i]))
			start = -1
		}
	}
	return runs, true
}

// searchWords returns the indexed words that contain run (up to one more
// than maxSearchWords), remembered in seen for the request.
func (q queries) searchWords(ctx context.Context, run string, seen map[string][]string) ([]string, error) {
	if w, ok := seen[run]; ok {
		return w, nil
	}
	rows, err := q.query(ctx, `SELECT word FROM issuables_words WHERE word LIKE ? LIMIT ?`, "%"+run+"%", maxSearchWords+1)
	if err != nil {
		return nil, fmt.Errorf("search words: %w", err)
	}
	w, err := collect(rows, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	seen[run] = w
	return w, err
}

// IndexIssuableSearch adds project's issues and merge requests to the
// search index in one pass, once they are stored (SQLite; PostgreSQL's
// indexes keep themselves). Rows already indexed are indexed again, so
// that a resumed import can run it twice.
func (q queries) IndexIssuableSearch(ctx context.Context, projectID int64) error {
	if q.dialect != SQLite {
		return nil
	}
	for _, stmt := range []string{
		`DELETE FROM issuables_search WHERE rowid IN (SELECT id FROM issuables WHERE project_id = ?)`,
		`INSERT INTO issuables_search (rowid, title, description) SELECT id, title, description FROM issuables WHERE project_id = ?`,
	} {
		if _, err := q.exec(ctx, stmt, projectID); err != nil {
			return fmt.Errorf("index the search of project %d: %w", projectID, err)
		}
	}
	return q.indexSearchWords(ctx)
}

// indexSearchWords adds the index's new words to issuables_words.
func (q queries) indexSearchWords(ctx context.Context) error {
	if _, err := q.exec(ctx, `INSERT OR IGNORE INTO issuables_words (word) SELECT term FROM issuables_search_vocab`); err != nil {
		return fmt.Errorf("index the search words: %w", err)
	}
	return nil
}
