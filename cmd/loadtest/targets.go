package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/claimdesk/claimdesk/internal/store"
)

// target is one of issue 14's targets: what was measured beside its goal.
// Ratio is measured/goal for "at least" goals and goal/measured for "at
// most" goals, so that 1 or more always means met.
type target struct {
	Name     string
	Goal     string
	Measured string
	Ratio    float64
	Note     string
}

func (t target) Met() bool { return t.Ratio >= 1 }

func atLeast(name string, got, goal float64, unit, note string) target {
	return target{Name: name, Goal: fmt.Sprintf("≥ %s%s", num(goal), unit), Measured: num(got) + unit, Ratio: got / goal, Note: note}
}

func atMost(name string, got, goal float64, unit, note string) target {
	r := goal / got
	if got <= 0 {
		r = 99
	}
	return target{Name: name, Goal: fmt.Sprintf("< %s%s", num(goal), unit), Measured: num(got) + unit, Ratio: r, Note: note}
}

func num(x float64) string {
	switch {
	case x >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// targetEnv is what measureTargets needs of the running load test.
type targetEnv struct {
	base    string
	client  *http.Client
	page    func(path string) func(*rand.Rand) (*http.Request, error)
	api     func(method, path string, body []byte) (*http.Request, error)
	timer   *serverTimer
	st      *store.Store
	big     int64
	results []result
	cfg     config
}

func (e targetEnv) result(name string) (result, bool) {
	for _, r := range e.results {
		if r.Name == name {
			return r, true
		}
	}
	return result{}, false
}

// measureTargets measures issue 14's targets. Ratios compare two figures
// of this run (the reading page against a bare net/http handler sending the
// same bytes, measured one after the other with the same clients).
func measureTargets(ctx context.Context, e targetEnv, stderr io.Writer) ([]target, error) {
	var out []target
	if r, ok := e.result("POST /api/v1/articles/{id}/claims"); ok && r.Wall > 0 {
		rps := float64(r.Requests) / r.Wall.Seconds()
		out = append(out,
			atLeast(fmt.Sprintf("claim creation, %d clients", e.cfg.Concurrency), rps, 2000, "/s", "POST /api/v1/articles/{id}/claims"),
			atMost("claim creation p99 (client)", float64(pct(r.Client, 99).Microseconds())/1000, 50, " ms", ""))
	}
	for _, name := range []string{"GET /dashboard", "GET /queue"} {
		if r, ok := e.result(name); ok {
			out = append(out, atMost(name+" p95 (server)", float64(pct(r.Server, 95).Microseconds())/1000, 10, " ms", fmt.Sprintf("%d clients", e.cfg.Concurrency)))
		}
	}

	// The reading page of the big article, warm.
	a, err := e.st.Article(ctx, e.big)
	if err != nil {
		return out, err
	}
	claims, err := e.st.ArticleReadingClaims(ctx, e.big)
	if err != nil {
		return out, err
	}
	path := "/articles/" + strconv.FormatInt(e.big, 10)
	req, _ := e.page(path)(nil)
	res, err := e.client.Do(req)
	if err != nil {
		return out, err
	}
	html, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return out, fmt.Errorf("reading page: %s", res.Status)
	}
	out = append(out, atMost(fmt.Sprintf("reading page HTML / article text (%d claims)", len(claims)), float64(len(html))/float64(len(a.Text)), 3, "×",
		fmt.Sprintf("%d bytes of HTML for %d of text", len(html), len(a.Text))))
	for _, enc := range []string{"br", "gzip"} {
		req, _ := e.page(path)(nil)
		req.Header.Set("Accept-Encoding", enc)
		if res, err := e.client.Do(req); err == nil {
			n, _ := io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			out = append(out, target{Name: "reading page bytes on the wire, " + enc, Goal: "(reported)", Measured: fmt.Sprintf("%d B", n), Ratio: 1,
				Note: fmt.Sprintf("%.1f%% of %d; encoding %q", 100*float64(n)/float64(len(html)), len(html), res.Header.Get("Content-Encoding"))})
		}
	}
	etag := res.Header.Get("ETag")
	req, _ = e.page(path)(nil)
	req.Header.Set("If-None-Match", etag)
	status := 0
	if res, err := e.client.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		status = res.StatusCode
	}
	t304 := target{Name: "unchanged reading page answers 304", Goal: "304", Measured: strconv.Itoa(status), Note: "If-None-Match: " + etag}
	if status == http.StatusNotModified {
		t304.Ratio = 1
	}
	out = append(out, t304)

	// Warm page against a bare handler sending the same bytes, 32 clients.
	const conns = 32
	n := max(e.cfg.Requests, 2000)
	warm := runEndpoint(ctx, e.client, e.timer, endpoint{Name: "targets: reading page warm", req: e.page(path)}, n, conns, e.cfg.MaxTime)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return out, err
	}
	ctype := res.Header.Get("Content-Type")
	bare := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ctype)
		_, _ = w.Write(html)
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = bare.Serve(ln) }()
	bareURL := "http://" + ln.Addr().String() + "/"
	bareRes := runEndpoint(ctx, e.client, e.timer, endpoint{Name: "targets: bare handler", req: func(*rand.Rand) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, bareURL, nil)
	}}, n, conns, e.cfg.MaxTime)
	_ = bare.Close()
	wr, br := rate(warm), rate(bareRes)
	out = append(out, target{Name: "reading page warm / bare net/http, 32 clients", Goal: "≥ 0.50", Measured: fmt.Sprintf("%.2f", wr/br),
		Ratio: wr / br / 0.5, Note: fmt.Sprintf("%.0f/s against %.0f/s; %d errors", wr, br, warm.Errors+bareRes.Errors)})

	// Cold: the first view after a change, one client.
	var cold []time.Duration
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 60 && ctx.Err() == nil; i++ {
		if err := touchPage(ctx, e, r); err != nil {
			return out, err
		}
		req, _ := e.page(path)(nil)
		req.Header.Set(endpointHeader, "targets: cold")
		res, err := e.client.Do(req)
		if err != nil {
			return out, err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
	}
	cold = e.timer.take("targets: cold")
	out = append(out, atMost(fmt.Sprintf("reading page cold p95 (server, %d claims)", len(claims)), float64(pct(cold, 95).Microseconds())/1000, 20, " ms",
		fmt.Sprintf("%d views, each after a new claim", len(cold))))

	if rss := rssMB(); rss > 0 {
		out = append(out, atMost("resident memory after the run", rss, 150, " MB", "VmRSS of the load test's process (server and clients); not the 10-minute soak"))
	}
	return out, nil
}

