package api_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// hugeDescription is about n bytes of markdown with what a record's
// reader and writer must keep intact: multi-byte characters across every
// buffer boundary, escapes, HTML characters, line and paragraph
// separators.
func hugeDescription(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString("Paragraph é ü 😀 <b>&amp;</b> \"quoted\" \\ tab\t\u2028 line ")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString("\n\n")
	}
	return b.String()
}

// TestProjectImport_HugeRecordRoundTrip pins that one record far bigger
// than every buffer on its way (the reader's, a stored part, a batch)
// comes through an import, an export and a second import intact, with the
// records around it.
func TestProjectImport_HugeRecordRoundTrip(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0)),
		ProjectDownloadExportLimit: gitlab.Ptr(int64(0))})
	desc := hugeDescription(12 << 20)
	huge, _ := json.Marshal(map[string]any{"iid": 2, "title": "huge", "source_branch": "a", "target_branch": "main",
		"id": 99, "project_id": 7, "description": desc,
		"created_at": "2024-01-02T03:04:05.000Z", "updated_at": "2024-01-02T03:04:05.000Z"})
	var buf bytes.Buffer
	aw := archive.NewWriter(&buf)
	aw.AddBytes("VERSION", []byte("0.2.4"))
	aw.AddBytes("tree/project.json", []byte(`{"description":"p"}`))
	aw.AddBytes("tree/project/merge_requests.ndjson", []byte(`{"iid":1,"title":"small","source_branch":"b","target_branch":"main"}`+
		"\n"+string(huge)+"\n"+`{"iid":3,"title":"after","source_branch":"c","target_branch":"main"}`+"\n"))
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	first := importFinished(t, env, buf.Bytes(), map[string]string{"path": "first"})
	// The read model's row holds the description decoded from the record.
	mr, _, err := env.Root.MergeRequests.GetMergeRequest(int(first), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if mr.Description != desc {
		t.Errorf("merge request 2 reads a %d-byte description, want the %d bytes imported", len(mr.Description), len(desc))
	}
	exported := exportArchive(t, env.Root, first)
	lines := strings.Split(strings.TrimSuffix(string(untar(t, exported)["./tree/project/merge_requests.ndjson"]), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("exported %d merge requests, want 3", len(lines))
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &got); err != nil {
		t.Fatal(err)
	}
	if got["description"] != desc || got["title"] != "huge" || got["id"] != nil {
		t.Errorf("exported huge record: %d-byte description (want %d), title %v, id %v",
			len(got["description"].(string)), len(desc), got["title"], got["id"])
	}
	if !strings.Contains(lines[0], `"title":"small"`) || !strings.Contains(lines[2], `"title":"after"`) {
		t.Errorf("records around the huge one: %.80s / %.80s", lines[0], lines[2])
	}
	second := importFinished(t, env, exported, map[string]string{"path": "second"})
	again := untar(t, exportArchive(t, env.Root, second))["./tree/project/merge_requests.ndjson"]
	if string(again) != strings.Join(lines, "\n")+"\n" {
		t.Errorf("merge requests changed in the round trip: %d bytes became %d", len(strings.Join(lines, "\n"))+1, len(again))
	}
}
