package archive

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// convertFiles packs files into an archive, converts it and returns the
// folder the result is extracted into.
func convertFiles(t *testing.T, files map[string]string) (string, Manifest) {
	t.Helper()
	var src bytes.Buffer
	if err := Pack(&src, files); err != nil {
		t.Fatal(err)
	}
	in, got := t.TempDir(), t.TempDir()
	m, err := Extract(context.Background(), &src, in, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Convert(context.Background(), in, m, &out, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	m2, err := Extract(context.Background(), &out, got, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return got, m2
}

// TestConvert pins that a legacy project.json archive becomes the NDJSON
// 0.2.4 layout: attributes and records through the export filter, a
// relation GitLab's exporter never writes left out, other files as they
// were.
func TestConvert(t *testing.T) {
	t.Parallel()
	got, m2 := convertFiles(t, map[string]string{
		VersionFile: "0.2.3\n", BundleFile: "bundle bytes",
		LegacyProjectFile: `{"description":"old one","visibility_level":0,"not_exported":1,` +
			`"labels":[{"id":1,"title":"bug","type":"ProjectLabel"}],` +
			`"issues":[{"id":5,"iid":1,"title":"a","state":"opened"},{"id":6,"iid":2,"title":"b","state":"closed"}],` +
			`"not_a_gitlab_relation":[{"x":1}]}`,
	})
	if err := CheckVersion(got); err != nil || !m2.HasTree || m2.HasLegacyProjectJSON {
		t.Fatalf("converted: version %v, manifest %+v", err, m2)
	}
	for name, want := range map[string]string{
		VersionFile: Version + "\n", BundleFile: "bundle bytes",
		// GitLab's exporter writes no id.
		"tree/project/issues.ndjson": `{"iid":1,"title":"a","state":"opened"}` + "\n" + `{"iid":2,"title":"b","state":"closed"}` + "\n",
	} {
		b, err := os.ReadFile(filepath.Join(got, name))
		if err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want %q", name, b, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(got, RelationDir, "not_a_gitlab_relation.ndjson")); err == nil {
		t.Error("a relation GitLab never exports was written")
	}
	attrs, err := ReadProjectJSON(got)
	if err != nil || string(attrs["description"]) != `"old one"` || attrs["not_exported"] != nil {
		t.Errorf("attributes %s, %v", attrs, err)
	}
}

// TestConvert_OldNDJSON pins that an NDJSON archive of an older VERSION
// gets 0.2.4 and the export filter.
func TestConvert_OldNDJSON(t *testing.T) {
	t.Parallel()
	got, _ := convertFiles(t, map[string]string{VersionFile: "0.2.2\n", ProjectFile: `{"description":"d"}`,
		"tree/project/issues.ndjson": `{"id":9,"iid":1,"title":"a"}` + "\n"})
	b, _ := os.ReadFile(filepath.Join(got, "tree/project/issues.ndjson"))
	if v, _ := ReadLine(got, VersionFile); v != Version || string(b) != `{"iid":1,"title":"a"}`+"\n" {
		t.Errorf("VERSION %q, issues %q", v, b)
	}
}
