package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestGenerate_UpToDate regenerates schema_gitlab.go from the vendored
// GitLab file with the go:generate line's arguments and compares it with
// the checked-in file.
func TestGenerate_UpToDate(t *testing.T) {
	t.Parallel()
	schema, err := os.ReadFile("../schema.go")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`//go:generate go run \./schemagen -yml (\S+) -commit ([0-9a-f]{40}) -out (\S+)`).FindSubmatch(schema)
	if m == nil {
		t.Fatal("no go:generate line in schema.go")
	}
	yml, err := os.ReadFile("../" + string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	got, err := generate(yml, string(m[2]))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../" + string(m[3]))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Error("schema_gitlab.go is stale: run go generate ./internal/archive")
	}
}

func TestGenerate_Errors(t *testing.T) {
	t.Parallel()
	commit := strings.Repeat("a", 40)
	for _, tt := range []struct{ name, yml, commit, want string }{
		{"ShortCommit", "tree: {}", "55eb439f", "full 40-digit"},
		{"NotYAML", "tree: [", commit, "yaml"},
		{"TreeNotList", "tree:\n  project: 3\n", commit, "want a list"},
		{"TwoKeyItem", "tree:\n  project:\n    - {a: [], b: []}\n", commit, "2 keys"},
		{"IncludedAndExcluded", "tree:\n  project:\n    - :labels\nincluded_attributes:\n  labels:\n    - :title\n" +
			"excluded_attributes:\n  labels:\n    - :title\n", commit, "both included and excluded"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := generate([]byte(tt.yml), tt.commit)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want %q", err, tt.want)
			}
		})
	}
}

func TestGenerate_EEMerged(t *testing.T) {
	t.Parallel()
	yml := "tree:\n  project:\n    - issues:\n      - :notes\n" +
		"included_attributes:\n  issues:\n    - :title\n" +
		"ee:\n  tree:\n    project:\n      - issues:\n        - :epic_issue\n      - :push_rule\n" +
		"  included_attributes:\n    issues:\n      - :weight\n      - :title\n"
	got, err := generate([]byte(yml), strings.Repeat("b", 40))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`{"notes", nil},`, `{"epic_issue", nil},`, `{"push_rule", nil},`,
		`"issues": {only: []string{"title", "weight"}},`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("generated file lacks %s:\n%s", want, got)
		}
	}
}
