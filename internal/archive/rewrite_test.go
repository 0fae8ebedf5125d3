package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestRewrite pins the edits and that what is not edited stays byte for
// byte: a dropped record (also an unreadable one), a mapped e-mail, a set
// attribute, a new VERSION.
func TestRewrite(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		VersionFile: "0.2.2\n", ProjectFile: `{"description":"old"}`, BundleFile: "bundle bytes",
		"tree/project/issues.ndjson":          `{"title":"a","author":{"email":"ann@old.example"}}` + "\n" + "{broken\n" + `{"title":"c"}` + "\n",
		"tree/project/project_members.ndjson": `{"user":{"email":"ann@old.example"}}` + "\n",
		"tree/project/labels.ndjson":          `{"title":"untouched"}` + "  \n\n",
	}
	var src bytes.Buffer
	if err := Pack(&src, files); err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	m, err := Extract(context.Background(), &src, in, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	e := Edits{Emails: map[string]string{"ann@old.example": "ann@new.example"}, Drop: map[string]map[int]bool{"issues": {1: true}},
		Attributes: map[string]json.RawMessage{"description": json.RawMessage(`"new"`)}, Version: "0.2.4"}
	if err := Rewrite(context.Background(), in, m, &out, e, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	got := t.TempDir()
	if _, err := Extract(context.Background(), &out, got, Limits{}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		VersionFile: "0.2.4\n", ProjectFile: `{"description":"new"}`, BundleFile: "bundle bytes",
		"tree/project/issues.ndjson":          `{"title":"a","author":{"email":"ann@new.example"}}` + "\n" + `{"title":"c"}` + "\n",
		"tree/project/project_members.ndjson": `{"user":{"email":"ann@new.example"}}` + "\n",
		"tree/project/labels.ndjson":          `{"title":"untouched"}` + "  \n\n",
	} {
		b, err := os.ReadFile(filepath.Join(got, name))
		if err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want %q", name, b, err, want)
		}
	}
}
