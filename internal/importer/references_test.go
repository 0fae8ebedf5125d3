package importer

import (
	"slices"
	"testing"
	"unsafe"
)

func TestEachReference_GitLabTreeOrder(t *testing.T) {
	t.Parallel()
	issuable := `{"title":"i","milestone":{"title":"m1"},
		"resource_milestone_events":[{"milestone":{"title":"m2"}},{"action":"remove"}],
		"resource_label_events":[{"label":{"title":"l3"}}],
		"label_links":[{"label":{"title":"l1"}},{"label":{"title":"l2"}},{"label_id":3}],
		"notes":[{"label":{"title":"not a reference"}}]}`
	for _, tt := range []struct {
		name     string
		relation string
		record   string
		want     []string
	}{
		{"Issue", "issues", issuable, []string{"labels l1", "labels l2", "milestones m1", "labels l3", "milestones m2"}},
		{"MergeRequest", "merge_requests", issuable, []string{"labels l1", "labels l2", "milestones m1", "labels l3", "milestones m2"}},
		{"Release", "releases", `{"tag":"v1","milestone_releases":[{"milestone":{"title":"m1"}},{"milestone":{"title":"m2"}}]}`,
			[]string{"milestones m1", "milestones m2"}},
		{"BoardListsThenBoardMilestone", "boards", `{"milestone":{"title":"m0"},
			"lists":[{"label":{"title":"l1"},"milestone":{"title":"m1"}},{"list_type":"closed"},{"label":{"title":"l2"}}]}`,
			[]string{"labels l1", "milestones m1", "labels l2", "milestones m0"}},
		{"LabelsRecordIsItself", "labels", `{"title":"l"}`, []string{"labels l"}},
		{"MilestonesRecordIsItself", "milestones", `{"title":"m"}`, []string{"milestones m"}},
		{"OtherRelationsNameNone", "snippets", `{"title":"s","milestone":{"title":"m"}}`, nil},
		{"WrongShapesAreSkipped", "issues", `{"milestone":"m","label_links":{"label":[{"title":"l"}]}}`, []string{"labels l"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := eachReference(tt.relation, decodeRef(t, tt.record), func(kind string, ref map[string]any) error {
				got = append(got, kind+" "+ref["title"].(string))
				return nil
			})
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("references %q %v, want %q", got, err, tt.want)
			}
		})
	}
}

func TestCatalog_FixIIDs(t *testing.T) {
	t.Parallel()
	// GitLab's milestone-iid case: the group milestone, named by an issue
	// stored first, moves from iid 1 to 2.
	c, _, _ := run(t, []ref{milestone(`{"title":"g","iid":1,"group_id":8}`), milestone(`{"title":"p","iid":1}`)})
	for _, tt := range []struct {
		name     string
		relation string
		record   string
		want     string // "" = unchanged
	}{
		{"StaleIssue", "issues", `{"iid":1,"milestone":{"iid":1,"title":"g"}}`, `{"iid":1,"milestone":{"iid":2,"title":"g"}}`},
		{"CurrentIssue", "issues", `{"iid":2,"milestone":{"iid":1,"title":"p"}}`, ""},
		{"StaleMilestoneRecord", "milestones", `{"iid":1,"title":"g"}`, `{"iid":2,"title":"g"}`},
		{"StaleRelease", "releases", `{"milestone_releases":[{"milestone":{"iid":1,"title":"g"}}]}`,
			`{"milestone_releases":[{"milestone":{"iid":2,"title":"g"}}]}`},
		{"LabelsAreNotMilestones", "issues", `{"label_links":[{"label":{"iid":1,"title":"g"}}]}`, ""},
		{"UnknownTitle", "issues", `{"milestone":{"iid":1,"title":"x"}}`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data, changed, err := c.fixIIDs(tt.relation, []byte(tt.record))
			if err != nil {
				t.Fatal(err)
			}
			if changed != (tt.want != "") || changed && string(data) != tt.want {
				t.Errorf("fixed %v %s, want %s", changed, data, tt.want)
			}
		})
	}
}

// TestCatalogReferences_SplicesChangedSites pins that only the attributes
// naming labels and milestones are rewritten, the rest of the record kept
// byte for byte (an unescaped "<" that encoding/json would escape), and
// that a record naming the project's records already is returned as it is,
// not copied.
func TestCatalogReferences_SplicesChangedSites(t *testing.T) {
	t.Parallel()
	r := &restore{catalog: newCatalog(testProject)}
	in := `{"description":"a<b","label_links":[{"label":{"project_id":8,"title":"l1"},"target_type":"Issue"}],` +
		`"milestone":{"group_id":8,"iid":1,"title":"m"},"title":"t"}`
	want := `{"description":"a<b","label_links":[{"label":{"project_id":42,"title":"l1","type":"ProjectLabel"},"target_type":"Issue"}],` +
		`"milestone":{"group_id":null,"iid":1,"project_id":42,"title":"m"},"title":"t"}`
	got, err := r.catalogReferences("issues", in)
	if err != nil || got != want {
		t.Fatalf("record\n%s %v\nwant\n%s", got, err, want)
	}
	if n := len(r.catalog.pending); n != 2 {
		t.Errorf("%d records created, want the label and the milestone", n)
	}
	again, err := r.catalogReferences("issues", want)
	if err != nil || again != want || unsafe.StringData(again) != unsafe.StringData(want) {
		t.Errorf("an unchanged record is %s %v, want the same string", again, err)
	}
	if n := len(r.catalog.pending); n != 2 {
		t.Errorf("%d records created, want the found ones not created again", n)
	}
}
