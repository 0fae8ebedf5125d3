package ssrf

// These tests never send traffic anywhere but loopback: hostnames resolve
// through fakeLookup, and dials go through a dialRecorder that either hands
// out in-memory pipes or connects to loopback only.

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeLookup resolves the test hostnames without DNS.
func fakeLookup(_ context.Context, host string) ([]netip.Addr, error) {
	answers := map[string][]string{
		"internal.example": {"10.0.0.5"},
		"rebind.example":   {"127.0.0.1"},
		"metadata.example": {"169.254.169.254"},
		"mixed.example":    {"8.8.8.8", "10.0.0.5"},
		"public.example":   {"8.8.8.8"},
		"dual.example":     {"8.8.8.8", "2001:4860:4860::8888"},
		"twoips.example":   {"8.8.4.4", "8.8.8.8"},
	}
	ips, ok := answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	out := make([]netip.Addr, len(ips))
	for i, s := range ips {
		out[i] = netip.MustParseAddr(s)
	}
	return out, nil
}

// dialRecorder is a Policy.dial that records every address dialled. With
// pipes set it returns in-memory connections (failing addresses listed in
// fail); otherwise it connects to loopback addresses only and fails the test
// for any other.
type dialRecorder struct {
	t     *testing.T
	pipes bool
	fail  map[string]bool

	mu    sync.Mutex
	addrs []string
}

func (r *dialRecorder) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	r.mu.Lock()
	r.addrs = append(r.addrs, addr)
	r.mu.Unlock()
	if r.fail[addr] {
		return nil, fmt.Errorf("test: dial %s: connection refused", addr)
	}
	if r.pipes {
		client, server := net.Pipe()
		r.t.Cleanup(func() { _ = server.Close() })
		return client, nil
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().IsLoopback() {
		r.t.Errorf("dial to non-loopback address %q", addr)
		return nil, errors.New("test: non-loopback dial refused")
	}
	return (&net.Dialer{}).DialContext(ctx, network, addr)
}

func (r *dialRecorder) calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.addrs...)
}

// testPolicy is p with fakeLookup and a recorder installed.
func testPolicy(t *testing.T, p Policy, pipes bool) (Policy, *dialRecorder) {
	rec := &dialRecorder{t: t, pipes: pipes}
	p.LookupIP = fakeLookup
	p.dial = rec.dial
	return p, rec
}

func wantBlocked(t *testing.T, err error, reason string) {
	t.Helper()
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("err = %v, want one wrapping ErrBlocked", err)
	}
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a *BlockedError", err)
	}
	if be.Reason != reason {
		t.Fatalf("reason = %q, want %q", be.Reason, reason)
	}
}

var refusedIPs = []struct {
	ip     string
	reason string
}{
	{"127.0.0.1", ReasonLocalhost},
	{"127.8.9.10", ReasonLocalhost},
	{"::1", ReasonLocalhost},
	{"10.1.2.3", ReasonLocalNetwork},
	{"172.16.0.1", ReasonLocalNetwork},
	{"172.31.255.255", ReasonLocalNetwork},
	{"192.168.1.1", ReasonLocalNetwork},
	{"169.254.169.254", ReasonLinkLocal},
	{"fd00:ec2::254", ReasonLinkLocal},
	{"fe80::1", ReasonLinkLocal},
	{"fe80::1%eth0", ReasonLinkLocal},
	{"0.0.0.0", ReasonLocalNetwork},
	{"::", ReasonLocalNetwork},
	{"100.64.0.1", ReasonLocalNetwork},
	{"100.127.255.254", ReasonLocalNetwork},
	{"fd12:3456::1", ReasonLocalNetwork},
	{"::ffff:127.0.0.1", ReasonLocalhost},
	{"::ffff:10.0.0.1", ReasonLocalNetwork},
	{"::ffff:169.254.169.254", ReasonLinkLocal},
	{"::127.0.0.1", ReasonLocalhost},        // IPv4-compatible
	{"::a00:1", ReasonLocalNetwork},         // IPv4-compatible 10.0.0.1
	{"64:ff9b::a9fe:a9fe", ReasonLinkLocal}, // NAT64 169.254.169.254
	{"2002:7f00:1::", ReasonLocalhost},      // 6to4 127.0.0.1
	{"224.0.0.1", ReasonLocalNetwork},       // multicast
	{"ff02::1", ReasonLocalNetwork},         // multicast
	{"255.255.255.255", ReasonLocalNetwork}, // limited broadcast
	{"::ffff:255.255.255.255", ReasonLocalNetwork},
}

