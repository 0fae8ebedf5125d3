package generate

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/ferryhq/ferry/internal/archive"
)

var words = strings.Fields(`the import export project merge request issue pipeline build stage commit branch
	review approve fix bug feature refactor test deploy release milestone label note comment diff file change
	update remove add support handle error timeout retry cache index query schema migration worker queue job`)

func (g *gen) sentence(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.pick(words))
	}
	return b.String()
}

// text returns about n bytes of words, a paragraph every 100 words.
func (g *gen) text(n int) string {
	var b strings.Builder
	b.Grow(n + 16)
	for i := 0; b.Len() < n; i++ {
		if i%100 == 99 {
			b.WriteString("\n\n")
		} else if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.pick(words))
	}
	return b.String()
}

// relationWriter writes one NDJSON relation file to scratch.
type relationWriter struct {
	path string
	f    *os.File
	buf  *bufio.Writer
	enc  *json.Encoder
}

func (g *gen) relation(name string) (*relationWriter, error) {
	path := g.scratch(name + ".ndjson")
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	buf := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return &relationWriter{path: path, f: f, buf: buf, enc: enc}, nil
}

func (r *relationWriter) write(v any) error { return r.enc.Encode(v) }

func (r *relationWriter) finish(aw *archive.Writer, name string) error {
	if err := r.buf.Flush(); err != nil {
		return err
	}
	if err := r.f.Close(); err != nil {
		return err
	}
	return addFile(aw, archive.RelationDir+"/"+name+".ndjson", r.path)
}

type obj = map[string]any

