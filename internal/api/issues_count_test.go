package api_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/generate"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestIssues_ListPastTheCountLimit pins GitLab's offset pagination of
// long lists (Gitlab::Pagination::OffsetPagination): a list of more than
// 10,000 issues answers without X-Total, X-Total-Pages and the last link,
// with a next page while items follow and, past its end, neither a next
// nor a previous page; a shorter one keeps its counts. Searches over the
// imported issues find them through the search index built on import.
func TestIssues_ListPastTheCountLimit(t *testing.T) {
	t.Parallel()
	sc := generate.Scales["s"]
	sc.Issues, sc.MergeRequests, sc.NotesPer, sc.Pipelines, sc.BuildsPer = 10001, 1, 0, 0, 0
	sc.Labels, sc.Milestones, sc.Commits, sc.RepoBytes = 2, 1, 5, 1<<20
	var data bytes.Buffer
	if err := generate.Write(context.Background(), &data, sc, 1, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	env := servertest.Start(t)
	id := importFinished(t, env, data.Bytes(), map[string]string{"path": "many"})
	base := "/api/v4/projects/" + itoa(id) + "/issues?per_page=100"
	for _, tt := range []struct {
		name                     string
		query                    string
		total, pages, next, prev string // "" for absent
		items                    int
		last                     bool
	}{
		{"FirstPage", "&page=1", "", "", "2", "", 100, false},
		{"MiddlePage", "&page=50", "", "", "51", "49", 100, false},
		{"LastPage", "&page=101", "", "", "", "100", 1, false},
		{"PastTheEnd", "&page=102", "", "", "", "", 0, false},
		{"Counted", "&state=closed", "5000", "50", "2", "", 100, true},
		{"CountedPastTheEnd", "&state=closed&page=51", "5000", "50", "", "", 0, true},
		{"SearchNothing", "&search=" + url.QueryEscape("timeout zebra"), "0", "1", "", "", 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, body, h := call(t, env, "GET", base+tt.query, servertest.RootToken, "", "")
			if code != 200 {
				t.Fatalf("%d %s", code, body)
			}
			_, hasTotal := h["X-Total"]
			if h.Get("X-Total") != tt.total || hasTotal != (tt.total != "") || h.Get("X-Total-Pages") != tt.pages ||
				h.Get("X-Next-Page") != tt.next || h.Get("X-Prev-Page") != tt.prev {
				t.Errorf("X-Total %q, X-Total-Pages %q, X-Next-Page %q, X-Prev-Page %q; want %q, %q, %q, %q",
					h.Get("X-Total"), h.Get("X-Total-Pages"), h.Get("X-Next-Page"), h.Get("X-Prev-Page"),
					tt.total, tt.pages, tt.next, tt.prev)
			}
			if got := len(decodeList(t, body)); got != tt.items {
				t.Errorf("%d issues, want %d", got, tt.items)
			}
			if link := h.Get("Link"); strings.Contains(link, `rel="last"`) != tt.last || !strings.Contains(link, `rel="first"`) {
				t.Errorf("Link %s: last link %v, want %v", link, !tt.last, tt.last)
			}
		})
	}
	checkSearchCounts(t, env, base, data.Bytes())
}

// The searches count what GitLab's rules find in the archive's issues:
// every term of three characters or more in the title, or every one in
// the description, in any letter case.
func checkSearchCounts(t *testing.T, env *servertest.Env, base string, archive []byte) {
	issues := archiveIssues(t, archive)
	for _, search := range []string{"timeout", "MEOU", "cache index", "index cache", "a worker x"} {
		terms := strings.Fields(strings.ToLower(search))
		terms = slices.DeleteFunc(terms, func(s string) bool { return len(s) < 3 })
		want := 0
		for _, is := range issues {
			if allIn(strings.ToLower(is.Title), terms) || allIn(strings.ToLower(is.Description), terms) {
				want++
			}
		}
		_, body, h := call(t, env, "GET", base+"&search="+url.QueryEscape(search), servertest.RootToken, "", "")
		if h.Get("X-Total") != itoa(int64(want)) {
			t.Errorf("search %q: X-Total %q, want %d (%s)", search, h.Get("X-Total"), want, body[:min(len(body), 200)])
		}
	}
}

func allIn(s string, terms []string) bool {
	for _, t := range terms {
		if !strings.Contains(s, t) {
			return false
		}
	}
	return true
}

// archiveIssues reads the titles and descriptions of an archive's issues.
func archiveIssues(t *testing.T, archive []byte) []struct{ Title, Description string } {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("no issues in the archive: %v", err)
		}
		if strings.TrimPrefix(h.Name, "./") != "tree/project/issues.ndjson" {
			continue
		}
		var out []struct{ Title, Description string }
		dec := json.NewDecoder(tr)
		for dec.More() {
			var is struct{ Title, Description string }
			if err := dec.Decode(&is); err != nil {
				t.Fatal(err)
			}
			out = append(out, is)
		}
		return out
	}
}

func decodeList(t *testing.T, body string) []json.RawMessage {
	t.Helper()
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(body), &items); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return items
}
