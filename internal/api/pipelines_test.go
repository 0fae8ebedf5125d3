package api_test

import (
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// TestPipelines pins GET /projects/:id/pipelines and /pipelines/:id over
// the fixture's ten pipelines: the newest first, pagination, filters, and
// a private project's pipelines refused to Guests and hidden from
// outsiders.
func TestPipelines(t *testing.T) {
	t.Parallel()
	s := setupRecords(t)
	all, resp, err := s.dev.Pipelines.ListProjectPipelines(s.project, &gitlab.ListProjectPipelinesOptions{
		ListOptions: gitlab.ListOptions{PerPage: 4, Page: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.TotalItems != 10 || resp.TotalPages != 3 || resp.PreviousPage != 2 || resp.NextPage != 0 || len(all) != 2 {
		t.Fatalf("pipelines: %d of %d, pages %d", len(all), resp.TotalItems, resp.TotalPages)
	}
	first := all[1] // the archive's first pipeline
	if first.Status != "waiting_for_resource" || first.SHA != "2ea1f3dec713d940208fb5ce4a38765ecb5d3f73" || first.Ref != "master" ||
		first.ProjectID != s.project || first.ID >= all[0].ID {
		t.Errorf("first pipeline: %+v", first)
	}
	push, _, err := s.dev.Pipelines.ListProjectPipelines(s.project, &gitlab.ListProjectPipelinesOptions{Source: gitlab.Ptr("push")})
	if err != nil || len(push) != 1 || push[0].SHA != "sha-notes" {
		t.Errorf("push pipelines %+v: %v", push, err)
	}
	for _, tt := range []struct {
		name   string
		opt    gitlab.ListProjectPipelinesOptions
		total  int64
		status string // of the first
	}{
		{"Finished", gitlab.ListProjectPipelinesOptions{Scope: gitlab.Ptr("finished")}, 4, "skipped"},
		{"Running", gitlab.ListProjectPipelinesOptions{Scope: gitlab.Ptr("running")}, 1, "running"},
		{"ByStatus", gitlab.ListProjectPipelinesOptions{OrderBy: gitlab.Ptr("status"), Sort: gitlab.Ptr("asc")}, 10, "canceled"},
		{"Status", gitlab.ListProjectPipelinesOptions{Status: gitlab.Ptr(gitlab.Failed)}, 1, "failed"},
		{"NoYamlErrors", gitlab.ListProjectPipelinesOptions{YamlErrors: gitlab.Ptr(false)}, 10, "skipped"},
	} {
		got, resp, err := s.dev.Pipelines.ListProjectPipelines(s.project, &tt.opt)
		if err != nil || resp.TotalItems != tt.total || len(got) == 0 || got[0].Status != tt.status {
			t.Errorf("%s: %d pipelines, first %+v: %v", tt.name, resp.TotalItems, got, err)
		}
	}
	one, _, err := s.dev.Pipelines.GetPipeline(s.project, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if one.ID != first.ID || one.Status != "waiting_for_resource" || one.DetailedStatus == nil ||
		one.DetailedStatus.Group != "waiting_for_resource" || one.User != nil {
		t.Errorf("pipeline: %+v", one)
	}
	guestUser, _, guest := newUser(t, s.env, "guest")
	if _, _, err := s.env.Root.ProjectMembers.AddProjectMember(s.project, &gitlab.AddProjectMemberOptions{
		UserID: gitlab.Ptr(guestUser.ID), AccessLevel: gitlab.Ptr(gitlab.GuestPermissions)}); err != nil {
		t.Fatal(err)
	}
	latest, _, err := s.dev.Pipelines.GetLatestPipeline(s.project, &gitlab.GetLatestPipelineOptions{Ref: gitlab.Ptr("master")})
	if err != nil || latest.Status != "skipped" || latest.Ref != "master" {
		t.Errorf("latest pipeline of master: %+v %v", latest, err)
	}
	p := "/api/v4/projects/" + itoa(s.project)
	checkCalls(t, s.env, []apiCase{
		{"NoLatest", "GET", p + "/pipelines/latest?ref=nope", s.developer, "", "", 404, `{"message":"404 Not found"}`},
		{"PrivateGuest", "GET", p + "/pipelines", guest, "", "", 403, `{"message":"403 Forbidden"}`},
		{"PrivateGuestJob", "GET", p + "/jobs/1", guest, "", "", 403, `{"message":"403 Forbidden"}`},
		{"Missing", "GET", p + "/pipelines/999999", s.developer, "", "", 404, `{"message":"404 Not found"}`},
		{"MissingJobs", "GET", p + "/pipelines/999999/jobs", s.developer, "", "", 404, `{"message":"404 Not found"}`},
		{"NotANumber", "GET", p + "/pipelines/x", s.developer, "", "", 400, `{"error":"pipeline_id is invalid"}`},
		{"BadStatus", "GET", p + "/pipelines?status=odd", s.developer, "", "", 400, `{"error":"status does not have a valid value"}`},
		{"Outsider", "GET", p + "/pipelines", s.outsider, "", "", 404, `{"message":"404 Project Not Found"}`},
		{"OutsiderJobs", "GET", p + "/jobs", s.outsider, "", "", 404, `{"message":"404 Project Not Found"}`},
	})
}

// TestJobs pins the fixture's nine jobs (builds, and the statuses of an
// older archive), per pipeline and per project, with scope[].
func TestJobs(t *testing.T) {
	t.Parallel()
	s := setupRecords(t)
	pipelines, _, err := s.dev.Pipelines.ListProjectPipelines(s.project, &gitlab.ListProjectPipelinesOptions{Sort: gitlab.Ptr("asc")})
	if err != nil || len(pipelines) != 10 {
		t.Fatalf("pipelines %d: %v", len(pipelines), err)
	}
	jobs, resp, err := s.dev.Jobs.ListPipelineJobs(s.project, pipelines[0].ID, nil)
	if err != nil || len(jobs) != 2 || resp.TotalItems != 2 {
		t.Fatalf("first pipeline's jobs %d: %v", len(jobs), err)
	}
	if j := jobs[0]; j.Name != "test build 1" || j.Stage != "test" || j.Status != "running" || j.Pipeline.ID != pipelines[0].ID ||
		j.FinishedAt == nil || j.WebURL == "" {
		t.Errorf("job: %+v", j)
	}
	all, resp, err := s.dev.Jobs.ListProjectJobs(s.project, &gitlab.ListJobsOptions{ListOptions: gitlab.ListOptions{PerPage: 5}})
	if err != nil || resp.TotalItems != 9 || len(all) != 5 || resp.NextPage != 2 {
		t.Fatalf("project jobs %d of %d: %v", len(all), resp.TotalItems, err)
	}
	rest, _, err := s.dev.Jobs.ListProjectJobs(s.project, &gitlab.ListJobsOptions{ListOptions: gitlab.ListOptions{PerPage: 5, Page: 2}})
	if err != nil || len(rest) != 4 || rest[0].ID >= all[4].ID || rest[3].Pipeline.ID != pipelines[0].ID {
		t.Errorf("second page of jobs %+v: %v", rest, err)
	}
	failed, _, err := s.dev.Jobs.ListProjectJobs(s.project, &gitlab.ListJobsOptions{Scope: &[]gitlab.BuildStateValue{"failed"}})
	if err != nil || len(failed) != 2 || failed[0].FailureReason != "unknown_failure" {
		t.Errorf("failed jobs %+v: %v", failed, err)
	}
	one, _, err := s.dev.Jobs.GetJob(s.project, all[0].ID)
	if err != nil || one.ID != all[0].ID || one.Name != all[0].Name || one.Pipeline.ID != all[0].Pipeline.ID {
		t.Errorf("job %d: %+v %v", all[0].ID, one, err)
	}
	p := "/api/v4/projects/" + itoa(s.project)
	checkCalls(t, s.env, []apiCase{
		{"Missing", "GET", p + "/jobs/5", s.developer, "", "", 404, `{"message":"404 Not found"}`},
		{"BadScope", "GET", p + "/jobs?scope[]=odd", s.developer, "", "", 400, `{"error":"scope does not have a valid value"}`},
	})
}
