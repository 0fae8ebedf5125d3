package source

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/ssrf"
)

func TestHumanSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0 B", 512: "512 B", 1 << 20: "1 MiB", 10 << 30: "10 GiB",
		1536 << 10: "1.5 MiB", 100 << 20: "100 MiB", 123456789: "118 MiB"} {
		if got := HumanSize(n); got != want {
			t.Errorf("HumanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCheckHeaders(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		size  int64
		ctype string
		max   int64
		want  string
	}{
		{10, "application/gzip", 0, ""},
		{10, "application/x-tar; charset=binary", 0, ""},
		{10, "APPLICATION/X-GZIP", 0, ""},
		{0, "application/gzip", 0, "Content length is too small (should be at least 1 B)"},
		{-1, "application/gzip", 0, "Content length is too small (should be at least 1 B)"},
		{11, "application/gzip", 10, "Content length is too big (should be at most 10 B)"},
		{10, "text/html", 0, "Content type 'text/html' not allowed. (Allowed: application/gzip, application/x-tar, application/x-gzip)"},
	} {
		err := checkHeaders(tt.size, tt.ctype, tt.max)
		if got := ""; err != nil {
			got = err.Error()
			if got != tt.want {
				t.Errorf("checkHeaders(%d, %q) = %q, want %q", tt.size, tt.ctype, got, tt.want)
			}
		} else if tt.want != "" {
			t.Errorf("checkHeaders(%d, %q) passed, want %q", tt.size, tt.ctype, tt.want)
		}
	}
}

func TestRangeTotal(t *testing.T) {
	t.Parallel()
	if n, ok := rangeTotal("bytes 0-0/12345"); !ok || n != 12345 {
		t.Errorf("rangeTotal = %d %v", n, ok)
	}
	if _, ok := rangeTotal("bytes 0-0/*"); ok {
		t.Error("an unknown total was accepted")
	}
}

// TestClient_RedirectsStayOnHTTPS pins that a redirect may not leave
// https, even with local requests allowed (GitLab's remote file is https
// only).
func TestClient_RedirectsStayOnHTTPS(t *testing.T) {
	t.Parallel()
	target := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(target.Close)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(plain.Close)
	roots := x509.NewCertPool()
	roots.AddCert(target.Certificate())
	for _, tt := range []struct {
		name, to string
		ok       bool
	}{{"ToHTTP", plain.URL + "/x", false}, {"ToHTTPS", target.URL + "/x", true}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			redirect := httptest.NewTLSServer(http.RedirectHandler(tt.to, http.StatusFound))
			t.Cleanup(redirect.Close)
			policy := ssrf.Policy{AllowLocal: true, RootCAs: roots}
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, redirect.URL, nil)
			resp, err := client(policy).Do(req)
			if err == nil {
				resp.Body.Close()
			}
			if tt.ok && err != nil || !tt.ok && (err == nil || !strings.Contains(err.Error(), "only https is allowed")) {
				t.Errorf("redirect %s: %v", tt.to, err)
			}
		})
	}
	var se *Error
	if err := checkHeaders(0, "", 0); !errors.As(err, &se) {
		t.Errorf("checkHeaders error is %T, want *Error", err)
	}
}
