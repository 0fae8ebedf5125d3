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

// TestSettings_NumberRanges pins that a size, timeout or rate limit setting
// outside 0..2147483647 (GitLab's integer columns) is refused with GitLab's
// validation answer and changes nothing, and that the largest value is
// taken as it is: no limit in effect, never wrapped into a small one.
func TestSettings_NumberRanges(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	root, form := servertest.RootToken, "application/x-www-form-urlencoded"
	put, js := "/api/v4/application/settings", "application/json"
	tooBig := `must be less than or equal to 2147483647`
	checkCalls(t, env, []apiCase{
		{"Negative", "PUT", put, root, form, "max_import_size=-1", 400, `{"message":{"max_import_size":["must be greater than or equal to 0"]}}`},
		{"PastInt32", "PUT", put, root, form, "max_export_size=2147483648", 400, `{"message":{"max_export_size":["` + tooBig + `"]}}`},
		{"WrapsOnShift", "PUT", put, root, form, "max_import_size=17592186044416", 400, `{"message":{"max_import_size":["` + tooBig + `"]}}`},
		{"PastInt64", "PUT", put, root, form, "max_decompressed_archive_size=99999999999999999999", 400,
			`{"message":{"max_decompressed_archive_size":["` + tooBig + `"]}}`},
		{"PastInt64Negative", "PUT", put, root, form, "max_import_remote_file_size=-99999999999999999999", 400,
			`{"message":{"max_import_remote_file_size":["must be greater than or equal to 0"]}}`},
		{"Timeout", "PUT", put, root, js, `{"decompress_archive_file_timeout":9223372036854775807}`, 400,
			`{"message":{"decompress_archive_file_timeout":["` + tooBig + `"]}}`},
		{"RateLimits", "PUT", put, root, form, "project_export_limit=4294967296&project_import_limit=-1", 400,
			`{"message":{"project_export_limit":["` + tooBig + `"],"project_import_limit":["must be greater than or equal to 0"]}}`},
		{"NotANumber", "PUT", put, root, form, "project_download_export_limit=1e3", 400, `{"error":"project_download_export_limit is invalid"}`},
	})
	s, _, err := env.Root.Settings.GetSettings()
	if err != nil {
		t.Fatal(err)
	}
	if s.MaxImportSize != 0 || s.MaxExportSize != 0 || s.MaxDecompressedArchiveSize != 25600 || s.ProjectExportLimit != 6 {
		t.Errorf("refused updates changed settings: %+v", s)
	}
	largest := gitlab.Ptr(int64(2147483647))
	s, _, err = env.Root.Settings.UpdateSettings(&gitlab.UpdateSettingsOptions{MaxImportSize: largest, MaxExportSize: largest,
		MaxDecompressedArchiveSize: largest, DecompressArchiveFileTimeout: largest, ProjectImportLimit: largest,
		ProjectExportLimit: largest, MaxImportRemoteFileSize: largest})
	if err != nil || s.MaxImportSize != 2147483647 || s.DecompressArchiveFileTimeout != 2147483647 {
		t.Fatalf("largest values: %v %+v", err, s)
	}
	// An import (upload, decompression, timeout) and an export (size
	// check) under the largest limits go through.
	id := importFinished(t, env, fixtureArchive(t, "0.2.4", nil), map[string]string{"path": "largest"})
	if _, err := env.Root.ProjectImportExport.ScheduleExport(int(id), nil); err != nil {
		t.Errorf("export under the largest max_export_size: %v", err)
	}
}
