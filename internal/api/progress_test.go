package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path"
	"slices"
	"testing"

	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/generate"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// progressSeen is the progress field of an import or export status.
type progressSeen struct {
	Step       string `json:"step"`
	Item       string `json:"item"`
	ItemIndex  int    `json:"item_index"`
	ItemCount  int    `json:"item_count"`
	DoneBytes  int64  `json:"done_bytes"`
	TotalBytes int64  `json:"total_bytes"`
}

// checkProgress fails t unless seen follows the order of steps, items
// count up within a step and bytes grow within an item, never past the
// total.
func checkProgress(t *testing.T, seen []progressSeen, steps []string) {
	t.Helper()
	for i, p := range seen {
		if !slices.Contains(steps, p.Step) {
			t.Fatalf("unknown step %q in %+v", p.Step, seen)
		}
		if p.TotalBytes > 0 && p.DoneBytes > p.TotalBytes {
			t.Fatalf("more done than the total: %+v", p)
		}
		if i == 0 {
			continue
		}
		q := seen[i-1]
		switch a, b := slices.Index(steps, q.Step), slices.Index(steps, p.Step); {
		case b < a:
			t.Fatalf("step %q after %q: %+v", p.Step, q.Step, seen)
		case b == a && p.ItemIndex < q.ItemIndex:
			t.Fatalf("item %d after %d: %+v", p.ItemIndex, q.ItemIndex, seen)
		case b == a && p.ItemIndex == q.ItemIndex && p.DoneBytes < q.DoneBytes:
			t.Fatalf("bytes went back: %+v", seen)
		}
	}
}

// record adds p to seen unless it is the last one seen.
func record(seen []progressSeen, p *progressSeen) []progressSeen {
	if p == nil || (len(seen) > 0 && seen[len(seen)-1] == *p) {
		return seen
	}
	return append(seen, *p)
}

// pollProgress reads the status at path until its field says finished,
// and returns the progress seen, in order. Nothing is timed: the job's
// pace decides how much is seen.
func pollProgress(t *testing.T, env *servertest.Env, path, field string) []progressSeen {
	t.Helper()
	var seen []progressSeen
	for {
		_, body, _ := call(t, env, "GET", path, servertest.RootToken, "", "")
		var st struct {
			Progress *progressSeen `json:"progress"`
		}
		var status map[string]any
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		_ = json.Unmarshal([]byte(body), &status)
		switch status[field] {
		case "failed":
			t.Fatalf("%s failed: %s", path, body)
		case "scheduled", "queued":
			if st.Progress != nil {
				t.Fatalf("progress before the job started: %s", body)
			}
		}
		seen = record(seen, st.Progress)
		if status[field] == "finished" {
			return seen
		}
	}
}

// bundlesSize is the bytes of the project and wiki bundles in the archive
// data.
func bundlesSize(t *testing.T, data []byte) int64 {
	t.Helper()
	var n int64
	for name, b := range untar(t, data) {
		if name := path.Clean(name); name == archive.BundleFile || name == archive.WikiBundleFile {
			n += int64(len(b))
		}
	}
	return n
}

// startImport posts data as root's project "p" and returns its id.
func startImport(t *testing.T, env *servertest.Env, data []byte) int64 {
	t.Helper()
	status, body := importArchive(t, env, servertest.RootToken, "a.tar.gz", data, map[string]string{"path": "p"})
	if status != 201 {
		t.Fatalf("import: %d %s", status, body)
	}
	return projectID(t, body)
}

func TestProgress_ImportAndExportShowTheirSteps(t *testing.T) {
	t.Parallel()
	sc := generate.Scales["s"]
	sc.Issues, sc.MergeRequests, sc.Pipelines, sc.RepoBytes = 300, 200, 100, 40<<20
	var data bytes.Buffer
	if err := generate.Write(context.Background(), &data, sc, 1, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	bundles := bundlesSize(t, data.Bytes())
	env := servertest.Start(t)
	id := startImport(t, env, data.Bytes())
	seen := pollProgress(t, env, "/api/v4/projects/"+itoa(id)+"/import", "import_status")
	t.Logf("import progress seen: %+v", seen)
	checkProgress(t, seen, []string{"downloading", "extracting", "project", "relations", "repositories", "files", "finishing"})
	if last := seen[len(seen)-1]; last.Step != "finishing" {
		t.Fatalf("a finished import's last step is finishing: %+v", last)
	}
	for _, p := range seen {
		if p.Step == "extracting" && p.TotalBytes != int64(data.Len()) {
			t.Fatalf("extracting counts the archive's %d bytes: %+v", data.Len(), p)
		}
		if p.Step == "repositories" && p.TotalBytes != bundles {
			t.Fatalf("repositories counts the %d bytes of the bundles: %+v", bundles, p)
		}
		if p.Step == "relations" && (p.Item == "" || p.ItemIndex < 1 || p.ItemIndex > p.ItemCount) {
			t.Fatalf("a relation step names its relation, of the count: %+v", p)
		}
	}

	path := "/api/v4/projects/" + itoa(id) + "/export"
	if code, body, _ := call(t, env, "POST", path, servertest.RootToken, "", ""); code != 202 {
		t.Fatalf("export: %d %s", code, body)
	}
	seen = pollProgress(t, env, path, "export_status")
	t.Logf("export progress seen: %+v", seen)
	checkProgress(t, seen, []string{"tree", "relations", "repositories", "files"})
	if last := seen[len(seen)-1]; last.Step != "files" || last.DoneBytes == 0 {
		t.Fatalf("a finished export's last step is files, with the archive's end written: %+v", last)
	}
}

// A failed import keeps the step it stopped at: an archive without
// VERSION fails once it is extracted, every byte read.
func TestProgress_FailedImportShowsWhereItStopped(t *testing.T) {
	t.Parallel()
	var data bytes.Buffer
	aw := archive.NewWriter(&data)
	if err := aw.AddBytes(archive.ProjectFile, []byte(`{"name":"x"}`)); err != nil {
		t.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	env := servertest.Start(t)
	id := startImport(t, env, data.Bytes())
	if st := waitImport(t, env, servertest.RootToken, id); st.ImportStatus != "failed" {
		t.Fatalf("an archive without VERSION fails: %+v", st)
	}
	_, body, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(id)+"/import", servertest.RootToken, "", "")
	var st struct {
		Progress *progressSeen `json:"progress"`
	}
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	want := progressSeen{Step: "extracting", DoneBytes: int64(data.Len()), TotalBytes: int64(data.Len())}
	if st.Progress == nil || *st.Progress != want {
		t.Fatalf("progress %s, want %+v", body, want)
	}
}
