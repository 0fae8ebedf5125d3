package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/api"
	"github.com/ferryhq/ferry/internal/server"
	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// TestSlowForm gives a signed-in visitor's form (an upload, say) the
// time it needs, while an anonymous one keeps the API's short deadline
// for bodies.
func TestSlowForm(t *testing.T) {
	t.Parallel()
	env := servertest.StartWith(t, servertest.Options{Limits: server.Limits{
		Limits: api.Limits{AnonymousBody: 300 * time.Millisecond, BodyIdle: 5 * time.Second}}})
	signedIn := webtest.NewClient(t, env)
	signedIn.SignIn(servertest.RootToken)
	signedIn.Get("/")
	anonymous := webtest.NewClient(t, env)
	anonymous.Get("/users/sign_in")
	cases := []struct {
		name string
		c    *webtest.Client
		path string
		form url.Values
		want int
	}{
		{"signed in", signedIn, "/users/sign_out", url.Values{"authenticity_token": {signedIn.CSRF}}, http.StatusSeeOther},
		{"anonymous", anonymous, "/users/sign_in", url.Values{"authenticity_token": {anonymous.CSRF},
			"token": {servertest.RootToken}}, http.StatusRequestTimeout},
	}
	for _, tc := range cases {
		body := tc.form.Encode()
		pr, pw := io.Pipe()
		go func() { // the body in 3 pieces over 900 ms
			for i := range 3 {
				time.Sleep(300 * time.Millisecond)
				pw.Write([]byte(body[i*len(body)/3 : (i+1)*len(body)/3]))
			}
			pw.Close()
		}()
		req, err := http.NewRequest(http.MethodPost, env.URL+tc.path, pr)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.ContentLength = int64(len(body))
		resp, err := tc.c.HTTP.Do(req)
		if err != nil {
			if tc.want == http.StatusRequestTimeout && strings.Contains(err.Error(), "connection reset") {
				continue
			}
			t.Fatalf("%s: %v", tc.name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: a form sent in 900 ms answered %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
}
