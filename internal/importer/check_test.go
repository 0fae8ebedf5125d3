package importer

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
)

// packFiles is an archive of files (name → content).
func packFiles(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := archive.Pack(&buf, files); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCheck pins the dry run: the records an import would skip are
// problems, an archive an import would refuse is an error with GitLab's
// message, and the counts are the archive's.
func TestCheck(t *testing.T) {
	t.Parallel()
	good := map[string]string{
		archive.VersionFile: "0.2.4\n", archive.GitLabVersionFile: "17.5.0\n",
		archive.ProjectFile: `{"name":"Demo","description":"a demo"}`,
		"tree/project/issues.ndjson": `{"title":"one","iid":1}` + "\n" + `{"title":"","iid":2}` + "\n" +
			`{"title":"three","iid":3,"label_links":[{"label":{"title":"bug"}}]}` + "\n",
		"tree/project/labels.ndjson": `{"title":"bug"}` + "\n",
		"tree/project/project_members.ndjson": `{"access_level":30,"user":{"email":"ann@example.com"}}` + "\n" +
			`{"access_level":40,"user":{"public_email":"bob@example.com","email":"b@corp"}}` + "\n",
		archive.BundleFile: "not checked here",
	}
	for _, tt := range []struct {
		name    string
		edit    map[string]string
		wantErr string
		records int64
		problem string
	}{
		{name: "OK", records: 6, problem: "issues:1 Validation failed: Title can't be blank"},
		{name: "BadVersion", edit: map[string]string{archive.VersionFile: "0.1.8"}, wantErr: "0.1.8"},
		{name: "NoVersion", edit: map[string]string{archive.VersionFile: ""}, wantErr: "Incorrect VERSION format"},
		{name: "BadLine", edit: map[string]string{"tree/project/labels.ndjson": "{\n"}, wantErr: "Incorrect JSON format"},
		{name: "NotAnObject", edit: map[string]string{"tree/project/labels.ndjson": "[1]\n"}, wantErr: "labels"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			files := map[string]string{}
			for k, v := range good {
				files[k] = v
			}
			for k, v := range tt.edit {
				files[k] = v
			}
			rep, err := Check(context.Background(), bytes.NewReader(packFiles(t, files)), t.TempDir(),
				ferry.DefaultSettings(), slog.Default())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !Failed(err) {
					t.Fatalf("Check = %v, want an archive error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var n int64
			for _, rc := range rep.Relations {
				n += rc.Records
			}
			var problems []string
			for _, p := range rep.Problems {
				problems = append(problems, p.Relation+":"+strconv.Itoa(p.Line)+" "+p.Message)
			}
			if n != tt.records || strings.Join(problems, "; ") != tt.problem || rep.Name != "Demo" || rep.GitLabVersion != "17.5.0" {
				t.Errorf("records %d, problems %q, name %q, GitLab %q", n, problems, rep.Name, rep.GitLabVersion)
			}
			if got := strings.Join(rep.Members, " "); got != "ann@example.com bob@example.com" {
				t.Errorf("members %q", got)
			}
			if files, size := rep.Size(archive.BundleFile); files != 1 || size != 16 {
				t.Errorf("bundle: %d files, %d bytes", files, size)
			}
		})
	}
}
