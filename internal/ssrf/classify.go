package ssrf

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// rule refuses the addresses of prefix with reason.
type rule struct {
	prefix netip.Prefix
	reason string
}

// rules are checked in order, first match wins: the metadata address
// fd00:ec2::254 must come before fc00::/7.
var rules = []rule{
	{netip.MustParsePrefix("127.0.0.0/8"), ReasonLocalhost},
	{netip.MustParsePrefix("::1/128"), ReasonLocalhost},
	{netip.MustParsePrefix("169.254.0.0/16"), ReasonLinkLocal}, // incl. 169.254.169.254
	{netip.MustParsePrefix("fe80::/10"), ReasonLinkLocal},
	{netip.MustParsePrefix("fd00:ec2::254/128"), ReasonLinkLocal}, // AWS IMDS over IPv6
	{netip.MustParsePrefix("0.0.0.0/8"), ReasonLocalNetwork},      // "this network", incl. 0.0.0.0
	{netip.MustParsePrefix("10.0.0.0/8"), ReasonLocalNetwork},
	{netip.MustParsePrefix("172.16.0.0/12"), ReasonLocalNetwork},
	{netip.MustParsePrefix("192.168.0.0/16"), ReasonLocalNetwork},
	{netip.MustParsePrefix("100.64.0.0/10"), ReasonLocalNetwork}, // CGNAT shared space
	{netip.MustParsePrefix("224.0.0.0/4"), ReasonLocalNetwork},   // multicast
	{netip.MustParsePrefix("240.0.0.0/4"), ReasonLocalNetwork},   // reserved, incl. 255.255.255.255
	{netip.MustParsePrefix("::/128"), ReasonLocalNetwork},
	{netip.MustParsePrefix("fc00::/7"), ReasonLocalNetwork},  // unique local
	{netip.MustParsePrefix("fec0::/10"), ReasonLocalNetwork}, // site local (deprecated)
	{netip.MustParsePrefix("ff00::/8"), ReasonLocalNetwork},  // multicast
}

var (
	compatPrefix = netip.MustParsePrefix("::/96")
	nat64Prefix  = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour    = netip.MustParsePrefix("2002::/16")
)

// classify returns the reason ip is refused by default, and whether it is.
// IPv6 addresses embedding an IPv4 address are judged by that address.
func classify(ip netip.Addr) (reason string, blocked bool) {
	ip = embeddedIPv4(ip.WithZone("").Unmap())
	for _, r := range rules {
		if r.prefix.Contains(ip) {
			return r.reason, true
		}
	}
	return "", false
}

// embeddedIPv4 returns the IPv4 address inside an IPv4-compatible (::a.b.c.d,
// but not :: or ::1), NAT64 (64:ff9b::a.b.c.d) or 6to4 (2002:aabb:ccdd::)
// address, and any other ip unchanged. ip must already be unmapped.
func embeddedIPv4(ip netip.Addr) netip.Addr {
	b := ip.As16()
	switch {
	case !ip.Is6():
		return ip
	case compatPrefix.Contains(ip) && ip != netip.IPv6Unspecified() && ip != netip.IPv6Loopback():
		return netip.AddrFrom4([4]byte(b[12:16]))
	case nat64Prefix.Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16]))
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6]))
	}
	return ip
}

// allowEntry is one parsed Allowlist entry: an address range (a single IP is
// a full-length prefix) or a hostname, and a port (0 = any).
type allowEntry struct {
	prefix netip.Prefix
	host   string
	port   int
}

// parseAllowEntry parses "ip", "cidr", "host", "ip:port", "[ipv6]:port" or
// "host:port". It reports false for anything else.
func parseAllowEntry(s string) (allowEntry, bool) {
	s = strings.TrimSpace(s)
	if pfx, err := netip.ParsePrefix(s); err == nil {
		return allowEntry{prefix: unmapPrefix(pfx.Masked())}, true
	}
	if ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return allowEntry{prefix: singleIP(ip)}, true
	}
	host, port := s, 0
	if strings.Contains(s, ":") {
		h, ps, err := net.SplitHostPort(s)
		if err != nil {
			return allowEntry{}, false
		}
		if port = parsePort(ps); port == 0 {
			return allowEntry{}, false
		}
		host = h
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return allowEntry{prefix: singleIP(ip), port: port}, true
	}
	if host = normalizeHost(host); host == "" || strings.ContainsAny(host, "/[]") {
		return allowEntry{}, false
	}
	return allowEntry{host: host, port: port}, true
}

// matches reports whether the entry allows ip reached as host:port.
func (e allowEntry) matches(ip netip.Addr, host string, port int) bool {
	if e.port != 0 && e.port != port {
		return false
	}
	if e.host != "" {
		return e.host == normalizeHost(host)
	}
	return e.prefix.Contains(ip.WithZone("").Unmap())
}

// allowed reports whether any Allowlist entry allows ip reached as host:port.
func (p Policy) allowed(ip netip.Addr, host, port string) bool {
	n := parsePort(port)
	for _, s := range p.Allowlist {
		if e, ok := parseAllowEntry(s); ok && e.matches(ip, host, n) {
			return true
		}
	}
	return false
}

func singleIP(ip netip.Addr) netip.Prefix {
	ip = ip.WithZone("").Unmap()
	return netip.PrefixFrom(ip, ip.BitLen())
}

// unmapPrefix turns a prefix inside ::ffff:0:0/96 into its IPv4 form.
func unmapPrefix(p netip.Prefix) netip.Prefix {
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p
}

// parsePort returns a port number in 1..65535, or 0.
func parsePort(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0
	}
	return n
}

func normalizeHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(h), ".")
}
