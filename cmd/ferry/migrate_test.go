package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLI_Migrate moves two projects between two `ferry serve`
// processes, three at once (one named on the command line, one through a
// list with a new path) and fails on a third that does not exist: the
// report says which moved, in the order given, with their records
// verified against the target's stats. The source keeps GitLab's
// default rate limits: its one download a minute per namespace makes the
// second download wait (429 and Retry-After) instead of failing.
func TestCLI_Migrate(t *testing.T) {
	t.Parallel()
	src, dst, dir := startRemote(t), startRemote(t), t.TempDir()
	waitAll(t, src.h, []int64{src.h.importArchive("alpha", scaleArchive(t)), src.h.importArchive("beta", scaleArchive(t))}, nil)
	list := filepath.Join(dir, "list.csv")
	os.WriteFile(list, []byte("source,target namespace,target path\nroot/beta,root,beta-copy\n# done later\n"), 0o600)
	report := filepath.Join(dir, "report.json")
	env := []string{"FERRY_FROM_TOKEN=" + scaleToken, "FERRY_TO_TOKEN=" + scaleToken}
	stateFile := filepath.Join(dir, "state.json")
	args := []string{"migrate", "--from", src.base, "--to", dst.base, "root/alpha", "root/missing", "--list", list,
		"--report", report, "--report-csv", filepath.Join(dir, "report.csv"), "--state", stateFile, "--jobs", "3"}
	out, code := runCLI(t, src.bin, dir, env, args...)
	if code != 1 || !strings.Contains(out, "root/missing: export failed: on "+src.base+": POST /projects/root%2Fmissing/export: 404 Project Not Found") ||
		!strings.Contains(out, "migrate: 1 of 3 projects did not move cleanly") {
		t.Fatalf("migrate: exit %d\n%s", code, out)
	}
	t.Logf("migrate:\n%s", out)
	var results []struct {
		Source, Outcome string
		TargetPath      string `json:"target_path"`
		Records         int64
	}
	b, _ := os.ReadFile(report)
	if err := json.Unmarshal(b, &results); err != nil || len(results) != 3 {
		t.Fatalf("report: %v\n%s", err, b)
	}
	for i, want := range []string{"migrated", "failed", "migrated"} {
		if results[i].Outcome != want {
			t.Errorf("%s: %s, want %s", results[i].Source, results[i].Outcome, want)
		}
	}
	if results[2].TargetPath != "beta-copy" || results[0].Records == 0 {
		t.Errorf("report: %+v", results)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "report.csv")); !strings.Contains(string(b), "root/beta,root/beta-copy,migrated,,,") ||
		strings.Count(string(b), "\n") != 4 {
		t.Errorf("CSV report:\n%s", b)
	}
	for _, path := range []string{"root/alpha", "root/beta-copy"} {
		if st := dst.h.importStats(path); len(st.Imported) == 0 {
			t.Errorf("%s has no import on the target", path)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.tar.gz")); len(left) > 0 {
		t.Errorf("archives left without --keep: %q", left)
	}

	// A rerun with the state file skips what migrated: nothing doubles.
	out, code = runCLI(t, src.bin, dir, env, args...)
	if code != 1 || strings.Count(out, "migrated (earlier run)") != 2 || !strings.Contains(out, "root/missing: export failed") {
		t.Errorf("rerun: exit %d\n%s", code, out)
	}
	var projects []struct{ ID int64 }
	dst.h.decode(dst.h.do("GET", "/projects", ""), &projects)
	if len(projects) != 2 {
		t.Errorf("the target has %d projects after the rerun, want 2", len(projects))
	}
}

