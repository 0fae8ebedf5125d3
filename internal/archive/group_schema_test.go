package archive

import (
	"strings"
	"testing"
)

// TestGroupExportTree pins the group schema: GitLab's FOSS group tree in
// its order, and what its filter keeps of each kind of record.
func TestGroupExportTree(t *testing.T) {
	t.Parallel()
	var names []string
	for _, c := range GroupExportTree.Children {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "milestones,badges,labels,boards,members,namespace_settings,user_contributions" {
		t.Errorf("tree %s", got)
	}
	for _, tt := range []struct {
		name, relation, record, want string
		attributes                   bool
	}{
		{"GroupAttributes", "", `{"id":1,"name":"A","owner_id":2,"created_at":"x","updated_at":"y","runners_token":"s",` +
			`"runners_token_encrypted":"s","saml_discovery_token":"s","trial_ends_on":null,"repository_size_limit":1,` +
			`"max_pages_size":1,"extra_shared_runners_minutes_limit":1,"visibility_level":20,"milestones":[{"title":"m"}]}`,
			`{"id":1,"name":"A","visibility_level":20}`, true},
		{"LabelsKeepEverything", "labels", `{"id":1,"title":"bug","type":"GroupLabel","color":"#fff"}`,
			`{"id":1,"title":"bug","type":"GroupLabel","color":"#fff"}`, false},
		{"MemberUser", "members", `{"id":1,"access_level":30,"user":{"id":2,"public_email":"a@b","username":"u","email":"x","name":"N"}}`,
			`{"id":1,"access_level":30,"user":{"id":2,"public_email":"a@b","username":"u"}}`, false},
		{"BoardListLabel", "boards", `{"id":1,"lists":[{"id":2,"list_type":"label","label":{"id":3,"title":"bug"},"board":{"id":1}}]}`,
			`{"id":1,"lists":[{"id":2,"list_type":"label","label":{"id":3,"title":"bug"},"board":{"id":1}}]}`, false},
		{"NamespaceSettings", "namespace_settings", `{"prevent_sharing_groups_outside_hierarchy":true,"namespace_id":4}`,
			`{"prevent_sharing_groups_outside_hierarchy":true}`, false},
		{"UserContributions", "user_contributions", `{"id":5,"username":"u","name":"N","public_email":"","email":"x"}`,
			`{"username":"u","name":"N","public_email":""}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rel, filter := GroupExportTree, GroupExportTree.FilterAttributes
			if !tt.attributes {
				rel = GroupExportTree.Child(tt.relation)
				filter = rel.Filter
			}
			got, err := filter(nil, []byte(tt.record))
			if err != nil || string(got) != tt.want {
				t.Errorf("got %s %v, want %s", got, err, tt.want)
			}
		})
	}
}
