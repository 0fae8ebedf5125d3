package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"
)

// ReadResult is the latency of one kind of read request.
type ReadResult struct {
	Kind          string
	N             int
	P50, P95, P99 time.Duration
}

// ReadsResult is one read-API measurement.
type ReadsResult struct {
	ImportSec float64
	Issues    int
	Kinds     []ReadResult
	PeakRSSMB float64 // the reading server's peak
}

// RunReads imports cfg.Archive into a real `ferry serve`, then, on a new
// process over the same data, sends n requests of each kind of issue read
// one at a time on loopback (lists with a filter and a page of 100 at pages
// spread over the result, a search, one issue, its notes) and reports their
// latency percentiles and the server's peak resident memory.
func RunReads(ctx context.Context, cfg Config, n int) (ReadsResult, error) {
	var out ReadsResult
	data := cfg.Work + "/server"
	srv, err := startServer(ctx, cfg.Binary, data)
	if err != nil {
		return out, err
	}
	var res Result
	res.Scale = cfg.Scale
	id, err := measureImport(ctx, srv, cfg.Archive, &res)
	srv.stop()
	if err != nil {
		return out, fmt.Errorf("import: %w", err)
	}
	out.ImportSec = res.ImportSec
	if srv, err = startServer(ctx, cfg.Binary, data); err != nil {
		return out, err
	}
	defer srv.stop()
	base := "/projects/" + strconv.FormatInt(id, 10) + "/issues"
	total, err := srv.count(base + "?")
	if err != nil {
		return out, err
	}
	out.Issues = total
	if total == 0 {
		return out, fmt.Errorf("the project has no issues")
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	srv.resetPeak()
	// Each kind's query, for the i-th request; pages are spread over the
	// filtered result's pages (counted first).
	pages := func(q string) (func() string, error) {
		t, err := srv.count(base + "?" + q + "&")
		if err != nil {
			return nil, err
		}
		last := max((t+99)/100, 1)
		return func() string {
			return base + "?per_page=100&" + q + "&page=" + strconv.Itoa(1+rnd.IntN(last))
		}, nil
	}
	issue := func() string { return base + "/" + strconv.Itoa(1+rnd.IntN(total)) }
	kinds := []struct {
		name  string
		query string // a list's filter; empty for the single reads
		path  func() string
	}{
		{"list state=opened", "state=opened", nil},
		{"list labels, by updated_at asc", "labels=label-7&order_by=updated_at&sort=asc", nil},
		{"list state+labels", "state=closed&labels=label-3", nil},
		{"list search (a word)", "search=timeout", nil},
		{"list search (a phrase), closed", "search=" + url.QueryEscape("cache index") + "&state=closed", nil},
		{"get issue", "", issue},
		{"get issue notes", "", func() string { return issue() + "/notes?per_page=100" }},
	}
	for _, k := range kinds {
		path := k.path
		if path == nil {
			if path, err = pages(k.query); err != nil {
				return out, err
			}
		}
		lat := make([]time.Duration, 0, n)
		for range n {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			t0 := time.Now()
			if _, err := srv.get(path()); err != nil {
				return out, fmt.Errorf("%s: %w", k.name, err)
			}
			lat = append(lat, time.Since(t0))
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		r := ReadResult{Kind: k.name, N: n, P50: pct(lat, 50), P95: pct(lat, 95), P99: pct(lat, 99)}
		out.Kinds = append(out.Kinds, r)
		fmt.Fprintf(cfg.Out, "%-34s n=%d p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms\n", r.Kind, r.N, ms(r.P50), ms(r.P95), ms(r.P99))
	}
	out.PeakRSSMB = srv.resetPeak()
	fmt.Fprintf(cfg.Out, "reads %s: %d issues, import %.1f s, reading server peak RSS %.0f MB\n", cfg.Scale, out.Issues, out.ImportSec, out.PeakRSSMB)
	return out, nil
}

func ms(d time.Duration) float64 { return d.Seconds() * 1000 }

// pct is the p-th percentile of sorted latencies.
func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, (len(sorted)*p+99)/100-1)]
}

// get sends a GET, reads the whole answer and returns its X-Total header
// ("" when absent) and how many items the answer (a list) holds.
func (s *server) get(path string) (listPage, error) {
	req, err := http.NewRequest("GET", s.base+"/api/v4"+path, nil)
	if err != nil {
		return listPage{}, err
	}
	req.Header.Set("PRIVATE-TOKEN", s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return listPage{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return listPage{}, err
	}
	if resp.StatusCode != 200 {
		return listPage{}, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	var items []json.RawMessage
	_ = json.Unmarshal(body, &items) // a single item is no list
	return listPage{total: resp.Header.Get("X-Total"), items: len(items)}, nil
}

// listPage is what get reads of a list's answer.
type listPage struct {
	total string
	items int
}

// count returns how many items the list at path (ending in "?" or "&")
// holds: its X-Total, or, for a list too long for GitLab to count (over
// 10,000 items, no X-Total), the items of its pages of 100, the last one
// found by bisection.
func (s *server) count(path string) (int, error) {
	at := func(page int) (listPage, error) { return s.get(path + "per_page=100&page=" + strconv.Itoa(page)) }
	first, err := at(1)
	if err != nil || first.total != "" {
		t, _ := strconv.Atoi(first.total)
		return t, err
	}
	lo, hi := 1, 2 // pages lo and before hold items; hi is unknown
	for {
		p, err := at(hi)
		if err != nil {
			return 0, err
		}
		if p.items == 0 {
			break
		}
		lo, hi = hi, hi*2
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		p, err := at(mid)
		if err != nil {
			return 0, err
		}
		if p.items > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	last, err := at(lo)
	return (lo-1)*100 + last.items, err
}
