package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strconv"
	"time"
)

// GroupImport is what a group import is asked to do: a new group named
// Name at Path, in the group ParentID (0: at the top level).
type GroupImport struct {
	Name, Path string
	ParentID   int64
	// Bytes, if set, is told how far the upload is.
	Bytes func(done, total int64)
	// Accepted, if set, is told ImportGroupArchive's new group once the
	// server accepted the upload, before the wait.
	Accepted func(Group)
}

// Group is what the API shows of a group.
type Group struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Path     string `json:"path"`
	FullPath string `json:"full_path"`
}

// GroupImportStatus is how a group import goes: Ferry's GET
// /ferry/groups/:id/import (status created, scheduled, started, finished
// or failed; the records imported per relation, "groups" included; what
// failed), or, from GitLab, what was seen of the new group (Counts:
// "groups", the group and its descendants, and "labels", theirs).
type GroupImportStatus struct {
	Status          string           `json:"import_status"`
	Error           *string          `json:"import_error"`
	Counts          map[string]int64 `json:"stats"`
	FailedRelations []FailedRelation `json:"failed_relations"`
}

// GroupOf reads group (an id or a full path): GET /groups/:id.
func (c *Client) GroupOf(ctx context.Context, group string) (Group, error) {
	var g Group
	return g, c.call(ctx, http.MethodGet, "/groups/"+ProjectID(group)+"?with_projects=false", &g)
}

// StartGroupImport uploads the group archive at file (POST
// /groups/import), streamed from the disk however big it is. The answer
// (202) names no group: the new group is found by its path.
func (c *Client) StartGroupImport(ctx context.Context, file string, im GroupImport) error {
	fields := [][2]string{{"name", im.Name}, {"path", im.Path}}
	if im.ParentID != 0 {
		fields = append(fields, [2]string{"parent_id", strconv.FormatInt(im.ParentID, 10)})
	}
	resp, err := c.upload(ctx, "/groups/import", file, fields, im.Bytes)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return nil
}

// GroupImportOf reads Ferry's status of the import of the group id. A
// 404 for a group just seen means the route is missing: it returns
// ErrNoStatus (wrapping the 404) then.
func (c *Client) GroupImportOf(ctx context.Context, id int64) (GroupImportStatus, error) {
	var st GroupImportStatus
	err := c.call(ctx, http.MethodGet, "/ferry/groups/"+strconv.FormatInt(id, 10)+"/import", &st)
	if errors.Is(err, ErrNotFound) {
		return st, fmt.Errorf("%w: %w", ErrNoStatus, err)
	}
	return st, err
}

// ImportGroupArchive uploads the group archive at file as the group
// fullPath (StartGroupImport with im), finds the new group, tells
// im.Accepted, and waits for the import's end (WaitGroupImport, telling
// seen each status). The group returned is the new one once it was
// found, also when the wait failed.
func (c *Client) ImportGroupArchive(ctx context.Context, file, fullPath string, im GroupImport, wantGroups int64, seen func(GroupImportStatus)) (Group, GroupImportStatus, error) {
	if err := c.StartGroupImport(ctx, file, im); err != nil {
		return Group{}, GroupImportStatus{}, err
	}
	g, err := c.findGroup(ctx, fullPath)
	if err != nil {
		return g, GroupImportStatus{}, err
	}
	if im.Accepted != nil {
		im.Accepted(g)
	}
	st, err := c.WaitGroupImport(ctx, g, wantGroups, seen)
	return g, st, err
}

// findGroup reads the group at fullPath, waiting (up to NoExport) for a
// server that creates it only once its import job starts.
func (c *Client) findGroup(ctx context.Context, fullPath string) (Group, error) {
	start, wait := time.Now(), c.Poll
	for {
		g, err := c.GroupOf(ctx, fullPath)
		if !errors.Is(err, ErrNotFound) || time.Since(start) > c.NoExport {
			return g, err
		}
		if err := sleep(ctx, wait); err != nil {
			return g, err
		}
		wait = min(wait*3/2, c.MaxPoll)
	}
}

