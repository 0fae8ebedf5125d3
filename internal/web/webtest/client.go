package webtest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// Client is a browser without JavaScript: it keeps cookies, does not
// follow redirects (tests see them), and remembers the CSRF token of the
// last page it read.
type Client struct {
	t    testing.TB
	base string
	HTTP *http.Client
	// CSRF is the authenticity_token of the last page read ("" if it had
	// no form).
	CSRF string
}

// NewClient returns an anonymous client of env's server.
func NewClient(t testing.TB, env *servertest.Env) *Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{t: t, base: env.URL, HTTP: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Response is a page: its status, headers and body.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

var csrfInput = regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`)

// Get reads path.
func (c *Client) Get(path string) Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// Post sends form to path as a browser would, adding the CSRF token of
// the last page read unless form has one (or withToken is false).
func (c *Client) Post(path string, form url.Values, withToken bool) Response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if withToken && form.Get("authenticity_token") == "" {
		form.Set("authenticity_token", c.CSRF)
	}
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *Client) do(req *http.Request) Response {
	c.t.Helper()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	if m := csrfInput.FindStringSubmatch(string(b)); m != nil {
		c.CSRF = m[1]
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// SignIn signs in with token through the sign-in form and fails t unless
// it opened a session.
func (c *Client) SignIn(token string) {
	c.t.Helper()
	c.Get("/users/sign_in")
	resp := c.Post("/users/sign_in", url.Values{"token": {token}, "redirect_to": {"/"}}, true)
	if resp.Status != http.StatusSeeOther {
		c.t.Fatalf("sign in: %d %s", resp.Status, resp.Body)
	}
}

// Cookie returns the value of the client's cookie name ("" for none).
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}
