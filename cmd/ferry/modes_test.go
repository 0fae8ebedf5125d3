package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestServe_DataFolderOwnerOnly pins that a data folder made by a real
// `ferry serve` (with a repository, an import and an export in it) holds
// nothing that other users of the machine may read: folders 0700 and
// files 0600 at most, the database and its WAL included.
func TestServe_DataFolderOwnerOnly(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		t.Skip("checks the embedded store's files; runs in the SQLite pass")
	}
	bin, addr := buildFerry(t), freeAddr(t)
	data := filepath.Join(t.TempDir(), "data")
	startFerry(t, bin, []string{"FERRY_ROOT_TOKEN=" + scaleToken, "FERRY_DATABASE_URL="},
		"--data", data, "--listen", addr)
	base := "http://" + addr
	waitHealthy(t, base)
	h := &scaleHTTP{t: t, base: base + "/api/v4"}
	var p struct{ ID int64 }
	h.decode(h.do("POST", "/projects", "path=code&initialize_with_readme=true"), &p)
	imported := h.importArchive("kept", scaleArchive(t))
	h.do("POST", fmt.Sprintf("/projects/%d/export", p.ID), "")
	waitAll(t, h, []int64{imported}, []int64{p.ID})

	seen := map[string]bool{}
	err := filepath.WalkDir(data, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(data, path)
		seen[filepath.Base(rel)] = true
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s is %04o, open to other users", rel, perm)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".", "ferry.db", "ferry.db-wal", "repositories", "blobs", "secret.key"} {
		if !seen[name] {
			t.Errorf("the data folder has no %s to check", name)
		}
	}
}
