package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/archive"
)

// answer is one answer of a fake server: status, Retry-After, body (a
// body "X-Total:N rest" is rest with that header, "Last-Modified:D rest"
// rest last modified D from now).
type answer struct {
	code  int
	after string
	body  string
}

// groupServer is a server that answers each route (method and escaped
// path, without /api/v4) with its answers in turn, the last forever, and
// counts the calls.
type groupServer struct {
	t       *testing.T
	mu      sync.Mutex
	routes  map[string][]answer
	calls   map[string]int
	uploads []map[string]string // the forms of POST /groups/import
}

func newGroupServer(t *testing.T, routes map[string][]answer) (*Client, *groupServer) {
	t.Helper()
	s := &groupServer{t: t, routes: routes, calls: map[string]int{}}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, "tok", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	c.Backoff, c.Poll, c.MaxPoll = time.Millisecond, time.Millisecond, 2*time.Millisecond
	c.NoExport, c.GroupWait, c.Settle = time.Second, time.Second, 20*time.Millisecond
	return c, s
}

func (s *groupServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("PRIVATE-TOKEN") != "tok" {
		s.t.Errorf("%s %s without the token", r.Method, r.URL)
	}
	route := r.Method + " " + strings.TrimPrefix(r.URL.EscapedPath(), "/api/v4")
	if r.Method == http.MethodPost && route == "POST /groups/import" {
		s.upload(r)
	}
	s.mu.Lock()
	list, ok := s.routes[route]
	n := s.calls[route]
	s.calls[route]++
	s.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":"404 Not Found"}`)
		return
	}
	a := list[min(n, len(list)-1)]
	if a.after != "" {
		w.Header().Set("Retry-After", a.after)
	}
	if rest, ok := strings.CutPrefix(a.body, "Last-Modified:"); ok {
		at, body, _ := strings.Cut(rest, " ")
		d, _ := time.ParseDuration(at)
		w.Header().Set("Last-Modified", time.Now().Add(d).UTC().Format(http.TimeFormat))
		a.body = body
	}
	if strings.HasPrefix(a.body, "X-Total:") {
		total, body, _ := strings.Cut(strings.TrimPrefix(a.body, "X-Total:"), " ")
		w.Header().Set("X-Total", total)
		a.body = body
	}
	w.WriteHeader(a.code)
	io.WriteString(w, a.body)
}

// upload keeps the form of an import.
func (s *groupServer) upload(r *http.Request) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		s.t.Errorf("POST /groups/import: %v", err)
		return
	}
	form := map[string]string{}
	for k, v := range r.MultipartForm.Value {
		form[k] = v[0]
	}
	if fh := r.MultipartForm.File["file"]; len(fh) == 1 {
		f, _ := fh[0].Open()
		b, _ := io.ReadAll(f)
		form["file"] = string(b)
	}
	s.mu.Lock()
	s.uploads = append(s.uploads, form)
	s.mu.Unlock()
}

func (s *groupServer) count(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[route]
}

