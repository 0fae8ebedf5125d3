package exporter

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/tidwall/sjson"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/git"
)

// visibilityLevels are GitLab's numeric visibility_level values.
var visibilityLevels = map[string]int{ferry.Private: 0, ferry.Internal: 10, ferry.Public: 20}

// writeTree writes tree/project.json and tree/project/<relation>.ndjson:
// the stored records of an imported project as they came, plus what
// Ferry itself holds (the project's settings and its members).
func (w *Worker) writeTree(ctx context.Context, aw *archive.Writer, p ferry.Project, e *ferry.Export) error {
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
	exporter, err := w.DB.UserByID(ctx, e.UserID)
	if err != nil {
		return err
	}
	for _, rel := range relations {
		if err := w.writeRelation(ctx, aw, p, rel, exporter.IsAdmin); err != nil {
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

// writeRelation streams one relation from the database into the archive.
// A tar entry needs its size first: the database gives it (bytes and
// count of the records, one newline each), so the JSON is never copied to
// a scratch file. The project's members are added to project_members.
func (w *Worker) writeRelation(ctx context.Context, aw *archive.Writer, p ferry.Project, rel string, withEmails bool) error {
	var extra bytes.Buffer
	if rel == "project_members" {
		if !withEmails {
			return w.writeMembersWithoutEmails(ctx, aw, p)
		}
		if err := w.memberLines(ctx, p, withEmails, &extra); err != nil {
			return err
		}
	}
	size, count, err := w.DB.RelationSize(ctx, p.ID, rel)
	if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	go func() {
		buf := bufio.NewWriterSize(pw, 1<<20)
		err := w.DB.EachRelationRecord(ctx, p.ID, rel, func(data []byte) error {
			if _, err := buf.Write(data); err != nil {
				return err
			}
			return buf.WriteByte('\n')
		})
		if err == nil {
			_, err = buf.Write(extra.Bytes())
		}
		if err == nil {
			err = buf.Flush()
		}
		pw.CloseWithError(err)
	}()
	err = aw.AddFile(archive.RelationDir+"/"+rel+".ndjson", size+count+int64(extra.Len()), pr)
	pr.CloseWithError(err) // stops the writer if the archive failed first
	return err
}

// writeMembersWithoutEmails writes project_members for an exporter who is
// not an administrator: the stored records lose the private email of
// their user (an import by an administrator keeps it, to map users by),
// Ferry's own members are written without one. Members are few, so the
// relation is built in memory.
func (w *Worker) writeMembersWithoutEmails(ctx context.Context, aw *archive.Writer, p ferry.Project) error {
	var out bytes.Buffer
	err := w.DB.EachRelationRecord(ctx, p.ID, "project_members", func(data []byte) error {
		data, err := sjson.DeleteBytes(data, "user.email")
		if err != nil {
			return err
		}
		out.Write(data)
		return out.WriteByte('\n')
	})
	if err != nil {
		return err
	}
	if err := w.memberLines(ctx, p, false, &out); err != nil {
		return err
	}
	return aw.AddBytes(archive.RelationDir+"/project_members.ndjson", out.Bytes())
}

// memberLines writes the project's members that the stored records do not
// already name.
func (w *Worker) memberLines(ctx context.Context, p ferry.Project, withEmails bool, out *bytes.Buffer) error {
	seen := map[string]bool{}
	err := w.DB.EachRelationRecord(ctx, p.ID, "project_members", func(data []byte) error {
		seen[memberUsername(data)] = true
		return nil
	})
	if err != nil {
		return err
	}
	return w.writeMembers(ctx, p, withEmails, seen, func(line []byte) error {
		out.Write(line)
		return out.WriteByte('\n')
	})
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
