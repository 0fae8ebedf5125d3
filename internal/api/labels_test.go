package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// Records shaped as GitLab's exporter writes them (and as its "group"
// fixture has them): labels and milestones that labels.ndjson and
// milestones.ndjson do not list, group labels and group milestones whose
// iids clash, referenced from issues and from a merge request.
const (
	refLabels = `{"id":2,"title":"A project label","color":"#428bca","project_id":8,"created_at":"2016-07-22T08:55:44.161Z","updated_at":"2016-07-22T08:55:44.161Z","template":false,"description":"","type":"ProjectLabel","priorities":[{"id":1,"project_id":8,"label_id":2,"priority":1,"created_at":"2016-10-18T09:35:43.338Z","updated_at":"2016-10-18T09:35:43.338Z"}]}
`
	refMilestones = `{"id":1,"title":"Project milestone","project_id":8,"description":"","due_date":null,"created_at":"2016-06-14T15:02:04.415Z","updated_at":"2016-06-14T15:02:04.415Z","state":"active","iid":1,"group_id":null}
`
	refIssues = `{"id":1,"iid":1,"title":"First","project_id":8,"author_id":1,"state":"opened","milestone":{"id":1,"title":"Project milestone","project_id":8,"iid":1,"group_id":null,"state":"active"},"label_links":[{"id":11,"label_id":6,"target_id":1,"target_type":"Issue","label":{"id":6,"title":"group label","color":"#A8D695","project_id":null,"group_id":5,"type":"GroupLabel","priorities":[]}},{"id":12,"label_id":2,"target_id":1,"target_type":"Issue","label":{"id":2,"title":"A project label","color":"#428bca","project_id":8,"type":"ProjectLabel","priorities":[]}}]}
{"id":2,"iid":2,"title":"Second","project_id":8,"author_id":1,"state":"closed","milestone":{"id":2,"title":"A group milestone","description":"Group-level milestone","iid":1,"group_id":100,"state":"active","events":[{"id":5,"target_type":"Milestone","target_id":2,"project_id":8,"action":1,"author_id":1}]},"label_links":[{"id":13,"label_id":6,"target_type":"Issue","label":{"id":6,"title":"group label","color":"#A8D695","group_id":5,"type":"GroupLabel"}}]}
{"id":3,"iid":3,"title":"Third","project_id":8,"author_id":1,"state":"opened","milestone":{"id":3,"title":"Another group milestone","iid":1,"group_id":100,"state":"active"},"resource_label_events":[{"id":244,"action":"add","issue_id":3,"label_id":9,"user_id":1,"created_at":"2018-08-28T08:24:00.494Z","label":{"id":9,"title":"event label","color":"#000000","project_id":8,"type":"ProjectLabel"}}],"resource_milestone_events":[{"user_id":1,"action":"add","state":"opened","created_at":"2022-08-17T13:06:53.547Z","milestone":{"title":"A group milestone","iid":1,"group_id":100,"state":"active"}}]}
`
	refMergeRequests = `{"id":27,"iid":1,"title":"MR1","source_branch":"feature","target_branch":"master","source_project_id":8,"target_project_id":8,"author_id":1,"state":"opened","milestone":{"id":7,"title":"MR milestone","project_id":8,"iid":7,"group_id":null,"state":"active"},"label_links":[{"target_type":"MergeRequest","label":{"id":10,"title":"mr label","color":"#ffffff","project_id":8,"type":"ProjectLabel"}},{"target_type":"MergeRequest","label":{"id":6,"title":"group label","group_id":5,"type":"GroupLabel"}}]}
`
)

// fixtureCatalogue is what GitLab's importer makes of its complex fixture
// (its tree_restorer_spec: three project labels, none with a group): the
// two labels of labels.ndjson, test3 a group label there, and the label
// of a board list that labels.ndjson does not list; the three milestones
// of milestones.ndjson with their iids.
var fixtureCatalogue = catalogue{
	labels:     []string{"test2", "test3", "testlabel"},
	milestones: []titleIID{{"test milestone", 1}, {"v4.0", 5}, {"v3.0", 4}},
}

// referencesArchive is GitLab's fixture with files replaced; releases and
// boards (which name fixture milestones and labels) are emptied.
func referencesArchive(t *testing.T, files map[string]string) []byte {
	t.Helper()
	extra := map[string][]byte{"tree/project/releases.ndjson": nil, "tree/project/boards.ndjson": nil}
	for name, content := range files {
		extra["tree/project/"+name+".ndjson"] = []byte(content)
	}
	return fixtureArchive(t, "0.2.4", extra)
}

