// Package repos owns where project repositories live on disk (one bare
// repository per project, named by project ID so renames never move it)
// and the jobs that change them outside a request.
package repos

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/git"
)

// Store is the folder that holds every project's bare repository.
type Store struct{ Root string }

// Dir is the bare repository of project id.
func (s *Store) Dir(id int64) string {
	return filepath.Join(s.Root, strconv.FormatInt(id, 10)+".git")
}

// Readme is the first commit Create makes when asked to.
type Readme struct {
	Content     []byte
	AuthorName  string
	AuthorEmail string
}

// Create makes project id's bare repository with defaultBranch as HEAD and,
// when readme is not nil, a first commit holding README.md. Returns an
// error wrapping git.ErrInvalidRef for a bad branch name.
func (s *Store) Create(ctx context.Context, id int64, defaultBranch string, readme *Readme) error {
	dir := s.Dir(id)
	if err := git.Init(ctx, dir, defaultBranch); err != nil {
		return fmt.Errorf("create repository of project %d: %w", id, err)
	}
	if readme == nil {
		return nil
	}
	author := git.Signature{Name: readme.AuthorName, Email: readme.AuthorEmail, When: time.Now()}
	if _, err := git.CommitFile(ctx, dir, defaultBranch, "README.md", readme.Content, author, "Initial commit"); err != nil {
		return fmt.Errorf("first commit of project %d: %w", id, err)
	}
	return nil
}

// Remove deletes project id's repository and wiki, and what a Replace
// left beside them; missing ones are not an error. Each is first moved
// aside in one rename, as Replace moves an old one, so a reader finds it
// whole or not at all, never half removed (a crash in between leaves it
// aside, for the next Replace or Remove to sweep); the sweep then removes
// it with the leftovers.
func (s *Store) Remove(id int64) error {
	for _, dir := range []string{s.Dir(id), s.WikiDir(id)} {
		aside := dir + oldMark + strconv.FormatInt(time.Now().UnixNano(), 36)
		if err := os.Rename(dir, aside); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove repository of project %d: %w", id, err)
		}
		if err := sweep(dir); err != nil {
			return fmt.Errorf("remove repository of project %d: %w", id, err)
		}
	}
	return nil
}

// RemoveArgs is the job that deletes a deleted project's repositories and
// stored files.
type RemoveArgs struct {
	ProjectID int64 `json:"project_id"`
}

// Kind names the job in the queue.
func (RemoveArgs) Kind() string { return "project_repository_remove" }

// RemoveWorker runs RemoveArgs. Removing is idempotent, so a retried job
// is harmless.
type RemoveWorker struct {
	river.WorkerDefaults[RemoveArgs]
	Repos *Store
	Blobs blob.Store
}

// Work deletes the repositories and the project's stored files (exports,
// uploads, LFS objects, kept archive files).
func (w *RemoveWorker) Work(ctx context.Context, job *river.Job[RemoveArgs]) error {
	id := job.Args.ProjectID
	for _, prefix := range blob.ProjectPrefixes(id) {
		if err := w.Blobs.DeletePrefix(ctx, prefix); err != nil {
			return err
		}
	}
	return w.Repos.Remove(id)
}

// WikiDir is the bare repository of project id's wiki.
func (s *Store) WikiDir(id int64) string {
	return filepath.Join(s.Root, strconv.FormatInt(id, 10)+".wiki.git")
}

// EnsureWiki returns project id's wiki repository, first creating it
// empty (HEAD main) when it does not exist, as GitLab creates a wiki on
// first use.
func (s *Store) EnsureWiki(ctx context.Context, id int64) (string, error) {
	dir := s.WikiDir(id)
	if err := s.ensure(ctx, dir); err != nil {
		return "", fmt.Errorf("create wiki of project %d: %w", id, err)
	}
	return dir, nil
}

// Empty returns an empty repository (HEAD main) that reads use in place
// of a project's missing one, made on first use. Nothing writes to it.
func (s *Store) Empty(ctx context.Context) (string, error) {
	dir := filepath.Join(s.Root, "empty.git")
	if err := s.ensure(ctx, dir); err != nil {
		return "", fmt.Errorf("create the empty repository: %w", err)
	}
	return dir, nil
}

// ensure creates dir as an empty repository (HEAD main) unless it exists.
// Concurrent callers are safe: the repository is made aside and renamed
// into place, so it is never seen half made.
func (s *Store) ensure(ctx context.Context, dir string) error {
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(s.Root, 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(s.Root, filepath.Base(dir)+buildingMark)
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // gone after a rename; a loser's copy otherwise
	if err := git.Init(ctx, tmp, "main"); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(dir); statErr == nil { // another caller made it
			return nil
		}
		return err
	}
	return nil
}
