package api_test

import (
	"net/http"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// recordsSetup is GitLab's complex fixture imported as a private project,
// with an outsider and a Developer of it.
type recordsSetup struct {
	env                 *servertest.Env
	project             int64
	outsider, developer string // tokens
	dev                 *gitlab.Client
}

func setupRecords(t *testing.T) recordsSetup {
	t.Helper()
	env := servertest.Start(t)
	id := importFinished(t, env, fixtureArchive(t, "0.2.4", nil),
		map[string]string{"path": "records", "override_params[visibility]": "private"})
	_, _, outsider := newUser(t, env, "outsider")
	devUser, dev, developer := newUser(t, env, "developer")
	if _, _, err := env.Root.ProjectMembers.AddProjectMember(id, &gitlab.AddProjectMemberOptions{
		UserID: gitlab.Ptr(devUser.ID), AccessLevel: gitlab.Ptr(gitlab.DeveloperPermissions)}); err != nil {
		t.Fatal(err)
	}
	return recordsSetup{env: env, project: id, outsider: outsider, developer: developer, dev: dev}
}

// TestReleases pins GET /projects/:id/releases and /releases/:tag_name
// over the fixture's three releases: latest released first, pagination,
// asset links and sources, and the milestone a release names.
func TestReleases(t *testing.T) {
	t.Parallel()
	s := setupRecords(t)
	got, resp, err := s.dev.Releases.ListReleases(s.project, &gitlab.ListReleasesOptions{ListOptions: gitlab.ListOptions{PerPage: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.TotalItems != 3 || resp.TotalPages != 2 || resp.NextPage != 2 || len(got) != 2 {
		t.Fatalf("releases: %d of %d, pages %d next %d", len(got), resp.TotalItems, resp.TotalPages, resp.NextPage)
	}
	if got[0].TagName != "release-1.2" || got[1].TagName != "release-1.1" {
		t.Errorf("order: %s, %s", got[0].TagName, got[1].TagName)
	}
	for _, tt := range []struct {
		name  string
		opt   gitlab.ListReleasesOptions
		first string
		total int64
	}{
		{"CreatedAsc", gitlab.ListReleasesOptions{OrderBy: gitlab.Ptr("created_at"), Sort: gitlab.Ptr("asc")}, "release-1.0", 3},
	} {
		got, resp, err := s.dev.Releases.ListReleases(s.project, &tt.opt)
		if err != nil || resp.TotalItems != tt.total || len(got) == 0 || got[0].TagName != tt.first {
			t.Errorf("%s: %d releases %v", tt.name, resp.TotalItems, err)
		}
	}
	if _, _, hdr := call(t, s.env, "GET", "/api/v4/projects/"+itoa(s.project)+"/releases?updated_after=2019-12-26T00:00:00Z",
		s.developer, "", ""); hdr.Get("X-Total") != "2" {
		t.Errorf("releases updated after 2019-12-26: %s", hdr.Get("X-Total"))
	}
	r, _, err := s.dev.Releases.GetRelease(s.project, "release-1.0")
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "release-1.0" || r.Description != "Some release notes" || r.ReleasedAt == nil ||
		r.ReleasedAt.UTC().Format("2006-01-02T15:04:05.000Z") != "2019-12-25T10:17:14.615Z" {
		t.Errorf("release: %+v", r)
	}
	if len(r.Assets.Links) != 1 || r.Assets.Links[0].Name != "release-1.0.dmg" || r.Assets.Count != 5 ||
		len(r.Assets.Sources) != 4 || r.Assets.Links[0].LinkType != "other" {
		t.Errorf("assets: %+v", r.Assets)
	}
	if r.Links.Self == "" || r.Links.EditURL != r.Links.Self+"/edit" {
		t.Errorf("_links: %+v", r.Links)
	}
	if len(r.Milestones) != 1 || r.Milestones[0].Title != "test milestone" || r.Milestones[0].IID != 1 {
		t.Errorf("milestones: %+v", r.Milestones)
	}
	if latest, _, err := s.dev.Releases.GetLatestRelease(s.project); err != nil || latest.TagName != "release-1.2" {
		t.Errorf("latest release: %+v %v", latest, err)
	}
	p := "/api/v4/projects/" + itoa(s.project)
	checkCalls(t, s.env, []apiCase{
		{"Missing", "GET", p + "/releases/nope", s.developer, "", "", 404, `{"message":"404 Not Found"}`},
		{"Outsider", "GET", p + "/releases", s.outsider, "", "", 404, `{"message":"404 Project Not Found"}`},
		{"OutsiderOne", "GET", p + "/releases/release-1.0", s.outsider, "", "", 404, `{"message":"404 Project Not Found"}`},
		{"BadSort", "GET", p + "/releases?sort=up", s.developer, "", "", 400, `{"error":"sort does not have a valid value"}`},
	})
}

// TestProtectedRefs pins the fixture's protected branch (read_code: a
// Developer reads it) and tag (Maintainers only), hidden from outsiders.
func TestProtectedRefs(t *testing.T) {
	t.Parallel()
	s := setupRecords(t)
	branches, resp, err := s.env.Root.ProtectedBranches.ListProtectedBranches(s.project, nil)
	if err != nil || len(branches) != 1 || resp.TotalItems != 1 {
		t.Fatalf("protected branches %d: %v", len(branches), err)
	}
	b, _, err := s.env.Root.ProtectedBranches.GetProtectedBranch(s.project, "master")
	if err != nil {
		t.Fatal(err)
	}
	if b.Name != "master" || b.ID != branches[0].ID || len(b.PushAccessLevels) != 1 || len(b.MergeAccessLevels) != 1 ||
		b.PushAccessLevels[0].AccessLevel != gitlab.MaintainerPermissions ||
		b.MergeAccessLevels[0].AccessLevelDescription != "Maintainers" || b.AllowForcePush {
		t.Errorf("protected branch: %+v", b)
	}
	if found, _, err := s.dev.ProtectedBranches.ListProtectedBranches(s.project, &gitlab.ListProtectedBranchesOptions{
		Search: gitlab.Ptr("MAST")}); err != nil || len(found) != 1 {
		t.Errorf("protected branches matching MAST: %d %v", len(found), err)
	}
	tags, _, err := s.env.Root.ProtectedTags.ListProtectedTags(s.project, nil)
	if err != nil || len(tags) != 1 || tags[0].Name != "v*" || len(tags[0].CreateAccessLevels) != 1 ||
		tags[0].CreateAccessLevels[0].AccessLevel != gitlab.MaintainerPermissions {
		t.Errorf("protected tags %+v: %v", tags, err)
	}
	if tag, _, err := s.env.Root.ProtectedTags.GetProtectedTag(s.project, "v*"); err != nil || tag.Name != "v*" {
		t.Errorf("protected tag v*: %+v %v", tag, err)
	}
	p := "/api/v4/projects/" + itoa(s.project)
	checkCalls(t, s.env, []apiCase{
		{"MissingBranch", "GET", p + "/protected_branches/main", servertest.RootToken, "", "", 404, `{"message":"404 Not found"}`},
		{"MissingTag", "GET", p + "/protected_tags/v1", servertest.RootToken, "", "", 404, `{"message":"404 Not found"}`},
		{"DeveloperTags", "GET", p + "/protected_tags", s.developer, "", "", 403, `{"message":"403 Forbidden"}`},
		{"Search", "GET", p + "/protected_branches?search=nope", s.developer, "", "", 200, `[]`},
		{"Outsider", "GET", p + "/protected_tags", s.outsider, "", "", 404, `{"message":"404 Project Not Found"}`},
	})
}

// TestBadges pins the fixture's two project badges.
func TestBadges(t *testing.T) {
	t.Parallel()
	s := setupRecords(t)
	badges, resp, err := s.dev.ProjectBadges.ListProjectBadges(s.project, nil)
	if err != nil || len(badges) != 2 || resp.TotalItems != 2 {
		t.Fatalf("badges %d: %v", len(badges), err)
	}
	b := badges[0]
	if b.LinkURL != "http://www.example.com" || b.RenderedImageURL != "http://www.example.com" || b.Kind != "project" {
		t.Errorf("badge: %+v", b)
	}
	one, _, err := s.dev.ProjectBadges.GetProjectBadge(s.project, b.ID)
	if err != nil || one.ID != b.ID {
		t.Errorf("badge %d: %+v %v", b.ID, one, err)
	}
	p := "/api/v4/projects/" + itoa(s.project)
	checkCalls(t, s.env, []apiCase{
		{"Missing", "GET", p + "/badges/999999", s.developer, "", "", 404, `{"message":"404 Badge Not Found"}`},
		{"Outsider", "GET", p + "/badges", s.outsider, "", "", 404, `{"message":"404 Project Not Found"}`},
	})
}

// TestReleases_Permalink pins GET .../releases/permalink/latest: a 302
// to the latest release, with the suffix and query kept.
func TestReleases_Permalink(t *testing.T) {
	t.Parallel()
	s := setupRecords(t)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	p := "/api/v4/projects/" + itoa(s.project)
	for _, tt := range []struct{ path, want string }{
		{"/releases/permalink/latest", p + "/releases/release-1.2"},
		{"/releases/permalink/latest/downloads/bin?x=1", p + "/releases/release-1.2/downloads/bin?x=1"},
	} {
		req, _ := http.NewRequest("GET", s.env.URL+p+tt.path, nil)
		req.Header.Set("PRIVATE-TOKEN", s.developer)
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != tt.want {
			t.Errorf("%s: %d %s, want 302 %s", tt.path, resp.StatusCode, resp.Header.Get("Location"), tt.want)
		}
	}
}
