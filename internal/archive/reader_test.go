package archive

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeTree creates files (slash paths -> content) under a new temp dir.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheckVersion(t *testing.T) {
	for _, tc := range []struct {
		content string // "" means no VERSION file
		wantErr string
		check   func(error) bool
	}{
		{"0.2.4", "", nil},
		{"0.2.4\n", "", nil},
		{"v0.2.4-ee", "", nil},
		{"0.2.3", "", nil}, // older 0.2.x archives are read too
		{"0.2.0", "", nil},
		{"0.1.8", "Import version mismatch: Required 0.2.4 but was 0.1.8 (Ferry also reads 0.2.0 to 0.2.3)", func(err error) bool {
			var ve *VersionError
			return errors.As(err, &ve) && ve.Found == "0.1.8"
		}},
		{"0.3.0", "Import version mismatch: Required 0.2.4 but was 0.3.0 (Ferry also reads 0.2.0 to 0.2.3)", nil},
		{"abc", "Incorrect VERSION format", func(err error) bool { return errors.Is(err, ErrVersionFormat) }},
		{strings.Repeat(" ", 128) + "0.2.4", "Incorrect VERSION format", nil}, // past 128 bytes
		{"", "", func(err error) bool { return errors.Is(err, fs.ErrNotExist) }},
	} {
		files := map[string]string{}
		if tc.content != "" {
			files[VersionFile] = tc.content
		}
		err := CheckVersion(writeTree(t, files))
		switch {
		case tc.wantErr == "" && tc.check == nil:
			if err != nil {
				t.Errorf("%q: %v", tc.content, err)
			}
		case err == nil:
			t.Errorf("%q: no error", tc.content)
		case tc.wantErr != "" && err.Error() != tc.wantErr:
			t.Errorf("%q: error %q, want %q", tc.content, err, tc.wantErr)
		case tc.check != nil && !tc.check(err):
			t.Errorf("%q: unexpected error %#v", tc.content, err)
		}
	}
}

func TestSymlinkedFilesRefused(t *testing.T) {
	dir := writeTree(t, map[string]string{"real": `{"a":1}`, "tree/x": ""})
	for _, name := range []string{VersionFile, ProjectFile, LegacyProjectFile} {
		if err := os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Skip("no symlinks:", err)
		}
	}
	if err := CheckVersion(dir); !errors.Is(err, ErrSymlink) {
		t.Errorf("CheckVersion: %v", err)
	}
	if _, err := ReadProjectJSON(dir); !errors.Is(err, ErrSymlink) {
		t.Errorf("ReadProjectJSON: %v", err)
	}
	if _, err := OpenLegacy(dir); !errors.Is(err, ErrSymlink) {
		t.Errorf("OpenLegacy: %v", err)
	}
}

func TestReadProjectJSON(t *testing.T) {
	m, err := ReadProjectJSON(writeTree(t, map[string]string{ProjectFile: `{"name":"p","archived":false}`}))
	if err != nil || string(m["name"]) != `"p"` || len(m) != 2 {
		t.Errorf("ReadProjectJSON = %v, %v", m, err)
	}
	for _, bad := range []string{`[]`, `null`, `{"a":`, `{} {}`} {
		if _, err := ReadProjectJSON(writeTree(t, map[string]string{ProjectFile: bad})); !errors.Is(err, ErrJSONFormat) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	if _, err := ReadProjectJSON(t.TempDir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

type record struct {
	Line int
	Raw  string
}

// readAll drains a RelationReader, collecting records and errors.
func readAll(t *testing.T, r *RelationReader) (recs []record, errs []error) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		line, raw, err := r.Next()
		if err == io.EOF {
			return recs, errs
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		recs = append(recs, record{line, string(raw)})
	}
	t.Fatal("reader does not end")
	return
}

func TestOpenRelation(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"tree/project/issues.ndjson": "{\"id\":1}\n\n  \r\n{\"id\":2}\r\n[1]\n{\"id\":\n{\"id\":3}",
		"real.ndjson":                "{\"id\":9}\n",
	})
	if err := os.Symlink(filepath.Join(dir, "real.ndjson"), filepath.Join(dir, "tree/project/labels.ndjson")); err != nil {
		t.Fatal(err)
	}
	r, err := OpenRelation(dir, "issues")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs, errs := readAll(t, r)
	want := []record{{0, `{"id":1}`}, {3, `{"id":2}`}, {6, `{"id":3}`}}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if len(errs) != 2 {
		t.Fatalf("errors: %v", errs)
	}
	for i, line := range []int{4, 5} {
		var le *LineError
		if !errors.As(errs[i], &le) || le.Line != line || le.File != "tree/project/issues.ndjson" || !errors.Is(errs[i], ErrJSONFormat) {
			t.Errorf("error %d: %#v", i, errs[i])
		}
	}
	if got := errs[0].Error(); got != "Incorrect JSON format in tree/project/issues.ndjson (line 5)" {
		t.Errorf("message %q", got)
	}
	for _, rel := range []string{"labels", "milestones"} { // symlink, missing: no records
		r, err := OpenRelation(dir, rel)
		if err != nil {
			t.Fatal(err)
		}
		if recs, errs := readAll(t, r); len(recs)+len(errs) != 0 {
			t.Errorf("%s: %v %v", rel, recs, errs)
		}
	}
	for _, bad := range []string{"", "../x", "a/b", "Issues", "a.b"} {
		if _, err := OpenRelation(dir, bad); err == nil {
			t.Errorf("OpenRelation(%q) succeeded", bad)
		}
	}
}

