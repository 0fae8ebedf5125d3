package exporter

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// groupSetup is a user owning group "top" with sub-group "top/sub", and a
// queued export of top by the user.
type groupSetup struct {
	db       *store.DB
	blobs    *blob.Local
	user     ferry.User
	top, sub ferry.Namespace
	export   ferry.GroupExport
}

func setupGroupExport(t *testing.T) *groupSetup {
	t.Helper()
	ctx, db := context.Background(), storetest.Open(t)
	s := &groupSetup{db: db, blobs: &blob.Local{Root: t.TempDir()}}
	s.user = ferry.User{Username: "owner", Name: "Owner", Email: "owner@example.com"}
	if err := db.CreateUser(ctx, &s.user); err != nil {
		t.Fatal(err)
	}
	s.top = ferry.Namespace{Name: "Top", Path: "top", Visibility: ferry.Private}
	if err := db.CreateGroup(ctx, &s.top); err != nil {
		t.Fatal(err)
	}
	s.sub = ferry.Namespace{Name: "Sub", Path: "sub", ParentID: s.top.ID, Visibility: ferry.Private}
	if err := db.CreateGroup(ctx, &s.sub); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMember(ctx, &ferry.Member{SourceKind: ferry.MemberOfNamespace, SourceID: s.top.ID, User: s.user,
		AccessLevel: ferry.Owner}); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertGroupRelationRecords(ctx, s.sub.ID, "labels", 0,
		[]string{`{"id":7,"title":"bug","type":"GroupLabel"}`}); err != nil {
		t.Fatal(err)
	}
	s.export = ferry.GroupExport{GroupID: s.top.ID, UserID: s.user.ID}
	if err := db.CreateGroupExport(ctx, &s.export); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *groupSetup) worker(t *testing.T, blobs blob.Store) *GroupWorker {
	return &GroupWorker{DB: s.db, Blobs: blobs, Logger: discard(), TempDir: t.TempDir(), GitLabVersion: "ferry-test"}
}

func groupJob(exportID int64, attempt int) *river.Job[GroupArgs] {
	return &river.Job[GroupArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: MaxAttempts},
		Args: GroupArgs{ExportID: exportID}}
}

// blobFiles lists every file under a local blob store's root.
func blobFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, strings.TrimPrefix(p, root))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// hookedBlobs is the local blob store with a hook run when an archive is
// created (the moment an export starts writing) and an optional failure
// of the first Commit (a crash between writing and recording).
type hookedBlobs struct {
	*blob.Local
	onCreate   func()
	failCommit bool
}

func (h *hookedBlobs) Create(ctx context.Context, key string) (blob.Writer, error) {
	if h.onCreate != nil {
		h.onCreate()
	}
	w, err := h.Local.Create(ctx, key)
	if err != nil || !h.failCommit {
		return w, err
	}
	h.failCommit = false
	return failingCommit{w}, nil
}

type failingCommit struct{ blob.Writer }

func (failingCommit) Commit() error { return errors.New("disk gone") }

// TestGroupExport_GroupDeletedMidExport pins that a group deleted while
// its archive is written leaves neither a file nor a record: the job is
// cancelled.
func TestGroupExport_GroupDeletedMidExport(t *testing.T) {
	t.Parallel()
	s := setupGroupExport(t)
	ctx := context.Background()
	blobs := &hookedBlobs{Local: s.blobs, onCreate: func() {
		if err := s.db.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.DeleteGroup(ctx, s.sub.ID); err != nil {
				return err
			}
			return tx.DeleteGroup(ctx, s.top.ID)
		}); err != nil {
			t.Error(err)
		}
	}}
	err := s.worker(t, blobs).Work(ctx, groupJob(s.export.ID, 1))
	var cancel *river.JobCancelError
	if !errors.As(err, &cancel) {
		t.Fatalf("Work: %v, want a cancelled job", err)
	}
	if files := blobFiles(t, s.blobs.Root); len(files) != 0 {
		t.Errorf("files left: %v", files)
	}
	if _, err := s.db.GroupExportByID(ctx, s.export.ID); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("export record: %v", err)
	}
}

