package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/migrate"
	"github.com/ferryhq/ferry/internal/remote"
)

// migrateCmd is `ferry migrate`: move projects from one server to
// another, one after the other, and report how each went.
func migrateCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	setUsage(fs, "migrate --from URL --to URL [flags] [PROJECT ...] [--group PATH] [--list FILE]")
	from := fs.String("from", "", "the source server's URL (required)")
	fromToken := fs.String("from-token", "", "the source's token (default FERRY_FROM_TOKEN, else asked for)")
	to := fs.String("to", "", "the target server's URL (required)")
	toToken := fs.String("to-token", "", "the target's token (default FERRY_TO_TOKEN, else asked for)")
	namespace := fs.String("to-namespace", "", "the target namespace of the projects named or of --group (default: the source's)")
	group := fs.String("group", "", "move every project of this group and its subgroups (to --to-namespace, keeping the subgroups)")
	groupArchive := fs.Bool("group-archive", false, "with --group: first move the group itself through GitLab's group export/import "+
		"(subgroups, labels, milestones, badges, boards, members) as a new group at --to-namespace, then its projects into it")
	list := fs.String("list", "", "a CSV file of projects: source path, target namespace, target path (the last two may be empty)")
	m := &migrate.Migrator{Logger: cliLogger()}
	fs.StringVar(&m.Dir, "dir", ".", "the folder the archives pass through")
	fs.BoolVar(&m.Keep, "keep", false, "keep the archives in --dir")
	fs.BoolVar(&m.Overwrite, "overwrite", false, "replace projects already at their target paths")
	fs.IntVar(&m.Jobs, "jobs", 1, "how many projects move at once (the servers' rate limits are honoured: 429s are waited out)")
	fs.BoolVar(&m.CreateGroups, "create-groups", false, "create the target groups that are missing (and their parents)")
	report := fs.String("report", "", "write the report as JSON to this file")
	reportCSV := fs.String("report-csv", "", "write the report as CSV to this file")
	fs.StringVar(&m.State, "state", "", "a state file: a rerun with it skips the projects that migrated and resumes waiting for a running import")
	dryRun := fs.Bool("dry-run", false, "print what would move where, and stop")
	var viaS3 s3StageFlags
	viaS3.register(fs)
	projects, err := parseArgs(fs, args, -1, "")
	if err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usagef("migrate: --from URL and --to URL are required")
	}
	if *groupArchive && *group == "" {
		return usagef("migrate: --group-archive moves the group of --group PATH: give it")
	}
	if m.Stage, err = viaS3.stager(m.Dir); err != nil {
		return err
	}
	if m.From, err = newClient("migrate", *from, "--from-token", *fromToken, m.Logger, "FERRY_FROM_TOKEN"); err != nil {
		return err
	}
	items, err := migrateItems(projects, *namespace, *list)
	if err == nil && *group != "" {
		items, err = addGroup(ctx, m.From, items, *group, *namespace, *groupArchive)
	}
	if err == nil && len(items) == 0 {
		err = usagef("migrate: name projects (full paths), or give --group PATH or --list FILE")
	}
	if err != nil {
		return err
	}
	if *dryRun {
		for _, it := range items {
			if it.Kind == migrate.KindGroup {
				fmt.Printf("group %s on %s → new group %s on %s (group export and import: subgroups, labels, "+
					"milestones, badges, boards, members)\n", it.Source, *from, it.Target(), *to)
				continue
			}
			fmt.Printf("%s on %s → %s on %s\n", it.Source, *from, it.Target(), *to)
		}
		return nil
	}
	if m.To, err = newClient("migrate", *to, "--to-token", *toToken, m.Logger, "FERRY_TO_TOKEN"); err != nil {
		return err
	}
	return runMigration(ctx, m, items, *report, *reportCSV)
}