func rate(r result) float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Wall.Seconds()
}

// touchPage makes a change that every reading page of the big article must
// show: a new claim on it.
func touchPage(ctx context.Context, e targetEnv, r *rand.Rand) error {
	req, err := e.api(http.MethodPost, "/api/v1/articles/"+strconv.FormatInt(e.big, 10)+"/claims", newClaimBody(r))
	if err != nil {
		return err
	}
	res, err := e.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("new claim on the big article: %s", res.Status)
	}
	return nil
}

// rssMB is the process's resident set in MB (Linux), 0 when unknown.
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// printTargets writes the targets' table; a missed target is flagged.
func printTargets(w io.Writer, ts []target) {
	fmt.Fprintln(w, "\nTargets (issue 14): ratio ≥ 1 means met")
	rows := [][]string{{"Target", "Goal", "Measured", "Ratio", "", "Note"}}
	for _, t := range ts {
		flag := "met"
		if !t.Met() {
			flag = "MISSED"
		}
		rows = append(rows, []string{t.Name, t.Goal, t.Measured, fmt.Sprintf("%.2f", t.Ratio), flag, t.Note})
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, c := range row {
			b.WriteString(c + strings.Repeat(" ", widths[i]-len([]rune(c))) + "  ")
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// targetsMarkdown is the targets' table in Markdown.
func targetsMarkdown(ts []target) string {
	var b strings.Builder
	b.WriteString("| Target | Goal | Measured | Ratio | | Note |\n|---|---|---|---|---|---|\n")
	for _, t := range ts {
		flag := "met"
		if !t.Met() {
			flag = "**MISSED**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %.2f | %s | %s |\n", t.Name, t.Goal, t.Measured, t.Ratio, flag, t.Note)
	}
	return b.String()
}