func TestOpenRelationLongLine(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 50 MiB line")
	}
	long := `{"a":"` + strings.Repeat("x", MaxJSONLine) + `"}`
	dir := writeTree(t, map[string]string{"tree/project/issues.ndjson": "{\"id\":1}\n" + long + "\n{\"id\":2}\n"})
	r, err := OpenRelation(dir, "issues")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs, errs := readAll(t, r)
	var le *LineError
	if len(recs) != 2 || len(errs) != 1 || !errors.As(errs[0], &le) || le.Line != 1 || !errors.Is(errs[0], ErrJSONTooLarge) {
		t.Fatalf("records %v, errors %v", recs, errs)
	}
	if got := errs[0].Error(); got != "JSON exceeds 50 MB limit in tree/project/issues.ndjson (line 2)" {
		t.Errorf("message %q", got)
	}
}

// TestOpenRelationLongLines reads lines on both sides of keepLong, in an
// order where a kept buffer is reused, outgrown and passed over by lines
// that get buffers of their own.
func TestOpenRelationLongLines(t *testing.T) {
	t.Parallel()
	var file strings.Builder
	var want []record
	for i, n := range []int{100 << 10, 3 << 20, 600 << 10, keepLong + 1, keepLong - 20, 2 << 20, 10} {
		line := fmt.Sprintf(`{"n":%d,"text":"%s"}`, i, strings.Repeat(string(rune('a'+i)), n))
		file.WriteString(line + "\n")
		want = append(want, record{i, line})
	}
	r, err := OpenRelation(writeTree(t, map[string]string{"tree/project/issues.ndjson": file.String()}), "issues")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, errs := readAll(t, r)
	if len(errs) != 0 || len(got) != len(want) {
		t.Fatalf("%d records, errors %v; want %d", len(got), errs, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d: %d bytes %.30q..., want %d bytes %.30q...", i, len(got[i].Raw), got[i].Raw, len(want[i].Raw), want[i].Raw)
		}
	}
}

