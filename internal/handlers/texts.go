package handlers

import (
	"context"

	"github.com/claimdesk/claimdesk/internal/anchor"
)

// textCacheBytes is the budget of the indexed article texts kept for
// marking: a 30 kB article with its offset index weighs about 150 kB.
const textCacheBytes = 16 << 20

// indexedText is an article revision's canonical text with its offset
// index, as marking a claim needs it. A revision's text never changes, so
// an entry is never stale.
type indexedText struct {
	*anchor.Text
	revision int
}

// Size is the text's weight: the bytes and about four bytes of index per code point.
func (t indexedText) Size() int { return len(t.String()) + 4*t.Len() }

// articleText returns the current revision of a live article and its
// indexed text, reading the text and building the index only when the
// revision is new to this process: marking a claim then costs one
// one-row read of the revision number instead of the whole article.
func (h *handler) articleText(ctx context.Context, id int64) (indexedText, error) {
	rev, err := h.store.ArticleRevision(ctx, id)
	if err != nil {
		return indexedText{}, err
	}
	key := pageKey{article: id, revision: rev}
	if t, ok := h.texts.get(key); ok {
		return t, nil
	}
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return indexedText{}, err
	}
	t := indexedText{Text: anchor.NewText(a.Text), revision: a.Revision}
	h.texts.put(pageKey{article: id, revision: a.Revision}, t)
	return t, nil
}
