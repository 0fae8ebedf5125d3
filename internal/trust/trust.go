// Package trust is the set of certificate authorities Ferry trusts for its
// outbound TLS connections (remote-import downloads, export uploads, S3):
// the system's roots, plus the operator's extra CA certificates
// (FERRY_CA_FILE), for a private CA or, in tests, a throwaway one. It
// lowers nothing: a server's certificate must still chain to one of these
// roots and name the host that was asked for.
package trust

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// Roots returns the system's roots plus every certificate in the PEM file
// caFile. An empty caFile gives nil, which crypto/tls reads as the
// system's roots. Returns an error if the file cannot be read or holds no
// certificate.
func Roots(caFile string) (*x509.CertPool, error) {
	if caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		// No system roots on this machine: trust the file only.
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s: %w", caFile, errNoCertificate)
	}
	return pool, nil
}

var errNoCertificate = errors.New("no PEM certificate in it")
