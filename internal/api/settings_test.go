package api_test

import (
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

func TestSettings_AdminOnly(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	_, alice, aliceToken := newUser(t, env, "alice")

	s, _, err := env.Root.Settings.GetSettings()
	if err != nil {
		t.Fatal(err)
	}
	if s.MaxImportSize != 0 || s.MaxExportSize != 0 || !s.ProjectExportEnabled || s.AllowLocalRequestsFromWebHooksAndServices ||
		s.ProjectExportLimit != 6 || s.ProjectImportLimit != 6 {
		t.Errorf("defaults: %+v", s)
	}
	s, _, err = env.Root.Settings.UpdateSettings(&gitlab.UpdateSettingsOptions{
		MaxImportSize: gitlab.Ptr(int64(50)), MaxExportSize: gitlab.Ptr(int64(75)),
		ProjectExportEnabled: gitlab.Ptr(false), AllowLocalRequestsFromWebHooksAndServices: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if s.MaxImportSize != 50 || s.MaxExportSize != 75 || s.ProjectExportEnabled || !s.AllowLocalRequestsFromWebHooksAndServices {
		t.Errorf("after update: import %d export %d enabled %v local %v", s.MaxImportSize, s.MaxExportSize,
			s.ProjectExportEnabled, s.AllowLocalRequestsFromWebHooksAndServices)
	}
	_, resp, _ := alice.Settings.GetSettings()
	if statusOf(resp) != 403 {
		t.Errorf("non-admin GET settings: %d, want 403", statusOf(resp))
	}
	status, body, _ := call(t, env, "PUT", "/api/v4/application/settings", aliceToken,
		"application/x-www-form-urlencoded", "max_import_size=1")
	if status != 403 || body != `{"message":"403 Forbidden"}` {
		t.Errorf("non-admin PUT settings: %d %s", status, body)
	}
	for _, bad := range []string{"max_import_size=-1", "max_export_size=lots", "project_export_enabled=perhaps",
		"project_import_limit=-5"} {
		status, _, _ := call(t, env, "PUT", "/api/v4/application/settings", servertest.RootToken,
			"application/x-www-form-urlencoded", bad+"&project_export_limit=1")
		if status != 400 {
			t.Errorf("PUT %s: %d, want 400", bad, status)
		}
	}
	s, _, err = env.Root.Settings.GetSettings()
	if err != nil {
		t.Fatal(err)
	}
	if s.MaxImportSize != 50 || s.ProjectImportLimit != 6 || s.ProjectExportLimit != 6 {
		t.Errorf("refused updates changed settings: import %d limit %d", s.MaxImportSize, s.ProjectImportLimit)
	}
}
