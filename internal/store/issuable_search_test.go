package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// searchRows stores issues of project p with these titles and
// descriptions (iid 1, 2, ...) and indexes them for search.
func searchRows(t *testing.T, db *store.DB, p int64, texts [][2]string) {
	t.Helper()
	ctx := context.Background()
	var rows []store.Issuable
	for i, tx := range texts {
		at := fmt.Sprintf("2020-01-01T00:00:%02d.000Z", i)
		rows = append(rows, store.Issuable{ProjectID: p, Kind: store.IssueKind, IID: int64(i + 1), Position: int64(i),
			State: "opened", Title: tx[0], Description: tx[1], CreatedAt: at, UpdatedAt: at, Labels: []string{}})
	}
	if err := db.InsertIssuables(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if err := db.IndexIssuableSearch(ctx, p); err != nil {
		t.Fatal(err)
	}
}

func searchIIDs(t *testing.T, db *store.DB, f store.IssuableFilter) []int64 {
	t.Helper()
	f.Kind, f.Admin, f.Sort, f.Page = store.IssueKind, true, "asc", store.Page{Number: 1, PerPage: 100}
	got, _, err := db.ListIssuables(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	iids := []int64{}
	for _, r := range got {
		iids = append(iids, r.IID)
	}
	return iids
}

// searchTexts are the titles and descriptions of TestStore_SearchIssuables'
// issues, and searchCases what searches find among them.
var (
	searchTexts = [][2]string{
		{"Timeout in the CACHE index", "retry later"},              // 1
		{"cache", "rebuild the index"},                             // 2
		{"AB", "index cache"},                                      // 3
		{"ab cd", "release v1.2.3 of foo-bar"},                     // 4
		{"Grüße aus Köln", "100% done, see https://example.com/x"}, // 5
		{"foo bar", "naïve timeouts"},                              // 6
	}
	searchCases = []struct {
		name   string
		search string
		in     string
		want   []int64
	}{
		{"Word", "timeout", "", []int64{1, 6}},
		{"InsideAWord", "MEOU", "", []int64{1, 6}},
		{"AnyCase", "cAcHe", "", []int64{1, 2, 3}},
		{"TermsInOneColumn", "cache index", "", []int64{1, 3}},
		{"TermsInTitle", "cache index", "title", []int64{1}},
		{"TermsInDescription", "index cache", "description", []int64{3}},
		{"ShortTermsDropped", "a cache an index", "", []int64{1, 3}},
		{"QuotedPhrase", `"index cache"`, "", []int64{3}},
		{"QuotedPhraseAndWord", `retry "cache index"`, "", []int64{}},
		{"ShortIsExact", "ab", "", []int64{3}},
		{"ShortPhraseIsExact", "AB CD", "", []int64{4}},
		{"ShortIsNotPartial", "a", "", []int64{}},
		{"Punctuation", "v1.2", "", []int64{4}},
		{"Hyphen", "foo-bar", "", []int64{4}},
		{"HyphenIsNotSpace", "o-b", "", []int64{4}},
		{"Percent", "00%", "", []int64{5}},
		{"URL", "://example.com/", "", []int64{5}},
		{"NonASCII", "grüße", "", []int64{5}},
		{"NonASCIIInsideWord", "aïv", "", []int64{6}},
		{"NoSuchWord", "zebra", "", []int64{}},
		{"OneTermMissing", "cache zebra", "", []int64{}},
		{"Blank", "   ", "", []int64{1, 2, 3, 4, 5, 6}},
	}
)

// TestStore_SearchIssuables pins GitLab's fuzzy search
// (Gitlab::SQL::Pattern): terms of three characters or more, in any
// letter case and anywhere in a word, all in the title or all in the
// description; shorter terms dropped; a query without such a term equal
// to the whole text; "quoted" phrases kept whole. The same on both
// dialects, with or without the words index.
func TestStore_SearchIssuables(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	u := newUser(t, db, "alice")
	p := newProject(t, db, u)
	searchRows(t, db, p.ID, searchTexts)
	for _, tt := range searchCases {
		t.Run(tt.name, func(t *testing.T) {
			got := searchIIDs(t, db, store.IssuableFilter{ProjectID: p.ID, Search: tt.search, SearchIn: tt.in})
			if !slices.Equal(got, tt.want) {
				t.Errorf("search %q in %q: iids %v, want %v", tt.search, tt.in, got, tt.want)
			}
		})
	}

	// A deleted project's rows leave the index: a later project's rows
	// (which SQLite may give the same ids) are not found by its words.
	if err := db.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	p2 := newProject(t, db, u)
	if err := db.InsertIssuables(ctx, []store.Issuable{{ProjectID: p2.ID, Kind: store.IssueKind, IID: 1, State: "opened",
		Title: "other", Description: "", CreatedAt: "2020", UpdatedAt: "2020", Labels: []string{}}}); err != nil {
		t.Fatal(err)
	}
	if got := searchIIDs(t, db, store.IssuableFilter{ProjectID: p2.ID, Search: "timeout"}); len(got) != 0 {
		t.Errorf("a deleted project's words find %v", got)
	}
	// A project indexed twice (a resumed import) is found once.
	for range 2 {
		if err := db.IndexIssuableSearch(ctx, p2.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := searchIIDs(t, db, store.IssuableFilter{ProjectID: p2.ID, Search: "other"}); !slices.Equal(got, []int64{1}) {
		t.Errorf("indexed twice: %v, want [1]", got)
	}
}

// TestStore_ListIssuablesCountLimit pins counting up to a limit: past it
// the total is not counted, and the page tells whether pages follow and
// precede it (none for an empty page).
func TestStore_ListIssuablesCountLimit(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	u := newUser(t, db, "alice")
	p := newProject(t, db, u)
	searchRows(t, db, p.ID, [][2]string{{"a", ""}, {"b", ""}, {"c", ""}, {"d", ""}, {"e", ""}})
	for _, tt := range []struct {
		name     string
		limit    int
		page     store.Page
		want     store.ListTotal
		wantRows int
	}{
		{"Exact", 0, store.Page{Number: 1, PerPage: 2}, store.ListTotal{N: 5}, 2},
		{"UnderLimit", 5, store.Page{Number: 1, PerPage: 2}, store.ListTotal{N: 5}, 2},
		{"LastPageCounts", 5, store.Page{Number: 3, PerPage: 2}, store.ListTotal{N: 5}, 1},
		{"OverFirstPage", 3, store.Page{Number: 1, PerPage: 2}, store.ListTotal{Over: true, Next: true}, 2},
		{"OverMiddlePage", 3, store.Page{Number: 2, PerPage: 2}, store.ListTotal{Over: true, Next: true, Prev: true}, 2},
		{"OverLastPage", 3, store.Page{Number: 3, PerPage: 2}, store.ListTotal{Over: true, Prev: true}, 1},
		{"OverPastTheEnd", 3, store.Page{Number: 9, PerPage: 2}, store.ListTotal{Over: true}, 0},
		{"UnderPastTheEnd", 5, store.Page{Number: 9, PerPage: 2}, store.ListTotal{N: 5}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := store.IssuableFilter{Kind: store.IssueKind, ProjectID: p.ID, Admin: true, CountLimit: tt.limit, Page: tt.page}
			got, total, err := db.ListIssuables(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			if total != tt.want || len(got) != tt.wantRows {
				t.Errorf("%d rows, total %+v; want %d, %+v", len(got), total, tt.wantRows, tt.want)
			}
		})
	}
}

// TestStore_SearchIssuablesPlans pins that how a search reads what the
// words index matches changes nothing: a list of few matches, a map of
// many, or the index query in a subquery (too many, or too spread out)
// find the same rows, in the same order, with the same totals, on every
// page and beside other filters. Not parallel: it sets the limits.
func TestStore_SearchIssuablesPlans(t *testing.T) {
	ctx, db := context.Background(), storetest.Open(t)
	// Rows of other projects around the list's.
	searchRows(t, db, newProject(t, db, newUser(t, db, "bob")).ID, searchTexts[:3])
	p := newProject(t, db, newUser(t, db, "alice"))
	searchRows(t, db, p.ID, searchTexts)
	searchRows(t, db, newProject(t, db, newUser(t, db, "carol")).ID, searchTexts[:3])
	for _, plan := range []struct {
		name      string
		few, ids  int
		span      int64
		paginated []int64 // "cache", newest first, two a page: pages 1 and 2
	}{
		{"FewListed", 2000, 1 << 18, 4 << 20, []int64{3, 2, 1}},
		{"ManyMapped", 0, 1 << 18, 4 << 20, []int64{3, 2, 1}},
		{"TooMany", 0, 0, 4 << 20, []int64{3, 2, 1}},
		{"TooSpread", 0, 1 << 18, 0, []int64{3, 2, 1}},
	} {
		restore := store.SetMatchLimits(plan.few, plan.ids, plan.span)
		for _, tt := range searchCases {
			got := searchIIDs(t, db, store.IssuableFilter{ProjectID: p.ID, Search: tt.search, SearchIn: tt.in})
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: search %q in %q: iids %v, want %v", plan.name, tt.search, tt.in, got, tt.want)
			}
		}
		var paged []int64
		for n := 1; n <= 2; n++ {
			f := store.IssuableFilter{Kind: store.IssueKind, ProjectID: p.ID, Admin: true, Search: "cache", State: "opened",
				CountLimit: 10, Page: store.Page{Number: n, PerPage: 2}}
			rows, total, err := db.ListIssuables(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if total.N != 3 {
				t.Errorf("%s: page %d total %+v, want 3", plan.name, n, total)
			}
			for _, r := range rows {
				paged = append(paged, r.IID)
			}
		}
		if !slices.Equal(paged, plan.paginated) {
			t.Errorf("%s: pages %v, want %v", plan.name, paged, plan.paginated)
		}
		restore()
	}
}
