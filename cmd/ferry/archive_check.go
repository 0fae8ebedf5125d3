package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/importer"
)

// errInvalid ends `archive validate` with exit 1 once the problems are
// printed.
var errInvalid = errors.New("the archive would not import cleanly")

// archiveCheckCmd is `ferry archive inspect|validate FILE`: both run the
// importer's dry run (importer.Check) offline; inspect prints what the
// archive holds, validate what an import would refuse or skip.
func archiveCheckCmd(ctx context.Context, sub string, args []string) error {
	fs := flag.NewFlagSet("archive "+sub, flag.ContinueOnError)
	setUsage(fs, "archive "+sub+" [--json] [--tmp DIR] [--server URL [--token T]] FILE")
	asJSON := fs.Bool("json", false, "print a JSON report")
	tmp := fs.String("tmp", os.TempDir(), "the folder the archive is extracted into while it is read")
	server := fs.String("server", "", "also show to which users of this server (GitLab or Ferry) an import there maps the members")
	token := fs.String("token", "", "the token for --server (default FERRY_TOKEN or GITLAB_TOKEN, else asked for)")
	pos, err := parseArgs(fs, args, 1, "one archive file")
	if err != nil {
		return err
	}
	rep, checkErr := importer.CheckFile(ctx, pos[0], *tmp, ferry.DefaultSettings(), newLogger("text", "error"))
	if checkErr != nil && !importer.Failed(checkErr) {
		return fmt.Errorf("archive %s %s: %w", sub, pos[0], checkErr)
	}
	switch {
	case *asJSON:
		err = writeReportJSON(os.Stdout, rep, checkErr)
	case sub == "inspect":
		printInspect(os.Stdout, pos[0], rep)
	default:
		printProblems(os.Stdout, pos[0], rep, checkErr)
	}
	if err == nil && *server != "" && checkErr == nil {
		err = printMapping(ctx, os.Stdout, *server, *token, rep.Members)
	}
	if err != nil {
		return err
	}
	if checkErr != nil {
		return fmt.Errorf("%s: an import would fail: %w", pos[0], checkErr)
	}
	if sub == "validate" && len(rep.Problems) > 0 {
		return fmt.Errorf("%s: %w: %d records would be failed relations", pos[0], errInvalid, len(rep.Problems))
	}
	return nil
}

// printMapping writes, for each member e-mail, the user of server an
// import by the token's user maps it to (members are mapped only when an
// administrator imports, as in GitLab).
func printMapping(ctx context.Context, w io.Writer, server, token string, emails []string) error {
	c, err := newClient("archive", server, "--token", token, cliLogger(), "FERRY_TOKEN", "GITLAB_TOKEN")
	if err != nil {
		return err
	}
	me, err := c.CurrentUser(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Server(), err)
	}
	if !me.IsAdmin {
		fmt.Fprintf(w, "members: @%s is not an administrator of %s: an import by @%s maps no member, and every contribution becomes @%s's\n",
			me.Username, c.Server(), me.Username, me.Username)
		return nil
	}
	fmt.Fprintf(w, "members, as an import by @%s on %s maps them:\n", me.Username, c.Server())
	for _, email := range emails {
		u, ok, err := c.UserByEmail(ctx, email)
		switch {
		case err != nil:
			return fmt.Errorf("%s: %w", c.Server(), err)
		case ok:
			fmt.Fprintf(w, "  %s -> @%s\n", email, u.Username)
		default:
			fmt.Fprintf(w, "  %s -> no user with this e-mail: not a member; contributions become @%s's\n", email, me.Username)
		}
	}
	return nil
}

// printInspect writes what the archive holds.
func printInspect(w io.Writer, file string, rep *importer.Report) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "archive\t%s\n", file)
	fmt.Fprintf(tw, "VERSION\t%s\n", orNone(rep.Version))
	fmt.Fprintf(tw, "GITLAB_VERSION\t%s\n", orNone(rep.GitLabVersion))
	fmt.Fprintf(tw, "layout\t%s\n", rep.LayoutName())
	fmt.Fprintf(tw, "name\t%s\n", orNone(rep.Name))
	fmt.Fprintf(tw, "description\t%s\n", orNone(rep.Description))
	for _, part := range []struct{ label, prefix string }{
		{"repository bundle", archive.BundleFile}, {"wiki bundle", archive.WikiBundleFile},
		{"design bundle", archive.DesignBundleFile}, {"snippet bundles", archive.SnippetsDir},
		{"uploads", archive.UploadsDir}, {"LFS objects", archive.LFSDir},
	} {
		if n, size := rep.Size(part.prefix); n > 0 {
			fmt.Fprintf(tw, "%s\t%d files, %s\n", part.label, n, sizeText(size))
		}
	}
	if len(rep.Members) > 0 {
		fmt.Fprintf(tw, "members (e-mail)\t%s\n", strings.Join(rep.Members, ", "))
	}
	fmt.Fprintln(tw, "\nRELATION\tRECORDS")
	for _, rc := range rep.Relations {
		fmt.Fprintf(tw, "%s\t%d\n", rc.Name, rc.Records)
	}
	tw.Flush()
	if len(rep.Problems) > 0 {
		fmt.Fprintf(w, "\n%d records would be failed relations (ferry archive validate lists them)\n", len(rep.Problems))
	}
}

// printProblems writes what an import would refuse or skip.
func printProblems(w io.Writer, file string, rep *importer.Report, fatal error) {
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "%s line %d: %s: %s\n", p.Relation, p.Line, p.Class, p.Message)
	}
	if fatal == nil && len(rep.Problems) == 0 {
		var n int64
		for _, rc := range rep.Relations {
			n += rc.Records
		}
		fmt.Fprintf(w, "%s: valid: %d records in %d relations would import\n", file, n, len(rep.Relations))
	}
}

// writeReportJSON writes the report for scripts.
func writeReportJSON(w io.Writer, rep *importer.Report, fatal error) error {
	type file struct {
		Path  string `json:"path"`
		Bytes int64  `json:"bytes"`
	}
	out := struct {
		Version       string                   `json:"version"`
		GitLabVersion string                   `json:"gitlab_version"`
		Layout        string                   `json:"layout"`
		Name          string                   `json:"name"`
		Description   string                   `json:"description"`
		Relations     []importer.RelationCount `json:"relations"`
		Files         []file                   `json:"files"`
		Problems      []importer.Problem       `json:"problems"`
		Members       []string                 `json:"members"`
		Error         string                   `json:"error,omitempty"`
	}{Version: rep.Version, GitLabVersion: rep.GitLabVersion, Layout: rep.LayoutName(), Name: rep.Name,
		Description: rep.Description, Relations: rep.Relations, Files: []file{}, Problems: rep.Problems,
		Members: append([]string{}, rep.Members...)}
	for _, e := range rep.Files.Entries {
		if !e.Dir {
			out.Files = append(out.Files, file{e.Path, e.Size})
		}
	}
	if out.Problems == nil {
		out.Problems = []importer.Problem{}
	}
	if fatal != nil {
		out.Error = fatal.Error()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
