package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/claimdesk/claimdesk/internal/handlers"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/static"
)

// endpointHeader names, on each request, the row of the table it counts in;
// the server-side timer files its measurement under the same name.
const endpointHeader = "X-Loadtest-Endpoint"

// sessionCookie is the name of Claimdesk's session cookie (internal/handlers).
const sessionCookie = "claimdesk_session"

// serverTimer wraps the application's handler and records how long each
// request spent in it: routing, middleware, store, rendering and writing
// the response into the socket, without the network or the client.
type serverTimer struct {
	next http.Handler
	mu   sync.Mutex
	by   map[string][]time.Duration
}

func (t *serverTimer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	t.next.ServeHTTP(w, r)
	d := time.Since(start)
	if name := r.Header.Get(endpointHeader); name != "" {
		t.mu.Lock()
		t.by[name] = append(t.by[name], d)
		t.mu.Unlock()
	}
}

func (t *serverTimer) take(name string) []time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := t.by[name]
	delete(t.by, name)
	return d
}

// endpoint is one row of the table: how to make its n-th request.
type endpoint struct {
	Name  string
	Write bool
	req   func(r *rand.Rand) (*http.Request, error)
}

// result is the measurement of one endpoint.
type result struct {
	Name          string
	Requests      int
	Errors        int
	FirstError    string
	Server        []time.Duration
	Alone         []time.Duration // server times with one client
	AloneErrors   int
	Client        []time.Duration
	Bytes         int64
	Wall          time.Duration
	StoppedByTime bool
}

