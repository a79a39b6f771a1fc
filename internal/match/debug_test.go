package match

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestDebugFailures(t *testing.T) {
	if os.Getenv("MATCH_DEBUG") == "" {
		t.Skip()
	}
	dir := claimmatchDir(t)
	ix, _ := loadLibrary(t)
	lib := map[string]rawFactcheck{}
	for _, f := range readLines[rawFactcheck](t, filepath.Join(dir, "factchecks.jsonl")) {
		lib[f.URL] = f
	}
	ps := readLines[post](t, filepath.Join(dir, "train.jsonl"))
	n := 0
	for _, p := range ps {
		rs := rankFull(ix, p.Text)
		pos := -1
		for i, k := range rs {
			if k == p.Relevant[0] {
				pos = i
			}
		}
		if pos == 0 {
			continue
		}
		n++
		if n > 25 {
			continue
		}
		fmt.Printf("\n== %s (rank %d)\nQ: %s\nQT: %v\nWANT: %s | %s\n     %v\n", p.ID, pos, p.Text, Terms(p.Text), lib[p.Relevant[0]].Claim, lib[p.Relevant[0]].Headline, Terms(lib[p.Relevant[0]].Claim+" "+lib[p.Relevant[0]].Headline))
		if len(rs) > 0 {
			fmt.Printf("GOT:  %s | %s\n", lib[rs[0]].Claim, lib[rs[0]].Headline)
		}
	}
	fmt.Println("failures", n)
}

func TestDebugRecall(t *testing.T) {
	if os.Getenv("MATCH_DEBUG") == "" {
		t.Skip()
	}
	dir := claimmatchDir(t)
	ix, _ := loadLibrary(t)
	for _, s := range []string{"train", "dev"} {
		ps := readLines[post](t, filepath.Join(dir, s+".jsonl"))
		hit := map[int]int{}
		for _, p := range ps {
			body, _ := splitPostDate(p.Text)
			qts, _ := ix.lookup(Terms(body))
			for i, c := range ix.retrieve(qts, 400) {
				if ix.docs[c.doc].key == p.Relevant[0] {
					for _, k := range []int{5, 10, 20, 40, 100, 200, 400} {
						if i < k {
							hit[k]++
						}
					}
				}
			}
		}
		fmt.Println(s, len(ps), hit)
	}
}

func TestDebugGrid(t *testing.T) {
	if os.Getenv("MATCH_GRID") == "" {
		t.Skip()
	}
	dir := claimmatchDir(t)
	ix, _ := loadLibrary(t)
	ps := readLines[post](t, filepath.Join(dir, "train.jsonl"))
	dev := readLines[post](t, filepath.Join(dir, "dev.jsonl"))
	for _, wt := range []float64{0.3, 0.5, 0.8} {
		for _, wd := range []float64{0.1, 0.2, 0.35, 0.5} {
			fieldWeight = [nFields]float64{1, wt, wd}
			a := evaluate(ix, ps, rankBM25)
			c := evaluate(ix, dev, rankBM25)
			fmt.Printf("title %.2f desc %.2f: train %.3f dev %.3f\n", wt, wd, a.MAP5, c.MAP5)
		}
	}
}