// TestCLI_MigrateResumesAnImport pins that a state file holding an
// import the target accepted (the run was stopped while it ran) makes
// the rerun wait for that import and verify it, not upload again.
func TestCLI_MigrateResumesAnImport(t *testing.T) {
	t.Parallel()
	src, dst, dir := startRemote(t), startRemote(t), t.TempDir()
	id := dst.h.importArchive("gamma", scaleArchive(t))
	stateFile := filepath.Join(dir, "state.json")
	state := fmt.Sprintf(`{"items":{"root/gamma -> root/gamma":{"source":"root/gamma","target_namespace":"root",
		"target_path":"gamma","outcome":"importing","target_project_id":%d,"archive_counts":{"issues":12}}}}`, id)
	os.WriteFile(stateFile, []byte(state), 0o600)
	env := []string{"FERRY_FROM_TOKEN=" + scaleToken, "FERRY_TO_TOKEN=" + scaleToken}
	out, code := runCLI(t, src.bin, dir, env, "migrate", "--from", src.base, "--to", dst.base, "root/gamma", "--state", stateFile)
	if code != 0 || !strings.Contains(out, "root/gamma  root/gamma  migrated") {
		t.Fatalf("migrate: exit %d\n%s", code, out)
	}
	var projects []struct{ ID int64 }
	dst.h.decode(dst.h.do("GET", "/projects", ""), &projects)
	if len(projects) != 1 {
		t.Errorf("the target has %d projects, want the one imported", len(projects))
	}
	b, _ := os.ReadFile(stateFile)
	if !strings.Contains(string(b), `"outcome": "migrated"`) {
		t.Errorf("state file after the rerun:\n%s", b)
	}
}

// TestCLI_MigrateGroup moves a group with a subgroup under another
// group of the target, which --create-groups creates, keeping the
// subgroup, two projects at once, after a dry run that moves nothing;
// the repository's branches and tags are compared. The servers keep
// GitLab's default rate limits (one download a minute): the second
// download waits for its minute instead of failing.
func TestCLI_MigrateGroup(t *testing.T) {
	t.Parallel()
	src, dst, dir := startRemote(t), startRemote(t), t.TempDir()
	var g struct{ ID int64 }
	src.h.decode(src.h.do("POST", "/groups", "name=grp&path=grp"), &g)
	src.h.do("POST", "/groups", fmt.Sprintf("name=sub&path=sub&parent_id=%d", g.ID))
	waitAll(t, src.h, []int64{
		src.h.postImport(scaleArchive(t), map[string]string{"path": "one", "namespace": "grp"}),
		src.h.postImport(slowArchiveBytes(t), map[string]string{"path": "two", "namespace": "grp/sub"}),
	}, nil)
	env := []string{"FERRY_FROM_TOKEN=" + scaleToken, "FERRY_TO_TOKEN=" + scaleToken}
	args := []string{"migrate", "--from", src.base, "--to", dst.base, "--group", "grp", "--to-namespace", "new", "--jobs", "2"}
	out, code := runCLI(t, src.bin, dir, env, append(args, "--dry-run")...)
	if code != 0 || !strings.Contains(out, "grp/one on "+src.base+" → new/one on "+dst.base) ||
		!strings.Contains(out, "grp/sub/two on "+src.base+" → new/sub/two on "+dst.base) {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	report := filepath.Join(dir, "report.json")
	out, code = runCLI(t, src.bin, dir, env, append(args, "--create-groups", "--report", report)...)
	if code != 0 || strings.Count(out, "  migrated  ") != 2 || !strings.Contains(out, "group=new/sub") ||
		!strings.Contains(out, "migrate: 1 of 2 projects done: grp/") || !strings.Contains(out, "migrate: 2 of 2 projects done: grp/") {
		t.Fatalf("migrate: exit %d\n%s", code, out)
	}
	var results []struct {
		Source string
		Refs   int
	}
	b, _ := os.ReadFile(report)
	if json.Unmarshal(b, &results); len(results) != 2 || results[0].Refs != 0 || results[1].Refs == 0 {
		t.Errorf("branches and tags compared: %s", b)
	}
	if st := dst.h.importStats("new/one"); st.Imported["issues"] != 12 {
		t.Errorf("new/one: %v", st.Imported)
	}
}
