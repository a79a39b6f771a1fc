package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFactChecksImportCommand(t *testing.T) {
	dir := t.TempDir()
	e := env(map[string]string{"CLAIMDESK_DATABASE_URL": filepath.Join(dir, "c.db")})
	ctx := context.Background()
	file := filepath.Join(dir, "feed.jsonl")
	lines := `{"@type":"ClaimReview","url":"https://checks.example/a","claimReviewed":"A"}
not json
{"@type":"ClaimReview","url":"https://checks.example/b","claimReviewed":"B"}
{"@type":"ClaimReview","url":"https://checks.example/a/","claimReviewed":"A again"}
`
	if err := os.WriteFile(file, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"factchecks", "import", "--batch", "1", file}, e, nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "total 4, created 2, updated 1, failed 1") || !strings.Contains(out.String(), "line 2") {
		t.Errorf("output: %q", out.String())
	}
	if !strings.Contains(errOut.String(), "4 items read") {
		t.Errorf("progress: %q", errOut.String())
	}
	// From standard input, a DataFeed: the same fact-checks are updated.
	out.Reset()
	feed := `{"@type":"DataFeed","dataFeedElement":[{"@type":"ClaimReview","url":"https://checks.example/a","claimReviewed":"A"},{"@type":"ClaimReview","url":"https://checks.example/b","claimReviewed":"B"}]}`
	if err := run(ctx, []string{"factchecks", "import", "-"}, e, strings.NewReader(feed), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "total 2, created 0, updated 2, failed 0") {
		t.Errorf("stdin: %q", out.String())
	}
	// A file that is not JSON is an error; usage errors too.
	if err := run(ctx, []string{"factchecks", "import", "-"}, e, strings.NewReader("<html>"), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("not JSON: %v", err)
	}
	for _, args := range [][]string{{"factchecks"}, {"factchecks", "import"}, {"factchecks", "import", "--batch", "0", file}, {"factchecks", "import", filepath.Join(dir, "missing.json")}} {
		if err := run(ctx, args, e, nil, io.Discard, io.Discard); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
}