// runMigration moves the items with progress on stderr, then prints the
// report (and writes it as JSON). It fails unless every item moved.
func runMigration(ctx context.Context, m *migrate.Migrator, items []migrate.Item, report, reportCSV string) error {
	var endProgress func()
	if term.IsTerminal(int(os.Stderr.Fd())) {
		b := newBoard(os.Stderr, projectCount(items), false)
		m.Events, endProgress = b.events(), b.end
	} else {
		meters := itemMeters{m: map[string]*meter{}}
		m.Events, endProgress = meters.events(), meters.end
	}
	results, err := m.Run(ctx, items)
	endProgress()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	printMigration(os.Stdout, results)
	if err := writeReports(results, report, reportCSV); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("migrate: interrupted after %d of %d items", len(results), len(items))
	}
	bad, groupsBad := 0, 0
	for _, r := range results {
		switch {
		case r.Outcome == "migrated":
		case r.Kind == migrate.KindGroup:
			groupsBad++
		default:
			bad++
		}
	}
	switch {
	case groupsBad > 0 && len(results) < len(items):
		return fmt.Errorf("migrate: the group did not move, so no project moved")
	case groupsBad > 0 && bad == 0:
		return fmt.Errorf("migrate: the group did not move cleanly")
	case groupsBad > 0:
		return fmt.Errorf("migrate: the group did not move cleanly, %d of %d projects did not", bad, projectCount(items))
	case bad > 0:
		return fmt.Errorf("migrate: %d of %d projects did not move cleanly", bad, projectCount(items))
	}
	return nil
}

// projectCount is how many of the items are projects.
func projectCount(items []migrate.Item) int {
	n := 0
	for _, it := range items {
		if it.Kind == "" {
			n++
		}
	}
	return n
}

// itemMeters show each item's progress where stderr is not a terminal:
// plain lines naming the project.
type itemMeters struct {
	mu sync.Mutex
	m  map[string]*meter
}

// events are the migrator's events written as lines.
func (ms *itemMeters) events() migrate.Events {
	return migrate.Events{
		Bytes: func(it migrate.Item, what string, done, total int64) { ms.of(it).bytes(what, done, total) },
		State: func(it migrate.Item, state string, p *ferry.Progress, records int64) {
			ms.of(it).state(state, p, records)
		},
		Done: func(r migrate.Result, done, total int) {
			ms.of(r.Item).end()
			if r.Kind == migrate.KindGroup {
				fmt.Fprintf(os.Stderr, "migrate: group %s done: %s\n", r.Source, r.Outcome)
				return
			}
			fmt.Fprintf(os.Stderr, "migrate: %d of %d projects done: %s %s\n", done, total, r.Source, r.Outcome)
		},
	}
}

// of is the item's meter (each is used by the goroutine moving its item).
func (ms *itemMeters) of(it migrate.Item) *meter {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	name := itemName(it)
	mt := ms.m[name]
	if mt == nil {
		mt = newMeter(os.Stderr, "migrate "+name)
		mt.tty = false
		ms.m[name] = mt
	}
	return mt
}

// end ends every bar.
func (ms *itemMeters) end() {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	for _, mt := range ms.m {
		mt.end()
	}
}

// itemName names an item in progress lines: a project by its path, a
// group as "group PATH".
func itemName(it migrate.Item) string {
	if it.Kind != "" {
		return it.Kind + " " + it.Source
	}
	return it.Source
}

