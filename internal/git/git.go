// Package git manages bare repositories on disk by running the real git
// binary.
//
// Every invocation runs with a fixed environment: the current PATH, no system
// or global configuration, no terminal prompts, LANG=C, HOME pointing at
// the repository directory, and every transport refused
// (protocol.allow=never): Ferry's git never fetches from anywhere, so a
// path taken from an archive can never make git read another repository.
// No other GIT_* variable of the calling process leaks into git. Errors
// returned by this package carry git's stderr.
package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrInvalidRef is wrapped by errors reporting a branch name that git does not
// accept (see git check-ref-format --branch).
var ErrInvalidRef = errors.New("invalid ref name")

// ErrExists is wrapped by the error Init returns when the target directory
// already exists and is not empty.
var ErrExists = errors.New("repository directory already exists")

// ErrInvalidName is wrapped by the error CommitFile returns when the file name
// is not a single, ordinary path component.
var ErrInvalidName = errors.New("invalid file name")

// Signature identifies the author and committer of a commit. A zero When
// means the current time.
type Signature struct {
	Name  string
	Email string
	When  time.Time
}

// env returns the fixed environment for a git process with HOME set to home,
// followed by extra.
func env(home string, extra ...string) []string {
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/bin:/usr/bin:/bin"
	}
	fixed := append([]string{"PATH=" + path, "GIT_TERMINAL_PROMPT=0", "HOME=" + home, "LANG=C"}, ConfigEnv()...)
	return append(fixed, extra...)
}

// ConfigEnv is the configuration every git process of Ferry's runs with,
// git http-backend included: no system or global configuration, and every
// transport refused (protocol.allow=never), so nothing can point git at
// another repository.
func ConfigEnv() []string {
	return []string{
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=protocol.allow",
		"GIT_CONFIG_VALUE_0=never",
	}
}

// command describes one git invocation.
type command struct {
	dir   string    // working directory; empty means the current one
	home  string    // value of HOME
	stdin io.Reader // optional standard input
	env   []string  // extra environment variables
	// background runs git at a lower CPU priority (nice backgroundNice):
	// an import's indexing of its bundles, which otherwise took both
	// cores from the API's requests (status p99 144 ms at the l archive,
	// 13 ms with it).
	background bool
}

// backgroundNice is the nice value background git processes add.
const backgroundNice = 10

// niceBinary is nice(1), which starts background git at its priority, so
// that git and every thread and process it makes have it from the start
// (setting it once git had started raced with git's first threads).
// Empty when there is none: git then runs at the normal priority.
var niceBinary = sync.OnceValue(func() string {
	path, _ := exec.LookPath("nice")
	return path
})

// run executes git with args and returns its standard output. A failure is
// reported with git's trimmed stderr appended.
func (c command) run(ctx context.Context, args ...string) (string, error) {
	name := "git"
	if nice := niceBinary(); c.background && nice != "" {
		name, args = nice, append([]string{"-n", strconv.Itoa(backgroundNice), "git"}, args...)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = c.dir
	cmd.Env = env(c.home, c.env...)
	cmd.Stdin = c.stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", fmt.Errorf("%w: %s", err, msg)
		}
		return "", err
	}
	return stdout.String(), nil
}

// inRepoBackground is inRepo for an import's bulk git work, run at a
// lower CPU priority (command.background).
func inRepoBackground(ctx context.Context, dir string, stdin io.Reader, args ...string) (string, error) {
	return command{stdin: stdin, background: true}.inRepo(ctx, dir, args...)
}

// inRepo runs git against the bare repository dir and returns its output.
func inRepo(ctx context.Context, dir string, stdin io.Reader, extraEnv []string, args ...string) (string, error) {
	return command{stdin: stdin, env: extraEnv}.inRepo(ctx, dir, args...)
}

// inRepo runs c against the bare repository dir, which is also its HOME.
func (c command) inRepo(ctx context.Context, dir string, args ...string) (string, error) {
	c.home = dir
	return c.run(ctx, append([]string{"--git-dir=" + dir}, args...)...)
}

