package ingest

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir is the shared corpus of real news text (../shared/corpus from
// the repository root). It is not part of the repository; tests that read it
// skip when it is absent.
var corpusDir = filepath.Join("..", "..", "..", "shared", "corpus")

func corpusFile(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(corpusDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared corpus not available (%v); it lives at ../shared/corpus next to the repository", err)
	}
	return p
}

func TestCorpusNewsRevisions(t *testing.T) {
	f, err := os.Open(corpusFile(t, "news-revisions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	n := 0
	for sc.Scan() {
		var rec struct {
			Outlet  string `json:"outlet"`
			Story   int    `json:"story"`
			Version int    `json:"version"`
			HTML    string `json:"html"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		n++
		doc, err := FromHTML([]byte(rec.HTML), nil)
		if err != nil {
			t.Errorf("%s story %d v%d: FromHTML: %v", rec.Outlet, rec.Story, rec.Version, err)
			continue
		}
		if problem := checkCanonicalForm(doc.Text); problem != "" {
			t.Errorf("%s story %d v%d: Text: %s", rec.Outlet, rec.Story, rec.Version, problem)
		}
		if Canonical(doc.Text) != doc.Text {
			t.Errorf("%s story %d v%d: Text is not a fixed point of Canonical", rec.Outlet, rec.Story, rec.Version)
		}
		// Every paragraph of the source must appear as a paragraph of the text.
		paras := strings.Split(doc.Text, "\n\n")
		if got, want := len(paras), strings.Count(strings.ToLower(rec.HTML), "<p"); want > 0 && got < want/2 {
			t.Errorf("%s story %d v%d: %d paragraphs from %d <p> elements", rec.Outlet, rec.Story, rec.Version, got, want)
		}
		// Markup in the text must come from markup escaped in the source
		// (CBC's embedded tweets are served as "&lt;a href=…&gt;").
		for _, m := range []string{"<p", "</p", "<a ", "<img", "<script", "&nbsp;", "&amp;"} {
			escaped := "&amp;" + m[1:]
			if m[0] == '<' {
				escaped = "&lt;" + m[1:]
			}
			if got, max := strings.Count(doc.Text, m), strings.Count(rec.HTML, escaped); got > max {
				t.Errorf("%s story %d v%d: Text contains markup %q %d times, the source escapes it %d times", rec.Outlet, rec.Story, rec.Version, m, got, max)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("news-revisions.jsonl has no records")
	}
}

func TestCorpusHelsinki(t *testing.T) {
	b, err := os.ReadFile(corpusFile(t, "helsinki-summit.txt"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := FromText(b)
	if err != nil {
		t.Fatalf("FromText: %v", err)
	}
	for _, claim := range []string{
		"The Russian state has never interfered and is not going to interfere in internal American affairs including the election process",
		"a grand jury indicted 12 Russian intelligence officers",
		"Kremlin’s interference", // curly apostrophe kept
	} {
		if !strings.Contains(doc.Text, claim) {
			t.Errorf("Text lacks the claim %q", claim)
		}
	}
	if problem := checkCanonicalForm(doc.Text); problem != "" {
		t.Errorf("Text: %s", problem)
	}
}

func TestCorpusNewsText(t *testing.T) {
	dir := corpusFile(t, "news-text")
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no news-text/*.txt files in the shared corpus")
	}
	for _, p := range files {
		t.Run(filepath.Base(p), func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := FromText(b)
			if err != nil {
				t.Fatalf("FromText: %v", err)
			}
			if problem := checkCanonicalForm(doc.Text); problem != "" {
				t.Errorf("Text: %s", problem)
			}
			// Canonicalising never loses words: only whitespace and
			// invisible characters change.
			if got, want := strings.Fields(doc.Text), strings.Fields(string(b)); len(got) != len(want) {
				t.Errorf("%d words after canonicalising, %d before", len(got), len(want))
			}
		})
	}
}
