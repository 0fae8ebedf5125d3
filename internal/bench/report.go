package bench

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
)

// Targets are the goals, printed beside the results.
const (
	ImportRatioTarget = 1.3
	ExportRatioTarget = 1.2
	RSSTargetMB       = 256
	StatusP99TargetMs = 50
)

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// header and row are the results table.
func header() string {
	return "| scale | archive MB | JSON records | import s | import floor s | ratio | export s | export floor s | ratio | import peak RSS MB | export peak RSS MB | status p99 ms |\n" +
		"|---|---|---|---|---|---|---|---|---|---|---|---|"
}

func row(r Result) string {
	return fmt.Sprintf("| %s | %.1f | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f | %.0f | %.1f |", r.Scale,
		float64(r.ArchiveBytes)/1e6, r.Records, r.ImportSec, r.ImportFloorSec, ratio(r.ImportSec, r.ImportFloorSec),
		r.ExportSec, r.ExportFloorSec, ratio(r.ExportSec, r.ExportFloorSec), r.ImportRSSMB, r.ExportRSSMB, r.StatusP99Ms)
}

// throughputHeader and throughputRow are the table of N archives
// imported at once.
func throughputHeader() string {
	return "| scale | store | workers = archives at once | all imported s | archives/min | MB/s | peak RSS MB |\n" +
		"|---|---|---|---|---|---|---|"
}

func throughputRow(r Result) string {
	mb := float64(r.ArchiveBytes) / 1e6 * float64(r.Workers)
	return fmt.Sprintf("| %s | %s | %d | %.2f | %.1f | %.1f | %.0f |", r.Scale, r.store(), r.Workers, r.ImportSec,
		ratio(float64(r.Workers)*60, r.ImportSec), ratio(mb, r.ImportSec), r.ImportRSSMB)
}

func (r Result) store() string { return cmp.Or(r.Store, "sqlite") }

// key identifies a result in the results file: one per scale, store and
// number of workers.
func (r Result) key() string { return fmt.Sprintf("%s/%s/%d", r.Scale, r.store(), r.Workers) }

// Save merges r into the results file (one result per scale, store and
// number of workers).
func Save(path string, r Result) ([]Result, error) {
	results := map[string]Result{}
	if b, err := os.ReadFile(path); err == nil {
		var list []Result
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, fmt.Errorf("results %s: %w", path, err)
		}
		for _, x := range list {
			results[x.key()] = x
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	results[r.key()] = r
	list := make([]Result, 0, len(results))
	for _, x := range results {
		list = append(list, x)
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		return a.Workers < b.Workers || a.Workers == b.Workers && (a.store() > b.store() ||
			a.store() == b.store() && a.ArchiveBytes < b.ArchiveBytes)
	})
	b, _ := json.MarshalIndent(list, "", "  ")
	return list, os.WriteFile(path, append(b, '\n'), 0o644)
}

// Table is the markdown table of import and export results.
func Table(results []Result) string {
	var b strings.Builder
	b.WriteString(header() + "\n")
	for _, r := range results {
		b.WriteString(row(r) + "\n")
	}
	return b.String()
}

// split sorts results into the embedded store's rows, PostgreSQL's and
// the throughput rows.
func split(results []Result) (sqlite, postgres, throughput []Result) {
	for _, r := range results {
		switch {
		case r.Workers > 0:
			throughput = append(throughput, r)
		case r.store() == "postgres":
			postgres = append(postgres, r)
		default:
			sqlite = append(sqlite, r)
		}
	}
	return sqlite, postgres, throughput
}

// sectionText is the generated part of the report.
func sectionText(results []Result, chart string) string {
	sqlite, postgres, throughput := split(results)
	var b strings.Builder
	fmt.Fprintf(&b, "Machines: %s\n\n**Embedded store (SQLite)**\n\n%s\n![time and memory against archive size](%s)\n",
		machines(results), Table(sqlite), chart)
	if len(postgres) > 0 {
		fmt.Fprintf(&b, "\n**PostgreSQL** (the same archives and floors; the server on a local PostgreSQL)\n\n%s", Table(postgres))
	}
	if len(throughput) > 0 {
		fmt.Fprintf(&b, "\n**N archives at once** (one server with N workers, each importing a copy of the archive)\n\n%s\n",
			throughputHeader())
		for _, r := range throughput {
			b.WriteString(throughputRow(r) + "\n")
		}
	}
	if counted := countsTable(sqlite); counted != "" {
		fmt.Fprintf(&b, "\n**Records in the archives** (every level: issues, their notes, the notes' events, ...)\n\n%s", counted)
	}
	return b.String()
}

// countKinds are the kinds of records the counts table shows, in order.
var countKinds = []string{"issues", "merge_requests", "notes", "events", "award_emoji", "system_note_metadata",
	"merge_request_diff_files", "merge_request_diff_commits", "ci_pipelines", "builds"}

// countsTable is the records of each kind of the results that have them.
func countsTable(results []Result) string {
	var b strings.Builder
	for _, r := range results {
		if len(r.Counts) == 0 {
			continue
		}
		if b.Len() == 0 {
			b.WriteString("| scale | " + strings.Join(countKinds, " | ") + " | all records |\n|---|")
			b.WriteString(strings.Repeat("---|", len(countKinds)+1) + "\n")
		}
		fmt.Fprintf(&b, "| %s |", r.Scale)
		var total int64
		for _, n := range r.Counts {
			total += n
		}
		for _, k := range countKinds {
			fmt.Fprintf(&b, " %d |", r.Counts[k])
		}
		fmt.Fprintf(&b, " %d |\n", total)
	}
	return b.String()
}

// WriteReport rewrites the generated section of the markdown file at path
// (between the BENCH markers), keeping what stands around it.
func WriteReport(path string, results []Result, chart string) error {
	const begin, end = "<!-- BENCH:BEGIN -->", "<!-- BENCH:END -->"
	var section strings.Builder
	fmt.Fprintf(&section, "%s\n\n%s\n%s", begin, sectionText(results, chart), end)
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	text := string(old)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i >= 0 && j > i {
		text = text[:i] + section.String() + text[j+len(end):]
	} else {
		text += "\n" + section.String() + "\n"
	}
	return os.WriteFile(path, []byte(text), 0o644)
}

func machines(results []Result) string {
	seen := map[string]bool{}
	var out []string
	for _, r := range results {
		if !seen[r.Machine] {
			seen[r.Machine] = true
			out = append(out, r.Machine+" ("+r.Date+")")
		}
	}
	return strings.Join(out, "; ")
}

// machine describes this computer: CPU model, cores, memory, Go.
func machine() string {
	model, mem := "unknown CPU", ""
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
		f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		if sc.Scan() {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(sc.Text(), "MemTotal:")), "%d", &kb)
			mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
		}
		f.Close()
	}
	return fmt.Sprintf("%s, %d cores%s, %s", model, runtime.NumCPU(), mem, runtime.Version())
}
