package content

import (
	"encoding/json"
	"fmt"
	"testing"
)

func TestContent_TextColor(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ color, want string }{
		{"#428bca", "#FFFFFF"}, {"#FFFFFF", "#333333"}, {"#fff", "#333333"}, {"#F0AD4E", "#FFFFFF"}, {"#F0AD8E", "#333333"},
		{"red", "#FFFFFF"}, {"", "#FFFFFF"}, {"#zzzzzz", "#FFFFFF"},
	} {
		if got := textColor(tt.color); got != tt.want {
			t.Errorf("textColor(%q) = %s, want %s", tt.color, got, tt.want)
		}
	}
}

func TestContent_HumanTime(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		seconds int64
		want    string
	}{
		{60, "1m"}, {3600 + 30*60, "1h 30m"}, {8 * 3600, "1d"}, {5*8*3600 + 8*3600 + 1, "1w 1d 1s"}, {-90, "-1m 30s"},
	} {
		if got := humanTime(tt.seconds); got == nil || *got != tt.want {
			t.Errorf("humanTime(%d) = %v, want %s", tt.seconds, got, tt.want)
		}
	}
	if got := humanTime(0); got != nil {
		t.Errorf("humanTime(0) = %s, want null", *got)
	}
}

func TestContent_Draft(t *testing.T) {
	t.Parallel()
	for title, want := range map[string]bool{
		"Draft: fix": true, "[Draft] fix": true, "(draft) fix": true, "DRAFT: fix": true,
		"WIP: fix": false, "fix draft": false, " Draft: fix": false,
	} {
		if got := draft(title); got != want {
			t.Errorf("draft(%q) = %v, want %v", title, got, want)
		}
	}
}

func TestContent_DetailedMergeStatus(t *testing.T) {
	t.Parallel()
	mr := func(state, status, title string) MergeRequest {
		return MergeRequest{Issuable: Issuable{State: state, Title: title}, MergeStatus: status, Draft: draft(title)}
	}
	for _, tt := range []struct {
		mr   MergeRequest
		want string
	}{
		{mr("opened", "unchecked", "x"), "unchecked"},
		{mr("merged", "can_be_merged", "x"), "not_open"},
		{mr("opened", "can_be_merged", "Draft: x"), "draft_status"},
		{mr("opened", "cannot_be_merged", "x"), "conflict"},
		{mr("opened", "can_be_merged", "x"), "mergeable"},
	} {
		if got := detailedMergeStatus(tt.mr); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.mr, got, tt.want)
		}
	}
}

func TestContent_EachNote(t *testing.T) {
	t.Parallel()
	var got []string
	err := eachNote([]byte(`{"title":"t","notes":[{"note":"a"},{"note":"b"}],"after":{"notes":[1]}}`),
		func(i int, raw []byte) error {
			got = append(got, string(raw))
			return nil
		})
	if err != nil || len(got) != 2 || got[1] != `{"note":"b"}` {
		t.Errorf("notes %v: %v", got, err)
	}
	if err := eachNote([]byte(`{"notes":null}`), func(int, []byte) error { t.Error("a note"); return nil }); err != nil {
		t.Error(err)
	}
}

func TestContent_BoardListIDs(t *testing.T) {
	t.Parallel()
	raw := []json.RawMessage{
		json.RawMessage(`{"id":61,"list_type":"backlog"}`),              // a foreign id: by place
		json.RawMessage(`{"id":7003,"list_type":"label","position":0}`), // the board's own
		json.RawMessage(`{"list_type":"label","position":1}`),           // place 3, taken: the next free
		json.RawMessage(`{"id":7003,"list_type":"closed"}`),             // given twice: by place
	}
	lists, err := parseLists(7, raw)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, li := range lists {
		ids = append(ids, li.ID)
	}
	if fmt.Sprint(ids) != "[7001 7003 7002 7004]" {
		t.Errorf("ids %v, want [7001 7003 7002 7004]", ids)
	}
	if next := nextListID(7, lists); next != 7005 {
		t.Errorf("next id %d, want 7005", next)
	}
	again, err := parseLists(7, encodeLists(lists))
	if err != nil {
		t.Fatal(err)
	}
	for i := range again {
		if again[i].ID != lists[i].ID {
			t.Errorf("list %d: id %d once stored, want %d", i, again[i].ID, lists[i].ID)
		}
	}
}
