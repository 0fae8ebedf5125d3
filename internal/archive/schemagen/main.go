// Command schemagen writes Ferry's export schema (internal/archive's
// schema_gitlab.go) from a copy of GitLab's
// lib/gitlab/import_export/project/import_export.yml: the project relation
// tree and, for each relation in it, the included and excluded attributes
// and the methods GitLab's exporter writes. The EE section is merged in as
// GitLab's Gitlab::ImportExport::Config does when it runs as EE (the tree
// deep-merged, attribute lists concatenated).
//
// Usage (see the go:generate line in internal/archive/schema.go):
//
//	go run ./schemagen -yml ../../testdata/gitlab/import_export.yml -commit <sha> -out schema_gitlab.go
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	yml := flag.String("yml", "", "GitLab's import_export.yml")
	commit := flag.String("commit", "", "the GitLab commit the file was copied from")
	out := flag.String("out", "", "Go file to write")
	flag.Parse()
	if err := run(*yml, *commit, *out); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}

func run(yml, commit, out string) error {
	data, err := os.ReadFile(yml)
	if err != nil {
		return err
	}
	src, err := generate(data, commit)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}
