package main

import (
	"errors"
	"testing"
)

// TestServe_PprofLoopbackOnly pins that --pprof takes only a loopback
// address: profiles show the process's memory and must not reach the
// network.
func TestServe_PprofLoopbackOnly(t *testing.T) {
	t.Parallel()
	for addr, ok := range map[string]bool{
		"127.0.0.1:6060": true, "[::1]:6060": true, "127.0.0.1:0": true,
		":6060": false, "0.0.0.0:6060": false, "10.0.0.1:6060": false, "localhost:6060": false, "127.0.0.1": false,
	} {
		err := checkPprofAddr(addr)
		var usage usageError
		if got := err == nil; got != ok || (err != nil && !errors.As(err, &usage)) {
			t.Errorf("checkPprofAddr(%q) = %v, want ok %v (a usage error otherwise)", addr, err, ok)
		}
	}
}
