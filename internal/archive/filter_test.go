package archive

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRelation_Filter(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, path, in, want string
	}{
		{"Empty", "labels", `{}`, `{}`},
		{"DropsUnlisted", "labels", `{"id":1,"title":"bug","type":"ProjectLabel","x":{"a":[1,2]}}`,
			`{"title":"bug","type":"ProjectLabel"}`},
		{"KeepsValuesAsTheyAre", "labels", `{"title":"a \"quoted\" \\ title","description":null,"priority":1.50e2}`,
			`{"title":"a \"quoted\" \\ title","description":null,"priority":1.50e2}`},
		{"Whitespace", "labels", " { \"id\" : 1 ,\n \"title\" : \"x\" } ", `{"title":"x"}`},
		{"NestedArrays", "issues",
			`{"title":"t","position":0,"notes":[{"note":"n","attachment":{"url":null},"author":{"name":"A","email":"a@b"}},null],"services":[]}`,
			`{"title":"t","notes":[{"note":"n","author":{"name":"A"}},null]}`},
		{"NestedObject", "merge_requests",
			`{"merge_request_diff":{"state":"collected","merge_request_id":3,"merge_request_diff_files":[{"diff":"d","utf8_diff":"u","new_path":"a"}]}}`,
			`{"merge_request_diff":{"state":"collected","merge_request_diff_files":[{"utf8_diff":"u","new_path":"a"}]}}`},
		{"ChildNull", "issues", `{"milestone":null,"sentry_issue":{}}`, `{"milestone":null,"sentry_issue":{}}`},
		{"DroppedChildSkippedWhole", "ci_pipelines",
			`{"ref":"main","stages":[{"name":"test","statuses":[{"name":"rspec","commands":"x"}],"builds":[{"name":"b","trace":"t","commands":"c"}]}],"notes":[{"note":"]}"}]}`,
			`{"ref":"main","stages":[{"name":"test","builds":[{"name":"b"}]}]}`},
		{"EscapedKey", "labels", `{"t\u0069tle":"x","\"id":2}`, `{"t\u0069tle":"x"}`},
		{"ExceptOnly", "commit_notes", `{"note":"n","noteable_id":4,"attachment":{"url":null}}`,
			`{"note":"n","attachment":{"url":null}}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := relationAt(t, tt.path).Filter(nil, []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Filter\n got %s\nwant %s", got, tt.want)
			}
			in := []byte(tt.in)
			if got, err := relationAt(t, tt.path).Filter(in[:0], in); err != nil || string(got) != tt.want {
				t.Errorf("Filter in place\n got %s, %v\nwant %s", got, err, tt.want)
			}
		})
	}
}

func TestRelation_FilterAttributes(t *testing.T) {
	t.Parallel()
	in := `{"name":"p","import_type":"gitlab_project","labels":[{"title":"x"}],"default_branch":"main","hooks":[]}`
	got, err := ExportTree.FilterAttributes([]byte("prefix:"), []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := `prefix:{"name":"p","default_branch":"main","hooks":[]}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestRelation_FilterErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{``, `[]`, `{`, `{"title"}`, `{"title":}`, `{"title":"x"`, `{"title":"x",}`,
		`{"title":"x"} {}`, `{"title":"unterminated}`, `{"notes":[{"note":"x"}}`, `{"x":{"a":[}}`,
		`{"x":{"a":1]}`, `{"title":"x" "id":1}`} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			out, err := relationAt(t, "issues").Filter([]byte("kept"), []byte(in))
			if err == nil {
				t.Fatalf("Filter(%q) = %s, want an error", in, out)
			}
			if string(out) != "kept" || !strings.Contains(err.Error(), "filter issues record") {
				t.Errorf("out %q err %v", out, err)
			}
		})
	}
}

// FuzzFilter checks that any JSON object filters to a JSON object with
// only keys the schema writes.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{`{}`, `{"title":"x","notes":[{"note":"y","author":{"name":"n","id":1}}]}`,
		`{"a":[{"b":"\\\""}],"title":"\u00e9","milestone":{"title":"m","events":[]}}`} {
		f.Add(s)
	}
	issues := ExportTree.Child("issues")
	f.Fuzz(func(t *testing.T, in string) {
		var obj map[string]any
		if json.Unmarshal([]byte(in), &obj) != nil {
			return
		}
		out, err := issues.Filter(nil, []byte(in))
		if err != nil {
			t.Fatalf("Filter(%s): %v", in, err)
		}
		in2 := []byte(in)
		if inPlace, err := issues.Filter(in2[:0], in2); err != nil || !bytes.Equal(inPlace, out) {
			t.Errorf("Filter(%s) in place = %s, %v; want %s", in, inPlace, err, out)
		}
		var got map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("Filter(%s) = %s: %v", in, out, err)
		}
		for k := range got {
			if issues.Child(k) == nil && !issues.Writes(k) {
				t.Errorf("Filter(%s) kept %s", in, k)
			}
		}
	})
}

// BenchmarkFilter filters the merge requests of GitLab's fixture (diffs,
// commits and notes nested), reporting bytes read per second.
func BenchmarkFilter(b *testing.B) {
	data, err := os.ReadFile("../../testdata/gitlab/complex/tree/project/merge_requests.ndjson")
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	mrs := ExportTree.Child("merge_requests")
	b.SetBytes(int64(len(data)))
	var out []byte
	for b.Loop() {
		for _, line := range lines {
			if out, err = mrs.Filter(out[:0], line); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestRelation_FilterInPlace filters every record of GitLab's fixture in
// place and into a new buffer, with the same result.
func TestRelation_FilterInPlace(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../../testdata/gitlab/complex/tree/project/*.ndjson")
	if err != nil || len(files) == 0 {
		t.Fatalf("fixture: %v, %d files", err, len(files))
	}
	n := 0
	for _, file := range files {
		rel := ExportTree.Child(strings.TrimSuffix(filepath.Base(file), ".ndjson"))
		if rel == nil {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			want, err := rel.Filter(nil, line)
			if err != nil {
				t.Fatalf("%s line %d: %v", file, i, err)
			}
			if got, err := rel.Filter(line[:0], line); err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s line %d in place: %.80s, %v; want %.80s", file, i, got, err, want)
			}
			n++
		}
	}
	if n == 0 {
		t.Error("no fixture record was filtered")
	}
}
