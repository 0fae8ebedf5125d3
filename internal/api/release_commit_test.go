package api_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestReleases_CommitAndEvidences pins what GitLab's Release entity shows
// of an imported release: commit, the repository's commit of the
// release's sha (null when the repository has none), and evidences, none
// (an archive carries no evidence).
func TestReleases_CommitAndEvidences(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	bundle, refs := sourceRepo(t)
	sha := ""
	for _, line := range strings.Split(refs, "\n") {
		if s, ok := strings.CutSuffix(line, " refs/tags/v1.0"); ok {
			sha = s
		}
	}
	releases, err := os.ReadFile(filepath.Join(fixtureDir(t), "tree/project/releases.ndjson"))
	if err != nil || sha == "" {
		t.Fatalf("%v, tag v1.0 in %q", err, refs)
	}
	releases = bytes.Replace(releases, []byte("901de3a8bd5573f4a049b1457d28bc1592baaa2e"), []byte(sha), 1)
	id := importFinished(t, env, fixtureArchive(t, "0.2.4", map[string][]byte{"project.bundle": bundle,
		"tree/project/releases.ndjson": releases}), map[string]string{"path": "released"})
	var got []struct {
		TagName   string            `json:"tag_name"`
		Commit    *json.RawMessage  `json:"commit"`
		Evidences []json.RawMessage `json:"evidences"`
	}
	code, body, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(id)+"/releases", servertest.RootToken, "", "")
	if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil || len(got) != 3 {
		t.Fatalf("%d %v %s", code, err, body)
	}
	for _, r := range got {
		if r.Evidences == nil || len(r.Evidences) != 0 || !strings.Contains(body, `"evidences":[]`) {
			t.Errorf("%s: evidences %v, want []", r.TagName, r.Evidences)
		}
		if r.TagName != "release-1.0" {
			if r.Commit != nil {
				t.Errorf("%s: commit %s, want null (its sha is not in the repository)", r.TagName, *r.Commit)
			}
			continue
		}
		var c struct {
			ID      string `json:"id"`
			ShortID string `json:"short_id"`
			Title   string `json:"title"`
			WebURL  string `json:"web_url"`
		}
		if r.Commit == nil || json.Unmarshal(*r.Commit, &c) != nil || c.ID != sha || c.ShortID != sha[:8] || c.Title != "one" ||
			c.WebURL != env.URL+"/root/released/-/commit/"+sha {
			t.Errorf("release-1.0's commit: %+v, want %s", c, sha)
		}
	}
	code, one, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(id)+"/releases/release-1.0", servertest.RootToken, "", "")
	if code != 200 || !strings.Contains(one, `"commit":{"id":"`+sha+`"`) || !strings.Contains(one, `"evidences":[]`) {
		t.Errorf("GET release-1.0: %d %s", code, one)
	}
}