// TestProjectImport_LabelsAndMilestonesFromReferences pins that a project
// holds the labels and milestones GitLab's importer finds or creates from
// what issues and merge requests reference, as project labels and
// milestones with distinct iids, whether the project is in a group or
// not, and that a re-export and re-import keeps them without duplicates.
func TestProjectImport_LabelsAndMilestonesFromReferences(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0)),
		ProjectDownloadExportLimit: gitlab.Ptr(int64(0))})
	if _, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Team"), Path: gitlab.Ptr("team")}); err != nil {
		t.Fatal(err)
	}
	data := referencesArchive(t, map[string]string{"labels": refLabels, "milestones": refMilestones,
		"issues": refIssues, "merge_requests": refMergeRequests})
	want := catalogue{
		labels:     []string{"A project label", "group label", "event label", "mr label"},
		milestones: []titleIID{{"Project milestone", 1}, {"A group milestone", 2}, {"Another group milestone", 3}, {"MR milestone", 7}},
	}
	for _, tt := range []struct {
		name   string
		fields map[string]string
	}{
		{"UserNamespace", map[string]string{"path": "mine"}},
		{"InGroup", map[string]string{"path": "ours", "namespace": "team"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id := importFinished(t, env, data, tt.fields)
			checkCatalogue(t, env, id, want)
			milestone := nestedMilestones(t, env, id, "issues")
			if got := strings.Join(milestone, " "); got != "Project milestone=1 A group milestone=2 Another group milestone=3 A group milestone=2" {
				t.Errorf("issues name milestones %s", got)
			}
			again := reimportExport(t, env, id, tt.fields["path"]+"-again", want)
			sameRecords(t, env, id, again, "labels", "milestones", "issues", "merge_requests")
		})
	}
}

// TestProjectImport_MilestoneIIDClaimedBack pins GitLab's milestone-iid
// case: a group milestone named first gets a new iid, and the project
// milestone that has its iid takes it back, moving the group one on; the
// issue stored before the move names the moved milestone's new iid. An
// issue that fails still creates the label it names, as in GitLab, which
// builds it before saving the issue.
func TestProjectImport_MilestoneIIDClaimedBack(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0)),
		ProjectDownloadExportLimit: gitlab.Ptr(int64(0))})
	issues := `{"id":1,"iid":20,"title":"Fugiat","project_id":8,"author_id":1,"state":"opened","milestone":{"id":1,"title":"Group-level milestone","description":"Group-level milestone","iid":1,"group_id":8,"state":"active"}}
{"id":2,"iid":21,"title":"Est","project_id":8,"author_id":1,"state":"opened","milestone":{"id":2,"title":"Another milestone","project_id":8,"description":"milestone","iid":1,"group_id":null,"state":"active"}}
{"id":3,"iid":22,"title":"","project_id":8,"author_id":1,"state":"opened","label_links":[{"target_type":"Issue","label":{"title":"kept","color":"#123456","project_id":8,"type":"ProjectLabel"}}]}
`
	data := referencesArchive(t, map[string]string{"labels": "", "milestones": "", "issues": issues, "merge_requests": ""})
	id := importFinished(t, env, data, map[string]string{"path": "claimed"})
	if st := waitImport(t, env, servertest.RootToken, id); len(st.FailedRelations) != 1 || st.FailedRelations[0].LineNumber != 2 {
		t.Errorf("failed relations %+v, want the issue without a title", st.FailedRelations)
	}
	want := catalogue{labels: []string{"kept"}, milestones: []titleIID{{"Group-level milestone", 2}, {"Another milestone", 1}}}
	checkCatalogue(t, env, id, want)
	if got := strings.Join(nestedMilestones(t, env, id, "issues"), " "); got != "Group-level milestone=2 Another milestone=1" {
		t.Errorf("issues name milestones %s", got)
	}
	again := reimportExport(t, env, id, "claimed-again", want)
	sameRecords(t, env, id, again, "milestones", "issues")
}

// titleIID is a milestone: its title and iid.
type titleIID struct {
	title string
	iid   int
}

// catalogue is the labels and milestones a project should hold, in the
// order stored.
type catalogue struct {
	labels     []string
	milestones []titleIID
}

// checkCatalogue checks a project's stored labels and milestones against
// want (each a project record, titles and iids unique) and that every
// label and milestone its issues and merge requests name is one of them,
// with its iid.
func checkCatalogue(t *testing.T, env *servertest.Env, id int64, want catalogue) {
	t.Helper()
	var labels []string
	for _, l := range records(t, env, id, "labels") {
		labels = append(labels, l["title"].(string))
		if l["type"] != "ProjectLabel" || l["group_id"] != nil || l["project_id"] != float64(id) {
			t.Errorf("label %v is not a project label of %d", l, id)
		}
	}
	if !slices.Equal(labels, want.labels) {
		t.Errorf("labels %q, want %q", labels, want.labels)
	}
	iids := map[string]float64{}
	var milestones []titleIID
	for _, m := range records(t, env, id, "milestones") {
		milestones = append(milestones, titleIID{m["title"].(string), int(m["iid"].(float64))})
		iids[m["title"].(string)] = m["iid"].(float64)
		if m["group_id"] != nil || m["project_id"] != float64(id) {
			t.Errorf("milestone %v is not a milestone of %d", m, id)
		}
	}
	if !slices.Equal(milestones, want.milestones) {
		t.Errorf("milestones %v, want %v", milestones, want.milestones)
	}
	for _, rel := range []string{"issues", "merge_requests"} {
		for _, rec := range records(t, env, id, rel) {
			checkNested(t, rel, rec, labels, iids)
		}
	}
}