func TestRelationsOrder(t *testing.T) {
	files := map[string]string{"tree/project.json": "{}"}
	for _, n := range []string{"zebra", "issues", "labels", "user_contributions", "boards", "alpha", "Bad", "x.y", "services"} {
		files["tree/project/"+n+".ndjson"] = "{}\n"
	}
	files["tree/project/notes.json"] = "{}"
	dir := writeTree(t, files)
	if err := os.Mkdir(filepath.Join(dir, "tree/project/dir.ndjson"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("issues.ndjson", filepath.Join(dir, "tree/project/milestones.ndjson")); err != nil {
		t.Fatal(err)
	}
	got, err := Relations(dir)
	want := []string{"labels", "issues", "boards", "user_contributions", "alpha", "services", "zebra"}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("Relations = %q, %v; want %q", got, err, want)
	}
	if got, err := Relations(t.TempDir()); err != nil || len(got) != 0 {
		t.Errorf("empty dir: %q, %v", got, err)
	}
}

const legacyJSON = `{
  "description": "before [ { } ] \" \u00e9",
  "visibility_level": 10,
  "labels": [{"id": 1, "title": "a ] } ["}, {"id": 2, "priorities": [{"p": 1}]}],
  "tag_list": ["x", "y"],
  "hooks": [],
  "issues": [],
  "project_feature": {"issues_access_level": 20},
  "zoom_meetings": [{"id": 7}],
  "milestones": [{"id": 3}, 5],
  "snippets": null,
  "archived": false,
  "ci_config_path": {"nested": [1, 2]},
  "visibility_level": 20
}
`

func TestLegacy(t *testing.T) {
	l, err := OpenLegacy(writeTree(t, map[string]string{LegacyProjectFile: legacyJSON}))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	attrs := map[string]string{}
	for k, v := range l.Attributes() {
		attrs[k] = string(v)
	}
	wantAttrs := map[string]string{
		"description": `"before [ { } ] \" \u00e9"`, "visibility_level": "20", "tag_list": `["x", "y"]`,
		"hooks": "[]", "archived": "false", "ci_config_path": `{"nested": [1, 2]}`,
	}
	if diff := cmp.Diff(wantAttrs, attrs); diff != "" {
		t.Errorf("attributes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"labels", "milestones", "issues", "project_feature", "zoom_meetings"}, l.Relations()); diff != "" {
		t.Errorf("relations (-want +got):\n%s", diff)
	}
	want := map[string][]record{
		"labels":          {{0, `{"id": 1, "title": "a ] } ["}`}, {1, `{"id": 2, "priorities": [{"p": 1}]}`}},
		"issues":          nil,
		"project_feature": {{0, `{"issues_access_level": 20}`}},
		"zoom_meetings":   {{0, `{"id": 7}`}},
		"milestones":      {{0, `{"id": 3}`}},
		"snippets":        nil,
		"releases":        nil,
	}
	for name, w := range want {
		r, err := l.Relation(name)
		if err != nil {
			t.Fatal(err)
		}
		recs, errs := readAll(t, r)
		if diff := cmp.Diff(w, recs); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
		var le *LineError
		if name == "milestones" {
			if len(errs) != 1 || !errors.As(errs[0], &le) || le.Line != 1 || le.File != LegacyProjectFile {
				t.Errorf("milestones errors: %v", errs)
			}
		} else if len(errs) != 0 {
			t.Errorf("%s errors: %v", name, errs)
		}
	}
}

func TestLegacyBad(t *testing.T) {
	for _, bad := range []string{``, `[]`, `{"a": 1`, `{"a": 1} x`, `{"labels": [{"id": 1}, }`, `{"a" 1}`} {
		_, err := OpenLegacy(writeTree(t, map[string]string{LegacyProjectFile: bad}))
		if !errors.Is(err, ErrJSONFormat) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := OpenLegacy(t.TempDir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestLegacyHugeValue(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 50 MiB value")
	}
	big := strings.Repeat("x", MaxJSONLine)
	dir := writeTree(t, map[string]string{LegacyProjectFile: `{"description": "` + big + `"}`})
	if _, err := OpenLegacy(dir); !errors.Is(err, ErrJSONTooLarge) {
		t.Errorf("huge attribute: %v", err)
	}
	// An element made of many small values: indexing streams through it,
	// reading it is refused.
	chunk := `"` + strings.Repeat("y", 1<<20) + `"`
	many := strings.Repeat(chunk+",", MaxJSONLine>>20) + chunk
	dir = writeTree(t, map[string]string{LegacyProjectFile: `{"issues": [{"id": 1}, {"d": [` + many + `]}, {"id": 3}]}`})
	l, err := OpenLegacy(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r, _ := l.Relation("issues")
	recs, errs := readAll(t, r)
	var le *LineError
	if len(recs) != 1 || len(errs) != 1 || !errors.As(errs[0], &le) || le.Line != 1 || !errors.Is(errs[0], ErrJSONTooLarge) {
		t.Errorf("records %v, errors %v", recs, errs)
	}
}