func TestCheckIP_RefusedByDefault(t *testing.T) {
	t.Parallel()
	for _, tc := range refusedIPs {
		t.Run(tc.ip, func(t *testing.T) {
			t.Parallel()
			err := Policy{}.CheckIP(netip.MustParseAddr(tc.ip), "", "80")
			wantBlocked(t, err, tc.reason)
		})
	}
}

func TestCheckIP_PublicAllowed(t *testing.T) {
	t.Parallel()
	for _, ip := range []string{
		"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2001:4860:4860::8888",
		"::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::",
	} {
		t.Run(ip, func(t *testing.T) {
			t.Parallel()
			if err := (Policy{}).CheckIP(netip.MustParseAddr(ip), "", "443"); err != nil {
				t.Fatalf("CheckIP(%s) = %v, want nil", ip, err)
			}
		})
	}
}

func TestCheckIP_AllowLocal(t *testing.T) {
	t.Parallel()
	p := Policy{AllowLocal: true}
	for _, tc := range refusedIPs {
		t.Run(tc.ip, func(t *testing.T) {
			t.Parallel()
			if err := p.CheckIP(netip.MustParseAddr(tc.ip), "", "80"); err != nil {
				t.Fatalf("CheckIP(%s) with AllowLocal = %v, want nil", tc.ip, err)
			}
		})
	}
}

func TestCheckIP_InvalidAddr(t *testing.T) {
	t.Parallel()
	wantBlocked(t, Policy{AllowLocal: true}.CheckIP(netip.Addr{}, "x", "80"), ReasonUnresolvable)
}

func TestCheckIP_Allowlist(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		allowlist []string
		ip, host  string
		port      string
		allowed   bool
	}{
		{"ip", []string{"10.1.2.3"}, "10.1.2.3", "", "80", true},
		{"ip other", []string{"10.1.2.3"}, "10.1.2.4", "", "80", false},
		{"ip mapped", []string{"127.0.0.1"}, "::ffff:127.0.0.1", "", "80", true},
		{"ipv6", []string{"1:0:0:0:0:0:0:1"}, "::1", "", "80", false},
		{"ipv6 loopback", []string{"0:0:0:0:0:0:0:1"}, "::1", "", "80", true},
		{"cidr", []string{"10.0.0.0/8"}, "10.200.0.1", "", "80", true},
		{"cidr other", []string{"10.0.0.0/8"}, "192.168.1.1", "", "80", false},
		{"cidr ipv6", []string{"fd00::/8"}, "fd00:ec2::254", "", "80", true},
		{"ip port", []string{"127.0.0.1:9000"}, "127.0.0.1", "", "9000", true},
		{"ip wrong port", []string{"127.0.0.1:9000"}, "127.0.0.1", "", "9001", false},
		{"ipv6 port", []string{"[::1]:9000"}, "::1", "", "9000", true},
		{"ipv6 wrong port", []string{"[::1]:9000"}, "::1", "", "80", false},
		{"host port", []string{"internal.example:8080"}, "10.0.0.5", "internal.example", "8080", true},
		{"host wrong port", []string{"internal.example:8080"}, "10.0.0.5", "internal.example", "9090", false},
		{"host other host", []string{"internal.example:8080"}, "10.0.0.5", "other.example", "8080", false},
		{"host any port", []string{" Internal.Example. "}, "10.0.0.5", "internal.example", "443", true},
		{"host no subdomains", []string{"example"}, "10.0.0.5", "internal.example", "443", false},
		{"ip entry not hostname", []string{"10.0.0.5"}, "10.0.0.6", "10.0.0.5", "443", false},
		{"invalid entries", []string{"", "10.0.0.0/33", "host:0", "a/b", "[::1]:x"}, "10.0.0.1", "", "80", false},
		{"second entry", []string{"192.168.0.0/16", "10.0.0.1"}, "10.0.0.1", "", "80", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := Policy{Allowlist: tc.allowlist}
			err := p.CheckIP(netip.MustParseAddr(tc.ip), tc.host, tc.port)
			if tc.allowed && err != nil {
				t.Fatalf("CheckIP = %v, want allowed", err)
			}
			if !tc.allowed && !errors.Is(err, ErrBlocked) {
				t.Fatalf("CheckIP = %v, want blocked", err)
			}
		})
	}
}

