package migrate

import "testing"

func TestItems(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		got  Item
		want string
	}{
		{"Same", NewItem("g/sub/p", "", ""), "g/sub/p"},
		{"Namespace", NewItem("g/sub/p", "other", ""), "other/p"},
		{"Path", NewItem("/g/p/", "h/i", "q"), "h/i/q"},
		{"GroupSame", GroupItem("g/sub/p", "g", ""), "g/sub/p"},
		{"GroupMoved", GroupItem("g/sub/deep/p", "g", "new"), "new/sub/deep/p"},
		{"GroupTop", GroupItem("g/p", "g/", "/new/"), "new/p"},
	} {
		if got := tt.got.Target(); got != tt.want {
			t.Errorf("%s: target %q, want %q", tt.name, got, tt.want)
		}
	}
}
