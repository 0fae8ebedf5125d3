package migrate

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/ferryhq/ferry/internal/remote"
)

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
		{"ArchiveSame", GroupArchiveItem("g/sub", ""), "g/sub"},
		{"ArchiveTop", GroupArchiveItem("g/sub", "/new/"), "new"},
		{"ArchiveUnder", GroupArchiveItem("g", "a/b/new"), "a/b/new"},
	} {
		if got := tt.got.Target(); got != tt.want {
			t.Errorf("%s: target %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDiffRefs(t *testing.T) {
	t.Parallel()
	src := map[string]string{"refs/heads/main": "a1", "refs/heads/dev": "b1", "refs/tags/v1": "c1"}
	dst := map[string]string{"refs/heads/main": "a1", "refs/heads/dev": "b2", "refs/heads/extra": "d1"}
	got := diffRefs(src, dst)
	want := []string{
		"refs/heads/dev: b1 on the source, b2 on the target",
		"refs/heads/extra: only on the target",
		"refs/tags/v1: c1 on the source, missing on the target",
	}
	if !slices.Equal(got, want) {
		t.Errorf("diffRefs = %q, want %q", got, want)
	}
	if d := diffRefs(src, src); d != nil {
		t.Errorf("diffRefs of equal refs = %q", d)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	counts := map[string]int64{"issues": 3, "labels": 2}
	st := remote.ImportStatus{Stats: json.RawMessage(`{"fetched":{"issues":3,"labels":1},"imported":{"issues":3}}`)}
	want := []string{"labels: 2 records in the archive, 1 read by the target"}
	if got := verify(counts, st); !slices.Equal(got, want) {
		t.Errorf("verify = %q, want %q", got, want)
	}
	if got := verify(counts, remote.ImportStatus{}); got != nil {
		t.Errorf("verify without Ferry's stats = %q, want nothing", got)
	}
}
