package git

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// ErrNoRef is wrapped by errors reporting a ref, commit or path that the
// repository does not hold.
var ErrNoRef = errors.New("no such ref")

// Commit is one commit as GitLab shows it.
type Commit struct {
	ID             string
	ParentIDs      []string
	AuthorName     string
	AuthorEmail    string
	AuthoredDate   time.Time
	CommitterName  string
	CommitterEmail string
	CommittedDate  time.Time
	// Message is the full message; Title is its first line.
	Message string
	Title   string
}

// commitFormat prints one commit per record: fields separated by NUL,
// records started by RS.
const commitFormat = "--format=%x1e%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B"

// parseCommits reads the records commitFormat printed.
func parseCommits(out string) ([]Commit, error) {
	var commits []Commit
	for rec := range strings.SplitSeq(out, "\x1e") {
		if rec == "" {
			continue
		}
		f := strings.SplitN(rec, "\x00", 9)
		if len(f) != 9 {
			return nil, fmt.Errorf("git log: malformed record %q", rec)
		}
		authored, err1 := time.Parse(time.RFC3339, f[4])
		committed, err2 := time.Parse(time.RFC3339, f[7])
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("git log: %w", err)
		}
		msg := strings.TrimSuffix(f[8], "\n") // the record's terminator
		title, _, _ := strings.Cut(msg, "\n")
		commits = append(commits, Commit{ID: f[0], ParentIDs: strings.Fields(f[1]), AuthorName: f[2], AuthorEmail: f[3],
			AuthoredDate: authored, CommitterName: f[5], CommitterEmail: f[6], CommittedDate: committed,
			Message: msg, Title: title})
	}
	return commits, nil
}

// ResolveCommit returns the full SHA of the commit ref (a branch, tag or
// SHA) names. Returns an error wrapping ErrNoRef when there is none.
func ResolveCommit(ctx context.Context, dir, ref string) (string, error) {
	if ref == "" || strings.HasPrefix(ref, "-") || strings.ContainsAny(ref, "\x00\n") {
		return "", fmt.Errorf("ref %q: %w", ref, ErrNoRef)
	}
	sha, err := resolveCommit(ctx, dir, ref)
	if err == nil && sha == "" {
		err = fmt.Errorf("ref %q: %w", ref, ErrNoRef)
	}
	return sha, err
}

// Commits returns the commits shas name, in that order (each once).
// Returns an error wrapping ErrNoRef when one of them is not a commit.
func Commits(ctx context.Context, dir string, shas ...string) ([]Commit, error) {
	if len(shas) == 0 {
		return nil, nil
	}
	out, err := inRepo(ctx, dir, strings.NewReader(strings.Join(shas, "\n")+"\n"), nil,
		"log", "--no-walk=unsorted", "--stdin", commitFormat)
	if err != nil {
		return nil, fmt.Errorf("git log in %s: %w: %w", dir, ErrNoRef, err)
	}
	return parseCommits(out)
}

// LogOptions selects commits for Log.
type LogOptions struct {
	// Revs are the revisions to walk ("main", "a..b"); Path limits to one path.
	Revs         []string
	Path         string
	Since, Until *time.Time
	// Author matches author names and emails (git log --author).
	Author      string
	FirstParent bool
	// Topo lists in topological order.
	Topo bool
	// Skip and Max page the list (Max 0: all).
	Skip, Max int
}

func (o LogOptions) args() []string {
	var args []string
	if o.Since != nil {
		args = append(args, "--since="+strconv.FormatInt(o.Since.Unix(), 10))
	}
	if o.Until != nil {
		args = append(args, "--until="+strconv.FormatInt(o.Until.Unix(), 10))
	}
	if o.FirstParent {
		args = append(args, "--first-parent")
	}
	if o.Author != "" {
		args = append(args, "--author="+o.Author)
	}
	if o.Topo {
		args = append(args, "--topo-order")
	}
	args = append(args, o.Revs...)
	args = append(args, "--")
	if o.Path != "" {
		args = append(args, ":(literal)"+o.Path)
	}
	return args
}

// Log returns the commits o selects, newest first. The revisions must
// have been resolved (see ResolveCommit).
func Log(ctx context.Context, dir string, o LogOptions) ([]Commit, error) {
	args := []string{"log", commitFormat, "--skip=" + strconv.Itoa(o.Skip)}
	if o.Max > 0 {
		args = append(args, "--max-count="+strconv.Itoa(o.Max))
	}
	out, err := inRepo(ctx, dir, nil, nil, append(args, o.args()...)...)
	if err != nil {
		return nil, fmt.Errorf("git log in %s: %w", dir, err)
	}
	return parseCommits(out)
}

// Stats counts the lines a commit adds and deletes against its first
// parent (all of its files for a root commit).
func Stats(ctx context.Context, dir, sha string) (additions, deletions int, err error) {
	out, err := inRepo(ctx, dir, nil, nil, "diff-tree", "--root", "--no-commit-id", "-r", "--numstat", "-m", "--first-parent", sha)
	if err != nil {
		return 0, 0, fmt.Errorf("git diff-tree %s in %s: %w", sha, dir, err)
	}
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		a, _ := strconv.Atoi(f[0]) // "-" for binary files counts 0
		d, _ := strconv.Atoi(f[1])
		additions, deletions = additions+a, deletions+d
	}
	return additions, deletions, nil
}

// MergeBaseOf returns the best common ancestor of the commits shas (at
// least two), or an error wrapping ErrNoRef when they have none.
func MergeBaseOf(ctx context.Context, dir string, shas ...string) (string, error) {
	out, err := inRepo(ctx, dir, nil, nil, append([]string{"merge-base"}, shas...)...)
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.ExitCode() == 1 {
		return "", fmt.Errorf("merge-base %v: %w", shas, ErrNoRef)
	}
	if err != nil {
		return "", fmt.Errorf("git merge-base in %s: %w", dir, err)
	}
	return strings.TrimSpace(out), nil
}

// CountCommits counts the commits reachable from sha (its first parents
// only, with firstParent).
func CountCommits(ctx context.Context, dir, sha string, firstParent bool) (int, error) {
	args := []string{"rev-list", "--count", sha}
	if firstParent {
		args = append(args, "--first-parent")
	}
	out, err := inRepo(ctx, dir, nil, nil, args...)
	if err != nil {
		return 0, fmt.Errorf("git rev-list in %s: %w", dir, err)
	}
	return strconv.Atoi(strings.TrimSpace(out))
}

// Contributor is an author of commits, as git shortlog counts them.
type Contributor struct {
	Name, Email string
	Commits     int
}

// Contributors counts the commits reachable from sha by author (name and
// email), in the order git shortlog prints them.
func Contributors(ctx context.Context, dir, sha string) ([]Contributor, error) {
	out, err := inRepo(ctx, dir, nil, nil, "shortlog", "--summary", "--email", sha)
	if err != nil {
		return nil, fmt.Errorf("git shortlog in %s: %w", dir, err)
	}
	var list []Contributor
	for line := range strings.Lines(out) {
		count, who, ok := strings.Cut(strings.TrimSpace(line), "\t")
		name, email, _ := strings.Cut(who, " <")
		n, err := strconv.Atoi(count)
		if !ok || err != nil {
			continue
		}
		list = append(list, Contributor{Name: name, Email: strings.TrimSuffix(email, ">"), Commits: n})
	}
	return list, nil
}
