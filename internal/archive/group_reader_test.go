package archive

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestGroupIDs(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, body string
		want       []int64
		wantErr    error
	}{
		{"OK", "4351\n4352\r\n\n4353", []int64{4351, 4352, 4353}, nil},
		{"Object", "{}\n", nil, ErrJSONFormat},
		{"Negative", "-1\n", nil, ErrJSONFormat},
		{"Empty", "\n", nil, ErrNoGroups},
		{"LongLine", strings.Repeat("1", 5000), nil, ErrJSONFormat},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{GroupIndexFile: tt.body})
			got, err := GroupIDs(dir)
			if !errors.Is(err, tt.wantErr) || !slices.Equal(got, tt.want) {
				t.Errorf("GroupIDs = %v, %v; want %v, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestGroupIDs_Symlink pins GitLab's answer to a symbolic link in place
// of _all.ndjson (tree_restorer_spec "does not read a symlink").
func TestGroupIDs_Symlink(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"secret": "1\n", "tree/groups/x": ""})
	if err := os.Symlink(filepath.Join(dir, "secret"), filepath.Join(dir, filepath.FromSlash(GroupIndexFile))); err != nil {
		t.Fatal(err)
	}
	if _, err := GroupIDs(dir); !errors.Is(err, ErrJSONFormat) {
		t.Errorf("GroupIDs through a symlink: %v, want %v", err, ErrJSONFormat)
	}
}

func TestGroupRelations(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"tree/groups/7.json":                `{"id":7,"name":"g"}`,
		"tree/groups/7/labels.ndjson":       "{\"title\":\"a\"}\n\n{\"title\":\"b\"}",
		"tree/groups/7/boards.ndjson":       "{}\n",
		"tree/groups/7/milestones.ndjson":   "{}\n",
		"tree/groups/7/zz.ndjson":           "{}\n",
		"tree/groups/7/epics.ndjson":        "{}\n",
		"tree/groups/7/Bad-Name.ndjson":     "{}\n",
		"tree/groups/7/members.ndjson.orig": "{}\n",
	})
	names, err := GroupRelations(dir, 7)
	if want := []string{"milestones", "labels", "boards", "epics", "zz"}; err != nil || !slices.Equal(names, want) {
		t.Errorf("GroupRelations = %v, %v; want %v", names, err, want)
	}
	attrs, err := ReadGroupJSON(dir, 7)
	if err != nil || string(attrs["name"]) != `"g"` {
		t.Errorf("ReadGroupJSON = %v, %v", attrs, err)
	}
	r, err := OpenGroupRelation(dir, 7, "labels")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var titles []string
	for {
		_, raw, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		titles = append(titles, string(raw))
	}
	if len(titles) != 2 {
		t.Errorf("labels %v", titles)
	}
	if _, err := OpenGroupRelation(dir, 7, "../x"); err == nil {
		t.Error("a relation name with a path was accepted")
	}
}

// TestLegacyGroup reads a legacy group.json: the top group, its relations
// and its children, nested two deep, one at a time.
func TestLegacyGroup(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{LegacyGroupFile: `{"name":"top","labels":[{"title":"a"},{"title":"b"}],
		"namespace_settings":{"prevent_sharing_groups_outside_hierarchy":false},"members":null,
		"children":[{"name":"c1","milestones":[{"title":"m"}],"children":[{"name":"c11"}]} , {"name":"c2"}]}`})
	l, err := OpenLegacyGroup(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if got, want := l.GroupRelations(), []string{"labels", "namespace_settings"}; !slices.Equal(got, want) {
		t.Errorf("relations %v, want %v", got, want)
	}
	var seen []string
	var walk func(l *Legacy) error
	walk = func(l *Legacy) error {
		seen = append(seen, string(l.Attributes()["name"]))
		return l.EachChild(walk)
	}
	if err := walk(l); err != nil {
		t.Fatal(err)
	}
	if want := []string{`"top"`, `"c1"`, `"c11"`, `"c2"`}; !slices.Equal(seen, want) {
		t.Errorf("groups %v, want %v", seen, want)
	}
	err = l.EachChild(func(c *Legacy) error {
		if string(c.Attributes()["name"]) != `"c1"` {
			return nil
		}
		r, err := c.Relation("milestones")
		if err != nil {
			return err
		}
		_, raw, err := r.Next()
		if string(raw) != `{"title":"m"}` {
			t.Errorf("c1 milestone %s, %v", raw, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLegacyGroup_Malformed(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"name":"top","children":[{"name":"c"},]}`, `{"name":"top","children":[{"name":}]}`, `[1]`} {
		dir := writeTree(t, map[string]string{LegacyGroupFile: body})
		l, err := OpenLegacyGroup(dir)
		if err == nil {
			err = l.EachChild(func(*Legacy) error { return nil })
			l.Close()
		}
		if !errors.Is(err, ErrJSONFormat) {
			t.Errorf("%s: %v, want %v", body, err, ErrJSONFormat)
		}
	}
}
