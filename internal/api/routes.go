package api

import "net/http"

// Handler returns every route of Ferry's HTTP surface.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	const v4 = "/api/v4"

	mux.HandleFunc("GET /-/health", a.health)
	mux.HandleFunc("GET /-/liveness", a.health)
	mux.HandleFunc("GET /-/readiness", a.readiness)
	mux.HandleFunc("GET /-/metrics", a.metricsEndpoint)
	mux.Handle("GET "+v4+"/version", a.authed(a.version))

	mux.Handle("GET "+v4+"/user", a.authed(a.currentUser))
	mux.Handle("GET "+v4+"/users", a.authed(a.listUsers))
	mux.Handle("POST "+v4+"/users", a.authed(a.createUser))
	mux.Handle("GET "+v4+"/users/{id}", a.authed(a.getUser))
	mux.Handle("DELETE "+v4+"/users/{id}", a.authed(a.deleteUser))
	mux.Handle("POST "+v4+"/users/{id}/personal_access_tokens", a.authed(a.createToken))

	mux.Handle("GET "+v4+"/groups", a.open(a.listGroups))
	mux.Handle("GET "+v4+"/personal_access_tokens", a.authed(a.listTokens))
	mux.Handle("GET "+v4+"/personal_access_tokens/self", a.anyScope(a.getSelfToken))
	mux.Handle("DELETE "+v4+"/personal_access_tokens/self", a.anyScope(a.revokeSelfToken))
	mux.Handle("GET "+v4+"/personal_access_tokens/{id}", a.authed(a.getToken))
	mux.Handle("DELETE "+v4+"/personal_access_tokens/{id}", a.authed(a.revokeToken))

	mux.Handle("POST "+v4+"/groups", a.authed(a.createGroup))
	mux.Handle("GET "+v4+"/groups/{id}", a.open(a.getGroup))
	mux.Handle("DELETE "+v4+"/groups/{id}", a.authed(a.deleteGroup))
	mux.Handle("POST "+v4+"/groups/{id}/restore", a.authed(a.restoreGroup))
	mux.Handle("GET "+v4+"/groups/{id}/subgroups", a.open(a.listSubgroups))
	mux.Handle("GET "+v4+"/groups/{id}/projects", a.open(a.listGroupProjects))
	mux.Handle("GET "+v4+"/groups/{id}/members", a.open(a.listGroupMembers(false)))
	mux.Handle("GET "+v4+"/groups/{id}/members/all", a.open(a.listGroupMembers(true)))
	mux.Handle("POST "+v4+"/groups/{id}/members", a.authed(a.addGroupMember))
	a.groupContentRoutes(mux, v4)
	mux.Handle("POST "+v4+"/groups/{id}/export", a.open(a.scheduleGroupExport))
	mux.Handle("GET "+v4+"/groups/{id}/export/download", a.open(a.downloadGroupExport))
	mux.Handle("GET "+v4+"/ferry/groups/{id}/export", a.open(a.groupExportStatus))

	mux.Handle("GET "+v4+"/namespaces", a.authed(a.listNamespaces))
	mux.Handle("GET "+v4+"/namespaces/{id}", a.authed(a.getNamespace))

	mux.Handle("POST "+v4+"/projects", a.authed(a.createProject))
	mux.Handle("GET "+v4+"/projects", a.open(a.listProjects))
	mux.Handle("GET "+v4+"/projects/{id}", a.open(a.getProject))
	mux.Handle("PUT "+v4+"/projects/{id}", a.authed(a.updateProject))
	mux.Handle("DELETE "+v4+"/projects/{id}", a.authed(a.deleteProject))
	mux.Handle("GET "+v4+"/ferry/projects/{id}/import/user_mappings", a.authed(a.listImportUserMappings))
	mux.Handle("GET "+v4+"/projects/{id}/members", a.open(a.listProjectMembers(false)))
	mux.Handle("GET "+v4+"/projects/{id}/members/all", a.open(a.listProjectMembers(true)))
	mux.Handle("POST "+v4+"/projects/{id}/members", a.authed(a.addProjectMember))
	mux.Handle("GET "+v4+"/projects/{id}/members/{user_id}", a.open(a.getProjectMember(false)))
	mux.Handle("GET "+v4+"/projects/{id}/members/all/{user_id}", a.open(a.getProjectMember(true)))

	repo := v4 + "/projects/{id}/repository"
	mux.Handle("GET "+repo+"/branches", a.open(listRefs(a, a.branchKind())))
	mux.Handle("GET "+repo+"/branches/{branch}", a.open(getRef(a, a.branchKind())))
	mux.Handle("HEAD "+repo+"/branches/{branch}", a.open(a.headBranch))
	mux.Handle("GET "+repo+"/tags", a.open(listRefs(a, a.tagKind())))
	mux.Handle("GET "+repo+"/tags/{tag}", a.open(getRef(a, a.tagKind())))
	mux.Handle("GET "+repo+"/commits", a.open(a.listCommits))
	mux.Handle("GET "+repo+"/commits/{sha}", a.open(a.getCommit))
	mux.Handle("GET "+repo+"/commits/{sha}/diff", a.open(a.commitDiff))
	mux.Handle("GET "+repo+"/commits/{sha}/refs", a.open(a.commitRefs))
	mux.Handle("GET "+repo+"/commits/{sha}/sequence", a.open(a.commitSequence))
	mux.Handle("GET "+repo+"/commits/{sha}/comments", a.open(a.commitList(a.listCommitComments)))
	mux.Handle("GET "+repo+"/commits/{sha}/discussions", a.open(a.commitList(a.listCommitDiscussions)))
	mux.Handle("GET "+repo+"/commits/{sha}/discussions/{discussion_id}", a.open(a.getCommitDiscussion))
	mux.Handle("GET "+repo+"/tree", a.open(a.listTree))
	mux.Handle("GET "+repo+"/files/{file_path}", a.open(a.getFile))
	mux.Handle("GET "+repo+"/files/{file_path}/raw", a.open(a.getRawFile))
	mux.Handle("GET "+repo+"/files/{file_path}/blame", a.open(a.blameFile))
	mux.Handle("GET "+repo+"/blobs/{sha}", a.open(a.getBlob))
	mux.Handle("GET "+repo+"/blobs/{sha}/raw", a.open(a.getRawBlob))
	mux.Handle("GET "+repo+"/compare", a.open(a.compare))
	mux.Handle("GET "+repo+"/merge_base", a.open(a.mergeBase))
	mux.Handle("GET "+repo+"/contributors", a.open(a.listContributors))
	mux.Handle("GET "+repo+"/{archive}", a.open(a.getArchive))
	mux.Handle("GET "+v4+"/projects/{id}/wikis", a.open(a.listWikiPages))
	mux.Handle("GET "+v4+"/projects/{id}/wikis/{slug}", a.open(a.getWikiPage))

	mux.Handle("GET "+v4+"/issues", a.open(a.listIssuables(issueRoute, false)))
	mux.Handle("GET "+v4+"/projects/{id}/issues", a.open(a.listIssuables(issueRoute, true)))
	mux.Handle("GET "+v4+"/projects/{id}/issues/{issue_iid}", a.open(a.getIssuable(issueRoute)))
	mux.Handle("GET "+v4+"/projects/{id}/issues/{issue_iid}/notes", a.open(a.listNotes(issueRoute)))
	mux.Handle("GET "+v4+"/projects/{id}/issues/{issue_iid}/notes/{note_id}", a.open(a.getNote(issueRoute)))
	mux.Handle("GET "+v4+"/projects/{id}/issues/{issue_iid}/discussions", a.open(a.listDiscussions(issueRoute)))
	mux.Handle("GET "+v4+"/projects/{id}/issues/{issue_iid}/discussions/{discussion_id}", a.open(a.getDiscussion(issueRoute)))
	mux.Handle("GET "+v4+"/merge_requests", a.open(a.listIssuables(mergeRequestRoute, false)))
	mux.Handle("GET "+v4+"/projects/{id}/merge_requests", a.open(a.listIssuables(mergeRequestRoute, true)))
	mux.Handle("GET "+v4+"/projects/{id}/merge_requests/{merge_request_iid}", a.open(a.getIssuable(mergeRequestRoute)))
	mux.Handle("GET "+v4+"/projects/{id}/merge_requests/{merge_request_iid}/notes", a.open(a.listNotes(mergeRequestRoute)))
	mux.Handle("GET "+v4+"/projects/{id}/merge_requests/{merge_request_iid}/notes/{note_id}",
		a.open(a.getNote(mergeRequestRoute)))
	mux.Handle("GET "+v4+"/projects/{id}/merge_requests/{merge_request_iid}/discussions",
		a.open(a.listDiscussions(mergeRequestRoute)))
	mux.Handle("GET "+v4+"/projects/{id}/merge_requests/{merge_request_iid}/discussions/{discussion_id}",
		a.open(a.getDiscussion(mergeRequestRoute)))

	mux.Handle("GET "+v4+"/projects/{id}/issues/{issue_iid}/award_emoji", a.open(a.listAwardEmoji(issueRoute)))
	mux.Handle("GET "+v4+"/projects/{id}/issues/{issue_iid}/award_emoji/{award_id}", a.open(a.getAwardEmoji(issueRoute)))
	mux.Handle("GET "+v4+"/projects/{id}/merge_requests/{merge_request_iid}/award_emoji",
		a.open(a.listAwardEmoji(mergeRequestRoute)))
	mux.Handle("GET "+v4+"/projects/{id}/merge_requests/{merge_request_iid}/award_emoji/{award_id}",
		a.open(a.getAwardEmoji(mergeRequestRoute)))

	mux.Handle("GET "+v4+"/projects/{id}/uploads", a.open(a.listUploads))
	mux.Handle("GET "+v4+"/projects/{id}/uploads/{upload_id}", a.open(a.apiUploadByID))
	mux.Handle("GET "+v4+"/projects/{id}/uploads/{secret}/{filename}", a.open(a.apiUpload))
	mux.Handle("GET "+v4+"/projects/{id}/labels", a.authed(a.listLabels))
	mux.Handle("GET "+v4+"/projects/{id}/milestones", a.authed(a.listMilestones))

	mux.Handle("GET "+v4+"/projects/{id}/releases", a.open(a.recordList(anyReader, a.listReleases)))
	mux.Handle("GET "+v4+"/projects/{id}/releases/permalink/latest", a.open(a.latestRelease))
	mux.Handle("GET "+v4+"/projects/{id}/releases/permalink/latest/{suffix...}", a.open(a.latestRelease))
	mux.Handle("GET "+v4+"/projects/{id}/releases/{tag_name}", a.open(a.recordItem(anyReader, "404 Not Found", a.getRelease)))
	mux.Handle("GET "+v4+"/projects/{id}/protected_branches",
		a.open(a.recordList(canReadCode, a.listProtectedBranches)))
	mux.Handle("GET "+v4+"/projects/{id}/protected_branches/{name}",
		a.open(a.recordItem(canReadCode, "404 Not found", a.getProtectedBranch)))
	mux.Handle("GET "+v4+"/projects/{id}/protected_tags", a.open(a.recordList(canAdminProject, a.listProtectedTags)))
	mux.Handle("GET "+v4+"/projects/{id}/protected_tags/{name}",
		a.open(a.recordItem(canAdminProject, "404 Not found", a.getProtectedTag)))
	mux.Handle("GET "+v4+"/projects/{id}/badges", a.open(a.recordList(anyReader, a.listBadges)))
	mux.Handle("GET "+v4+"/projects/{id}/badges/{badge_id}", a.open(a.recordItem(anyReader, "404 Badge Not Found", a.getBadge)))

	mux.Handle("GET "+v4+"/projects/{id}/snippets", a.open(a.recordList(anyReader, a.listSnippets)))
	mux.Handle("GET "+v4+"/projects/{id}/snippets/{snippet_id}", a.open(a.recordItem(anyReader, "404 Snippet Not Found", a.getSnippet)))
	mux.Handle("GET "+v4+"/projects/{id}/events", a.open(a.recordList(anyReader, a.listEvents)))
	mux.Handle("GET "+v4+"/projects/{id}/cluster_agents", a.authed(a.listClusterAgents))
	mux.Handle("GET "+v4+"/projects/{id}/pipelines", a.open(a.recordList(canReadBuilds, a.listPipelines)))
	mux.Handle("GET "+v4+"/projects/{id}/pipelines/latest", a.open(a.recordItem(canReadBuilds, "404 Not found", a.getLatestPipeline)))
	mux.Handle("GET "+v4+"/projects/{id}/pipelines/{pipeline_id}", a.open(a.recordItem(canReadBuilds, "404 Not found", a.getPipeline)))
	mux.Handle("GET "+v4+"/projects/{id}/pipelines/{pipeline_id}/jobs", a.open(a.recordList(canReadBuilds, a.listPipelineJobs)))
	mux.Handle("GET "+v4+"/projects/{id}/jobs", a.open(a.recordList(canReadBuilds, a.listJobs)))
	mux.Handle("GET "+v4+"/projects/{id}/jobs/{job_id}", a.open(a.recordItem(canReadBuilds, "404 Not found", a.getJob)))

	mux.Handle("POST "+v4+"/projects/{id}/export", a.open(a.scheduleExport))
	mux.Handle("GET "+v4+"/projects/{id}/export", a.open(a.exportStatus))
	mux.Handle("GET "+v4+"/projects/{id}/export/download", a.open(a.downloadExport))

	mux.Handle("POST "+v4+"/projects/import", a.streamed(a.importFile))
	mux.Handle("POST "+v4+"/groups/import", a.streamed(a.importGroup))
	mux.Handle("GET "+v4+"/ferry/groups/{id}/import", a.authed(a.getGroupImport))
	mux.Handle("POST "+v4+"/projects/remote-import", a.authed(a.remoteImport))
	mux.Handle("POST "+v4+"/projects/remote-import-s3", a.authed(a.remoteImportS3))
	mux.Handle("GET "+v4+"/projects/{id}/import", a.authed(a.getImport))

	mux.Handle("GET "+v4+"/features", a.authed(a.listFeatures))
	mux.Handle("GET "+v4+"/features/definitions", a.authed(a.listFeatureDefinitions))
	mux.Handle("POST "+v4+"/features/{name}", a.authed(a.setFeature))
	mux.Handle("DELETE "+v4+"/features/{name}", a.authed(a.deleteFeature))

	mux.Handle("GET "+v4+"/ferry/jobs", a.authed(a.listFerryJobs))
	mux.Handle("POST "+v4+"/ferry/jobs/imports/{id}/retry", a.authed(a.jobAction(retryImport)))
	mux.Handle("POST "+v4+"/ferry/jobs/imports/{id}/cancel", a.authed(a.jobAction(cancelImport)))
	mux.Handle("POST "+v4+"/ferry/jobs/exports/{id}/cancel", a.authed(a.jobAction(cancelExport)))
	mux.Handle("POST "+v4+"/ferry/jobs/group_imports/{id}/cancel", a.authed(a.jobAction(cancelGroupImport)))
	mux.Handle("POST "+v4+"/ferry/jobs/group_exports/{id}/cancel", a.authed(a.jobAction(cancelGroupExport)))
	mux.Handle("GET "+v4+"/application/settings", a.authed(a.getSettings))
	mux.Handle("PUT "+v4+"/application/settings", a.authed(a.updateSettings))

	mux.Handle(v4+"/", a.open(func(http.ResponseWriter, *request) error {
		return &httpError{Status: http.StatusNotFound, Body: errorBody{"404 Not Found"}}
	}))
	mux.Handle("GET /-/project/{id}/uploads/{secret}/{filename}", webToken(a.open(a.projectUploadByID)))
	// Under /<full_path> (any depth, so matched in serveWeb): GET
	// /uploads/{secret}/{filename}, /download_export, and git with LFS:
	// .git/info/refs, .git/git-upload-pack, .git/git-receive-pack,
	// POST .git/info/lfs/objects/batch, GET .git/gitlab-lfs/objects/{oid},
	// GET .git/info/lfs/locks, POST .git/info/lfs/locks/verify.
	mux.HandleFunc("/", a.serveWeb)
	return a.withRequestLog(a.rejectMalformed(a.guardBodies(apiPaths(withRoute(mux)))))
}
