package api_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// tokenSet is ann's tokens test (api, from newUser), ci (read_api, with a
// description, expiring tomorrow), old (expired) and gone (revoked), and
// bob's token.
type tokenSet struct {
	env              *servertest.Env
	ann, bob         *gitlab.User
	annToken, bobTok string
	ids              map[string]int64
	secrets          map[string]string
}

func setupTokens(t *testing.T) *tokenSet {
	t.Helper()
	env := servertest.Start(t)
	s := &tokenSet{env: env, ids: map[string]int64{}, secrets: map[string]string{}}
	s.ann, _, s.annToken = newUser(t, env, "ann")
	s.bob, _, s.bobTok = newUser(t, env, "bob")
	day := func(days int) *gitlab.ISOTime {
		d := gitlab.ISOTime(time.Now().UTC().AddDate(0, 0, days))
		return &d
	}
	for _, c := range []struct {
		name, scope string
		expires     *gitlab.ISOTime
		description string
	}{{"ci", "read_api", day(1), "for CI"}, {"old", "api", day(-2), ""}, {"gone", "api", nil, ""}, {"reader", "read_user", nil, ""}} {
		opt := &gitlab.CreatePersonalAccessTokenOptions{Name: gitlab.Ptr(c.name), Scopes: &[]string{c.scope}, ExpiresAt: c.expires}
		if c.description != "" {
			opt.Description = gitlab.Ptr(c.description)
		}
		tok, _, err := env.Root.Users.CreatePersonalAccessToken(s.ann.ID, opt)
		if err != nil {
			t.Fatalf("create %s: %v", c.name, err)
		}
		s.ids[c.name], s.secrets[c.name] = tok.ID, tok.Token
	}
	all, _, err := env.Root.PersonalAccessTokens.ListPersonalAccessTokens(&gitlab.ListPersonalAccessTokensOptions{
		UserID: gitlab.Ptr(s.ann.ID), Search: gitlab.Ptr("test")})
	if err != nil || len(all) != 1 {
		t.Fatalf("ann's test token: %v %v", all, err)
	}
	s.ids["test"] = all[0].ID
	if _, err := env.Root.PersonalAccessTokens.RevokePersonalAccessTokenByID(s.ids["gone"]); err != nil {
		t.Fatal(err)
	}
	return s
}

func tokenNames(list []*gitlab.PersonalAccessToken) string {
	return joined(list, func(t *gitlab.PersonalAccessToken) string { return t.Name })
}

