package api_test

import (
	"net/http"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

func TestUsers_CreateAndAuthenticate(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)

	root, _, err := env.Root.Users.CurrentUser()
	if err != nil {
		t.Fatal(err)
	}
	if root.Username != "root" || !root.IsAdmin {
		t.Fatalf("current user = %s admin=%v, want root admin", root.Username, root.IsAdmin)
	}
	alice, aliceClient, aliceToken := newUser(t, env, "alice")
	me, _, err := aliceClient.Users.CurrentUser()
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != alice.ID || me.IsAdmin {
		t.Errorf("alice sees herself as id %d admin=%v, want %d not admin", me.ID, me.IsAdmin, alice.ID)
	}
	got, _, err := aliceClient.Users.GetUser(root.ID, gitlab.GetUsersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != "" {
		t.Errorf("alice sees root's email %q; only root and admins may", got.Email)
	}

	for name, header := range map[string][2]string{
		"PrivateTokenHeader": {"PRIVATE-TOKEN", aliceToken},
		"BearerHeader":       {"Authorization", "Bearer " + aliceToken},
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", env.URL+"/api/v4/user", nil)
			req.Header.Set(header[0], header[1])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("status %d, want 200", resp.StatusCode)
			}
		})
	}
	t.Run("PrivateTokenQuery", func(t *testing.T) {
		if status, _, _ := call(t, env, "GET", "/api/v4/user?private_token="+aliceToken, "", "", ""); status != 200 {
			t.Errorf("status %d, want 200", status)
		}
	})
	t.Run("PrivateTokenForm", func(t *testing.T) {
		status, body, _ := call(t, env, "POST", "/api/v4/projects", "", "application/x-www-form-urlencoded",
			"name=FormAuth&private_token="+aliceToken)
		if status != 201 {
			t.Errorf("status %d (%s), want 201", status, body)
		}
	})
}

