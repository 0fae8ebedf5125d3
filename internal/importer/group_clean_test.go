package importer

import "testing"

// TestClean_Group pins the cleaning of a group's records (GitLab's group
// RelationFactory): group_id points at the new group at every depth,
// project_id stays as the archive has it, ids and other foreign keys go.
func TestClean_Group(t *testing.T) {
	t.Parallel()
	in := `{"id":173,"project_id":null,"group_id":4351,"name":"b","milestone_id":null,` +
		`"lists":[{"id":189,"board_id":173,"label_id":271,"label":{"id":271,"title":"TSL","group_id":4351,"project_id":null,"type":"GroupLabel"}}]}`
	want := `{"group_id":9,"lists":[{"label":{"group_id":9,"project_id":null,"title":"TSL","type":"GroupLabel"}}],"name":"b","project_id":null}`
	var r record
	if err := r.reset([]byte(in)); err != nil {
		t.Fatal(err)
	}
	c := cleaner{groupID: 9, user: func(int64) int64 { return 1 }}
	if got := c.clean(&r); got != want {
		t.Errorf("clean = %s\nwant    %s", got, want)
	}
}
