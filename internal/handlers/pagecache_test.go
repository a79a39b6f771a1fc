package handlers

import (
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/views"
)

func TestPageCache(t *testing.T) {
	parts := func(n int) views.ArticleParts { return views.ArticleParts{Body: strings.Repeat("x", n)} }
	size := parts(100).Size()
	c := newPageCache[views.ArticleParts](3 * size)
	k := func(article int64, stamp int64) pageKey { return pageKey{article: article, revision: 1, stamp: stamp} }

	c.put(k(1, 5), parts(100))
	if _, ok := c.get(k(1, 5)); !ok {
		t.Fatal("a kept entry is missing")
	}
	for _, other := range []pageKey{k(1, 6), k(2, 5), {article: 1, revision: 2, stamp: 5}} {
		if _, ok := c.get(other); ok {
			t.Fatalf("get(%+v) found the entry kept under %+v", other, k(1, 5))
		}
	}
	c.put(k(1, 6), parts(100)) // a newer rendering replaces the article's entry
	if _, ok := c.get(k(1, 5)); ok || c.size != size || len(c.byID) != 1 {
		t.Fatalf("after replacing: old entry found %v, size %d, %d entries", ok, c.size, len(c.byID))
	}
	c.put(k(2, 1), parts(100))
	c.put(k(3, 1), parts(100))
	c.get(k(1, 6)) // 1 is now the most recently read; 2 the least
	c.put(k(4, 1), parts(100))
	if _, ok := c.get(k(2, 1)); ok {
		t.Fatal("the least recently read entry was kept over the budget")
	}
	for _, kept := range []pageKey{k(1, 6), k(3, 1), k(4, 1)} {
		if _, ok := c.get(kept); !ok {
			t.Fatalf("%+v was dropped", kept)
		}
	}
	if c.size != 3*size {
		t.Fatalf("size = %d, want %d", c.size, 3*size)
	}
	c.put(k(5, 1), parts(10*100)) // bigger than the whole budget: not kept, nothing dropped
	if _, ok := c.get(k(5, 1)); ok || len(c.byID) != 3 {
		t.Fatalf("an oversized entry: kept %v, %d entries", ok, len(c.byID))
	}
}
