package web

import (
	"net/http"
)

// routes is every page of the web interface. Fixed paths are patterns of
// the mux; what lies under a project's or a group's path (any depth) is
// found by dispatch: /<project>/-/<segment>/<rest> in projectPages,
// /groups/<group>/-/<segment>/<rest> in groupPages.
func (s *Web) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /assets/", assetServer())
	mux.Handle("GET /assets/ci_favicons/", s.page(s.favicon))
	mux.Handle("GET /help", s.page(s.help))

	mux.Handle("GET /{$}", s.page(s.home))
	mux.Handle("GET /dashboard/projects", s.page(s.dashboardProjects))
	mux.Handle("GET /explore", s.page(s.exploreProjects))
	mux.Handle("GET /explore/projects", s.page(s.exploreProjects))
	mux.Handle("GET /explore/groups", s.page(s.exploreGroups))
	mux.Handle("GET /users/sign_in", s.page(s.signInForm))
	mux.Handle("POST /users/sign_in", s.page(s.signIn))
	mux.Handle("POST /users/sign_out", s.page(s.signOut))
	mux.Handle("/groups/{path...}", s.page(s.groupPath))
	mux.Handle("GET /projects/new", s.page(s.newProject))
	mux.Handle("GET /import/gitlab_project/new", s.page(s.importNew))
	mux.Handle("POST /import/gitlab_project", s.streamPage(s.importUpload))
	mux.Handle("POST /import/gitlab_project/remote", s.page(s.importRemote))
	mux.Handle("GET /groups/new", s.page(s.newGroup))
	mux.Handle("POST /import/gitlab_group", s.streamPage(s.groupImportUpload))
	mux.Handle("GET /admin", s.page(s.admin))
	mux.Handle("POST /admin/jobs/{kind}/{id}/{action}", s.page(s.jobAction))
	mux.Handle("GET /admin/application_settings", s.page(s.settings))
	mux.Handle("POST /admin/application_settings", s.page(s.updateSettings))

	s.projectPage("GET", "", s.projectHome)
	s.projectPage("GET", "branches", s.branches)
	s.projectPage("GET", "tags", s.tags)
	s.projectPage("GET", "tree", s.tree)
	s.projectPage("GET", "blob", s.blob)
	s.projectPage("GET", "raw", s.raw)
	s.projectPage("GET", "commits", s.commits)
	s.projectPage("GET", "commit", s.commit)
	s.projectPage("GET", "issues", s.issues)
	s.projectPage("GET", "merge_requests", s.mergeRequests)
	s.projectPage("GET", "wikis", s.wikis)
	s.projectPage("GET", "releases", s.releases)
	s.projectPage("GET", "milestones", s.milestones)
	s.projectPage("GET", "labels", s.labels)
	s.projectPage("GET", "project_members", s.projectMembers)
	s.projectPage("GET", "archive", s.archive)
	s.projectPage("GET", "compare", s.compare)
	s.projectPage("GET", "pipelines", s.pipelines)
	s.projectPage("GET", "jobs", s.job)
	s.projectPage("GET", "snippets", s.snippets)
	s.projectPage("GET", "import", s.importPage)
	s.projectPage("GET", "export", s.exportPage)
	s.projectPage("POST", "export", s.scheduleExport)

	s.groupPage("GET", "", s.groupHome)
	s.groupPage("GET", "labels", s.groupLabels)
	s.groupPage("GET", "milestones", s.groupMilestones)
	s.groupPage("GET", "boards", s.groupBoards)
	s.groupPage("GET", "import", s.groupImportPage)
	s.groupPage("GET", "export", s.groupExportPage)
	s.groupPage("POST", "export", s.scheduleGroupExport)
	s.groupPage("GET", "download_export", s.groupDownloadExport)

	// Everything else: /<project>[/-/...], /<group>, /<username>.
	mux.Handle("/", s.page(s.byPath))
	return mux
}

// projectPage adds a page at /<project>/-/<segment>[/<rest>] ("" for the
// project's own page) answering method. Its handler runs with r.project
// and r.level set, once the visitor was found allowed to see the project.
func (s *Web) projectPage(method, segment string, h handler) {
	s.projectPages[method+" "+segment] = h
}

// groupPage adds a page at /groups/<group>/-/<segment>[/<rest>] ("" for
// the group's own page); its handler runs with r.group set.
func (s *Web) groupPage(method, segment string, h handler) {
	s.groupPages[method+" "+segment] = h
}
