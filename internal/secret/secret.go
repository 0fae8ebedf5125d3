// Package secret encrypts the few secrets Ferry must keep for a while (an
// export's upload URL, which may carry a pre-signed signature) so that they
// are never stored in plain text. It uses AES-256-GCM with a key given by
// the operator (FERRY_SECRET_KEY, shared by every process) or, on a single
// machine, one generated into the data folder on first start.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
)

// Box seals and opens secrets with one key.
type Box struct{ aead cipher.AEAD }

// New derives a Box from key material of any length (SHA-256 of it).
func New(material []byte) (*Box, error) {
	if len(material) < 16 {
		return nil, errors.New("secret key: at least 16 bytes needed")
	}
	key := sha256.Sum256(material)
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// LoadOrCreate reads the key file at path, creating it (0600, 32 random
// bytes) when it does not exist.
func LoadOrCreate(path string) (*Box, error) {
	material, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		material = []byte(rand.Text() + rand.Text())
		f, cerr := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if cerr != nil {
			if errors.Is(cerr, os.ErrExist) { // another process made it first
				return LoadOrCreate(path)
			}
			return nil, fmt.Errorf("create secret key %s: %w", path, cerr)
		}
		_, werr := f.Write(material)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, fmt.Errorf("write secret key %s: %w", path, werr)
		}
	} else if err != nil {
		return nil, fmt.Errorf("read secret key %s: %w", path, err)
	}
	return New(material)
}

// Seal encrypts plaintext into a printable string.
func (b *Box) Seal(plaintext string) string {
	nonce := make([]byte, b.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(b.aead.Seal(nonce, nonce, []byte(plaintext), nil))
}

// Open decrypts what Seal made. Returns an error for a wrong key or
// tampered text.
func (b *Box) Open(sealed string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", errors.New("secret: malformed")
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", errors.New("secret: cannot decrypt (wrong key?)")
	}
	return string(plain), nil
}