// checkBranch returns nil when branch is a valid branch name and an error
// wrapping ErrInvalidRef otherwise. It runs outside any repository so that
// shorthands such as @{-1} cannot be expanded.
func checkBranch(ctx context.Context, branch string) error {
	c := command{dir: "/", home: os.TempDir()}
	out, err := c.run(ctx, "check-ref-format", "--branch", branch)
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		return fmt.Errorf("branch %q: %w: %v", branch, ErrInvalidRef, err)
	case err != nil:
		return fmt.Errorf("git check-ref-format %q: %w", branch, err)
	case strings.TrimSuffix(out, "\n") != branch:
		return fmt.Errorf("branch %q: %w", branch, ErrInvalidRef)
	}
	return nil
}

// Init creates a bare repository in dir whose HEAD points at defaultBranch,
// creating parent directories as needed; everything in it is readable by
// its owner only. It returns an error wrapping
// ErrInvalidRef for an invalid branch name, an error wrapping ErrExists when
// dir exists and is not empty (in particular when it already holds a
// repository), and a wrapped git or file system error otherwise.
func Init(ctx context.Context, dir, defaultBranch string) error {
	if err := checkBranch(ctx, defaultBranch); err != nil {
		return fmt.Errorf("git init %s: %w", dir, err)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return fmt.Errorf("git init %s: %w", dir, err)
	}
	if err := os.Mkdir(dir, 0o700); errors.Is(err, os.ErrExist) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("git init %s: %w", dir, err)
		}
		if len(entries) > 0 {
			return fmt.Errorf("git init %s: %w", dir, ErrExists)
		}
	} else if err != nil {
		return fmt.Errorf("git init %s: %w", dir, err)
	}
	// --shared=0600 keeps every file git writes in the repository, now and
	// on later pushes, owner-only whatever the umask; it also turns on
	// receive.denyNonFastforwards, which GitLab does not (force pushes
	// are allowed outside protected branches), so that is turned off.
	c := command{home: dir}
	if _, err := c.run(ctx, "init", "--quiet", "--bare", "--shared=0600", "--initial-branch="+defaultBranch, "--", dir); err != nil {
		return fmt.Errorf("git init %s: %w", dir, err)
	}
	if _, err := inRepo(ctx, dir, nil, nil, "config", "receive.denyNonFastforwards", "false"); err != nil {
		return fmt.Errorf("git init %s: %w", dir, err)
	}
	return nil
}

// HasCommits reports whether the repository dir has any ref at all. It
// returns a wrapped git error when dir is not a readable repository.
func HasCommits(ctx context.Context, dir string) (bool, error) {
	out, err := inRepo(ctx, dir, nil, nil, "for-each-ref", "--count=1", "--format=%(refname)")
	if err != nil {
		return false, fmt.Errorf("git for-each-ref in %s: %w", dir, err)
	}
	return strings.TrimSpace(out) != "", nil
}

// SetDefaultBranch points HEAD of the repository dir at refs/heads/<branch>.
// The branch need not exist yet. It returns an error wrapping ErrInvalidRef
// for an invalid branch name and a wrapped git error otherwise.
func SetDefaultBranch(ctx context.Context, dir, branch string) error {
	if err := checkBranch(ctx, branch); err != nil {
		return fmt.Errorf("set default branch of %s: %w", dir, err)
	}
	if _, err := inRepo(ctx, dir, nil, nil, "symbolic-ref", "HEAD", "refs/heads/"+branch); err != nil {
		return fmt.Errorf("git symbolic-ref in %s: %w", dir, err)
	}
	return nil
}

// Branches returns the short names of all branches of the repository dir,
// sorted; it is empty for a repository without branches. It returns a
// wrapped git error when dir is not a readable repository.
func Branches(ctx context.Context, dir string) ([]string, error) {
	out, err := inRepo(ctx, dir, nil, nil, "for-each-ref", "--format=%(refname)", "refs/heads/")
	if err != nil {
		return nil, fmt.Errorf("git for-each-ref in %s: %w", dir, err)
	}
	var branches []string
	for line := range strings.Lines(out) {
		if name, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "refs/heads/"); ok {
			branches = append(branches, name)
		}
	}
	slices.Sort(branches)
	return branches, nil
}