// groupArchive is a small group export archive.
func groupArchive(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	if err := archive.Pack(&buf, map[string]string{"VERSION": "0.2.4", "tree/groups/_all.ndjson": "1\n",
		"tree/groups/1.json": `{"name":"grp","path":"grp"}`}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

const (
	exportRoute   = "GET /ferry/groups/grp%2Fsub/export"
	downloadRoute = "GET /groups/grp%2Fsub/export/download"
	notReady      = `{"message":"The group export file is not available yet"}`
	expired       = `{"message":"404 Not found or has expired"}`
)

// TestExportGroupArchive pins how the client follows a group export:
// from Ferry through its status route, then one download; from GitLab,
// which has no status route, by asking for the download until it is the
// file (a 404 "not available yet" while it is written, "Not found or
// has expired" before its worker starts, 429s waited out, an earlier
// export it still serves until then dropped and asked for again), failing when
// the file goes away after it was being written, never appears, or is
// not there within GroupWait.
func TestExportGroupArchive(t *testing.T) {
	t.Parallel()
	file := groupArchive(t)
	schedule := []answer{{202, "", `{"message":"202 Accepted"}`}}
	ok := answer{200, "", file}
	for _, tt := range []struct {
		name      string
		status    []answer // nil: no status route
		download  []answer
		want      error
		downloads int
		seen      []string
	}{
		{"Ferry", []answer{{200, "", `{"export_status":"queued"}`}, {200, "", `{"export_status":"started"}`}, {200, "", `{"export_status":"finished"}`}},
			[]answer{ok}, nil, 1, []string{"started", "finished"}},
		{"FerryFailed", []answer{{200, "", `{"export_status":"failed","export_error":"disk full"}`}}, []answer{ok}, ErrExportFailed, 0, nil},
		{"GitLab", nil, []answer{{404, "", expired}, {404, "", notReady}, {429, "0", `{"message":"429 Too Many Requests"}`},
			{404, "", notReady}, ok}, nil, 5, []string{"queued", "started", "started", "finished"}},
		{"GitLabEarlierExport", nil, []answer{{200, "", "Last-Modified:-1h " + file}, {404, "", notReady},
			{200, "", "Last-Modified:1m " + file}},
			nil, 3, []string{"queued", "started", "finished"}},
		{"GitLabFailed", nil, []answer{{404, "", notReady}, {404, "", expired}}, ErrExportFailed, 2, []string{"started"}},
		{"GitLabNeverStarts", nil, []answer{{404, "", expired}}, ErrExportFailed, 0, nil},
		{"GitLabTooLong", nil, []answer{{404, "", notReady}}, ErrExportFailed, 0, nil},
		{"GitLabGroupGone", nil, []answer{{404, "", `{"message":"404 Group Not Found"}`}}, ErrNotFound, 1, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			routes := map[string][]answer{"POST /groups/grp%2Fsub/export": schedule, downloadRoute: tt.download}
			if tt.status != nil {
				routes[exportRoute] = append([]answer{tt.status[0]}, tt.status...) // read once to tell Ferry
			}
			c, srv := newGroupServer(t, routes)
			if tt.name == "GitLabNeverStarts" {
				c.NoExport = 20 * time.Millisecond
			}
			if tt.name == "GitLabTooLong" {
				c.GroupWait = 20 * time.Millisecond
			}
			var seen []string
			got, err := c.ExportGroupArchive(context.Background(), "grp/sub", Download{Dir: t.TempDir()},
				func(st GroupExportStatus) { seen = append(seen, st.Status) })
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if err == nil {
				if b, _ := os.ReadFile(got); string(b) != file {
					t.Errorf("downloaded %d bytes, want the archive's %d", len(b), len(file))
				}
				if left, _ := filepath.Glob(filepath.Join(filepath.Dir(got), ".ferry-*")); len(left) > 0 {
					t.Errorf("left behind: %q", left)
				}
			}
			if n := srv.count(downloadRoute); tt.downloads > 0 && n != tt.downloads {
				t.Errorf("%d downloads asked for, want %d", n, tt.downloads)
			}
			if tt.seen != nil && !slices.Equal(seen[len(seen)-len(tt.seen):], tt.seen) {
				t.Errorf("seen %q, want it to end with %q", seen, tt.seen)
			}
		})
	}
}

// TestImportGroupArchive pins how the client imports a group archive
// and follows the import: the multipart form GitLab documents (file,
// name, path, parent_id), the new group found by its path (also when it
// appears only a moment later), then Ferry's status route until finished
// or failed; on GitLab, which gives no status, the group's descendants
// and labels are counted until they stay the same for Settle with every
// group of the archive there (or for four times Settle without), and a
// group that keeps changing past GroupWait fails.
func TestImportGroupArchive(t *testing.T) {
	t.Parallel()
	accepted := []answer{{202, "", `{"message":"202 Accepted"}`}}
	group := []answer{{404, "", `{"message":"404 Group Not Found"}`}, {200, "", `{"id":7,"full_path":"new/grp","path":"grp"}`}}
	growing := func(n int) []answer { // descendant groups: 0, 1, ... n-1, then n forever
		var a []answer
		for i := range n + 1 {
			a = append(a, answer{200, "", fmt.Sprintf("X-Total:%d []", i)})
		}
		return a
	}
	labels := []answer{{200, "", `[{},{},{}]`}} // no X-Total: counted
	for _, tt := range []struct {
		name       string
		routes     map[string][]answer
		wantGroups int64
		want       error
		counts     map[string]int64
	}{
		{"Ferry", map[string][]answer{"GET /ferry/groups/7/import": {{200, "", `{"import_status":"scheduled"}`},
			{200, "", `{"import_status":"started"}`}, {200, "", `{"import_status":"finished","stats":{"groups":3,"labels":4}}`}}},
			3, nil, map[string]int64{"groups": 3, "labels": 4}},
		{"FerryFailed", map[string][]answer{"GET /ferry/groups/7/import": {{200, "", `{"import_status":"failed","import_error":"bad tree"}`}}},
			3, ErrImportFailed, nil},
		{"GitLab", map[string][]answer{"GET /groups/7/descendant_groups": growing(2), "GET /groups/7/labels": labels},
			3, nil, map[string]int64{"groups": 3, "labels": 3}},
		{"GitLabGroupsMissing", map[string][]answer{"GET /groups/7/descendant_groups": growing(1), "GET /groups/7/labels": labels},
			5, nil, map[string]int64{"groups": 2, "labels": 3}},
		{"GitLabNeverSettles", map[string][]answer{"GET /groups/7/descendant_groups": growing(100000), "GET /groups/7/labels": labels},
			3, ErrImportFailed, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.routes["POST /groups/import"], tt.routes["GET /groups/new%2Fgrp"] = accepted, group
			c, srv := newGroupServer(t, tt.routes)
			if tt.name == "GitLabNeverSettles" {
				c.GroupWait = 50 * time.Millisecond
			}
			file := filepath.Join(t.TempDir(), "g.tar.gz")
			os.WriteFile(file, []byte("the archive"), 0o600)
			var found Group
			im := GroupImport{Name: "Group", Path: "grp", ParentID: 5, Accepted: func(g Group) { found = g }}
			g, st, err := c.ImportGroupArchive(context.Background(), file, "new/grp", im, tt.wantGroups, func(GroupImportStatus) {})
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if g.ID != 7 || found.ID != 7 {
				t.Errorf("group %+v, accepted %+v: want id 7", g, found)
			}
			if want := (map[string]string{"name": "Group", "path": "grp", "parent_id": "5", "file": "the archive"}); len(srv.uploads) != 1 ||
				fmt.Sprint(srv.uploads[0]) != fmt.Sprint(want) {
				t.Errorf("uploaded %v, want %v", srv.uploads, want)
			}
			if tt.counts != nil && (st.Status != "finished" || fmt.Sprint(st.Counts) != fmt.Sprint(tt.counts)) {
				t.Errorf("status %+v, want finished with %v", st, tt.counts)
			}
		})
	}
}