// tree writes tree/project.json and every relation.
func (g *gen) tree(ctx context.Context, aw *archive.Writer) error {
	project := obj{"description": "Generated project (" + g.sc.Name + ")", "visibility_level": 0, "archived": false,
		"default_branch": "main", "merge_requests_ff_only_enabled": false, "issues_access_level": 20}
	b, _ := json.Marshal(project)
	if err := aw.AddBytes(archive.ProjectFile, b); err != nil {
		return err
	}
	relations := []struct {
		name string
		fn   func(*relationWriter) error
	}{
		{"labels", g.labels}, {"milestones", g.milestones}, {"issues", g.issues},
		{"project_members", g.members}, {"merge_requests", g.mergeRequests}, {"ci_pipelines", g.pipelines},
	}
	for _, rel := range relations {
		if err := ctx.Err(); err != nil {
			return err
		}
		w, err := g.relation(rel.name)
		if err != nil {
			return err
		}
		if err := rel.fn(w); err != nil {
			w.f.Close()
			return fmt.Errorf("generate %s: %w", rel.name, err)
		}
		if err := w.finish(aw, rel.name); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) label(i int) obj {
	return obj{"title": fmt.Sprintf("label-%d", i), "color": fmt.Sprintf("#%06x", i*2654435%0xffffff),
		"description": g.sentence(6), "type": "ProjectLabel", "created_at": ts(i), "updated_at": ts(i), "priorities": []any{}}
}

func (g *gen) labels(w *relationWriter) error {
	g.count("labels", g.sc.Labels)
	for i := range g.sc.Labels {
		if err := w.write(g.label(i)); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) milestones(w *relationWriter) error {
	g.count("milestones", g.sc.Milestones)
	for i := range g.sc.Milestones {
		m := obj{"iid": i + 1, "title": fmt.Sprintf("v%d.%d", i/10, i%10), "description": g.sentence(12),
			"state": "active", "due_date": nil, "created_at": ts(i), "updated_at": ts(i), "events": []any{}}
		if err := w.write(m); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) members(w *relationWriter) error {
	g.count("project_members", 20)
	for i := range 20 {
		m := obj{"access_level": []int{10, 20, 30, 40, 50}[i%5], "source_type": "Project", "user_id": 100 + i,
			"notification_level": 3, "created_at": ts(i), "updated_at": ts(i), "expires_at": nil,
			"user": obj{"id": 100 + i, "public_email": fmt.Sprintf("user%d@example.com", i), "username": fmt.Sprintf("user%d", i)}}
		if err := w.write(m); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) notes(n int, noteable string, base int) []any {
	notes := make([]any, n)
	for i := range notes {
		note := obj{"note": g.sentence(30), "noteable_type": noteable, "author_id": 100 + (base+i)%20,
			"created_at": ts(base + i), "updated_at": ts(base + i), "discussion_id": fmt.Sprintf("%040x", base*100+i),
			"author": obj{"name": fmt.Sprintf("User %d", (base+i)%20)}, "award_emoji": []any{}, "events": []any{}}
		system := g.chance(systemNoteShare, i%7 == 0)
		note["system"] = system
		if system && g.sc.Spread {
			note["note"] = g.pick([]string{"added ~label", "changed milestone", "assigned to @user", "closed", "added 1 commit"})
			note["system_note_metadata"] = obj{"action": g.pick([]string{"label", "milestone", "assignee", "closed", "commit"}),
				"created_at": ts(base + i), "updated_at": ts(base + i)}
			g.count("system_note_metadata", 1)
		}
		if !system || !g.sc.Spread {
			note["events"] = []any{obj{"action": "commented", "author_id": 100 + i%20, "target_type": "Note", "created_at": ts(i)}}
			g.count("events", 1)
		}
		if g.chance(awardShare, true) && (!system || !g.sc.Spread) {
			note["award_emoji"] = []any{obj{"name": g.pick([]string{"thumbsup", "tada", "eyes"}), "user_id": 100 + i%20,
				"awardable_type": "Note", "created_at": ts(i), "updated_at": ts(i)}}
			g.count("award_emoji", 1)
		}
		notes[i] = note
	}
	g.count("notes", n)
	return notes
}

// itemEvents are an issue's or merge request's own events: created, and
// closed or merged when it is.
func (g *gen) itemEvents(target, state string, i int) []any {
	events := []any{obj{"action": "created", "author_id": 100 + i%20, "target_type": target, "created_at": ts(i)}}
	if g.sc.Spread && state != "opened" {
		events = append(events, obj{"action": state, "author_id": 100 + (i+3)%20, "target_type": target, "created_at": ts(i + 1)})
	}
	g.count("events", len(events))
	return events
}

func (g *gen) labelLinks(i int) []any {
	g.count("label_links", 1)
	return []any{obj{"target_type": "Issue", "created_at": ts(i), "updated_at": ts(i), "label": g.label(i % max(g.sc.Labels, 1))}}
}

func (g *gen) issues(w *relationWriter) error {
	g.count("issues", g.sc.Issues)
	for i := range g.sc.Issues {
		desc := g.sentence(60)
		if i%50 == 0 {
			desc += fmt.Sprintf("\n\n![screenshot](/uploads/%032x/screenshot-%d.png)", i, i)
		}
		state := []string{"opened", "closed"}[i%2]
		issue := obj{"iid": i + 1, "title": g.sentence(8), "description": desc, "state": state,
			"author_id": 100 + i%20, "confidential": false, "created_at": ts(i), "updated_at": ts(i + 1),
			"relative_position": i * 512, "issue_type": "issue", "notes": g.notes(g.spread(g.sc.NotesPer, maxNotes), "Issue", i),
			"label_links": g.labelLinks(i), "award_emoji": g.itemAwards("Issue", i, false), "timelogs": []any{},
			"events": g.itemEvents("Issue", state, i), "issue_assignees": []any{obj{"user_id": 100 + i%20}}}
		if err := w.write(issue); err != nil {
			return err
		}
	}
	return nil
}

// itemAwards are an issue's or merge request's award emoji: on a spread
// scale one in five items has one; otherwise merge requests have one.
func (g *gen) itemAwards(awardable string, i int, fallback bool) []any {
	if !g.chance(0.2, fallback) {
		return []any{}
	}
	g.count("award_emoji", 1)
	return []any{obj{"name": "thumbsup", "user_id": 100 + i%20, "awardable_type": awardable, "created_at": ts(i)}}
}

func (g *gen) diff(lines int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "@@ -1,%d +1,%d @@\n", lines, lines)
	for i := range lines {
		b.WriteString([]string{"+", "-", " "}[i%3])
		b.WriteString(g.sentence(8))
		b.WriteByte('\n')
	}
	return b.String()
}

func (g *gen) mergeRequests(w *relationWriter) error {
	g.count("merge_requests", g.sc.MergeRequests)
	for i := range g.sc.MergeRequests {
		files := make([]any, g.spread(g.sc.DiffFilesPer, maxDiffFiles))
		for f := range files {
			path := fmt.Sprintf("src/module%d/file%d.go", i%40, f)
			files[f] = obj{"relative_order": f, "new_file": f == 0, "renamed_file": false, "deleted_file": false,
				"new_path": path, "old_path": path, "a_mode": "100644", "b_mode": "100644", "too_large": false,
				"binary": false, "utf8_diff": g.diff(max(g.spread(g.sc.DiffLines, maxDiffLines), 1))}
		}
		commits := make([]any, max(g.spread(cmp.Or(g.sc.CommitsPer, 3), maxCommits), 1))
		g.count("merge_request_diff_files", len(files))
		g.count("merge_request_diff_commits", len(commits))
		for c := range commits {
			commits[c] = obj{"sha": fmt.Sprintf("%040x", i*3+c), "relative_order": c, "message": g.sentence(10),
				"authored_date": ts(i), "committed_date": ts(i), "author_name": "Dev", "author_email": "dev@example.com",
				"committer_name": "Dev", "committer_email": "dev@example.com"}
		}
		desc := g.sentence(50)
		if i == 0 && g.sc.HugeRecord > 0 {
			desc = g.text(g.sc.HugeRecord)
		}
		state := []string{"merged", "opened", "closed"}[i%3]
		mr := obj{"iid": i + 1, "title": g.sentence(8), "description": desc, "state": state,
			"source_branch": fmt.Sprintf("feature/%d", i), "target_branch": "main", "author_id": 100 + i%20,
			"merge_status": "can_be_merged", "created_at": ts(i), "updated_at": ts(i + 1), "draft": false,
			"notes": g.notes(g.spread(cmp.Or(g.sc.MRNotesPer, g.sc.NotesPer), maxNotes), "MergeRequest", i), "label_links": g.labelLinks(i),
			"merge_request_diff": obj{"state": "collected", "base_commit_sha": fmt.Sprintf("%040x", i), "head_commit_sha": fmt.Sprintf("%040x", i+1),
				"commits_count": len(commits), "files_count": len(files), "merge_request_diff_commits": commits, "merge_request_diff_files": files},
			"events": g.itemEvents("MergeRequest", state, i), "award_emoji": g.itemAwards("MergeRequest", i, true),
			"metrics": obj{"latest_build_started_at": nil, "merged_at": ts(i + 2), "added_lines": 40, "removed_lines": 10}}
		if err := w.write(mr); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) pipelines(w *relationWriter) error {
	g.count("ci_pipelines", g.sc.Pipelines)
	for i := range g.sc.Pipelines {
		perStage := g.sc.BuildsPer/3 + 1
		if g.sc.Spread {
			perStage = max(g.spread(g.sc.BuildsPer, maxBuilds)/3, 1)
		}
		stages := make([]any, 3)
		g.count("stages", len(stages))
		g.count("builds", len(stages)*perStage)
		for s := range stages {
			builds := make([]any, perStage)
			for b := range builds {
				builds[b] = obj{"name": fmt.Sprintf("job-%d-%d", s, b), "status": "success", "stage_idx": s,
					"ref": "main", "type": "Ci::Build", "created_at": ts(i), "started_at": ts(i), "finished_at": ts(i + 1),
					"allow_failure": false, "when": "on_success"}
			}
			stages[s] = obj{"name": []string{"build", "test", "deploy"}[s], "status": "success", "position": s,
				"created_at": ts(i), "builds": builds}
		}
		p := obj{"iid": i + 1, "ref": "main", "sha": fmt.Sprintf("%040x", i), "status": "success", "source": "push",
			"created_at": ts(i), "updated_at": ts(i + 1), "duration": 60 + i%600, "stages": stages}
		if err := w.write(p); err != nil {
			return err
		}
	}
	return nil
}
