package importer

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

const testProject = 42

// ref is one label or milestone record handed to the catalog.
type ref struct {
	kind string
	json string
}

func label(j string) ref     { return ref{labelRef, j} }
func milestone(j string) ref { return ref{milestoneRef, j} }

func decodeRef(t *testing.T, j string) map[string]any {
	t.Helper()
	rec, err := decodeObject(json.RawMessage(j))
	if err != nil {
		t.Fatalf("%s: %v", j, err)
	}
	return rec
}

// run hands refs to a new catalog in order and returns it with whether
// each was created and how each record looks afterwards.
func run(t *testing.T, refs []ref) (*catalog, []bool, []string) {
	t.Helper()
	c := newCatalog(testProject)
	var created []bool
	var after []string
	for _, r := range refs {
		rec := decodeRef(t, r.json)
		ok, err := c.find(r.kind, rec)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(rec)
		created, after = append(created, ok), append(after, string(b))
	}
	return c, created, after
}

func TestCatalog_Labels(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		refs    []ref
		created []bool
		after   []string
		labels  []string
	}{
		{"NewProjectLabel", []ref{label(`{"title":"bug","color":"#f00","project_id":8,"type":"ProjectLabel"}`)},
			[]bool{true}, []string{`{"color":"#f00","project_id":42,"title":"bug","type":"ProjectLabel"}`}, []string{"bug"}},
		{"GroupLabelBecomesProjectLabel", []ref{label(`{"title":"g","group_id":5,"project_id":null,"type":"GroupLabel"}`)},
			[]bool{true}, []string{`{"group_id":null,"project_id":42,"title":"g","type":"ProjectLabel"}`}, []string{"g"}},
		{"LabelWithoutTypeIsProjectLabel", []ref{label(`{"title":"t"}`)},
			[]bool{true}, []string{`{"project_id":42,"title":"t","type":"ProjectLabel"}`}, []string{"t"}},
		{"SameTitleIsFound", []ref{label(`{"title":"bug","color":"#f00"}`), label(`{"title":"bug","color":"#0f0","group_id":3,"type":"GroupLabel"}`)},
			[]bool{true, false}, []string{`{"color":"#f00","project_id":42,"title":"bug","type":"ProjectLabel"}`,
				`{"color":"#0f0","group_id":null,"project_id":42,"title":"bug","type":"ProjectLabel"}`}, []string{"bug"}},
		{"TitlesAreCaseSensitive", []ref{label(`{"title":"Bug"}`), label(`{"title":"bug"}`)},
			[]bool{true, true}, nil, []string{"Bug", "bug"}},
		{"NoTitleIsLeftAlone", []ref{label(`{"color":"#f00","group_id":5}`), label(`{"title":"  "}`)},
			[]bool{false, false}, []string{`{"color":"#f00","group_id":5}`, `{"title":"  "}`}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, created, after := run(t, tt.refs)
			if !slices.Equal(created, tt.created) {
				t.Errorf("created %v, want %v", created, tt.created)
			}
			if tt.after != nil && !slices.Equal(after, tt.after) {
				t.Errorf("records after\n%s\nwant\n%s", strings.Join(after, "\n"), strings.Join(tt.after, "\n"))
			}
			if got := slices.Sorted(maps.Keys(c.labels)); !slices.Equal(got, tt.labels) {
				t.Errorf("labels %v, want %v", got, tt.labels)
			}
			checkPending(t, c, labelRef, len(tt.labels))
		})
	}
}