func TestBlockedError(t *testing.T) {
	t.Parallel()
	err := error(&BlockedError{
		URL:    "https://user:pass@bucket.example/export.tar.gz?X-Amz-Signature=secret#frag",
		Reason: ReasonLocalNetwork,
	})
	want := "URL 'https://bucket.example/export.tar.gz' is blocked: Requests to the local network are not allowed"
	if got := err.Error(); got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, ErrBlocked) || !errors.Is(fmt.Errorf("upload: %w", err), ErrBlocked) {
		t.Fatal("BlockedError does not wrap ErrBlocked")
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://bucket.s3.amazonaws.com/e.tar.gz?X-Amz-Signature=abc&X-Amz-Credential=x", "https://bucket.s3.amazonaws.com/e.tar.gz"},
		{"https://user:pass@example.com/p", "https://example.com/p"},
		{"http://user@example.com:8080/p?q=1#frag", "http://example.com:8080/p"},
		{"http://example.com/?", "http://example.com/"},
		{"http://[::1]:80/a%20b", "http://[::1]:80/a%20b"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := Redact(u); got != tc.want {
				t.Fatalf("Redact = %q, want %q", got, tc.want)
			}
			if u.RawQuery == "" && strings.Contains(tc.in, "Signature") {
				t.Fatal("Redact modified its argument")
			}
		})
	}
	if Redact(nil) != "" {
		t.Fatal(`Redact(nil) != ""`)
	}
}

func TestRedactString(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"10.0.0.1:80", "10.0.0.1:80"},
		{"user:pass@host:80", "host:80"},
		{"http://u:p@%zz/x?sig=1", "http://%zz/x"},
		{"http://u:p@h/x#@y", "http://h/x"},
	}
	for _, tc := range tests {
		if got := redactString(tc.in); got != tc.want {
			t.Errorf("redactString(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw    string
		reason string // "" = allowed
	}{
		{"https://public.example/export.tar.gz?X-Amz-Signature=secret", ""},
		{"HTTP://8.8.8.8/x", ""},
		{"http://[2001:4860:4860::8888]:8080/", ""},
		{"https://user:pass@public.example/", ""},
		{"ftp://public.example/x", ReasonScheme},
		{"file:///etc/passwd", ReasonScheme},
		{"javascript:alert(1)", ReasonScheme},
		{"//public.example/x", ReasonScheme},
		{"http://", ReasonInvalidURI},
		{"http:///x", ReasonInvalidURI},
		{"http:public.example", ReasonInvalidURI},
		{"http://public.example:99999/", ReasonInvalidURI},
		{"http://%zz/", ReasonInvalidURI},
		{"http://-oProxyCommand=x@public.example/", ReasonInvalidURI},
		{"http://a%40b:p@public.example/", ReasonInvalidURI},
		{"http://a%2F:p@public.example/", ReasonInvalidURI},
		{"http://127.0.0.1:9000/", ReasonLocalhost},
		{"http://localhost.:80/", ReasonUnresolvable},
		{"http://10.0.0.1/", ReasonLocalNetwork},
		{"http://169.254.169.254/latest/meta-data", ReasonLinkLocal},
		{"http://[fd00:ec2::254]/", ReasonLinkLocal},
		{"http://[::ffff:127.0.0.1]/", ReasonLocalhost},
		{"http://[fe80::1%25eth0]/", ReasonLinkLocal},
		{"http://internal.example/", ReasonLocalNetwork},
		{"http://rebind.example/", ReasonLocalhost},
		{"http://metadata.example/", ReasonLinkLocal},
		{"http://mixed.example/", ReasonLocalNetwork},
		{"http://nxdomain.example/", ReasonUnresolvable},
	}
	p, rec := testPolicy(t, Policy{}, true)
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			t.Parallel()
			u, err := p.CheckURL(context.Background(), tc.raw)
			if tc.reason == "" {
				if err != nil || u == nil {
					t.Fatalf("CheckURL = %v, %v; want allowed", u, err)
				}
				return
			}
			wantBlocked(t, err, tc.reason)
			if u != nil {
				t.Fatalf("CheckURL returned URL %v with error", u)
			}
		})
	}
	t.Cleanup(func() {
		if calls := rec.calls(); len(calls) != 0 {
			t.Errorf("CheckURL dialled %v", calls)
		}
	})
}

