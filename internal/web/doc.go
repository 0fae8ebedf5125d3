// Package web owns Ferry's web interface for people: server-rendered
// html/template pages under GitLab's web paths, so that every web_url and
// _links target Ferry emits opens a page. It owns the shared layout and
// stylesheet (embedded, no build step, no JavaScript needed to read), the
// sessions a personal access token opens at /users/sign_in, and the CSRF
// check of every form. It holds no rules of its own: who may see what is
// internal/auth's, the queries are internal/store's and internal/content's,
// the repository is read through internal/git, Markdown is rendered by
// internal/markdown. internal/server mounts it behind the API (api.Config
// Pages): the API keeps /api/v4, /-/ (health, metrics), git smart HTTP,
// LFS, uploads and download_export (a download_export with the session
// cookie and no token comes here, and goes back to the API with the
// visitor); every other path comes here.
//
// The import, export and administration pages act through the API's own
// endpoints, in process: UseAPI gives them api.(*API).ServeAs, which runs
// an /api/v4 request with the signed-in visitor as the caller (with the
// scopes of the token that opened the session), so that a form runs
// exactly the rules, limits and messages of the token call (apicall.go).
//
// # Files
//
//	web.go        Config, New, Handler
//	routes.go     every route, in one function: fixed paths, then the
//	              project and group pages after "/-/"
//	request.go    the request a page handler gets (user, CSRF token,
//	              project and level on project pages) and the wrapper
//	              that loads the session, checks CSRF and maps errors
//	errors.go     the one table from errors to status pages (404, 403,
//	              422, 500 with the correlation id)
//	render.go     templates (templates/*.html, one page per file, all
//	              inside templates/layout.html) and assets/ (ferry.css)
//	session.go    sessions: cookie, server-side row keyed by the digest
//	csrf.go       CSRF tokens
//	signin.go     /users/sign_in, /users/sign_out
//	home.go       /, /dashboard/projects, /explore, /explore/projects,
//	              /explore/groups
//	namespaces.go /groups/<path>, /<group path>, /<username>
//	project.go    /<project full path>: description, README, counts
//	refs.go       /-/branches, /-/tags[/<tag>]
//	tree.go       /-/tree, /-/blob, /-/raw
//	commits.go    /-/commits, /-/commit
//	compare.go    /-/compare
//	archive.go    /-/archive (release sources)
//	issuables.go  what issues and merge requests share: filters, state
//	              tabs, threads of notes
//	issues.go     /-/issues
//	merge_requests.go /-/merge_requests (and their stored diffs)
//	wikis.go      /-/wikis
//	releases.go   /-/releases
//	milestones.go /-/milestones
//	labels.go     /-/labels
//	members.go    /-/project_members
//	pipelines.go  /-/pipelines, /-/jobs
//	snippets.go   /-/snippets
//	favicons.go   /assets/ci_favicons (drawn, not stored)
//	help.go       /help
//	apicall.go    UseAPI, callAPI: the API's endpoints for the visitor
//	imports.go    /projects/new, /import/gitlab_project/new (the form,
//	              posting to /import/gitlab_project and .../remote),
//	              /<p>/-/import (and status.json): POST /projects/import,
//	              /projects/remote-import, GET /projects/:id/import
//	exports.go    /<p>/-/export (and status.json, POST to schedule),
//	              /<p>/download_export for a session: the export routes
//	group_content.go /groups/<g>/-/labels, /-/milestones, /-/boards
//	              (the group's badges are on its page, namespaces.go)
//	group_imports.go /groups/new (its import pane, posting to
//	              /import/gitlab_group), /groups/<g>/-/import (and
//	              status.json): POST /groups/import, GET
//	              /ferry/groups/:id/import
//	group_exports.go /groups/<g>/-/export (and status.json, POST to
//	              schedule), /groups/<g>/-/download_export: POST
//	              /groups/:id/export, GET /ferry/groups/:id/export,
//	              GET /groups/:id/export/download
//	admin.go      /admin (jobs, retry, cancel: /ferry/jobs),
//	              /admin/application_settings (/application/settings)
//	assets/jobs.js the upload's progress bar (X-CSRF-Token header, so
//	              the body streams to the import) and the live status
//	              (polls status.json every second)
//
// # How to add a page
//
//  1. Template: templates/<page>.html defining "title" and "content"
//     (and nothing else); it sees .User, .CSRF, .Project (on project
//     pages) and .Data, the value the handler passes. Every form
//     carries {{template "csrf" .}}. Keep logic out of templates: compute
//     in the handler. Markdown goes through markdown.Render into the
//     data as template.HTML.
//  2. Handler: a method func(w http.ResponseWriter, r *request) error in
//     <family>.go. Return errors, do not write error pages: ferry.ErrNotFound
//     (or a git.ErrNoRef) is a 404 page, ferry.ErrForbidden 403,
//     errSignIn sends the visitor to sign in. Answer with
//     s.render(w, r, "<page>", data). Call the services (store, content,
//     auth, git): never query or decide access here.
//  3. Route: one line in routes.go. A project page after /<project>/-/
//     is s.projectPage(method, "<segment>", handler): the wrapper has
//     already found the project, checked that the visitor may see it and
//     put it in r.project (level in r.level); r.rest is the path after
//     the segment. A group page is s.groupPage likewise. A fixed path is
//     mux.Handle(pattern, s.page(handler)).
//     A form posts back {{template "csrf" .}}; its handler finds the form
//     parsed by the CSRF check (multipart with ParseMultipartForm: files
//     over 32 MiB spool to temporary files; send X-CSRF-Token instead to
//     stream a body yourself, or mount the form with s.streamPage: its
//     token is then the form's first field and the handler reads the
//     other parts as they arrive, r.parts). A signed-in visitor's body
//     has no anonymous deadline (Config.TrustBody).
//  4. Test: plain HTTP tests with webtest.Client for status, access and
//     forms; a browser test with webtest.StartBrowser(t, env), b.SignIn,
//     b.Open, b.Click, b.Text (see internal/web/webtest).
//
// # Web paths Ferry emits
//
// Every web_url and web path of the API's answers (internal/api,
// internal/content), <p> standing for a project's full path:
//
//	resolves here now                        owner
//	/<p>                                     project web_url      project.go
//	/groups/<group>, /<group>                group and namespace  namespaces.go
//	/<username>                              user and namespace   namespaces.go
//	/<p>/-/tree/<branch>                     branch web_url       tree.go
//	/<p>/-/commit/<sha>                      commit web_url, release commit_path  commits.go
//	/<p>/-/issues/<iid>                      issue web_url        issues.go
//	/<p>/-/merge_requests/<iid>[/diffs]      MR web_url           merge_requests.go
//	/<p>/-/milestones/<iid>                  milestone web_url    milestones.go
//	/<p>/-/releases/<tag>, .../edit          release _links       releases.go
//	/<p>/-/releases/<tag>/downloads/<path>   asset direct_asset_url (302 to the link)  releases.go
//	/<p>/-/tags/<tag>                        release tag_path     refs.go
//	/<p>/-/archive/<tag>/<name>.<format>     release sources      archive.go
//	/<p>/-/compare/<from>...<to>             compare web_url      compare.go
//	/<p>/-/pipelines/<id>                    pipeline web_url, details_path  pipelines.go
//	/<p>/-/jobs/<id>                         job web_url          pipelines.go
//	/<p>/-/snippets/<id>                     snippet web_url      snippets.go
//	/assets/ci_favicons/favicon_<status>.png detailed_status favicon  favicons.go
//	/help                                    LFS documentation_url  help.go
//	/<p>/uploads/<secret>/<file>             Markdown uploads     the API, or exports.go's
//	                                         handOver for a session (private images)
//	/<p>/download_export                     export _links        the API, or exports.go for a session
//	/<p>.git                                 http_url_to_repo     the API (git)
//
// Not linked from answers but pages of the issue: /<p>/-/wikis[/<slug>]
// (wikis.go), /<p>/-/labels (labels.go), /<p>/-/project_members with the
// import's user mapping (members.go), /<p>/-/pipelines (pipelines.go),
// /<p>/-/snippets (snippets.go), the import page (/projects/new,
// /import/gitlab_project/new), the import's page (/<p>/-/import), the
// export (/<p>/-/export: GitLab's is a section of /<p>/edit posting to
// /<p>/export), the group import (/groups/new, GitLab's "Import group"
// pane, posting to GitLab's /import/gitlab_group) and its page
// (/groups/<g>/-/import, Ferry's), the group export (/groups/<g>/-/export:
// GitLab's is a section of /groups/<g>/-/edit; the download is GitLab's
// /groups/<g>/-/download_export), and /admin (imports.go, exports.go,
// group_imports.go, group_exports.go, admin.go).
package web
