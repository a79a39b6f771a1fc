package handlers

import (
	"container/list"
	"sync"

	"github.com/claimdesk/claimdesk/views"
)

// pageCacheBytes is the budget for rendered reading-page parts: enough for
// a few hundred large articles (a 500-claim article's parts weigh about
// 400 kB).
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

// pageCache keeps the rendered body and claim list of recently read
// articles, one entry per article, within a byte budget, dropping the
// least recently read first. It is safe for concurrent use; each server
// process has its own, and several processes sharing a database stay
// correct because the key is read from the database on every request.
type pageCache struct {
	mu     sync.Mutex
	budget int
	size   int
	order  *list.List // of *pageEntry, most recently used first
	byID   map[int64]*list.Element
}

type pageEntry struct {
	key   pageKey
	parts views.ArticleParts
}

func newPageCache(budget int) *pageCache {
	return &pageCache{budget: budget, order: list.New(), byID: map[int64]*list.Element{}}
}

// get returns the parts rendered under k, if they are still kept.
func (c *pageCache) get(k pageKey) (views.ArticleParts, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byID[k.article]
	if !ok || el.Value.(*pageEntry).key != k {
		return views.ArticleParts{}, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*pageEntry).parts, true
}

// put keeps parts under k, replacing the article's older entry. Parts
// bigger than the whole budget are not kept.
func (c *pageCache) put(k pageKey, parts views.ArticleParts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byID[k.article]; ok {
		c.remove(el)
	}
	if parts.Size() > c.budget {
		return
	}
	c.byID[k.article] = c.order.PushFront(&pageEntry{key: k, parts: parts})
	c.size += parts.Size()
	for c.size > c.budget {
		c.remove(c.order.Back())
	}
}

func (c *pageCache) remove(el *list.Element) {
	e := c.order.Remove(el).(*pageEntry)
	delete(c.byID, e.key.article)
	c.size -= e.parts.Size()
}