func TestCheckURL_AllowlistedHost(t *testing.T) {
	t.Parallel()
	p, _ := testPolicy(t, Policy{Allowlist: []string{"internal.example:8080"}}, true)
	if _, err := p.CheckURL(context.Background(), "http://internal.example:8080/x"); err != nil {
		t.Fatalf("allowlisted host:port refused: %v", err)
	}
	_, err := p.CheckURL(context.Background(), "https://internal.example/x")
	wantBlocked(t, err, ReasonLocalNetwork)
}

func TestCheckURL_ErrorsAreRedacted(t *testing.T) {
	t.Parallel()
	p, _ := testPolicy(t, Policy{}, true)
	for _, raw := range []string{
		"http://user:hunter2@10.0.0.1/e.tar.gz?X-Amz-Signature=secret#frag",
		"ftp://user:hunter2@public.example/e?X-Amz-Signature=secret",
		"http://user:hunter2@%zz/e?X-Amz-Signature=secret",
		"http://user:hunter2@nxdomain.example/e?X-Amz-Signature=secret",
	} {
		_, err := p.CheckURL(context.Background(), raw)
		if err == nil {
			t.Fatalf("CheckURL(%q) allowed", raw)
		}
		if msg := err.Error(); strings.Contains(msg, "secret") || strings.Contains(msg, "hunter2") || strings.Contains(msg, "frag") {
			t.Errorf("error leaks secrets: %q", msg)
		}
	}
}

func TestCheckURL_ContextEnded(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := Policy{LookupIP: func(ctx context.Context, _ string) ([]netip.Addr, error) { return nil, ctx.Err() }}
	_, err := p.CheckURL(ctx, "http://public.example/")
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrBlocked) {
		t.Fatalf("err = %v, want context.Canceled, not ErrBlocked", err)
	}
}