func TestUsers_Errors(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	_, _, bobToken := newUser(t, env, "bob")
	root := servertest.RootToken
	form := "application/x-www-form-urlencoded"

	checkCalls(t, env, []apiCase{
		{"NoToken", "GET", "/api/v4/user", "", "", "", 401, `{"message":"401 Unauthorized"}`},
		{"WrongToken", "GET", "/api/v4/user", "glpat-nope", "", "", 401, `{"message":"401 Unauthorized"}`},
		{"MissingParams", "POST", "/api/v4/users", root, form, "", 400,
			`{"error":"email is missing, name is missing, username is missing"}`},
		{"DuplicateUsername", "POST", "/api/v4/users", root, form, "email=x@example.com&name=X&username=BOB", 409,
			`{"message":"Username has already been taken"}`},
		{"BadEmail", "POST", "/api/v4/users", root, form, "email=nope&name=X&username=x", 400,
			`{"message":{"email":["is invalid"]}}`},
		{"NotAdminCreatesUser", "POST", "/api/v4/users", bobToken, form, "email=y@example.com&name=Y&username=y", 403,
			`{"message":"403 Forbidden"}`},
		{"NotAdminCreatesToken", "POST", "/api/v4/users/1/personal_access_tokens", bobToken, form, "name=t&scopes[]=api", 403,
			`{"message":"403 Forbidden"}`},
		{"TokenBadScope", "POST", "/api/v4/users/1/personal_access_tokens", root, form, "name=t&scopes[]=everything", 400,
			`{"error":"scopes does not have a valid value"}`},
		{"TokenMissing", "POST", "/api/v4/users/1/personal_access_tokens", root, form, "", 400,
			`{"error":"name is missing, scopes is missing"}`},
		{"UnknownUser", "GET", "/api/v4/users/999", root, "", "", 404, `{"message":"404 User Not Found"}`},
		{"MalformedUserID", "GET", "/api/v4/users/abc", root, "", "", 404, `{"message":"404 User Not Found"}`},
		{"UnknownRoute", "GET", "/api/v4/nothing/here", root, "", "", 404, `{"error":"404 Not Found"}`},
	})
	users, _, err := env.Root.Users.ListUsers(&gitlab.ListUsersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 {
		t.Errorf("%d users after refused requests, want 2 (root, bob)", len(users))
	}
}

func TestUsers_TokenOnlyShownOnce(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	u, _, token := newUser(t, env, "carol")
	if len(token) < 30 {
		t.Fatalf("token %q is too short to be secret", token)
	}
	got, _, err := env.Root.Users.GetUser(u.ID, gitlab.GetUsersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := call(t, env, "GET", "/api/v4/users/"+itoa(got.ID), servertest.RootToken, "", "")
	if contains(body, token) {
		t.Errorf("user answer shows the token")
	}
}

func TestUsers_TokenScopes(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	u, _, _ := newUser(t, env, "dora")
	tokenWith := func(scopes ...string) string {
		tok, _, err := env.Root.Users.CreatePersonalAccessToken(u.ID, &gitlab.CreatePersonalAccessTokenOptions{
			Name: gitlab.Ptr("scoped"), Scopes: &scopes})
		if err != nil {
			t.Fatal(err)
		}
		return tok.Token
	}
	readOnly := tokenWith("read_api")
	if status, _, _ := call(t, env, "GET", "/api/v4/user", readOnly, "", ""); status != 200 {
		t.Errorf("read_api GET: %d, want 200", status)
	}
	status, body, _ := call(t, env, "POST", "/api/v4/projects", readOnly, "application/x-www-form-urlencoded", "path=x")
	if status != 403 || !contains(body, `"error":"insufficient_scope"`) {
		t.Errorf("read_api POST: %d %s, want 403 insufficient_scope", status, body)
	}
	repoOnly := tokenWith("read_repository")
	if status, _, _ := call(t, env, "GET", "/api/v4/user", repoOnly, "", ""); status != 403 {
		t.Errorf("read_repository token on the API: %d, want 403", status)
	}
	expired := ""
	{
		tok, _, err := env.Root.Users.CreatePersonalAccessToken(u.ID, &gitlab.CreatePersonalAccessTokenOptions{
			Name: gitlab.Ptr("old"), Scopes: &[]string{"api"}, ExpiresAt: gitlab.Ptr(gitlab.ISOTime(time.Now().AddDate(0, 0, -2)))})
		if err != nil {
			t.Fatal(err)
		}
		expired = tok.Token
	}
	if status, body, _ := call(t, env, "GET", "/api/v4/user", expired, "", ""); status != 401 {
		t.Errorf("expired token: %d %s, want 401", status, body)
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	_, _, hdr := call(t, env, "GET", "/api/v4/user", servertest.RootToken, "", "")
	if id := hdr.Get("X-Request-Id"); len(id) < 16 {
		t.Errorf("X-Request-Id %q, want a generated correlation id", id)
	}
	req, _ := http.NewRequest("GET", env.URL+"/api/v4/user", nil)
	req.Header.Set("X-Request-Id", "client-chosen-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-Id"); got != "client-chosen-1" {
		t.Errorf("X-Request-Id %q, want the client's", got)
	}
	req.Header.Set("X-Request-Id", "bad id with spaces and \"quotes\"")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-Id"); got == "" || contains(got, " ") {
		t.Errorf("unsafe client id echoed as %q", got)
	}
}

// TestAPIPaths pins that API paths are read as Grape's router reads them:
// repeated and trailing slashes do not matter (python-gitlab asks for
// "/features/" and posts to "/features//name").
func TestAPIPaths(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	for _, path := range []string{"/api/v4/user/", "/api/v4//user", "/api/v4/users//1/"} {
		if status, body, _ := call(t, env, "GET", path, servertest.RootToken, "", ""); status != 200 || !contains(body, `"username":"root"`) {
			t.Errorf("GET %s: %d %s", path, status, body)
		}
	}
}
