// Package ssrf is Ferry's outbound request policy against server-side
// request forgery, modelled on GitLab's UrlBlocker. It is used whenever Ferry
// talks to a URL a user supplied: uploading an export, downloading a remote
// import.
//
// By default requests to loopback, private, link-local (including the cloud
// metadata endpoints), unspecified, CGNAT shared, multicast, reserved and
// broadcast addresses are refused, as are IPv6 forms that embed such an IPv4
// address (IPv4-mapped, IPv4-compatible, NAT64, 6to4). Policy.AllowLocal
// (GitLab's allow_local_requests_from_web_hooks_and_services) lifts the
// restriction; Policy.Allowlist (GitLab's outbound_local_requests_whitelist)
// lifts it for chosen IPs, CIDR ranges and hostnames, optionally per port.
//
// Names are resolved once per connection, every address is checked, and the
// connection is dialled to a checked IP, so a DNS answer cannot change
// between the check and the dial (no DNS rebinding).
//
// Every refusal is a *BlockedError wrapping ErrBlocked. Error messages never
// carry a URL's userinfo, query string or fragment: pre-signed URLs keep
// their signatures in the query.
package ssrf

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Reasons given in a BlockedError, GitLab's texts.
const (
	ReasonLocalhost    = "Requests to localhost are not allowed"
	ReasonLocalNetwork = "Requests to the local network are not allowed"
	ReasonLinkLocal    = "Requests to the link local network are not allowed"
	ReasonScheme       = "Only allowed schemes are http, https"
	ReasonUnresolvable = "Host cannot be resolved or invalid"
	ReasonInvalidURI   = "URI is invalid"
	// ReasonNetwork refuses dials on anything but TCP.
	ReasonNetwork = "Only TCP connections are allowed"
)

// ErrBlocked is wrapped by every refusal of this package; test for it with
// errors.Is.
var ErrBlocked = errors.New("blocked")

// BlockedError is a refused outbound request. URL is the target (a URL, or
// host:port for a dial); Error never shows its userinfo, query or fragment.
type BlockedError struct {
	URL    string
	Reason string
}

// Error returns "URL '<redacted url>' is blocked: <reason>".
func (e *BlockedError) Error() string {
	return fmt.Sprintf("URL '%s' is blocked: %s", redactString(e.URL), e.Reason)
}

// Unwrap returns ErrBlocked.
func (e *BlockedError) Unwrap() error { return ErrBlocked }

// Policy decides which outbound requests are allowed. The zero value refuses
// every local address and resolves names with net.DefaultResolver.
type Policy struct {
	// AllowLocal allows every address
	// (allow_local_requests_from_web_hooks_and_services).
	AllowLocal bool
	// Allowlist entries are an IP, a CIDR range, or a hostname, each
	// optionally with a port ("example.com:8080", "127.0.0.1:9000",
	// "[::1]:9000") (outbound_local_requests_whitelist). Invalid entries are
	// ignored; hostnames match exactly, case-insensitively.
	Allowlist []string
	// Resolver resolves hostnames; nil means net.DefaultResolver.
	Resolver *net.Resolver
	// LookupIP, when set, replaces Resolver for hostname lookups.
	LookupIP func(ctx context.Context, host string) ([]netip.Addr, error)
	// RootCAs are the roots Client trusts for https; nil means the
	// system's (see package trust).
	RootCAs *x509.CertPool
	// Timeouts bound Client's connections and, through Watch, the
	// transfers; zero fields take DefaultTimeouts' values.
	Timeouts Timeouts

	// dial opens the connection to a checked IP:port; nil means a plain
	// net.Dialer. Tests replace it to record dials.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// CheckIP reports whether a connection to ip, reached as host:port, is
// allowed. host is the name the caller asked for (may be empty or the IP
// itself) and port its port (empty when unknown); both only matter for the
// allowlist. It does no I/O. A refusal is a *BlockedError (URL host:port)
// wrapping ErrBlocked.
func (p Policy) CheckIP(ip netip.Addr, host string, port string) error {
	target := host
	if target == "" {
		target = ip.String()
	}
	if port != "" {
		target = net.JoinHostPort(target, port)
	}
	if !ip.IsValid() {
		return &BlockedError{URL: target, Reason: ReasonUnresolvable}
	}
	reason, blocked := classify(ip)
	if !blocked || p.AllowLocal || p.allowed(ip, host, port) {
		return nil
	}
	return &BlockedError{URL: target, Reason: reason}
}

// CheckURL parses raw and checks it: the scheme must be http or https, a
// host is required, userinfo must not hide authority tricks, and every
// address the host resolves to must pass CheckIP. It returns the parsed URL.
// A refusal is a *BlockedError (URL redacted) wrapping ErrBlocked; if ctx
// ends during resolution the context's error is returned instead.
func (p Policy) CheckURL(ctx context.Context, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &BlockedError{URL: raw, Reason: ReasonInvalidURI}
	}
	if err := checkSyntax(u); err != nil {
		return nil, err
	}
	host, port := u.Hostname(), effectivePort(u)
	ips, err := p.resolve(ctx, host)
	if err != nil {
		return nil, reblock(err, u)
	}
	for _, ip := range ips {
		if err := p.CheckIP(ip, host, port); err != nil {
			return nil, reblock(err, u)
		}
	}
	return u, nil
}