// WaitGroupImport waits for the end of group g's import, calling seen
// with each status. From Ferry it reads the status route until finished
// or failed; from GitLab, which gives no status of a group import from
// a file, it watches the group settle (see settleGroup). It returns the
// last status, and ErrImportFailed (wrapped, with the error) when it
// failed or did not settle within GroupWait.
func (c *Client) WaitGroupImport(ctx context.Context, g Group, wantGroups int64, seen func(GroupImportStatus)) (GroupImportStatus, error) {
	read := func() (GroupImportStatus, error) { return c.GroupImportOf(ctx, g.ID) }
	if _, err := read(); errors.Is(err, ErrNoStatus) {
		return c.settleGroup(ctx, g, wantGroups, seen)
	}
	return poll(ctx, c, read, seen, func(st GroupImportStatus) (string, error) {
		msg := "no reason given"
		if st.Error != nil && *st.Error != "" {
			msg = *st.Error
		}
		return st.Status, fmt.Errorf("%w: group %s: %s", ErrImportFailed, g.FullPath, msg)
	})
}

// settleGroup follows a GitLab group import by what the group shows: it
// counts the group with its descendants and their labels until the
// counts stay the same for Settle with the groups of the archive
// (wantGroups) all there, or for four times Settle without (some were
// not imported: the caller compares), and gives up after GroupWait.
func (c *Client) settleGroup(ctx context.Context, g Group, wantGroups int64, seen func(GroupImportStatus)) (GroupImportStatus, error) {
	start, wait := time.Now(), c.Poll
	var last map[string]int64
	var since time.Time
	for {
		counts, err := c.groupCounts(ctx, g.ID)
		if err != nil {
			return GroupImportStatus{}, err
		}
		if !maps.Equal(counts, last) {
			last, since = counts, time.Now()
		}
		st := GroupImportStatus{Status: "started", Counts: counts}
		settled := time.Since(since)
		if (settled >= c.Settle && counts["groups"] >= wantGroups) || settled >= 4*c.Settle {
			st.Status = "finished"
			seen(st)
			return st, nil
		}
		seen(st)
		if time.Since(start) > c.GroupWait {
			return st, fmt.Errorf("%w: group %s did not settle within %s (the server gives no status of "+
				"group imports: look at the group and the server's import log)", ErrImportFailed, g.FullPath, c.GroupWait)
		}
		if err := sleep(ctx, wait); err != nil {
			return st, err
		}
		wait = min(wait*3/2, c.MaxPoll)
	}
}

// groupCounts counts the group id with its descendant groups, and their
// labels.
func (c *Client) groupCounts(ctx context.Context, id int64) (map[string]int64, error) {
	base := "/groups/" + strconv.FormatInt(id, 10)
	subs, err := c.total(ctx, base+"/descendant_groups?")
	if err != nil {
		return nil, err
	}
	labels, err := c.total(ctx, base+"/labels?include_ancestor_groups=false&include_descendant_groups=true&")
	if err != nil {
		return nil, err
	}
	return map[string]int64{"groups": subs + 1, "labels": labels}, nil
}

// total is how many items the list at path (ending in ? or &) holds:
// its X-Total, or counted page after page when the server gives none.
func (c *Client) total(ctx context.Context, path string) (int64, error) {
	var n int64
	for page := "1"; page != ""; {
		var list []struct{}
		h, err := c.request(ctx, http.MethodGet, path+"per_page=100&page="+page, nil, &list)
		if err != nil {
			return 0, err
		}
		if t, err := strconv.ParseInt(h.Get("X-Total"), 10, 64); err == nil {
			return t, nil
		}
		n += int64(len(list))
		page = h.Get("X-Next-Page")
	}
	return n, nil
}
