package match

import (
	"path/filepath"
	"testing"
)

// BenchmarkIndexMatch is one match against the 14,231-item claimmatch
// library in memory (no database): the dev posts in turn.
func BenchmarkIndexMatch(b *testing.B) {
	dir := claimmatchDir(b)
	ix, _ := loadLibrary(b)
	ps := readLines[post](b, filepath.Join(dir, "dev.jsonl"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := ps[i%len(ps)]
		ix.Match(Query{Text: p.Text}, 10)
	}
}