// load starts the server, signs in and runs every endpoint in turn.
func load(ctx context.Context, cfg config, st *store.Store, seed seedInfo, log *slog.Logger, stderr io.Writer) (*report, error) {
	rep := &report{Dialect: st.Dialect(), Seed: seed, Cfg: cfg, Started: time.Now(), LoadBefore: loadAverage()}
	assets, err := static.Load()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	base := "http://" + ln.Addr().String()
	timer := &serverTimer{by: map[string][]time.Duration{}}
	timer.next = handlers.New(handlers.Deps{Store: st, Log: log, Assets: assets, BaseURL: base})
	srv := &http.Server{Handler: timer, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()

	user, err := benchUser(ctx, st, "loadtest@loadtest.example.org", "Load test", models.RoleAdmin)
	if err != nil {
		return nil, err
	}
	cookie, _, err := st.CreateSession(ctx, user)
	if err != nil {
		return nil, err
	}
	token, _, err := st.CreateToken(ctx, store.ActorOf(user), user.ID, "loadtest", time.Hour)
	if err != nil {
		return nil, err
	}
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConns: 4 * cfg.Concurrency, MaxIdleConnsPerHost: 4 * cfg.Concurrency,
			DisableCompression: true, IdleConnTimeout: time.Minute},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, // a redirect to /login is a failure
		Timeout:       30 * time.Second,
	}
	page := func(path string) func(*rand.Rand) (*http.Request, error) {
		return func(*rand.Rand) (*http.Request, error) {
			r, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
			if err == nil {
				r.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
			}
			return r, err
		}
	}
	api := func(method, path string, body []byte) (*http.Request, error) {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		r, err := http.NewRequestWithContext(ctx, method, base+path, rd)
		if err == nil {
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Accept", "application/json")
			if body != nil {
				r.Header.Set("Content-Type", "application/json")
			}
		}
		return r, err
	}

	// Live article ids, read through the API from random pages (not measured).
	ids, err := liveArticles(ctx, client, api, seed.Articles)
	if err != nil {
		return nil, fmt.Errorf("listing articles to pick from: %w", err)
	}
	rep.LiveSample = len(ids)
	big := seed.BigArticle
	if big == 0 {
		big = ids[0]
	}
	deepPage := min(2000, max(seed.Articles/25-1, 1))
	rep.DeepPage = deepPage
	randomID := func(r *rand.Rand) int64 { return ids[r.IntN(len(ids))] }
	eps := []endpoint{
		{Name: "GET /articles", req: page("/articles")},
		{Name: fmt.Sprintf("GET /articles?page=%d", deepPage), req: page("/articles?page=" + strconv.Itoa(deepPage))},
		{Name: "GET /articles?q=" + cfg.Search, req: page("/articles?q=" + cfg.Search)},
		{Name: "GET /articles/{id} (random)", req: func(r *rand.Rand) (*http.Request, error) {
			return page("/articles/" + strconv.FormatInt(randomID(r), 10))(r)
		}},
		{Name: fmt.Sprintf("GET /articles/{id} (%d claims)", seed.claimsOnBig(cfg)), req: page("/articles/" + strconv.FormatInt(big, 10))},
		{Name: "GET /api/v1/articles", req: func(*rand.Rand) (*http.Request, error) { return api(http.MethodGet, "/api/v1/articles", nil) }},
		{Name: fmt.Sprintf("GET /api/v1/articles?page=%d", deepPage), req: func(*rand.Rand) (*http.Request, error) {
			return api(http.MethodGet, "/api/v1/articles?page="+strconv.Itoa(deepPage), nil)
		}},
		{Name: fmt.Sprintf("GET /api/v1/articles/{id}/claims (%d claims)", seed.claimsOnBig(cfg)), req: func(*rand.Rand) (*http.Request, error) {
			return api(http.MethodGet, "/api/v1/articles/"+strconv.FormatInt(big, 10)+"/claims", nil)
		}},
		// The review side (issue 5): counts come from the claim tallies or
		// stop at store.CountCap, so none of these counts a million rows.
		{Name: "GET /dashboard", req: page("/dashboard")},
		{Name: "GET /board", req: page("/board")},
		{Name: "GET /board?no_evidence=1", req: page("/board?no_evidence=1")},
		{Name: "GET /board?overdue=1", req: page("/board?overdue=1")},
		{Name: "GET /queue", req: page("/queue")},
		{Name: "GET /api/v1/claims?state=researching", req: func(*rand.Rand) (*http.Request, error) {
			return api(http.MethodGet, "/api/v1/claims?state=researching", nil)
		}},
		{Name: "POST /api/v1/articles/{id}/claims", Write: true, req: func(r *rand.Rand) (*http.Request, error) {
			return api(http.MethodPost, "/api/v1/articles/"+strconv.FormatInt(randomID(r), 10)+"/claims", newClaimBody(r))
		}},
	}
	for _, ep := range eps {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if cfg.Only != nil && !cfg.Only.MatchString(ep.Name) {
			continue
		}
		// One client alone first: the time the server needs for a request
		// when nothing else queues for the CPUs (and a warm-up for the run
		// with all clients, which follows).
		alone := runEndpoint(ctx, client, timer, ep, min(cfg.Requests, 200), 1, cfg.MaxTime)
		res := runEndpoint(ctx, client, timer, ep, cfg.Requests, cfg.Concurrency, cfg.MaxTime)
		res.Alone, res.AloneErrors = alone.Server, alone.Errors
		if res.FirstError == "" {
			res.FirstError = alone.FirstError
		}
		rep.Results = append(rep.Results, res)
		fmt.Fprintf(stderr, "%-52s %5d requests, %d errors, server p50 %s\n", ep.Name, res.Requests, res.Errors, ms(pct(res.Server, 50)))
	}

	if cfg.Only == nil || cfg.Only.MatchString("targets") {
		ts, err := measureTargets(ctx, targetEnv{base: base, client: client, page: page, api: api, timer: timer, st: st, big: big, results: rep.Results, cfg: cfg}, stderr)
		if err != nil {
			return nil, fmt.Errorf("targets: %w", err)
		}
		rep.Targets = ts
	}

	// Mixed: reads and writes at once, as in a newsroom: 8 in 10 requests read, 2 write.
	mix := func(name string) endpoint {
		for _, ep := range eps {
			if ep.Name == name {
				return endpoint{Name: "mixed: " + name, Write: ep.Write, req: ep.req}
			}
		}
		panic("loadtest: no endpoint " + name)
	}
	mixed := []endpoint{
		mix("GET /articles/{id} (random)"),
		mix("GET /articles"),
		mix("GET /api/v1/articles"),
		{Name: "mixed: GET /articles/{id} (big)", req: eps[4].req},
		mix("GET /board"),
		mix("POST /api/v1/articles/{id}/claims"),
	}
	weights := []int{4, 2, 1, 1, 1, 2}
	if cfg.Only != nil && !cfg.Only.MatchString("mixed") {
		mixed, weights = nil, nil
	}
	for _, res := range runMixedIf(len(mixed) > 0, ctx, client, timer, mixed, weights, 2*cfg.Requests, cfg.Concurrency, cfg.MaxTime) {
		rep.Results = append(rep.Results, res)
		fmt.Fprintf(stderr, "%-52s %5d requests, %d errors, server p50 %s\n", res.Name, res.Requests, res.Errors, ms(pct(res.Server, 50)))
	}
	rep.Finished, rep.LoadAfter = time.Now(), loadAverage()
	return rep, nil
}