func TestDialContext_RefusesBeforeDial(t *testing.T) {
	t.Parallel()
	tests := []struct {
		network, addr, reason string
	}{
		{"tcp", "10.0.0.1:80", ReasonLocalNetwork},
		{"tcp", "169.254.169.254:80", ReasonLinkLocal},
		{"tcp", "[fd00:ec2::254]:80", ReasonLinkLocal},
		{"tcp", "127.0.0.1:80", ReasonLocalhost},
		{"tcp", "[::1]:80", ReasonLocalhost},
		{"tcp", "internal.example:443", ReasonLocalNetwork},
		{"tcp", "rebind.example:443", ReasonLocalhost},
		{"tcp", "mixed.example:443", ReasonLocalNetwork}, // one bad answer refuses all
		{"tcp", "nxdomain.example:443", ReasonUnresolvable},
		{"tcp6", "public.example:443", ReasonUnresolvable}, // no IPv6 answer
		{"tcp", "no-port", ReasonInvalidURI},
		{"udp", "8.8.8.8:53", ReasonNetwork},
	}
	for _, tc := range tests {
		t.Run(tc.network+" "+tc.addr, func(t *testing.T) {
			t.Parallel()
			p, rec := testPolicy(t, Policy{}, false)
			// A refusal does not wait: it comes long before this deadline
			// even on a machine busy with other tests.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			start := time.Now()
			conn, err := p.DialContext(ctx, tc.network, tc.addr)
			if elapsed := time.Since(start); elapsed >= 5*time.Second {
				t.Errorf("refusal took %v", elapsed)
			}
			if conn != nil {
				_ = conn.Close()
				t.Fatal("got a connection")
			}
			wantBlocked(t, err, tc.reason)
			if calls := rec.calls(); len(calls) != 0 {
				t.Fatalf("dialled %v before refusing", calls)
			}
		})
	}
}

func TestDialContext_DialsCheckedIP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, network, addr string
		fail                []string
		wantCalls           []string
	}{
		{"by IP not name", "tcp", "public.example:443", nil, []string{"8.8.8.8:443"}},
		{"literal", "tcp", "[2001:4860:4860::8888]:443", nil, []string{"[2001:4860:4860::8888]:443"}},
		{"fallback", "tcp", "twoips.example:443", []string{"8.8.4.4:443"}, []string{"8.8.4.4:443", "8.8.8.8:443"}},
		{"tcp4", "tcp4", "dual.example:80", nil, []string{"8.8.8.8:80"}},
		{"tcp6", "tcp6", "dual.example:80", nil, []string{"[2001:4860:4860::8888]:80"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, rec := testPolicy(t, Policy{}, true)
			rec.fail = map[string]bool{}
			for _, a := range tc.fail {
				rec.fail[a] = true
			}
			conn, err := p.DialContext(context.Background(), tc.network, tc.addr)
			if err != nil {
				t.Fatalf("DialContext = %v", err)
			}
			_ = conn.Close()
			if got := rec.calls(); fmt.Sprint(got) != fmt.Sprint(tc.wantCalls) {
				t.Fatalf("dials = %v, want %v", got, tc.wantCalls)
			}
		})
	}
}

func TestDialContext_AllFail(t *testing.T) {
	t.Parallel()
	p, rec := testPolicy(t, Policy{}, true)
	rec.fail = map[string]bool{"8.8.4.4:443": true, "8.8.8.8:443": true}
	_, err := p.DialContext(context.Background(), "tcp", "twoips.example:443")
	if err == nil || errors.Is(err, ErrBlocked) || !strings.Contains(err.Error(), "8.8.4.4") {
		t.Fatalf("err = %v, want the first dial error", err)
	}
}

