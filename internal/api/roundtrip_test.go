package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// storedRelations reads every stored record of a project, keyed by
// relation, with the project reference normalised.
func storedRelations(t *testing.T, env *servertest.Env, id int64) map[string][]string {
	t.Helper()
	names, err := env.Server.DB.RelationNames(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, rel := range names {
		env.Server.DB.EachRelationRecord(t.Context(), id, rel, func(data []byte) error {
			rec := strings.ReplaceAll(string(data), `project_id":`+itoa(id)+`,`, `project_id":P,`)
			out[rel] = append(out[rel], strings.ReplaceAll(rec, `project_id":`+itoa(id)+`}`, `project_id":P}`))
			return nil
		})
	}
	return out
}

// exportedRecords are stored records as an export writes them.
func exportedRecords(t *testing.T, schema *archive.Relation, records []string) []string {
	t.Helper()
	out := make([]string, len(records))
	for i, r := range records {
		b, err := schema.Filter(nil, []byte(r))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(b)
	}
	return out
}

// TestProjectImport_RoundTrip pins that GitLab's fixture imported, exported
// and imported again keeps everything GitLab's exporter writes: the same
// records less the keys and relations GitLab no longer exports, the same
// attributes less those, the same repository.
func TestProjectImport_RoundTrip(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0)),
		ProjectDownloadExportLimit: gitlab.Ptr(int64(0))})
	bundle, refs := sourceRepo(t)
	files := map[string][]byte{"project.bundle": bundle, "uploads/abcdef0123/diagram.png": []byte("png bytes"),
		"project.design.bundle": bundle, "snippets/0123abcd.bundle": bundle, "avatar/logo.png": []byte("logo"),
		"lfs-objects/4cf5b1f5c8a3e1e1b1fd3b42bd08f1e9bd0b8cd8f0b0b8b2e2a7f4e0d5c2b1a0": []byte("large file content"),
		"lfs-objects.json": []byte(`{"4cf5b1f5c8a3e1e1b1fd3b42bd08f1e9bd0b8cd8f0b0b8b2e2a7f4e0d5c2b1a0":["project"]}`)}
	first := importFinished(t, env, fixtureArchive(t, "0.2.4", files), map[string]string{"path": "first"})
	exported := exportArchive(t, env.Root, first)
	entries := untar(t, exported)
	sum := sha256.Sum256([]byte("large file content"))
	lfsOID := hex.EncodeToString(sum[:])
	if string(entries["./uploads/abcdef0123/diagram.png"]) != "png bytes" {
		t.Errorf("export lacks the upload")
	}
	if string(entries["./lfs-objects/"+lfsOID]) != "large file content" {
		t.Errorf("export lacks the LFS object under its SHA-256 oid")
	}
	for _, name := range []string{"./project.design.bundle", "./snippets/0123abcd.bundle"} {
		if !bytes.Equal(entries[name], bundle) {
			t.Errorf("export lacks %s", name)
		}
	}
	if string(entries["./avatar/logo.png"]) != "logo" {
		t.Error("export lacks the avatar")
	}
	if !strings.Contains(string(entries["./lfs-objects.json"]), `"project"`) {
		t.Errorf("lfs-objects.json %s", entries["./lfs-objects.json"])
	}
	status, body := importArchive(t, env, servertest.RootToken, "exported.tar.gz", exported, map[string]string{"path": "second"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	second := projectID(t, body)
	if st := waitImport(t, env, servertest.RootToken, second); st.ImportStatus != "finished" || len(st.FailedRelations) != 0 {
		t.Fatalf("second import %s %+v", st.ImportStatus, st.FailedRelations)
	}

	a, b := storedRelations(t, env, first), storedRelations(t, env, second)
	for rel, records := range a {
		schema := archive.ExportTree.Child(rel)
		if schema == nil {
			if len(b[rel]) != 0 {
				t.Errorf("%s, which GitLab no longer exports, came back", rel)
			}
			continue
		}
		want := exportedRecords(t, schema, records)
		if rel == "project_members" {
			members := strings.Join(b[rel], "\n")
			for _, m := range want {
				if !strings.Contains(members, m) {
					t.Errorf("member lost in the round trip: %s", m)
				}
			}
		} else if strings.Join(want, "\n") != strings.Join(b[rel], "\n") {
			t.Errorf("%s changed in the round trip: %d records became %d", rel, len(records), len(b[rel]))
		}
	}
	attrsA, _ := env.Server.DB.ProjectAttributes(t.Context(), first)
	attrsB, _ := env.Server.DB.ProjectAttributes(t.Context(), second)
	for k, v := range attrsA {
		if archive.ExportTree.Writes(k) && k != "name" && string(attrsB[k]) != string(v) {
			t.Errorf("attribute %s: %s became %s", k, v, attrsB[k])
		}
	}
	got, _ := git(t, ".", "--git-dir="+env.Server.Repos.Dir(second), "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads", "refs/tags")
	if got != refs {
		t.Errorf("repository after the round trip:\n%s\nwant\n%s", got, refs)
	}
}
