package exporter

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/git"
)

// visibilityLevels are GitLab's numeric visibility_level values.
var visibilityLevels = map[string]int{ferry.Private: 0, ferry.Internal: 10, ferry.Public: 20}

// writeTree writes tree/project.json and tree/project/<relation>.ndjson:
// the stored records of an imported project as they came, plus what
// Ferry itself holds (the project's settings and its members).
func (w *Worker) writeTree(ctx context.Context, aw *archive.Writer, p ferry.Project, e *ferry.Export, scratch string) error {
	attrs, err := w.projectAttributes(ctx, p, e)
	if err != nil {
		return err
	}
	if err := aw.AddBytes(archive.ProjectFile, attrs); err != nil {
		return err
	}
	relations, err := w.DB.RelationNames(ctx, p.ID)
	if err != nil {
		return err
	}
	if !slices.Contains(relations, "project_members") {
		relations = append(relations, "project_members")
	}
	for _, rel := range relations {
		if err := w.writeRelation(ctx, aw, p, rel, scratch); err != nil {
			return fmt.Errorf("export %s: %w", rel, err)
		}
	}
	return nil
}

// projectAttributes is tree/project.json: the imported attributes, with
// the values Ferry holds now written over them.
func (w *Worker) projectAttributes(ctx context.Context, p ferry.Project, e *ferry.Export) ([]byte, error) {
	attrs, err := w.DB.ProjectAttributes(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if attrs == nil {
		attrs = map[string]json.RawMessage{}
	}
	description := p.Description
	if e.Description != nil {
		description = *e.Description
	}
	set := func(k string, v any) {
		b, _ := json.Marshal(v)
		attrs[k] = b
	}
	set("description", description)
	set("name", p.Name)
	set("visibility_level", visibilityLevels[p.Visibility])
	if _, ok := attrs["archived"]; !ok {
		set("archived", false)
	}
	if has, err := git.HasCommits(ctx, w.Repos.Dir(p.ID)); err != nil {
		return nil, err
	} else if has {
		set("default_branch", p.DefaultBranch)
	}
	return json.Marshal(attrs)
}

// writeRelation writes one relation to a scratch file (a tar entry needs
// its size first), then into the archive.
func (w *Worker) writeRelation(ctx context.Context, aw *archive.Writer, p ferry.Project, rel, scratch string) error {
	path := filepath.Join(scratch, rel+".ndjson")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer os.Remove(path)
	defer f.Close()
	buf := bufio.NewWriterSize(f, 1<<20)
	line := func(data []byte) error {
		if _, err := buf.Write(data); err != nil {
			return err
		}
		return buf.WriteByte('\n')
	}
	seen := map[string]bool{}
	err = w.DB.EachRelationRecord(ctx, p.ID, rel, func(data []byte) error {
		if rel == "project_members" {
			seen[memberUsername(data)] = true
		}
		return line(data)
	})
	if err == nil && rel == "project_members" {
		err = w.writeMembers(ctx, p, seen, line)
	}
	if err == nil {
		err = buf.Flush()
	}
	if err != nil {
		return err
	}
	return addFile(aw, archive.RelationDir+"/"+rel+".ndjson", path)
}

func memberUsername(data []byte) string {
	var m struct {
		User struct {
			Username string `json:"username"`
		} `json:"user"`
	}
	_ = json.Unmarshal(data, &m)
	return m.User.Username
}
