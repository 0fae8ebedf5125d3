package migrate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/google/renameio/v2"
)

// state is the state file of a run: the last result of each item, saved
// after every change, so that a rerun skips the items that migrated and
// waits for an import that was running rather than uploading it again.
type state struct {
	path  string             // "": kept in memory only
	Items map[string]*Result `json:"items"` // by key
	mu    sync.Mutex         // guards Items and err
	err   error              // the first failure to save
}

// key names an item in the state file.
func key(it Item) string {
	if it.Kind != "" {
		return it.Kind + " " + it.Source + " -> " + it.Target()
	}
	return it.Source + " -> " + it.Target()
}

// loadState reads the state file at path; a missing file is an empty
// state.
func loadState(path string) (*state, error) {
	s := &state{path: path, Items: map[string]*Result{}}
	if path == "" {
		return s, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state file: %w", err)
	}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	if s.Items == nil {
		s.Items = map[string]*Result{}
	}
	return s, nil
}

// get is a copy of the item's last result, nil for none.
func (s *state) get(it Item) *Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.Items[key(it)]; r != nil {
		c := *r
		return &c
	}
	return nil
}

// failed is the first failure to save the file.
func (s *state) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// set records r and saves the file; a failure is kept for failed.
func (s *state) set(r Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Items[key(r.Item)] = &r
	if err := s.save(); err != nil && s.err == nil {
		s.err = err
	}
}

// save writes the file whole (beside it, synced, then renamed), so that
// an interruption never leaves half a file.
func (s *state) save() error {
	if s.path == "" {
		return nil
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := renameio.WriteFile(s.path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	return nil
}
