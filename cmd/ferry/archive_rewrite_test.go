package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCLI_ArchiveRewrite rewrites GitLab's fixture (a record dropped, a
// member's e-mail mapped, the description set) and reads the result back
// with inspect; a broken archive is refused and nothing is written.
func TestCLI_ArchiveRewrite(t *testing.T) {
	t.Parallel()
	bin, dir := buildFerry(t), t.TempDir()
	in := filepath.Join(dir, "fixture.tar.gz")
	if err := os.WriteFile(in, scaleArchive(t), 0o600); err != nil {
		t.Fatal(err)
	}
	out, code := runCLI(t, bin, dir, nil, "archive", "rewrite", in, "--out", "new.tar.gz", "--drop", "issues:0",
		"--map-email", "user4@example.com=user4@new.example", "--set", "description=rewritten", "--version", "0.2.4")
	if code != 0 || !strings.Contains(out, "wrote new.tar.gz") {
		t.Fatalf("rewrite: exit %d\n%s", code, out)
	}
	out, code = runCLI(t, bin, dir, nil, "archive", "inspect", "--json", "new.tar.gz")
	var rep struct {
		Description string
		Members     []string
		Relations   []struct {
			Name    string
			Records int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 {
		t.Fatalf("inspect: exit %d, %v\n%s", code, err, out)
	}
	issues := 0
	for _, rc := range rep.Relations {
		if rc.Name == "issues" {
			issues = rc.Records
		}
	}
	if issues != 11 || rep.Description != "rewritten" || !slices.Contains(rep.Members, "user4@new.example") ||
		slices.Contains(rep.Members, "user4@example.com") {
		t.Errorf("after the rewrite: %d issues, description %q, members %q", issues, rep.Description, rep.Members)
	}
	broken := filepath.Join(dir, "broken.tar.gz")
	os.WriteFile(broken, scaleArchive(t)[:3000], 0o600)
	out, code = runCLI(t, bin, dir, nil, "archive", "rewrite", broken, "--out", "never.tar.gz", "--version", "0.2.4")
	if code != 1 || !strings.Contains(out, "corrupt archive") {
		t.Errorf("rewrite of a broken archive: exit %d\n%s", code, out)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".ferry-rewrite-*")); len(left) > 0 || fileExists(filepath.Join(dir, "never.tar.gz")) {
		t.Errorf("left behind: %q", left)
	}
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// TestCLI_ArchiveConvert converts a legacy project.json archive, which
// validate then finds importable in the current layout.
func TestCLI_ArchiveConvert(t *testing.T) {
	t.Parallel()
	bin, dir := buildFerry(t), t.TempDir()
	legacy := packArchive(t, map[string]string{"VERSION": "0.2.1", "project.json": `{"description":"kept since 2019",` +
		`"issues":[{"iid":1,"title":"a"},{"iid":2,"title":"b"}],"labels":[{"title":"bug"}]}`})
	if err := os.WriteFile(filepath.Join(dir, "old.tar.gz"), legacy, 0o600); err != nil {
		t.Fatal(err)
	}
	out, code := runCLI(t, bin, dir, nil, "archive", "convert", "old.tar.gz", "--out", "new.tar.gz")
	if code != 0 {
		t.Fatalf("convert: exit %d\n%s", code, out)
	}
	out, code = runCLI(t, bin, dir, nil, "archive", "inspect", "new.tar.gz")
	for _, want := range []string{"VERSION           0.2.4", "layout            NDJSON", "description       kept since 2019"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("inspect: exit %d, lacks %q:\n%s", code, want, out)
		}
	}
	if out, code = runCLI(t, bin, dir, nil, "archive", "validate", "new.tar.gz"); code != 0 || !strings.Contains(out, "valid: 3 records") {
		t.Errorf("validate: exit %d\n%s", code, out)
	}
}

// TestCLI_ArchiveValidateServer pins that validate --server says to whom
// an administrator's import there maps each member, by e-mail.
func TestCLI_ArchiveValidateServer(t *testing.T) {
	t.Parallel()
	r, dir := startRemote(t), t.TempDir()
	r.h.do("POST", "/users", "email=user4@example.com&name=Four&username=four&password=unused-secret-1")
	if err := os.WriteFile(filepath.Join(dir, "fixture.tar.gz"), scaleArchive(t), 0o600); err != nil {
		t.Fatal(err)
	}
	out, code := runCLI(t, r.bin, dir, []string{"FERRY_TOKEN=" + scaleToken}, "archive", "validate", "--server", r.base, "fixture.tar.gz")
	for _, want := range []string{"members, as an import by @root on " + r.base + " maps them:", "  user4@example.com -> @four",
		"  saul_will@gitlabexample.com -> no user with this e-mail: not a member; contributions become @root's"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("exit %d, lacks %q:\n%s", code, want, out)
		}
	}
}
