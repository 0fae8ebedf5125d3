package ssrf

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// maxRedirects is how many redirects Client follows.
const maxRedirects = 5

// DialContext resolves addr's host once, checks every address with CheckIP
// and dials the checked addresses by IP, in order, until one connects. If any
// address is refused nothing is dialled and a *BlockedError wrapping
// ErrBlocked is returned; so it is for a non-TCP network, a malformed addr or
// a host that does not resolve. Otherwise the error is the first dial error
// (or the context's).
func (p Policy) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if network != "tcp" && network != "tcp4" && network != "tcp6" {
		return nil, &BlockedError{URL: addr, Reason: ReasonNetwork}
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return nil, &BlockedError{URL: addr, Reason: ReasonInvalidURI}
	}
	ips, err := p.resolve(ctx, host)
	if err != nil {
		return nil, reblockAddr(err, addr)
	}
	if ips = filterFamily(network, ips); len(ips) == 0 {
		return nil, &BlockedError{URL: addr, Reason: ReasonUnresolvable}
	}
	for _, ip := range ips {
		if err := p.CheckIP(ip, host, port); err != nil {
			return nil, err
		}
	}
	return p.dialFirst(ctx, network, ips, port)
}

// dialFirst dials ips in order and returns the first connection made, or the
// first error once all failed or ctx ended.
func (p Policy) dialFirst(ctx context.Context, network string, ips []netip.Addr, port string) (net.Conn, error) {
	dial := p.dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	var first error
	for _, ip := range ips {
		conn, err := dial(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// filterFamily keeps the addresses network can reach: all for "tcp", IPv4
// (incl. IPv4-mapped) for "tcp4", the rest for "tcp6".
func filterFamily(network string, ips []netip.Addr) []netip.Addr {
	if network == "tcp" {
		return ips
	}
	out := make([]netip.Addr, 0, len(ips))
	for _, ip := range ips {
		if ip.Unmap().Is4() == (network == "tcp4") {
			out = append(out, ip)
		}
	}
	return out
}

// reblockAddr sets addr as the target of a *BlockedError; other errors are
// returned unchanged.
func reblockAddr(err error, addr string) error {
	var be *BlockedError
	if errors.As(err, &be) {
		return &BlockedError{URL: addr, Reason: be.Reason}
	}
	return err
}

// Client returns an HTTP client enforcing p: connections go through
// p.DialContext, environment proxies are never used, https is verified
// against p.RootCAs, and at most 5 redirects are followed, each to an http
// or https URL with a host (the dialer checks the address). Connecting
// (dial and TLS handshake) is bounded by p.Timeouts.Connect and the wait
// for an answer's headers, once the request is sent, by p.Timeouts.Read;
// bodies are watched with a Watch. timeout is http.Client.Timeout (0 =
// none).
//
// Errors from the client's Do, Get, ... are *url.Error values carrying the
// request URL with its query string; pass them through RedactError before
// logging or returning them. Refusals wrap ErrBlocked.
func (p Policy) Client(timeout time.Duration) *http.Client {
	limits := p.Timeouts.OrDefault()
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, limits.Connect)
		defer cancel()
		return p.DialContext(ctx, network, addr)
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dial,
		TLSClientConfig:       &tls.Config{RootCAs: p.RootCAs, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   limits.Connect,
		ResponseHeaderTimeout: limits.Read,
		ExpectContinueTimeout: time.Second,
		// Each Client is used for one job; idle connections would outlive it.
		DisableKeepAlives: true,
	}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: checkRedirect}
}

// checkRedirect refuses the 6th redirect and any hop failing CheckURL's
// syntax rules (scheme, host, userinfo) with a *BlockedError.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return fmt.Errorf("ssrf: stopped after %d redirects", maxRedirects)
	}
	return checkSyntax(req.URL)
}