// TestTokens_List pins GET /personal_access_tokens: one's own tokens,
// everyone's for administrators, and GitLab's filters.
func TestTokens_List(t *testing.T) {
	t.Parallel()
	s := setupTokens(t)
	ann := servertest.Client(t, s.env.URL, s.annToken)
	yes := gitlab.Ptr(true)
	tomorrow := gitlab.ISOTime(time.Now().UTC().AddDate(0, 0, 1))
	for _, tt := range []struct {
		name   string
		client *gitlab.Client
		opt    gitlab.ListPersonalAccessTokensOptions
		want   string
	}{
		{"Own", ann, gitlab.ListPersonalAccessTokensOptions{}, "test,ci,old,gone,reader"},
		{"OwnByUserID", ann, gitlab.ListPersonalAccessTokensOptions{UserID: gitlab.Ptr(s.ann.ID)}, "test,ci,old,gone,reader"},
		{"AdminAll", s.env.Root, gitlab.ListPersonalAccessTokensOptions{}, "ferry-root,test,test,ci,old,gone,reader"},
		{"AdminOneUser", s.env.Root, gitlab.ListPersonalAccessTokensOptions{UserID: gitlab.Ptr(s.bob.ID)}, "test"},
		{"Active", ann, gitlab.ListPersonalAccessTokensOptions{State: gitlab.Ptr("active")}, "test,ci,reader"},
		{"Inactive", ann, gitlab.ListPersonalAccessTokensOptions{State: gitlab.Ptr("inactive")}, "old,gone"},
		{"Revoked", ann, gitlab.ListPersonalAccessTokensOptions{Revoked: yes}, "gone"},
		{"NotRevoked", ann, gitlab.ListPersonalAccessTokensOptions{Revoked: gitlab.Ptr(false)}, "test,ci,old,reader"},
		{"SearchShortIsExact", ann, gitlab.ListPersonalAccessTokensOptions{Search: gitlab.Ptr("CI")}, "ci"},
		{"Search", ann, gitlab.ListPersonalAccessTokensOptions{Search: gitlab.Ptr("ead")}, "reader"},
		{"SortNameDesc", ann, gitlab.ListPersonalAccessTokensOptions{Sort: gitlab.Ptr("name_desc")}, "test,reader,old,gone,ci"},
		{"SortExpires", ann, gitlab.ListPersonalAccessTokensOptions{Sort: gitlab.Ptr("expires_asc")}, "old,ci,test,gone,reader"},
		{"CreatedAfterTomorrow", ann, gitlab.ListPersonalAccessTokensOptions{CreatedAfter: &tomorrow}, ""},
		{"ExpiresBeforeTomorrow", ann, gitlab.ListPersonalAccessTokensOptions{ExpiresBefore: &tomorrow}, "old"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			list, _, err := tt.client.PersonalAccessTokens.ListPersonalAccessTokens(&tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := tokenNames(list); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	root := servertest.RootToken
	checkCalls(t, s.env, []apiCase{
		{"Anonymous", "GET", "/api/v4/personal_access_tokens", "", "", "", 401, `{"message":"401 Unauthorized"}`},
		{"SomeoneElses", "GET", "/api/v4/personal_access_tokens?user_id=" + itoa(s.bob.ID), s.annToken, "", "", 401, `{"message":"401 Unauthorized"}`},
		{"AdminMissingUser", "GET", "/api/v4/personal_access_tokens?user_id=9999", root, "", "", 404, `{"message":"404 Not Found"}`},
		{"State", "GET", "/api/v4/personal_access_tokens?state=expired", s.annToken, "", "", 400, `{"error":"state does not have a valid value"}`},
		{"Revoked", "GET", "/api/v4/personal_access_tokens?revoked=maybe", s.annToken, "", "", 400, `{"error":"revoked is invalid"}`},
		{"CreatedBefore", "GET", "/api/v4/personal_access_tokens?created_before=soon", s.annToken, "", "", 400, `{"error":"created_before is invalid"}`},
		{"UserID", "GET", "/api/v4/personal_access_tokens?user_id=ann", root, "", "", 400, `{"error":"user_id is invalid"}`},
	})
}

// TestTokens_GetAndRevoke pins GET and DELETE /personal_access_tokens/:id
// and /self: one's own token, any for administrators, GitLab's answers
// otherwise, and /self for a token of any scope.
func TestTokens_GetAndRevoke(t *testing.T) {
	t.Parallel()
	s := setupTokens(t)
	root, path := servertest.RootToken, "/api/v4/personal_access_tokens/"
	status, body, _ := call(t, s.env, "GET", path+itoa(s.ids["ci"]), s.annToken, "", "")
	if status != 200 {
		t.Fatalf("get ci: %d %s", status, body)
	}
	if got, want := strings.Join(keysOf(t, body), ","),
		"id,name,revoked,created_at,description,scopes,user_id,last_used_at,active,expires_at,last_used_ips"; got != want {
		t.Errorf("fields %s, want %s", got, want)
	}
	for _, want := range []string{`"name":"ci","revoked":false`, `"description":"for CI","scopes":["read_api"]`,
		`"last_used_at":null,"active":true,"expires_at":"` + time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly) + `","last_used_ips":[]`} {
		if !strings.Contains(body, want) {
			t.Errorf("%s lacks %s", body, want)
		}
	}
	checkCalls(t, s.env, []apiCase{
		{"GetSomeoneElses", "GET", path + itoa(s.ids["ci"]), s.bobTok, "", "", 401, `{"message":"401 Unauthorized"}`},
		{"GetMissing", "GET", path + "9999", s.bobTok, "", "", 401, `{"message":"401 Unauthorized"}`},
		{"AdminGetMissing", "GET", path + "9999", root, "", "", 404, `{"message":"404 Not Found"}`},
		{"RevokeSomeoneElses", "DELETE", path + itoa(s.ids["ci"]), s.bobTok, "", "", 400, `{"message":"400 Bad request"}`},
		{"RevokeMissing", "DELETE", path + "9999", s.annToken, "", "", 404, `{"message":"404 Not found"}`},
		{"RevokeNotANumber", "DELETE", path + "ci", s.annToken, "", "", 404, `{"message":"404 Not found"}`},
		{"SelfAnonymous", "GET", path + "self", "", "", "", 401, `{"message":"401 Unauthorized"}`},
		{"ReadUserScopeElsewhere", "GET", "/api/v4/user", s.secrets["reader"], "", "", 403,
			`{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api"}`},
	})
	for _, tt := range []struct {
		name, method, path, token string
		want                      int
	}{
		{"SelfWithReadUserScope", "GET", path + "self", s.secrets["reader"], 200},
		{"RevokeOwn", "DELETE", path + itoa(s.ids["old"]), s.annToken, 204},
		{"AdminRevokes", "DELETE", path + itoa(s.ids["test"]), root, 204},
		{"RevokeSelfWithReadAPIScope", "DELETE", path + "self", s.secrets["ci"], 204},
		{"RevokedTokenIsGone", "GET", path + "self", s.secrets["ci"], 401},
		{"RevokedByAdmin", "GET", "/api/v4/user", s.annToken, 401},
	} {
		status, body, _ := call(t, s.env, tt.method, tt.path, tt.token, "", "")
		if status != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, status, body, tt.want)
		}
		if status == 200 && !strings.Contains(body, `"name":"reader"`) {
			t.Errorf("%s: %s", tt.name, body)
		}
	}
	list, _, err := s.env.Root.PersonalAccessTokens.ListPersonalAccessTokens(&gitlab.ListPersonalAccessTokensOptions{
		UserID: gitlab.Ptr(s.ann.ID), Revoked: gitlab.Ptr(true)})
	if got := tokenNames(list); err != nil || got != "test,ci,old,gone" {
		t.Errorf("revoked after: %s %v", got, err)
	}
}

// keysOf returns the keys of the JSON object body in their order.
func keysOf(t *testing.T, body string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	var keys []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestTokens_PythonGitlab lists and revokes tokens with python-gitlab.
func TestTokens_PythonGitlab(t *testing.T) {
	t.Parallel()
	python := needPythonGitlab(t)
	s := setupTokens(t)
	cmd := exec.Command(python, "testdata/python_gitlab_tokens.py", s.env.URL, servertest.RootToken, itoa(s.ann.ID), itoa(s.ids["ci"]))
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got, want := strings.TrimSpace(string(out)),
		`{"before": ["test", "ci", "old", "gone", "reader"], "active": ["test", "reader"]}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