// CommitFile commits content as the file name at the root of branch in the
// bare repository dir, without a work tree, and returns the new commit's
// SHA. When the branch exists, the new commit has its tip as parent and keeps
// the other files of its tree; otherwise the branch is created with a root
// commit. The ref update is atomic: a concurrent change of the branch makes
// CommitFile fail instead of losing that change. author is used as both
// author and committer.
//
// It returns an error wrapping ErrInvalidRef for an invalid branch name, an
// error wrapping ErrInvalidName when name is not a single ordinary path
// component, and a wrapped git error otherwise.
func CommitFile(ctx context.Context, dir, branch, name string, content []byte, author Signature, message string) (sha string, err error) {
	if err := checkBranch(ctx, branch); err != nil {
		return "", fmt.Errorf("commit to %s: %w", dir, err)
	}
	if err := checkName(name); err != nil {
		return "", fmt.Errorf("commit to %s: %w", dir, err)
	}
	ref := "refs/heads/" + branch
	parent, err := resolveCommit(ctx, dir, ref)
	if err != nil {
		return "", err
	}
	blob, err := inRepo(ctx, dir, bytes.NewReader(content), nil, "hash-object", "-w", "--stdin")
	if err != nil {
		return "", fmt.Errorf("git hash-object in %s: %w", dir, err)
	}
	tree, err := writeTree(ctx, dir, parent, name, strings.TrimSpace(blob))
	if err != nil {
		return "", err
	}
	args := []string{"commit-tree", tree, "-F", "-"}
	if parent != "" {
		args = append(args, "-p", parent)
	}
	out, err := inRepo(ctx, dir, strings.NewReader(message), author.env(), args...)
	if err != nil {
		return "", fmt.Errorf("git commit-tree in %s: %w", dir, err)
	}
	sha = strings.TrimSpace(out)
	// An empty old value makes update-ref verify that the ref does not exist.
	if _, err := inRepo(ctx, dir, nil, nil, "update-ref", "-m", "ferry: commit "+name, ref, sha, parent); err != nil {
		return "", fmt.Errorf("git update-ref %s in %s: %w", ref, dir, err)
	}
	return sha, nil
}

// checkName returns an error wrapping ErrInvalidName unless name can be a
// file at the root of a tree.
func checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.EqualFold(name, ".git") ||
		strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("file %q: %w", name, ErrInvalidName)
	}
	return nil
}

// resolveCommit returns the commit ref points at, or "" when ref does not
// exist.
func resolveCommit(ctx context.Context, dir, ref string) (string, error) {
	out, err := inRepo(ctx, dir, nil, nil, "rev-parse", "--verify", "--quiet", ref+"^{commit}")
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.ExitCode() == 1 {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("git rev-parse %s in %s: %w", ref, dir, err)
	}
	return strings.TrimSpace(out), nil
}

// writeTree writes a tree holding the entries of parent's tree (if any) with
// name set to blob, and returns its SHA.
func writeTree(ctx context.Context, dir, parent, name, blob string) (string, error) {
	var entries bytes.Buffer
	if parent != "" {
		out, err := inRepo(ctx, dir, nil, nil, "ls-tree", "-z", "--full-tree", parent)
		if err != nil {
			return "", fmt.Errorf("git ls-tree %s in %s: %w", parent, dir, err)
		}
		for entry := range strings.SplitSeq(out, "\x00") {
			if _, path, ok := strings.Cut(entry, "\t"); ok && path != name {
				entries.WriteString(entry + "\x00")
			}
		}
	}
	fmt.Fprintf(&entries, "100644 blob %s\t%s\x00", blob, name)
	out, err := inRepo(ctx, dir, &entries, nil, "mktree", "-z")
	if err != nil {
		return "", fmt.Errorf("git mktree in %s: %w", dir, err)
	}
	return strings.TrimSpace(out), nil
}

// env returns the GIT_AUTHOR_* and GIT_COMMITTER_* variables for s.
func (s Signature) env() []string {
	when := s.When
	if when.IsZero() {
		when = time.Now()
	}
	date := fmt.Sprintf("%d %s", when.Unix(), when.Format("-0700"))
	return []string{
		"GIT_AUTHOR_NAME=" + s.Name,
		"GIT_AUTHOR_EMAIL=" + s.Email,
		"GIT_AUTHOR_DATE=" + date,
		"GIT_COMMITTER_NAME=" + s.Name,
		"GIT_COMMITTER_EMAIL=" + s.Email,
		"GIT_COMMITTER_DATE=" + date,
	}
}
