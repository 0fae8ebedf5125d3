package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

var userSeq atomic.Int64

// newUser creates a user as root and returns a client holding a fresh
// token of that user.
func newUser(t *testing.T, env *servertest.Env, username string) (*gitlab.User, *gitlab.Client, string) {
	t.Helper()
	u, _, err := env.Root.Users.CreateUser(&gitlab.CreateUserOptions{
		Email: gitlab.Ptr(fmt.Sprintf("%s-%d@example.com", username, userSeq.Add(1))), Name: gitlab.Ptr(strings.ToUpper(username[:1]) + username[1:]),
		Username: gitlab.Ptr(username), ForceRandomPassword: gitlab.Ptr(true),
	})
	if err != nil {
		t.Fatalf("create user %s: %v", username, err)
	}
	tok, _, err := env.Root.Users.CreatePersonalAccessToken(u.ID, &gitlab.CreatePersonalAccessTokenOptions{
		Name: gitlab.Ptr("test"), Scopes: &[]string{"api"},
	})
	if err != nil {
		t.Fatalf("create token for %s: %v", username, err)
	}
	return u, servertest.Client(t, env.URL, tok.Token), tok.Token
}

// call sends a raw request and returns the status and body; token "" is
// anonymous.
func call(t *testing.T, env *servertest.Env, method, path, token, contentType, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, env.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("PRIVATE-TOKEN", token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, strings.TrimSpace(string(b)), resp.Header
}

// statusOf is the HTTP status of a client-go call's answer (0 without one).
func statusOf(resp *gitlab.Response) int {
	if resp == nil {
		return 0
	}
	return resp.StatusCode
}

// decode unmarshals body into a generic map.
func decode(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	return m
}

func itoa(n int64) string { return fmt.Sprint(n) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// apiCase is one raw request and GitLab's exact answer to it.
type apiCase struct {
	name, method, path, token, ctype, body string
	wantStatus                             int
	wantBody                               string
}

// checkCalls sends each case as a subtest and compares status, body and
// the exact JSON content type.
func checkCalls(t *testing.T, env *servertest.Env, cases []apiCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			status, body, hdr := call(t, env, tt.method, tt.path, tt.token, tt.ctype, tt.body)
			if status != tt.wantStatus || body != tt.wantBody {
				t.Errorf("got %d %s, want %d %s", status, body, tt.wantStatus, tt.wantBody)
			}
			if got := hdr.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type %q, want exactly application/json", got)
			}
		})
	}
}

// needPythonGitlab returns the python3 that runs Debian's python3-gitlab
// (the test is skipped without them, or fails under FERRY_TEST_REQUIRE).
func needPythonGitlab(t *testing.T) string {
	t.Helper()
	python := need(t, "/usr/bin/python3", "python3")
	need(t, "/usr/lib/python3/dist-packages/gitlab/__init__.py", "python3-gitlab")
	return python
}

// waitRemoved waits until every path is gone (a removal job's work).
func waitRemoved(t *testing.T, paths ...string) {
	t.Helper()
	waitPaths(t, "still there", func(err error) bool { return os.IsNotExist(err) }, paths...)
}

// waitCreated waits until every path is there (a job's work after it
// reports finished).
func waitCreated(t *testing.T, paths ...string) {
	t.Helper()
	waitPaths(t, "not there", func(err error) bool { return err == nil }, paths...)
}

// waitPaths waits until os.Stat's error is done for every path, for 30
// s at most, and fails saying how many are still what.
func waitPaths(t *testing.T, what string, done func(error) bool, paths ...string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		left := 0
		for _, p := range paths {
			if _, err := os.Stat(p); !done(err) {
				left++
			}
		}
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %v %s", left, paths, what)
		}
	}
}

// joined is what of each item, joined by commas: a list's shape in one
// comparable string.
func joined[T any](items []T, what func(T) string) string {
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = what(item)
	}
	return strings.Join(out, ",")
}

// newBernard creates the local user with the public email of the GitLab
// fixture's member 16 (a Maintainer), whom an administrator's import maps.
func newBernard(t *testing.T, env *servertest.Env) *gitlab.User {
	t.Helper()
	u, _, err := env.Root.Users.CreateUser(&gitlab.CreateUserOptions{Email: gitlab.Ptr("bernard_willms@gitlabexample.com"),
		Name: gitlab.Ptr("Bernard"), Username: gitlab.Ptr("bernard"), ForceRandomPassword: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	return u
}
