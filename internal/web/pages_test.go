package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/web/webtest"
)

// pageCase is a page to open: what it must show and must not.
type pageCase struct {
	what, path string
	want, not  []string
}

// checkPages opens each case's page with c: 200, with every want and no
// not in its body.
func checkPages(t *testing.T, c *webtest.Client, cases []pageCase) {
	t.Helper()
	for _, tc := range cases {
		resp := c.Get(tc.path)
		if resp.Status != http.StatusOK {
			t.Errorf("%s: %s answered %d", tc.what, tc.path, resp.Status)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(resp.Body, w) {
				t.Errorf("%s: %s lacks %q", tc.what, tc.path, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(resp.Body, w) {
				t.Errorf("%s: %s shows %q", tc.what, tc.path, w)
			}
		}
	}
}

// checkNotFound opens each path with c: a 404 page.
func checkNotFound(t *testing.T, c *webtest.Client, paths ...string) {
	t.Helper()
	for _, path := range paths {
		if resp := c.Get(path); resp.Status != http.StatusNotFound {
			t.Errorf("%s answered %d, want 404", path, resp.Status)
		}
	}
}
