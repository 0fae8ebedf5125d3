package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

const jobsUsage = `usage: ferry jobs <list|retry-import|cancel-import|cancel-export|cancel-group-import|cancel-group-export> [flags] [ID]

  list            imports and exports across projects and groups, newest first (--kind, --state, ...)
  retry-import ID queue a failed import again from the archive it kept (ID: its project's)
  cancel-import ID, cancel-export ID  cancel a scheduled or running job
  cancel-group-import ID, cancel-group-export ID  the same for a group's (an import's ID: its group's)

It calls a running server's /api/v4/ferry/jobs routes (--url) as an
administrator: the token is read from FERRY_TOKEN, never from a flag.
`

// listFlags are the parameters of GET /api/v4/ferry/jobs that `ferry jobs
// list` passes on (as --kind, --project-id, ...), with their usage.
var listFlags = [][2]string{
	{"kind", "import or export"},
	{"state", "scheduled, queued, started, finished or failed"},
	{"project_id", "one project's jobs"},
	{"created_after", "jobs requested after this time (ISO 8601)"},
	{"created_before", "jobs requested before this time (ISO 8601)"},
	{"page", "page of the list (from 1)"},
	{"per_page", "jobs per page (at most 100)"},
}

// jobsCmd is `ferry jobs`: a thin client of the administrators' job routes
// (/api/v4/ferry/jobs) of a running server; the server holds the rules.
func jobsCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(os.Stderr, jobsUsage)
		if len(args) == 0 {
			return usagef("jobs: no subcommand given")
		}
		return errHelp
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("jobs "+sub, flag.ContinueOnError)
	base := fs.String("url", env("FERRY_URL", "http://127.0.0.1:8080"), "the server's URL (FERRY_URL)")
	asJSON := fs.Bool("json", false, "print the API's JSON answer")
	switch sub {
	case "list":
		q := url.Values{}
		for _, f := range listFlags {
			fs.Func(strings.ReplaceAll(f[0], "_", "-"), f[1], func(v string) error {
				q.Set(f[0], v)
				return nil
			})
		}
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		return callJobs(ctx, *base, http.MethodGet, "/api/v4/ferry/jobs?"+q.Encode(), *asJSON)
	case "retry-import", "cancel-import", "cancel-export", "cancel-group-import", "cancel-group-export":
		id, err := parseJobID(fs, args)
		if err != nil {
			return err
		}
		action, kind, _ := strings.Cut(sub, "-") // "cancel", "group-import": group_imports
		kind = strings.ReplaceAll(kind, "-", "_")
		return callJobs(ctx, *base, http.MethodPost, "/api/v4/ferry/jobs/"+kind+"s/"+id+"/"+action, *asJSON)
	}
	fmt.Fprint(os.Stderr, jobsUsage)
	return usagef("jobs: unknown subcommand %q", sub)
}

// parseJobID parses an action's flags and its one argument, a job's id.
func parseJobID(fs *flag.FlagSet, args []string) (string, error) {
	fs.SetOutput(os.Stderr)
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		return "", errHelp
	case err != nil:
		return "", usageError{} // the flag package said why
	}
	if fs.NArg() != 1 {
		return "", usagef("%s takes one job id, got %q", fs.Name(), strings.Join(fs.Args(), " "))
	}
	if _, err := strconv.ParseInt(fs.Arg(0), 10, 64); err != nil {
		return "", usagef("%s: the job id %q is not a number", fs.Name(), fs.Arg(0))
	}
	return fs.Arg(0), nil
}

// callJobs sends the request with FERRY_TOKEN and prints the answer: the
// jobs as a table, or the raw JSON.
func callJobs(ctx context.Context, base, method, path string, asJSON bool) error {
	token := os.Getenv("FERRY_TOKEN")
	if token == "" {
		return usagef("jobs: set FERRY_TOKEN to an administrator's token")
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(base, "/")+path, nil)
	if err != nil {
		return usagef("--url: %v", err)
	}
	req.Header.Set("PRIVATE-TOKEN", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("jobs: read the answer: %w", err)
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("jobs: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	if asJSON {
		_, err := os.Stdout.Write(body)
		return err
	}
	return printJobs(os.Stdout, body, resp.Header)
}

// cliJob is what the table shows of an item of /api/v4/ferry/jobs.
type cliJob struct {
	Kind    string `json:"kind"`
	ID      int64  `json:"id"`
	Project *struct {
		PathWithNamespace string `json:"path_with_namespace"`
	} `json:"project"`
	Group *struct {
		FullPath string `json:"full_path"`
	} `json:"group"`
	State    string `json:"state"`
	Progress *struct {
		Step string `json:"step"`
	} `json:"progress"`
	Attempts  int     `json:"attempts"`
	Error     *string `json:"error"`
	CreatedAt string  `json:"created_at"`
}

// printJobs writes a list (or one item) as a table, with the list's
// position when the headers give it.
func printJobs(w io.Writer, body []byte, h http.Header) error {
	var list []cliJob
	if err := json.Unmarshal(body, &list); err != nil {
		var one cliJob
		if err := json.Unmarshal(body, &one); err != nil {
			return fmt.Errorf("jobs: unexpected answer: %w", err)
		}
		list = []cliJob{one}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tID\tPROJECT\tSTATE\tSTEP\tATTEMPTS\tCREATED\tERROR")
	for _, j := range list {
		project, step, msg := "-", "-", ""
		if j.Project != nil {
			project = j.Project.PathWithNamespace
		} else if j.Group != nil { // a group's job: the kind says so
			project = j.Group.FullPath
		}
		if j.Progress != nil {
			step = j.Progress.Step
		}
		if j.Error != nil {
			msg = *j.Error
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d\t%s\t%s\n", j.Kind, j.ID, project, j.State, step, j.Attempts, j.CreatedAt, msg)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if total := h.Get("X-Total"); total != "" {
		fmt.Fprintf(w, "page %s of %s (%s jobs)\n", h.Get("X-Page"), h.Get("X-Total-Pages"), total)
	}
	return nil
}
