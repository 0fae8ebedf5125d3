package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestPagination pins GitLab's offset pagination (Grape's page and
// per_page rules, Kaminari's pages, OffsetHeaderBuilder's headers) on a
// list of 5 users.
func TestPagination(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	for _, name := range []string{"ann", "bob", "cid", "dan"} {
		newUser(t, env, name)
	}
	link := func(page, perPage int) string {
		return fmt.Sprintf("<%s/api/v4/users?page=%d&per_page=%d>", env.URL, page, perPage)
	}
	tests := []struct {
		name, query                                  string
		perPage, page, next, prev, total, totalPages string
		links                                        []string
		items                                        int
	}{
		{"Default", "", "20", "1", "", "", "5", "1", []string{link(1, 20) + `; rel="first"`, link(1, 20) + `; rel="last"`}, 5},
		{"Middle", "?per_page=2&page=2", "2", "2", "3", "1", "5", "3", []string{link(1, 2) + `; rel="prev"`,
			link(3, 2) + `; rel="next"`, link(1, 2) + `; rel="first"`, link(3, 2) + `; rel="last"`}, 2},
		{"Last", "?per_page=2&page=3", "2", "3", "", "2", "5", "3", []string{link(2, 2) + `; rel="prev"`,
			link(1, 2) + `; rel="first"`, link(3, 2) + `; rel="last"`}, 1},
		{"PastTheEnd", "?per_page=2&page=9", "2", "9", "", "", "5", "3", []string{link(1, 2) + `; rel="first"`,
			link(3, 2) + `; rel="last"`}, 0},
		{"PageZeroIsFirst", "?page=0&per_page=4", "4", "1", "2", "", "5", "2", []string{link(2, 4) + `; rel="next"`,
			link(1, 4) + `; rel="first"`, link(2, 4) + `; rel="last"`}, 4},
		{"NegativePerPageIsDefault", "?per_page=-3", "20", "1", "", "", "5", "1", nil, 5},
		{"PerPageAtMost100", "?per_page=1000", "100", "1", "", "", "5", "1", nil, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, h := call(t, env, "GET", "/api/v4/users"+tt.query, servertest.RootToken, "", "")
			if status != 200 {
				t.Fatalf("status %d %s", status, body)
			}
			for k, want := range map[string]string{"X-Per-Page": tt.perPage, "X-Page": tt.page, "X-Next-Page": tt.next,
				"X-Prev-Page": tt.prev, "X-Total": tt.total, "X-Total-Pages": tt.totalPages} {
				if got, ok := h[k]; !ok || got[0] != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if tt.links != nil {
				if got, want := h.Get("Link"), strings.Join(tt.links, ", "); got != want {
					t.Errorf("Link\n got %s\nwant %s", got, want)
				}
			}
			if got := strings.Count(body, `"username"`); got != tt.items {
				t.Errorf("%d items, want %d", got, tt.items)
			}
		})
	}
	checkCalls(t, env, []apiCase{
		{"PerPageZero", "GET", "/api/v4/users?per_page=0", servertest.RootToken, "", "", 400, `{"error":"per_page has a value not allowed"}`},
		{"PerPageNotANumber", "GET", "/api/v4/users?per_page=x", servertest.RootToken, "", "", 400, `{"error":"per_page is invalid"}`},
		{"PageNotANumber", "GET", "/api/v4/projects?page=x", "", "", "", 400, `{"error":"page is invalid"}`},
		{"MembersPerPageZero", "GET", "/api/v4/groups/none/members?per_page=0", servertest.RootToken, "", "", 400,
			`{"error":"per_page has a value not allowed"}`},
	})
}