// CheckSyntax parses raw and applies CheckURL's rules that need no
// resolution (scheme, host, port, userinfo), as GitLab's URL validator
// does when a URL is given: a refusal is a *BlockedError whose Reason is
// GitLab's ("Only allowed schemes are http, https", "URI is invalid").
// Addresses are left for CheckURL at the time of the request.
func CheckSyntax(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return &BlockedError{URL: raw, Reason: ReasonInvalidURI}
	}
	return checkSyntax(u)
}

// checkSyntax applies CheckURL's rules that need no resolution: scheme, host,
// port and userinfo. A refusal is a *BlockedError wrapping ErrBlocked.
func checkSyntax(u *url.URL) error {
	block := func(reason string) error { return &BlockedError{URL: Redact(u), Reason: reason} }
	if u.Scheme != "http" && u.Scheme != "https" {
		return block(ReasonScheme)
	}
	if u.Opaque != "" || u.Hostname() == "" || !validUserinfo(u.User) {
		return block(ReasonInvalidURI)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return block(ReasonInvalidURI)
		}
	}
	return nil
}

// validUserinfo refuses userinfo that could be read as part of the authority
// by another parser, and usernames that look like command-line options.
func validUserinfo(ui *url.Userinfo) bool {
	if ui == nil {
		return true
	}
	name := ui.Username()
	pass, _ := ui.Password()
	if strings.HasPrefix(name, "-") {
		return false
	}
	for _, s := range []string{name, pass} {
		if strings.ContainsAny(s, "@/\\?#[]") || strings.IndexFunc(s, isSpaceOrControl) >= 0 {
			return false
		}
	}
	return true
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

// effectivePort is u's port, or the scheme's default.
func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

// reblock replaces the target of a *BlockedError with u, redacted; other
// errors are returned unchanged.
func reblock(err error, u *url.URL) error {
	var be *BlockedError
	if errors.As(err, &be) {
		return &BlockedError{URL: Redact(u), Reason: be.Reason}
	}
	return err
}

// resolve returns host's addresses: the address itself for an IP literal,
// otherwise a lookup. A failed or empty lookup is a *BlockedError
// (ReasonUnresolvable), unless ctx ended, in which case ctx's error is
// returned wrapped.
func (p Policy) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	lookup := p.LookupIP
	if lookup == nil {
		lookup = p.lookupResolver
	}
	ips, err := lookup(ctx, host)
	if err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("ssrf: resolving %q: %w", host, ctx.Err())
	}
	if err != nil || len(ips) == 0 {
		return nil, &BlockedError{URL: host, Reason: ReasonUnresolvable}
	}
	return ips, nil
}

func (p Policy) lookupResolver(ctx context.Context, host string) ([]netip.Addr, error) {
	r := p.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	return r.LookupNetIP(ctx, "ip", host)
}

// Redact returns u as a string without userinfo, query string and fragment,
// safe for error messages and logs. A nil u gives "".
func Redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.RawQuery, c.ForceQuery = "", false
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// RedactError returns a copy of a *url.Error (as returned by http.Client)
// with its URL redacted; net/http keeps the query string there. Any other
// error, including one merely wrapping a *url.Error, is returned unchanged.
func RedactError(err error) error {
	ue, ok := err.(*url.Error)
	if !ok {
		return err
	}
	c := *ue
	c.URL = redactString(ue.URL)
	return &c
}

// redactString redacts a URL given as a string. Input that is not an
// absolute URL with a host (host:port, garbage) is cut at the first '?' or
// '#' and loses anything up to an '@' in its authority.
func redactString(s string) string {
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && u.Host != "" {
		return Redact(u)
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		scheme, rest = "", s
	}
	authority, path, _ := strings.Cut(rest, "/")
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		authority = authority[i+1:]
	}
	out := authority
	if path != "" || strings.Contains(rest, "/") {
		out += "/" + path
	}
	if ok {
		out = scheme + "://" + out
	}
	return out
}
