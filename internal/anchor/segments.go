package anchor

import (
	"cmp"
	"slices"
)

// Span is one claim's range of the text, in code points.
type Span struct {
	ID         int64
	Start, End int
}

// Segment is a run of text covered by the same claims.
type Segment struct {
	Text     string
	Start    int // code points, absolute
	End      int
	ClaimIDs []int64 // every claim covering this segment, in the order of the spans given; nil for plain text
}

// Paragraph is one paragraph of the text cut into flat segments.
type Paragraph struct {
	Start, End int // code points, absolute, excluding the "\n\n" separator
	Start16    int // UTF-16 offset of Start (the page puts it in a data attribute)
	Segments   []Segment
}

// event is a span opening or closing at pos.
type event struct {
	pos  int
	span int // index into the spans given
	open bool
}

// Paragraphs splits t at "\n\n" and cuts each paragraph at every span
// boundary. Overlapping and nested spans become flat segments, each listing
// every claim that covers it; a span crossing a paragraph break appears in
// both paragraphs. Spans are clipped to the text; empty ones are ignored.
// Empty paragraphs (from "\n\n\n\n") are left out, and an empty text has
// none.
//
// For k spans and p paragraphs it takes O(p log n + k log k) time plus the
// size of the output: at most p + 2k segments, each listing the IDs that
// cover it (so deeply nested spans cost more, as they must).
func Paragraphs(t *Text, spans []Span) []Paragraph {
	if len(t.paras) == 0 {
		return nil
	}
	events := make([]event, 0, 2*len(spans))
	for i, sp := range spans {
		s, e := max(sp.Start, 0), min(sp.End, t.n)
		if s >= e {
			continue
		}
		events = append(events, event{s, i, true}, event{e, i, false})
	}
	slices.SortFunc(events, func(a, b event) int { return cmp.Compare(a.pos, b.pos) })

	var (
		active []int   // indices of the spans covering the current position, ascending
		ids    []int64 // backing store for every segment's ClaimIDs
		segs   = make([]Segment, 0, len(t.paras)+len(events))
		paras  = make([]Paragraph, 0, len(t.paras))
		j      int // next event
	)
	apply := func(upTo int) {
		for ; j < len(events) && events[j].pos <= upTo; j++ {
			ev := events[j]
			k, found := slices.BinarySearch(active, ev.span)
			switch {
			case ev.open && !found:
				active = slices.Insert(active, k, ev.span)
			case !ev.open && found:
				active = slices.Delete(active, k, k+1)
			}
		}
	}
	for _, p := range t.paras {
		apply(p.start)
		first := len(segs)
		for cur := p.start; cur < p.end; {
			next := p.end
			if j < len(events) && events[j].pos < next {
				next = events[j].pos
			}
			seg := Segment{Text: t.Slice(cur, next), Start: cur, End: next}
			if len(active) > 0 {
				from := len(ids)
				for _, i := range active {
					ids = append(ids, spans[i].ID)
				}
				seg.ClaimIDs = ids[from:len(ids):len(ids)]
			}
			segs = append(segs, seg)
			cur = next
			apply(cur)
		}
		paras = append(paras, Paragraph{
			Start:    p.start,
			End:      p.end,
			Start16:  t.UTF16(p.start),
			Segments: segs[first:len(segs):len(segs)],
		})
	}
	return paras
}