// claimsOnBig is the number of claims on the big article, for the row names.
func (s seedInfo) claimsOnBig(cfg config) int {
	if s.BigArticle == 0 {
		return 0
	}
	return cfg.Seed.BigClaims
}

// newClaimBody marks a span near the start of an article (every generated
// article has at least 2,000 characters), attributed to one of 20 claimants.
func newClaimBody(r *rand.Rand) []byte {
	start := r.IntN(1500)
	body, _ := json.Marshal(map[string]any{
		"start": start, "end": start + 20 + r.IntN(180),
		"summary":  "Load-test claim",
		"type":     models.ClaimTypes[r.IntN(len(models.ClaimTypes))],
		"claimant": fmt.Sprintf("Load-test speaker %d", 1+r.IntN(20)),
	})
	return body
}

// liveArticles reads ids of live articles from up to 20 random pages of the API.
func liveArticles(ctx context.Context, client *http.Client, api func(string, string, []byte) (*http.Request, error), articles int) ([]int64, error) {
	pages := max(articles/100, 1)
	r := rand.New(rand.NewPCG(42, 42))
	var ids []int64
	for i := 0; i < 20 && len(ids) < 2000; i++ {
		req, err := api(http.MethodGet, fmt.Sprintf("/api/v1/articles?per_page=100&page=%d", 1+r.IntN(pages)), nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		var body struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil {
			return nil, fmt.Errorf("GET %s: %s %v", req.URL.Path, resp.Status, err)
		}
		for _, it := range body.Items {
			ids = append(ids, it.ID)
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("no articles")
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// runEndpoint sends n requests from c workers, stopping early after maxTime.
func runEndpoint(ctx context.Context, client *http.Client, timer *serverTimer, ep endpoint, n, c int, maxTime time.Duration) result {
	res := runMixed(ctx, client, timer, []endpoint{ep}, []int{1}, n, c, maxTime)
	res[0].Name = ep.Name
	return res[0]
}

func runMixedIf(run bool, ctx context.Context, client *http.Client, timer *serverTimer, eps []endpoint, weights []int, n, c int, maxTime time.Duration) []result {
	if !run {
		return nil
	}
	return runMixed(ctx, client, timer, eps, weights, n, c, maxTime)
}

// runMixed sends n requests in all from c workers, each request to an
// endpoint picked by weight, and reports per endpoint.
func runMixed(ctx context.Context, client *http.Client, timer *serverTimer, eps []endpoint, weights []int, n, c int, maxTime time.Duration) []result {
	total := 0
	for _, w := range weights {
		total += w
	}
	type sample struct {
		ep       int
		d        time.Duration
		bytes    int64
		err      string
		failures int
	}
	var next atomic.Int64
	deadline := time.Now().Add(maxTime)
	var stoppedByTime atomic.Bool
	samples := make([][]sample, c)
	started := time.Now()
	var wg sync.WaitGroup
	for w := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w)+1, uint64(n)))
			for next.Add(1) <= int64(n) {
				if time.Now().After(deadline) {
					stoppedByTime.Store(true)
					return
				}
				if ctx.Err() != nil {
					return
				}
				k := 0
				for x := r.IntN(total); x >= weights[k]; k++ {
					x -= weights[k]
				}
				s := sample{ep: k}
				req, err := eps[k].req(r)
				if err != nil {
					s.err, s.failures = err.Error(), 1
					samples[w] = append(samples[w], s)
					continue
				}
				if eps[k].Name != "" {
					req.Header.Set(endpointHeader, eps[k].Name)
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					s.bytes, err = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
				}
				s.d = time.Since(t0)
				switch {
				case err != nil:
					s.err, s.failures = err.Error(), 1
				case resp.StatusCode < 200 || resp.StatusCode > 299:
					s.err, s.failures = fmt.Sprintf("%s %s → %s", req.Method, req.URL.RequestURI(), resp.Status), 1
				}
				samples[w] = append(samples[w], s)
			}
		}()
	}
	wg.Wait()
	wall := time.Since(started)
	out := make([]result, len(eps))
	for i, ep := range eps {
		out[i] = result{Name: ep.Name, Wall: wall, StoppedByTime: stoppedByTime.Load()}
	}
	for _, ws := range samples {
		for _, s := range ws {
			o := &out[s.ep]
			o.Requests++
			o.Errors += s.failures
			if s.err != "" && o.FirstError == "" {
				o.FirstError = s.err
			}
			o.Client = append(o.Client, s.d)
			o.Bytes += s.bytes
		}
	}
	for i := range out {
		out[i].Server = timer.take(out[i].Name)
	}
	return out
}
