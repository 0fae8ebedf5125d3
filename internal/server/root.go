package server

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/store"
)

// rootTokenName names the token made from FERRY_ROOT_TOKEN or on first
// start.
const rootTokenName = "ferry-root"

// InitialRootTokenFile, in the data folder, holds the token made for root
// on the first start (as GitLab's initial_root_password): readable by
// Ferry's user only, never logged.
const InitialRootTokenFile = "initial_root_token"

// ResetRootToken gives root a new token, for an administrator who lost
// theirs, and returns it (shown once; only its digest is stored).
func ResetRootToken(ctx context.Context, db *store.DB) (string, error) {
	root, _, err := rootUser(ctx, db)
	if err != nil {
		return "", err
	}
	token := auth.NewToken()
	return token, addRootToken(ctx, db, root, token)
}

// writeOwnerOnly writes content to path, readable by its owner only.
func writeOwnerOnly(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ensureRoot makes sure the administrator root exists and, when token is
// set, holds it as an active token. Without token, a fresh token is made
// when root is created and returned (once); otherwise "" is returned.
func ensureRoot(ctx context.Context, db *store.DB, token string) (string, error) {
	root, created, err := rootUser(ctx, db)
	if err != nil {
		return "", err
	}
	if token != "" {
		return "", ensureToken(ctx, db, root, token)
	}
	if !created {
		return "", nil
	}
	token = auth.NewToken()
	return token, addRootToken(ctx, db, root, token)
}

// ensureToken makes token an active token of root unless it already is.
func ensureToken(ctx context.Context, db *store.DB, root ferry.User, token string) error {
	t, holder, err := db.TokenByDigest(ctx, auth.Digest(token))
	switch {
	case err == nil && holder.ID == root.ID && !t.Revoked:
		return nil
	case err == nil && holder.ID == root.ID:
		return errors.New("FERRY_ROOT_TOKEN was revoked; choose a new value")
	case err == nil:
		return errors.New("FERRY_ROOT_TOKEN is already used by another token; choose a new value")
	case !errors.Is(err, ferry.ErrNotFound):
		return fmt.Errorf("look up root token: %w", err)
	}
	err = addRootToken(ctx, db, root, token)
	if errors.Is(err, ferry.ErrConflict) {
		// Another process starting at the same time added it first.
		if _, holder, lerr := db.TokenByDigest(ctx, auth.Digest(token)); lerr == nil && holder.ID == root.ID {
			return nil
		}
	}
	return err
}

func addRootToken(ctx context.Context, db *store.DB, root ferry.User, token string) error {
	t := ferry.PersonalAccessToken{UserID: root.ID, Name: rootTokenName, Scopes: []string{"api", "sudo", "admin_mode"}}
	if err := db.CreateToken(ctx, &t, auth.Digest(token)); err != nil {
		return fmt.Errorf("create root token: %w", err)
	}
	return nil
}

func rootUser(ctx context.Context, db *store.DB) (ferry.User, bool, error) {
	root, err := db.UserByUsername(ctx, "root")
	if err == nil {
		return root, false, nil
	}
	if !errors.Is(err, ferry.ErrNotFound) {
		return root, false, fmt.Errorf("look up root: %w", err)
	}
	root = ferry.User{Username: "root", Name: "Administrator", Email: "admin@example.com", IsAdmin: true}
	if err := db.CreateUser(ctx, &root); errors.Is(err, ferry.ErrConflict) {
		// Another process starting at the same time made root first.
		root, err = db.UserByUsername(ctx, "root")
		return root, false, err
	} else if err != nil {
		return root, false, fmt.Errorf("create root: %w", err)
	}
	return root, true, nil
}
