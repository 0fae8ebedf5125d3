package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/server"
	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// waitFor polls cond every 20ms for up to 10s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func TestServer_DeleteProjectRemovesRepositoryInAJob(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("doomed"),
		InitializeWithReadme: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	repo := env.Server.Repos.Dir(p.ID)
	if !exists(filepath.Join(repo, "HEAD")) {
		t.Fatalf("repository %s not created", repo)
	}
	resp, err := env.Root.Projects.DeleteProject(p.ID, nil)
	if err != nil || resp.StatusCode != 202 {
		t.Fatalf("delete: %v", err)
	}
	waitFor(t, "repository removal", func() bool { return !exists(repo) })
	// The path is free again.
	if _, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("doomed")}); err != nil {
		t.Errorf("re-create after delete: %v", err)
	}
}

// TestServer_JobsSurviveRestart pins that a job enqueued by a server that
// stops before working it is done by the next server on the same store.
func TestServer_JobsSurviveRestart(t *testing.T) {
	t.Parallel()
	data, db := t.TempDir(), storetest.URL(t)
	first := servertest.StartWith(t, servertest.Options{DataDir: data, DatabaseURL: db, NoWork: true})
	p, _, err := first.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("kept")})
	if err != nil {
		t.Fatal(err)
	}
	repo := first.Server.Repos.Dir(p.ID)
	if _, err := first.Root.Projects.DeleteProject(p.ID, nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if !exists(repo) {
		t.Fatal("a server without workers ran the job")
	}
	if err := first.Server.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	servertest.StartWith(t, servertest.Options{DataDir: data, DatabaseURL: db})
	waitFor(t, "the restarted server to remove the repository", func() bool { return !exists(repo) })
}

func TestServer_RootToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data, db := t.TempDir(), storetest.URL(t)
	start := func(token string) *server.Server {
		t.Helper()
		s, err := server.New(ctx, server.Config{DataDir: data, DatabaseURL: db, RootToken: token,
			Logger: servertest.Logger(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Shutdown(ctx) })
		return s
	}
	s := start("")
	if len(s.RootToken) < 30 {
		t.Fatalf("first start without FERRY_ROOT_TOKEN made token %q", s.RootToken)
	}
	generated := s.RootToken
	s.Shutdown(ctx)

	s = start("")
	if s.RootToken != "" {
		t.Errorf("second start shows a root token again")
	}
	s.Shutdown(ctx)

	s = start("chosen-root-token")
	if s.RootToken != "" {
		t.Errorf("a configured token is echoed back")
	}
	for _, tok := range []string{generated, "chosen-root-token"} {
		if _, u, err := s.DB.TokenByDigest(ctx, auth.Digest(tok)); err != nil || u.Username != "root" || !u.IsAdmin {
			t.Errorf("token %q... does not authenticate root: %v", tok[:6], err)
		}
	}
	s.Shutdown(ctx)
	s = start("chosen-root-token") // idempotent

	// A revoked root token is not brought back to life by a restart.
	chosen, _, _ := s.DB.TokenByDigest(ctx, auth.Digest("chosen-root-token"))
	if err := s.DB.RevokeToken(ctx, chosen.ID); err != nil {
		t.Fatal(err)
	}
	s.Shutdown(ctx)
	_, err := server.New(ctx, server.Config{DataDir: data, DatabaseURL: db, RootToken: "chosen-root-token",
		Logger: servertest.Logger(t)})
	if err == nil || !strings.Contains(err.Error(), "FERRY_ROOT_TOKEN was revoked") {
		t.Errorf("start with a revoked FERRY_ROOT_TOKEN: %v", err)
	}
}