// printMigration writes one line per item, then why each failure
// failed.
func printMigration(w io.Writer, results []migrate.Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tTARGET\tOUTCOME\tRECORDS\tREFS\tARCHIVE\tFAILED RELATIONS\tSECONDS")
	for _, r := range results {
		outcome := r.Outcome
		if r.Earlier {
			outcome += " (earlier run)"
		}
		source, target := r.Source, r.Target()
		if r.Kind != "" {
			source, target = r.Kind+" "+source, r.Kind+" "+target
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%d\t%.1f\n", source, target, outcome, r.Records, r.Refs,
			sizeText(r.ArchiveBytes), len(r.FailedRelations), r.Seconds)
	}
	tw.Flush()
	for _, r := range results {
		name := itemName(r.Item)
		if r.Error != "" {
			fmt.Fprintf(w, "%s: %s failed: %s\n", name, r.Step, r.Error)
		}
		for _, warning := range r.Warnings {
			fmt.Fprintf(w, "%s: warning: %s\n", name, warning)
		}
		for _, d := range r.Mismatches {
			fmt.Fprintf(w, "%s: %s\n", name, d)
		}
		for _, f := range r.FailedRelations {
			fmt.Fprintf(w, "%s: failed relation %s line %d: %s\n", name, f.RelationName, f.LineNumber, f.ExceptionClass)
		}
	}
}

// migrateItems are the projects named on the command line (to
// namespace) and those of the list file.
func migrateItems(projects []string, namespace, list string) ([]migrate.Item, error) {
	var items []migrate.Item
	for _, p := range projects {
		items = append(items, migrate.NewItem(p, namespace, ""))
	}
	if list != "" {
		listed, err := readList(list)
		if err != nil {
			return nil, err
		}
		items = append(items, listed...)
	}
	return items, nil
}

// addGroup adds the projects of group and its subgroups on the source,
// after the group itself when it moves through its archive (first of
// all items: the others may go into it).
func addGroup(ctx context.Context, from *remote.Client, items []migrate.Item, group, namespace string, archive bool) ([]migrate.Item, error) {
	paths, err := from.GroupProjects(ctx, group)
	if err != nil {
		return nil, fmt.Errorf("migrate: the projects of group %s on %s: %w", group, from.Server(), err)
	}
	if archive {
		items = append([]migrate.Item{migrate.GroupArchiveItem(group, namespace)}, items...)
	}
	for _, p := range paths {
		items = append(items, migrate.GroupItem(p, group, namespace))
	}
	return items, nil
}

// readList reads a CSV list: source path, target namespace, target path;
// '#' starts a comment, and a first line starting with "source" is a
// header.
func readList(file string) ([]migrate.Item, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("migrate: --list: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord, r.Comment, r.TrimLeadingSpace = -1, '#', true
	var items []migrate.Item
	for line := 1; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return items, nil
		}
		if err != nil {
			return nil, usagef("migrate: --list %s: %v", file, err)
		}
		rec = append(rec, "", "")
		if line == 1 && strings.EqualFold(strings.TrimSpace(rec[0]), "source") {
			continue
		}
		if strings.TrimSpace(rec[0]) == "" {
			return nil, usagef("migrate: --list %s: line %d has no source project", file, line)
		}
		items = append(items, migrate.NewItem(strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])))
	}
}

// writeReports writes the results as JSON and as CSV, to the files named.
func writeReports(results []migrate.Result, jsonFile, csvFile string) error {
	if jsonFile != "" {
		b, _ := json.MarshalIndent(results, "", "  ")
		if err := os.WriteFile(jsonFile, append(b, '\n'), 0o600); err != nil {
			return fmt.Errorf("migrate: report: %w", err)
		}
	}
	if csvFile == "" {
		return nil
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"source", "target", "outcome", "step", "error", "target_project_id", "records", "archive_bytes",
		"failed_relations", "seconds", "kind", "target_group_id"})
	for _, r := range results {
		kind := r.Kind
		if kind == "" {
			kind = "project"
		}
		w.Write([]string{r.Source, r.Target(), r.Outcome, r.Step, r.Error, strconv.FormatInt(r.ProjectID, 10),
			strconv.FormatInt(r.Records, 10), strconv.FormatInt(r.ArchiveBytes, 10),
			strconv.Itoa(len(r.FailedRelations)), strconv.FormatFloat(r.Seconds, 'f', 1, 64), kind,
			strconv.FormatInt(r.GroupID, 10)})
	}
	w.Flush()
	if err := os.WriteFile(csvFile, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("migrate: CSV report: %w", err)
	}
	return nil
}