// checkNested checks the labels and milestones one issue or merge request
// names.
func checkNested(t *testing.T, rel string, rec map[string]any, labels []string, iids map[string]float64) {
	t.Helper()
	for _, l := range nested(rec, "label_links", "label", "resource_label_events", "label") {
		if !slices.Contains(labels, l["title"].(string)) || l["type"] != "ProjectLabel" || l["group_id"] != nil {
			t.Errorf("%s %v names label %v, not one of the project's", rel, rec["iid"], l)
		}
	}
	for _, m := range append(nested(rec, "resource_milestone_events", "milestone"), nested(rec, "milestone")...) {
		if iid, ok := iids[m["title"].(string)]; !ok || m["iid"] != iid || m["group_id"] != nil {
			t.Errorf("%s %v names milestone %v, not one of the project's", rel, rec["iid"], m)
		}
	}
}

// nested returns the objects at rec[list][i][key] for each (list, key)
// pair given, or rec[key] for a lone key.
func nested(rec map[string]any, path ...string) []map[string]any {
	var out []map[string]any
	if len(path) == 1 {
		if m, ok := rec[path[0]].(map[string]any); ok {
			out = append(out, m)
		}
		return out
	}
	for i := 0; i+1 < len(path); i += 2 {
		items, _ := rec[path[i]].([]any)
		for _, item := range items {
			if m, ok := item.(map[string]any)[path[i+1]].(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// nestedMilestones lists "title=iid" of the milestone of each record of
// rel and of its milestone events, in order.
func nestedMilestones(t *testing.T, env *servertest.Env, id int64, rel string) []string {
	t.Helper()
	var out []string
	for _, rec := range records(t, env, id, rel) {
		for _, m := range append(nested(rec, "milestone"), nested(rec, "resource_milestone_events", "milestone")...) {
			out = append(out, m["title"].(string)+"="+itoa(int64(m["iid"].(float64))))
		}
	}
	return out
}

// records reads the stored records of one relation of a project.
func records(t *testing.T, env *servertest.Env, id int64, rel string) []map[string]any {
	t.Helper()
	var out []map[string]any
	err := env.Server.DB.EachRelationRecord(t.Context(), id, rel, func(data []byte) error {
		var rec map[string]any
		if err := json.Unmarshal(data, &rec); err != nil {
			return err
		}
		out = append(out, rec)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// reimportExport exports project id, checks the archive's labels.ndjson
// and milestones.ndjson hold want, imports it again at path and checks
// the new project holds want too. It returns the new project's id.
func reimportExport(t *testing.T, env *servertest.Env, id int64, path string, want catalogue) int64 {
	t.Helper()
	exported := exportArchive(t, env.Root, id)
	entries := untar(t, exported)
	for _, l := range want.labels {
		if !strings.Contains(string(entries["./tree/project/labels.ndjson"]), `"title":"`+l+`"`) {
			t.Errorf("exported labels.ndjson lacks %q:\n%s", l, entries["./tree/project/labels.ndjson"])
		}
	}
	for _, m := range want.milestones {
		if !strings.Contains(string(entries["./tree/project/milestones.ndjson"]), `"iid":`+itoa(int64(m.iid))+`,"project_id":`+itoa(id)+`,"state":"active","title":"`+m.title+`"`) {
			t.Errorf("exported milestones.ndjson lacks %v:\n%s", m, entries["./tree/project/milestones.ndjson"])
		}
	}
	again := importFinished(t, env, exported, map[string]string{"path": path})
	checkCatalogue(t, env, again, want)
	return again
}

// sameRecords checks that two projects hold the same records of rels.
func sameRecords(t *testing.T, env *servertest.Env, a, b int64, rels ...string) {
	t.Helper()
	ra, rb := storedRelations(t, env, a), storedRelations(t, env, b)
	for _, rel := range rels {
		if got, want := strings.Join(rb[rel], "\n"), strings.Join(ra[rel], "\n"); got != want {
			t.Errorf("%s after the round trip:\n%s\nwant\n%s", rel, got, want)
		}
	}
}
