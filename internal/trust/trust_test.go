package trust

import (
	"crypto/tls"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TestRoots pins that the extra CA file is trusted on top of the system's
// roots, and that a missing or empty file is refused rather than ignored.
func TestRoots(t *testing.T) {
	t.Parallel()
	ts := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600)
	empty := filepath.Join(dir, "empty.pem")
	os.WriteFile(empty, []byte("not a certificate"), 0o600)

	get := func(t *testing.T, caFile string) error {
		t.Helper()
		roots, err := Roots(caFile)
		if err != nil {
			t.Fatal(err)
		}
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
		resp, err := c.Get(ts.URL)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	t.Run("Trusted", func(t *testing.T) {
		t.Parallel()
		if err := get(t, caFile); err != nil {
			t.Errorf("with the CA file: %v", err)
		}
	})
	t.Run("SystemOnly", func(t *testing.T) {
		t.Parallel()
		if err := get(t, ""); err == nil {
			t.Error("the test certificate was trusted without the CA file")
		}
	})
	for name, file := range map[string]string{"Missing": filepath.Join(dir, "nope.pem"), "NoCertificate": empty} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := Roots(file); err == nil {
				t.Errorf("Roots(%s) succeeded", name)
			}
		})
	}
}
