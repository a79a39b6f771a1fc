package handlers

import (
	"container/list"
	"sync"
)

// pageCacheBytes is the budget for rendered reading-page parts, and again
// for encoded claim lists of the API: enough for a few hundred large
// articles (a 500-claim article's parts or list weigh about 400 kB).
const pageCacheBytes = 32 << 20

// pageKey names one rendering of an article's parts: the revision gives the
// text, the stamp (store.PageStamp) every claim, claimant and verdict label
// on it. Any change to those makes a new key, so an entry is never stale;
// it is only replaced.
type pageKey struct {
	article  int64
	revision int
	stamp    int64
}

// sized is what a pageCache keeps: something that knows its weight.
type sized interface{ Size() int }

// pageCache keeps what was made from an article's claims (the reading
// page's rendered parts, the API's encoded list), one entry per article,
// within a byte budget, dropping the least recently read first. It is safe
// for concurrent use; each server process has its own, and several
// processes sharing a database stay correct because the key is read from
// the database on every request.
type pageCache[V sized] struct {
	mu     sync.Mutex
	budget int
	size   int
	order  *list.List // of *pageEntry[V], most recently used first
	byID   map[int64]*list.Element
}

type pageEntry[V sized] struct {
	key   pageKey
	parts V
}

func newPageCache[V sized](budget int) *pageCache[V] {
	return &pageCache[V]{budget: budget, order: list.New(), byID: map[int64]*list.Element{}}
}

// get returns what was kept under k, if it still is.
func (c *pageCache[V]) get(k pageKey) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byID[k.article]
	if !ok || el.Value.(*pageEntry[V]).key != k {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*pageEntry[V]).parts, true
}

// put keeps parts under k, replacing the article's older entry. Parts
// bigger than the whole budget are not kept.
func (c *pageCache[V]) put(k pageKey, parts V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byID[k.article]; ok {
		c.remove(el)
	}
	if parts.Size() > c.budget {
		return
	}
	c.byID[k.article] = c.order.PushFront(&pageEntry[V]{key: k, parts: parts})
	c.size += parts.Size()
	for c.size > c.budget {
		c.remove(c.order.Back())
	}
}

func (c *pageCache[V]) remove(el *list.Element) {
	e := c.order.Remove(el).(*pageEntry[V])
	delete(c.byID, e.key.article)
	c.size -= e.parts.Size()
}

// jsonBody is an encoded JSON response, as the claim-list cache keeps it.
type jsonBody []byte

// Size is the body's weight in bytes.
func (b jsonBody) Size() int { return len(b) + 64 }
