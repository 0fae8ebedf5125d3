package secret_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/secret"
)

func TestBox(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "secret.key")
	a, err := secret.LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	const url = "https://s3.example/b/k?X-Amz-Signature=abcdef"
	sealed := a.Seal(url)
	if strings.Contains(sealed, "Signature") || sealed == a.Seal(url) {
		t.Errorf("sealed text leaks or repeats: %s", sealed)
	}
	b, err := secret.LoadOrCreate(path) // a second process on the same key file
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.Open(sealed); err != nil || got != url {
		t.Errorf("Open = %q, %v", got, err)
	}
	other, _ := secret.New([]byte("another key of enough length"))
	if _, err := other.Open(sealed); err == nil {
		t.Error("a different key opened the secret")
	}
	if _, err := a.Open(sealed[:len(sealed)-2] + "xx"); err == nil {
		t.Error("tampered text opened")
	}
}