func TestCatalog_Milestones(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		refs       []ref
		created    []bool
		iids       map[string]int64
		renumbered bool
	}{
		{"ProjectMilestonesKeepTheirIIDs", []ref{milestone(`{"title":"a","iid":5}`), milestone(`{"title":"b","iid":3,"group_id":null}`)},
			[]bool{true, true}, map[string]int64{"a": 5, "b": 3}, false},
		{"SameTitleIsFound", []ref{milestone(`{"title":"a","iid":5}`), milestone(`{"title":"a","iid":9,"group_id":7}`)},
			[]bool{true, false}, map[string]int64{"a": 5}, false},
		// GitLab's spec/fixtures/lib/gitlab/import_export/milestone-iid:
		// the project milestone takes its iid back from the group one.
		{"ProjectMilestoneClaimsItsIID", []ref{milestone(`{"title":"Group-level","iid":1,"group_id":8}`), milestone(`{"title":"Another","iid":1,"group_id":null}`)},
			[]bool{true, true}, map[string]int64{"Group-level": 2, "Another": 1}, true},
		{"GroupMilestonesWithOneIIDGetDistinctIIDs", []ref{milestone(`{"title":"p","iid":4}`), milestone(`{"title":"g1","iid":1,"group_id":8}`),
			milestone(`{"title":"g2","iid":1,"group_id":8}`)},
			[]bool{true, true, true}, map[string]int64{"p": 4, "g1": 5, "g2": 6}, false},
		{"CounterFollowsTheLastIIDHandedOut", []ref{milestone(`{"title":"p","iid":5}`), milestone(`{"title":"g1","group_id":1}`),
			milestone(`{"title":"q","iid":9}`), milestone(`{"title":"g2","group_id":1}`)},
			[]bool{true, true, true, true}, map[string]int64{"p": 5, "g1": 6, "q": 9, "g2": 7}, false},
		{"CounterSkipsAnIIDInUse", []ref{milestone(`{"title":"p","iid":1}`), milestone(`{"title":"g1","group_id":1}`),
			milestone(`{"title":"q","iid":3}`), milestone(`{"title":"g2","group_id":1}`)},
			[]bool{true, true, true, true}, map[string]int64{"p": 1, "g1": 2, "q": 3, "g2": 4}, false},
		{"MissingOrInvalidIIDIsHandedOut", []ref{milestone(`{"title":"p","iid":2}`), milestone(`{"title":"n"}`),
			milestone(`{"title":"z","iid":0}`), milestone(`{"title":"x","iid":"abc"}`)},
			[]bool{true, true, true, true}, map[string]int64{"p": 2, "n": 3, "z": 4, "x": 5}, false},
		{"ClaimRenumbersAProjectMilestoneToo", []ref{milestone(`{"title":"a","iid":1}`), milestone(`{"title":"b","iid":1}`)},
			[]bool{true, true}, map[string]int64{"a": 2, "b": 1}, true},
		{"NoTitleIsLeftAlone", []ref{milestone(`{"iid":1}`)}, []bool{false}, map[string]int64{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, created, _ := run(t, tt.refs)
			if !slices.Equal(created, tt.created) {
				t.Errorf("created %v, want %v", created, tt.created)
			}
			if !maps.Equal(c.milestones, tt.iids) {
				t.Errorf("iids %v, want %v", c.milestones, tt.iids)
			}
			for title, iid := range c.milestones {
				if c.holders[iid] != title {
					t.Errorf("iid %d held by %q, want %q", iid, c.holders[iid], title)
				}
			}
			if c.renumbered != tt.renumbered {
				t.Errorf("renumbered %v, want %v", c.renumbered, tt.renumbered)
			}
			checkPending(t, c, milestoneRef, len(tt.iids))
		})
	}
}

// checkPending checks that the catalog queued n records of relation at
// positions 0..n-1, each a project record.
func checkPending(t *testing.T, c *catalog, relation string, n int) {
	t.Helper()
	var positions []int64
	for _, p := range c.pending {
		if p.relation != relation {
			continue
		}
		positions = append(positions, p.position)
		rec := decodeRef(t, string(p.data))
		if intValue(rec["project_id"]) != testProject || rec["group_id"] != nil {
			t.Errorf("stored record %s is not the project's", p.data)
		}
	}
	var want []int64
	for i := range int64(n) {
		want = append(want, i)
	}
	if !slices.Equal(positions, want) {
		t.Errorf("pending %s positions %v, want %v", relation, positions, want)
	}
}

func TestCatalog_FoundMilestoneCopyTakesTheIID(t *testing.T) {
	t.Parallel()
	_, _, after := run(t, []ref{milestone(`{"title":"a","iid":2}`), milestone(`{"title":"a","iid":7,"group_id":3,"events":[]}`)})
	if want := `{"events":[],"group_id":null,"iid":2,"project_id":42,"title":"a"}`; after[1] != want {
		t.Errorf("found copy %s, want %s", after[1], want)
	}
}
