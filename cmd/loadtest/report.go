package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// report is one run's results and the conditions they were measured in.
type report struct {
	Dialect           string
	DB                string
	DBBytes           int64
	Seed              seedInfo
	Cfg               config
	Started, Finished time.Time
	LoadBefore        string // /proc/loadavg: other work on the machine skews the numbers
	LoadAfter         string
	LiveSample        int
	DeepPage          int
	Results           []result
	Targets           []target // issue 14's targets, measured in this run
}

// Errors counts the failed requests of every endpoint.
func (r *report) Errors() int {
	n := 0
	for _, res := range r.Results {
		n += res.Errors + res.AloneErrors
	}
	return n
}

// pct is the p-th percentile (nearest rank) of ds.
func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

func (r *report) header() []string {
	c := fmt.Sprint(r.Cfg.Concurrency)
	return []string{"Endpoint", "Requests", "Errors", "Server p50 (1 client)", "p95 (1)",
		"Server p50 (" + c + " clients)", "p95 (" + c + ")", "p99 (" + c + ")", "Client p50 (" + c + ")", "p95 (" + c + ")", "p99 (" + c + ")", "Req/s (" + c + ")", "Avg KB"}
}

func (r *report) rows() [][]string {
	var out [][]string
	for _, res := range r.Results {
		rps := 0.0
		if res.Wall > 0 {
			rps = float64(res.Requests) / res.Wall.Seconds()
		}
		avg := 0.0
		if res.Requests > 0 {
			avg = float64(res.Bytes) / float64(res.Requests) / 1024
		}
		name := res.Name
		if res.StoppedByTime {
			name += " (stopped at the time limit)"
		}
		alone50, alone95 := "–", "–"
		if len(res.Alone) > 0 {
			alone50, alone95 = ms(pct(res.Alone, 50)), ms(pct(res.Alone, 95))
		}
		out = append(out, []string{name, fmt.Sprint(res.Requests + len(res.Alone)), fmt.Sprint(res.Errors + res.AloneErrors),
			alone50, alone95, ms(pct(res.Server, 50)), ms(pct(res.Server, 95)), ms(pct(res.Server, 99)),
			ms(pct(res.Client, 50)), ms(pct(res.Client, 95)), ms(pct(res.Client, 99)),
			fmt.Sprintf("%.0f", rps), fmt.Sprintf("%.1f", avg)})
	}
	return out
}

