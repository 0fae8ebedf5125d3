package api_test

import (
	"testing"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestPagination_HugePage pins that a page far past any list (whose SQL or
// in-memory offset would wrap negative) answers 200 with an empty list, the
// page asked for in X-Page and neither a next nor a previous page (past the
// end, as Kaminari), on every kind of list: SQL pages (users, groups,
// projects, tokens, issues), pages built in memory (members, branches,
// labels, notes, award emoji, commit refs), git's (commits) and streamed
// records (releases, events, uploads).
func TestPagination_HugePage(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	bundle, _ := sourceRepo(t)
	id := itoa(importFinished(t, env, fixtureArchive(t, "0.2.4", map[string][]byte{"project.bundle": bundle}),
		map[string]string{"path": "huge"}))
	p := "/api/v4/projects/" + id
	lists := []string{"/api/v4/users", "/api/v4/groups", "/api/v4/projects", "/api/v4/personal_access_tokens",
		"/api/v4/issues", p + "/issues", p + "/merge_requests", p + "/members/all", p + "/repository/branches",
		p + "/repository/tags", p + "/repository/commits", p + "/repository/commits/master/refs", p + "/repository/tree",
		p + "/labels", p + "/milestones", p + "/issues/1/notes", p + "/issues/1/discussions", p + "/issues/1/award_emoji",
		p + "/releases", p + "/events", p + "/uploads", p + "/snippets", p + "/pipelines", p + "/jobs", p + "/wikis"}
	for _, page := range []string{"9223372036854775807", "4611686018427387904", "4611686018427387905"} {
		for _, perPage := range []string{"", "&per_page=2", "&per_page=100"} {
			for _, list := range lists {
				status, body, h := call(t, env, "GET", list+"?page="+page+perPage, servertest.RootToken, "", "")
				if status != 200 || body != "[]" {
					t.Errorf("%s page %s%s: %d %.200s, want 200 []", list, page, perPage, status, body)
					continue
				}
				if h.Get("X-Page") != "" && h.Get("X-Page") != page || h.Get("X-Next-Page") != "" {
					t.Errorf("%s page %s%s: X-Page %q X-Next-Page %q", list, page, perPage, h.Get("X-Page"), h.Get("X-Next-Page"))
				}
			}
		}
	}
}
