# Claimdesk. Every build, test and vet needs the sqlite_fts5 tag (SQLite's
# full-text search in mattn/go-sqlite3) and cgo.
GO      ?= go
TAGS    := -tags sqlite_fts5
export CGO_ENABLED := 1

.PHONY: run build test test-postgres test-browser lint generate fmt bench bench-go bench-load check clean

run: ## serve http://localhost:8080 on SQLite under ./data
	$(GO) run $(TAGS) ./cmd/web

build:
	$(GO) build $(TAGS) -o bin/claimdesk ./cmd/web

test: ## the whole suite on SQLite; needs only Go and gcc (browser tests run in test-browser)
	$(GO) test $(TAGS) -race -short -count=1 ./...

test-postgres: ## the same suite on PostgreSQL: TEST_DATABASE_URL=postgres://… make test-postgres
	@if [ -z "$$TEST_DATABASE_URL" ]; then \
		echo "test-postgres: TEST_DATABASE_URL is not set (a PostgreSQL URL; see docs/ci.md)."; \
		if [ "$$CI" = true ]; then exit 2; fi; \
		echo "test-postgres: skipped on this machine."; \
	else \
		echo "$(GO) test $(TAGS) -short -count=1 ./..."; \
		$(GO) test $(TAGS) -short -count=1 ./...; \
	fi

test-browser: ## tests that drive headless Chromium (apt-get install chromium)
	$(GO) test $(TAGS) -count=1 -run 'Browser' ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(TAGS) ./...
	$(GO) tool staticcheck $(TAGS) ./...

generate: ## templ → views/*_templ.go (committed)
	$(GO) tool templ generate -path views

fmt:
	gofmt -w $$(git ls-files '*.go')
	$(GO) tool templ fmt views

bench: bench-go bench-load ## Go benchmarks, then a load run against the real server

bench-go: ## Go benchmarks (with the matching quality report, BenchmarkMatchQuality: needs ../shared/claimmatch), then the re-anchoring quality report (needs ../shared/corpus)
	$(GO) test $(TAGS) -run '^$$' -bench 'Benchmark[^Q]' -benchmem -count=1 ./internal/...
	$(GO) test $(TAGS) -run '^$$' -bench BenchmarkQuality -benchtime 1x -v ./internal/reanchor/

bench-load:
	$(GO) run $(TAGS) ./cmd/loadtest

check: generate lint test
	git diff --exit-code -- views

clean:
	rm -rf bin