// Print writes an aligned table.
func (r *report) Print(w io.Writer) {
	fmt.Fprintf(w, "\n%s (synchronous=%s) — %s; latencies in ms; load average before %s, after %s\n", r.title(), r.Cfg.Synchronous, r.seedLine(), r.LoadBefore, r.LoadAfter)
	rows := append([][]string{r.header()}, r.rows()...)
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for k, row := range rows {
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i == 0 {
				fmt.Fprint(w, c+pad)
			} else {
				fmt.Fprint(w, "  "+pad+c)
			}
		}
		fmt.Fprintln(w)
		if k == 0 {
			fmt.Fprintln(w, strings.Repeat("-", sum(widths)+2*(len(widths)-1)))
		}
	}
	for _, res := range r.Results {
		if res.FirstError != "" {
			fmt.Fprintf(w, "%s: first error: %s\n", res.Name, res.FirstError)
		}
	}
	if len(r.Targets) > 0 {
		printTargets(w, r.Targets)
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

func (r *report) title() string {
	if r.Dialect == "postgres" {
		return "PostgreSQL"
	}
	return "SQLite"
}

func (r *report) seedLine() string {
	s := r.Seed
	line := fmt.Sprintf("%d articles, %d claims (%d on the big article), %d claimants, %d sources, %d evidence links",
		s.Articles, s.Claims, r.Cfg.Seed.BigClaims, s.Claimants, s.Sources, s.Evidence)
	if s.Cached {
		return line + fmt.Sprintf("; seeded earlier in %.0f s", s.Seconds)
	}
	return line + fmt.Sprintf("; seeded by this run in %.0f s", s.Seconds)
}

// WriteMarkdown replaces this database's section of the file (between
// marker comments), or appends it, and leaves the rest as it is.
func (r *report) WriteMarkdown(path string) error {
	var b strings.Builder
	begin, end := "<!-- loadtest:"+r.Dialect+" begin -->", "<!-- loadtest:"+r.Dialect+" end -->"
	fmt.Fprintf(&b, "%s\n### %s\n\n", begin, r.title())
	fmt.Fprintf(&b, "Measured %s with:\n\n```sh\n%s\n```\n\n", r.Started.UTC().Format("2006-01-02 15:04 MST"), r.command())
	fmt.Fprintf(&b, "- Machine: %s\n", machine())
	if r.LoadBefore != "" {
		fmt.Fprintf(&b, "- Load average (1, 5, 15 min) before the run: %s; after: %s. Anything above 0 was other work competing for the CPUs.\n", r.LoadBefore, r.LoadAfter)
	}
	fmt.Fprintf(&b, "- Data: %s.\n", r.seedLine())
	if r.Dialect == "sqlite" {
		fmt.Fprintf(&b, "- SQLite synchronous=%s (CLAIMDESK_SQLITE_SYNCHRONOUS).\n", r.Cfg.Synchronous)
	}
	if r.Dialect == "sqlite" && r.DBBytes > 0 {
		fmt.Fprintf(&b, "- SQLite file: %.2f GB", float64(r.DBBytes)/1e9)
		if r.Seed.CopySec > 0 {
			fmt.Fprintf(&b, " (the load runs on a copy of the cached file, made in %.1f s)", r.Seed.CopySec)
		}
		b.WriteString(".\n")
	}
	fmt.Fprintf(&b, "- Load, on loopback: for each endpoint, %d requests from one client alone, then %d from %d concurrent clients, at most %s each; the mixed run sends %d requests from %d clients, 8 in 10 reads and 2 in 10 writes. Random reading pages pick from %d live articles read from random list pages; new claims go to random articles.\n",
		min(r.Cfg.Requests, 200), r.Cfg.Requests, r.Cfg.Concurrency, r.Cfg.MaxTime, 2*r.Cfg.Requests, r.Cfg.Concurrency, r.LiveSample)
	fmt.Fprintf(&b, "- Latencies in milliseconds. Server: time inside the handler stack (routing, session, store, rendering, writing the response). Client: from sending the request to reading the last byte.\n\n")
	rows := append([][]string{r.header()}, r.rows()...)
	for k, row := range rows {
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
		if k == 0 {
			b.WriteString("|---" + strings.Repeat("|--:", len(row)-1) + "|\n")
		}
	}
	for _, res := range r.Results {
		if res.FirstError != "" {
			fmt.Fprintf(&b, "\n%s: first error: `%s`\n", res.Name, res.FirstError)
		}
	}
	if len(r.Targets) > 0 {
		b.WriteString("\nTargets of issue 14, measured in this run (ratio ≥ 1 means met; the warm page and the bare handler were measured one after the other with the same 32 clients):\n\n")
		b.WriteString(targetsMarkdown(r.Targets))
	}
	b.WriteString(end + "\n")
	section := b.String()

	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	doc := string(old)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	switch {
	case i >= 0 && j > i:
		doc = doc[:i] + section + strings.TrimPrefix(doc[j+len(end):], "\n")
	case doc == "":
		doc = "# Benchmarks\n\n" + section
	default:
		doc = strings.TrimRight(doc, "\n") + "\n\n" + section
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}

func (r *report) command() string {
	args := make([]string, 0, len(r.Cfg.Args))
	for _, a := range r.Cfg.Args {
		args = append(args, redact(a))
	}
	cmd := strings.TrimSpace("go run -tags sqlite_fts5 ./cmd/loadtest " + strings.Join(args, " "))
	if len(args) == 0 {
		cmd = "make bench-load   # go run -tags sqlite_fts5 ./cmd/loadtest"
	}
	return cmd
}

// loadAverage returns the 1, 5 and 15-minute load averages, or "".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], ", ")
}

// machine describes the computer: CPUs, CPU model, memory, OS and Go.
func machine() string {
	model := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
		_ = f.Close()
	}
	mem := ""
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var kb int64
			if _, err := fmt.Sscanf(sc.Text(), "MemTotal: %d kB", &kb); err == nil {
				mem = fmt.Sprintf(", %.0f GB RAM", float64(kb)/1024/1024)
				break
			}
		}
		_ = f.Close()
	}
	return fmt.Sprintf("%d CPUs (nproc), %s%s, %s/%s, %s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}