// newServer starts a loopback test server counting its requests.
func newServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestClient_LocalServer(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	tests := []struct {
		name    string
		policy  Policy
		allowed bool
	}{
		{"default", Policy{}, false},
		{"allow local", Policy{AllowLocal: true}, true},
		{"allowlist ip", Policy{Allowlist: []string{"127.0.0.1"}}, true},
		{"allowlist cidr", Policy{Allowlist: []string{"127.0.0.0/8"}}, true},
		{"allowlist ip port", Policy{Allowlist: []string{fmt.Sprintf("127.0.0.1:%d", port)}}, true},
		{"allowlist other port", Policy{Allowlist: []string{fmt.Sprintf("127.0.0.1:%d", port+1)}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, rec := testPolicy(t, tc.policy, false)
			resp, err := p.Client(5 * time.Second).Get(srv.URL + "/export?X-Amz-Signature=secret")
			if !tc.allowed {
				if resp != nil {
					_ = resp.Body.Close()
				}
				wantBlocked(t, err, ReasonLocalhost)
				if !strings.Contains(err.Error(), "Requests to localhost are not allowed") {
					t.Fatalf("err = %v", err)
				}
				if msg := RedactError(err).Error(); strings.Contains(msg, "secret") {
					t.Fatalf("RedactError kept the query: %q", msg)
				}
				if calls := rec.calls(); len(calls) != 0 {
					t.Fatalf("dialled %v", calls)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get = %v", err)
			}
			defer func() { _ = resp.Body.Close() }()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || string(body) != "ok" {
				t.Fatalf("got %d %q", resp.StatusCode, body)
			}
		})
	}
}

func TestClient_RedirectRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		target, reason string
	}{
		{"http://10.0.0.1/x", ReasonLocalNetwork},
		{"http://169.254.169.254/latest/meta-data", ReasonLinkLocal},
		{"http://internal.example/x", ReasonLocalNetwork},
		{"ftp://public.example/x", ReasonScheme},
		{"file:///etc/passwd", ReasonScheme},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			t.Parallel()
			srv, hits := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, tc.target, http.StatusFound)
			})
			p, rec := testPolicy(t, Policy{Allowlist: []string{"127.0.0.1"}}, false)
			resp, err := p.Client(5 * time.Second).Get(srv.URL + "/start")
			if resp != nil {
				_ = resp.Body.Close()
			}
			wantBlocked(t, err, tc.reason)
			if hits.Load() != 1 {
				t.Fatalf("server hits = %d, want 1", hits.Load())
			}
			for _, c := range rec.calls() {
				if !strings.HasPrefix(c, "127.0.0.1:") {
					t.Fatalf("dialled %q", c)
				}
			}
		})
	}
}

func TestClient_RedirectLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		redirects int
		ok        bool
	}{{5, true}, {6, false}}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.redirects), func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			srv, hits := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if int(n.Add(1)) <= tc.redirects {
					http.Redirect(w, r, "/again", http.StatusFound)
				}
			})
			p, _ := testPolicy(t, Policy{AllowLocal: true}, false)
			resp, err := p.Client(5 * time.Second).Get(srv.URL)
			if resp != nil {
				_ = resp.Body.Close()
			}
			if tc.ok != (err == nil) {
				t.Fatalf("%d redirects: err = %v", tc.redirects, err)
			}
			if want := min(tc.redirects, maxRedirects) + 1; int(hits.Load()) != want {
				t.Fatalf("server hits = %d, want %d", hits.Load(), want)
			}
		})
	}
}

func TestClient_NoProxy(t *testing.T) {
	t.Parallel()
	tr, ok := (Policy{}).Client(0).Transport.(*http.Transport)
	if !ok || tr.Proxy != nil || tr.DialContext == nil {
		t.Fatalf("transport = %#v, want no proxy and the policy dialer", tr)
	}
}

// TestClient_RootCAs pins that https is verified against Policy.RootCAs
// (the operator's extra CA) through the pinned dialer, and that without
// them a certificate from an unknown authority is refused.
func TestClient_RootCAs(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	for _, tc := range []struct {
		name  string
		roots *x509.CertPool
		ok    bool
	}{{"Trusted", roots, true}, {"UnknownAuthority", nil, false}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, rec := testPolicy(t, Policy{AllowLocal: true, RootCAs: tc.roots}, false)
			resp, err := p.Client(5 * time.Second).Get(srv.URL)
			if resp != nil {
				_ = resp.Body.Close()
			}
			var unknown x509.UnknownAuthorityError
			if tc.ok && err != nil || !tc.ok && !errors.As(err, &unknown) {
				t.Fatalf("err = %v", err)
			}
			if calls := rec.calls(); len(calls) != 1 {
				t.Fatalf("dials = %v, want one through the policy", calls)
			}
		})
	}
}