// TestGroupExport_RetryStartsClean pins that an attempt that fails after
// writing (a crash before its file is recorded) leaves nothing behind, and
// the next attempt writes the one archive.
func TestGroupExport_RetryStartsClean(t *testing.T) {
	t.Parallel()
	s := setupGroupExport(t)
	ctx := context.Background()
	w := s.worker(t, &hookedBlobs{Local: s.blobs, failCommit: true})
	if err := w.Work(ctx, groupJob(s.export.ID, 1)); err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Fatalf("first attempt: %v", err)
	}
	if e, _ := s.db.GroupExportByID(ctx, s.export.ID); e.Status != ferry.ExportStarted || e.FileKey != "" {
		t.Errorf("after the failed attempt: %+v", e)
	}
	if files := blobFiles(t, s.blobs.Root); len(files) != 0 {
		t.Errorf("files left by the failed attempt: %v", files)
	}
	if err := w.Work(ctx, groupJob(s.export.ID, 2)); err != nil {
		t.Fatal(err)
	}
	e, _ := s.db.GroupExportByID(ctx, s.export.ID)
	if e.Status != ferry.ExportFinished || !strings.HasSuffix(e.FileName, "_top_export.tar.gz") ||
		e.ExpiresAt == nil || e.ExpiresAt.Sub(*e.FinishedAt) != ferry.ExportLifetime {
		t.Fatalf("export %+v", e)
	}
	if files := blobFiles(t, s.blobs.Root); len(files) != 1 {
		t.Errorf("files %v, want the one archive", files)
	}
	names := archiveNames(t, s.blobs, e.FileKey)
	want := "./ ./VERSION ./GITLAB_VERSION ./GITLAB_REVISION ./tree/ ./tree/groups/ ./tree/groups/_all.ndjson " +
		"./tree/groups/" + itoa(s.top.ID) + ".json ./tree/groups/" + itoa(s.top.ID) + "/ " +
		"./tree/groups/" + itoa(s.top.ID) + "/members.ndjson ./tree/groups/" + itoa(s.top.ID) + "/namespace_settings.ndjson " +
		"./tree/groups/" + itoa(s.sub.ID) + ".json ./tree/groups/" + itoa(s.sub.ID) + "/ " +
		"./tree/groups/" + itoa(s.sub.ID) + "/labels.ndjson ./tree/groups/" + itoa(s.sub.ID) + "/namespace_settings.ndjson"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("entries\n got %s\nwant %s", got, want)
	}
	// A finished export is not redone by a repeated job.
	if err := w.Work(ctx, groupJob(s.export.ID, 3)); err != nil {
		t.Fatal(err)
	}
}

// TestGroupExport_Cleanup pins that expired group export files go with
// their records and stuck exports fail, as project exports.
func TestGroupExport_Cleanup(t *testing.T) {
	t.Parallel()
	s := setupGroupExport(t)
	ctx := context.Background()
	if err := s.worker(t, s.blobs).Work(ctx, groupJob(s.export.ID, 1)); err != nil {
		t.Fatal(err)
	}
	stuck := ferry.GroupExport{GroupID: s.sub.ID, UserID: s.user.ID}
	if err := s.db.CreateGroupExport(ctx, &stuck); err != nil {
		t.Fatal(err)
	}
	w := &CleanupWorker{DB: s.db, Blobs: s.blobs, Logger: discard(),
		Now: func() time.Time { return time.Now().Add(ferry.ExportLifetime + StuckAfter) }}
	if err := w.Work(ctx, &river.Job[CleanupArgs]{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.GroupExportByID(ctx, s.export.ID); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("expired export kept: %v", err)
	}
	if files := blobFiles(t, s.blobs.Root); len(files) != 0 {
		t.Errorf("expired file kept: %v", files)
	}
	if e, _ := s.db.GroupExportByID(ctx, stuck.ID); e.Status != ferry.ExportFailed || e.Error == "" {
		t.Errorf("stuck export: %+v", e)
	}
}

// archiveNames lists the entries of the archive stored at key.
func archiveNames(t *testing.T, blobs blob.Store, key string) []string {
	t.Helper()
	obj, err := blobs.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	data, err := io.ReadAll(obj)
	if err != nil {
		t.Fatal(err)
	}
	return tarNames(t, data)
}
