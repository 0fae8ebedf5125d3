package remote

import (
	"bufio"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestProjectID(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"42", "42"}, {"group/sub/my project", "group%2Fsub%2Fmy%20project"}, {"/g/p/", "g%2Fp"},
	} {
		if got := ProjectID(tt.in); got != tt.want {
			t.Errorf("ProjectID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMessage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ body, want string }{
		{`{"message":"404 Project Not Found"}`, "404 Project Not Found"},
		{`{"message":{"error":"This endpoint has been requested too many times. Try again later."}}`,
			"This endpoint has been requested too many times. Try again later."},
		{`{"error":"path is missing"}`, "path is missing"},
		{"Request Entity Too Large", "Request Entity Too Large"},
		{"<html>...</html>", ""},
	} {
		if got := message([]byte(tt.body)); got != tt.want {
			t.Errorf("message(%s) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestContentRange(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in           string
		start, total int64
		ok           bool
	}{
		{"bytes 100-199/200", 100, 200, true}, {"bytes 5-9/*", 5, -1, true}, {"bytes */200", 0, 0, false}, {"", 0, 0, false},
	} {
		start, total, ok := contentRange(tt.in)
		if start != tt.start || total != tt.total || ok != tt.ok {
			t.Errorf("contentRange(%q) = %d, %d, %v", tt.in, start, total, ok)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"3", 3*time.Second + 100*time.Millisecond}, {"", time.Minute}, {"soon", time.Minute},
	} {
		if got := retryAfter(tt.in); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestExportName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ given, want string }{
		{"2017-12-05_22-11-148_g_p_export.tar.gz", "2017-12-05_22-11-148_g_p_export.tar.gz"},
		{"../../etc/passwd", "passwd"}, {"..", "g_p_export.tar.gz"}, {"", "g_p_export.tar.gz"},
		{`..\..\x.tar.gz`, "x.tar.gz"}, {".hidden", "g_p_export.tar.gz"},
	} {
		if got := exportName(tt.given, "g_p_export.tar.gz"); got != tt.want {
			t.Errorf("exportName(%q) = %q, want %q", tt.given, got, tt.want)
		}
	}
}

func TestReadAdvertisement(t *testing.T) {
	t.Parallel()
	pkt := func(s string) string { return fmt.Sprintf("%04x%s", len(s)+4, s) }
	adv := pkt("# service=git-upload-pack\n") + "0000" +
		pkt("aaa HEAD\x00multi_ack side-band-64k\n") + pkt("aaa refs/heads/main\n") + pkt("bbb refs/tags/v1\n") +
		pkt("ccc refs/tags/v1^{}\n") + pkt("ddd refs/merge-requests/1/head\n") + "0000"
	refs, err := readAdvertisement(bufio.NewReader(strings.NewReader(adv)))
	if err != nil || len(refs) != 2 || refs["refs/heads/main"] != "aaa" || refs["refs/tags/v1"] != "bbb" {
		t.Errorf("refs %v, %v", refs, err)
	}
	if _, err := readAdvertisement(bufio.NewReader(strings.NewReader(pkt("# service=git-upload-pack\n") + "00"))); err == nil {
		t.Error("a cut advertisement was read")
	}
}
