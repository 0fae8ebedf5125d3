package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestCLI_MigrateGroupArchive moves a group through its group archive
// between two `ferry serve` processes, then its project: after a dry
// run that says so and moves nothing, `--group-archive` makes the
// target hold the source's group under its new path with the same
// sub-group, the group's label, milestone, badge, board and member
// (mapped by e-mail to the target's user), and the project in the
// sub-group; the report's first line is the group's. A rerun with the
// state file imports nothing again; one without it is refused, the
// group's path being taken, and moves no project.
func TestCLI_MigrateGroupArchive(t *testing.T) {
	t.Parallel()
	src, dst, dir := startRemote(t), startRemote(t), t.TempDir()
	var g, alice struct{ ID int64 }
	src.h.decode(src.h.do("POST", "/groups", "name=Team&path=grp"), &g)
	src.h.do("POST", "/groups", fmt.Sprintf("name=Sub&path=sub&parent_id=%d", g.ID))
	user := "email=alice@example.com&name=Alice&username=alice&password=unused-secret-1"
	src.h.decode(src.h.do("POST", "/users", user), &alice)
	dst.h.do("POST", "/users", user)
	src.h.do("POST", "/groups/grp/members", fmt.Sprintf("user_id=%d&access_level=30", alice.ID))
	src.h.do("POST", "/groups/grp/labels", "name=bug&color=%23ff0000")
	src.h.do("POST", "/groups/grp/milestones", "title=v1")
	src.h.do("POST", "/groups/grp/badges", "link_url=https://example.com/%25{project_path}&image_url=https://example.com/b.svg")
	src.h.do("POST", "/groups/grp/boards", "name=Planning")
	waitAll(t, src.h, []int64{src.h.postImport(scaleArchive(t), map[string]string{"path": "one", "namespace": "grp/sub"})}, nil)

	env := []string{"FERRY_FROM_TOKEN=" + scaleToken, "FERRY_TO_TOKEN=" + scaleToken}
	report, stateFile := filepath.Join(dir, "report.json"), filepath.Join(dir, "state.json")
	args := []string{"migrate", "--from", src.base, "--to", dst.base, "--group", "grp", "--to-namespace", "moved",
		"--group-archive", "--state", stateFile}
	out, code := runCLI(t, src.bin, dir, env, append(args, "--dry-run")...)
	if code != 0 || !strings.Contains(out, "group grp on "+src.base+" → new group moved on "+dst.base) ||
		!strings.Contains(out, "grp/sub/one on "+src.base+" → moved/sub/one on "+dst.base) {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	out, code = runCLI(t, src.bin, dir, env, append(args, "--report", report)...)
	if code != 0 || !strings.Contains(out, "migrate: group grp done: migrated") ||
		!regexp.MustCompile(`group grp +group moved +migrated`).MatchString(out) || !strings.Contains(out, "moved/sub/one  migrated") {
		t.Fatalf("migrate: exit %d\n%s", code, out)
	}
	t.Logf("migrate:\n%s", out)

	var results []struct {
		Kind, Source, Outcome string
		GroupID               int64            `json:"target_group_id"`
		Counts                map[string]int64 `json:"archive_counts"`
	}
	b, _ := os.ReadFile(report)
	if json.Unmarshal(b, &results); len(results) != 2 || results[0].Kind != "group" || results[0].GroupID == 0 ||
		results[0].Counts["groups"] != 2 || results[0].Counts["labels"] != 1 || results[1].Source != "grp/sub/one" {
		t.Errorf("report: %s", b)
	}
	for _, tt := range []struct{ api, field, want string }{
		{"/subgroups", "path", "sub"}, {"/labels", "name", "bug"}, {"/milestones", "title", "v1"},
		{"/badges", "image_url", "https://example.com/b.svg"}, {"/boards", "name", "Planning"}, {"/members", "username", "alice"},
	} {
		if got := groupList(t, dst, "moved", tt.api, tt.field); !slices.Contains(got, tt.want) {
			t.Errorf("the target's group moved%s: %q, want %q among them", tt.api, got, tt.want)
		}
	}
	if st := dst.h.importStats("moved/sub/one"); st.Imported["issues"] != 12 {
		t.Errorf("moved/sub/one: %v", st.Imported)
	}

	out, code = runCLI(t, src.bin, dir, env, args...)
	if code != 0 || strings.Count(out, "migrated (earlier run)") != 2 {
		t.Errorf("rerun: exit %d\n%s", code, out)
	}
	if got := groupList(t, dst, "moved", "/subgroups", "path"); len(got) != 1 {
		t.Errorf("the target's group has subgroups %q after the rerun, want one", got)
	}

	// Without the state file the group's path is taken: refused, and no
	// project moves.
	out, code = runCLI(t, src.bin, dir, env, args[:len(args)-2]...)
	if code != 1 || !strings.Contains(out, "group grp: namespace failed: on "+dst.base+": group moved exists already") ||
		!strings.Contains(out, "migrate: the group did not move, so no project moved") || strings.Contains(out, "grp/sub/one") {
		t.Errorf("run without the state file: exit %d\n%s", code, out)
	}
}

// groupList is the field of each item the group's api lists on r.
func groupList(t *testing.T, r *remoteEnv, group, api, field string) []string {
	t.Helper()
	var items []map[string]any
	r.h.decode(r.h.do("GET", "/groups/"+url.PathEscape(group)+api+"?per_page=100", ""), &items)
	var got []string
	for _, it := range items {
		got = append(got, fmt.Sprint(it[field]))
	}
	return got
}
