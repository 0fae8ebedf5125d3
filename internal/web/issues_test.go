package web_test

import (
	"testing"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// TestIssuesAndMergeRequests reads the fixture's issues and merge
// requests: the lists' state filters and search, an issue with its notes,
// a merge request with its stored diff.
func TestIssuesAndMergeRequests(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p := webtest.ImportFixture(t, env, "content")
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	base := "/" + p.PathWithNamespace
	checkPages(t, c, []pageCase{
		{"open issues", base + "/-/issues", []string{"Issue without assignees", "task by name"}, []string{"issue_with_timelogs"}},
		{"closed issues", base + "/-/issues?state=closed", []string{"issue_with_timelogs", "task by issue_type",
			`data-testid="count">6<`}, []string{"Issue without assignees"}},
		{"all issues", base + "/-/issues?state=all", []string{"issue_with_timelogs", "Issue without assignees"}, nil},
		{"searched issues", base + "/-/issues?state=all&search=timelogs", []string{"issue_with_timelogs"}, []string{"task by name"}},
		{"an issue", base + "/-/issues/10", []string{"Voluptatem", "Quo reprehenderit aliquam qui", `data-testid="notes"`}, nil},
		{"an issue's labels and milestone", base + "/-/issues/10", []string{`href="` + base + `/-/issues?state=all&amp;label_name=test2"`,
			">test milestone</a>"}, nil},
		{"issues of a label", base + "/-/issues?state=all&label_name=test2", []string{"Voluptatem", "Quasi adipisci non"},
			[]string{"Issue without assignees"}},
		{"issues of a milestone", base + "/-/issues?state=all&milestone_title=test+milestone", []string{"Voluptatem",
			"Issue without assignees"}, []string{"Quasi adipisci non"}},
		{"open merge requests", base + "/-/merge_requests", []string{"MR1", "feature_conflict"}, nil},
		{"searched merge requests", base + "/-/merge_requests?search=MR2", []string{"MR2"}, []string{"MR1"}},
		{"a merge request", base + "/-/merge_requests/8", []string{"MR2", `data-testid="source-branch">feature<`}, nil},
		{"its diff", base + "/-/merge_requests/8/diffs", []string{"files/ruby/feature.rb", `<span class="add">&#43;class Feature</span>`,
			`data-testid="mr-commits"`}, nil},
	})
	checkNotFound(t, c, base+"/-/issues/999", base+"/-/issues/x", base+"/-/issues/1/x",
		base+"/-/merge_requests/999", base+"/-/merge_requests/1/nope")
}
