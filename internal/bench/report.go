package bench

import (
	"bufio"
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
	ImportRatioTarget = 1.5
	ExportRatioTarget = 1.3
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

// Save merges r into the results file (one result per scale).
func Save(path string, r Result) ([]Result, error) {
	results := map[string]Result{}
	if b, err := os.ReadFile(path); err == nil {
		var list []Result
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, fmt.Errorf("results %s: %w", path, err)
		}
		for _, x := range list {
			results[x.Scale] = x
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	results[r.Scale] = r
	list := make([]Result, 0, len(results))
	for _, x := range results {
		list = append(list, x)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ArchiveBytes < list[j].ArchiveBytes })
	b, _ := json.MarshalIndent(list, "", "  ")
	return list, os.WriteFile(path, append(b, '\n'), 0o644)
}

// Table is the markdown table of results.
func Table(results []Result) string {
	var b strings.Builder
	b.WriteString(header() + "\n")
	for _, r := range results {
		b.WriteString(row(r) + "\n")
	}
	return b.String()
}

// WriteReport rewrites the generated section of the markdown file at path
// (between the BENCH markers), keeping what stands around it.
func WriteReport(path string, results []Result, chart string) error {
	const begin, end = "<!-- BENCH:BEGIN -->", "<!-- BENCH:END -->"
	var section strings.Builder
	fmt.Fprintf(&section, "%s\n\nMachines: %s\n\n%s\n![time and memory against archive size](%s)\n\n%s", begin,
		machines(results), Table(results), chart, end)
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
