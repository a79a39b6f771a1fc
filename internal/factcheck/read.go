// Package factcheck reads published fact-checks (schema.org ClaimReview
// JSON-LD, in every shape feeds use) and imports them into the library.
// The API, the import page, the command line and the benchmarks all go
// through Reader and Import, so they accept and refuse the same things.
package factcheck

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/claimdesk/claimdesk/internal/models"
)

// MaxLineBytes is the longest line of a JSON Lines file read as one item.
const MaxLineBytes = 1 << 20

// Item is one ClaimReview read from a file: valid (Failure nil) or the
// reason it cannot be imported.
type Item struct {
	Index     int    // position among the file's items, from 0
	Line      int    // line of a JSON Lines file, from 1; 0 in other shapes
	URL       string // the url as given, for reports ("" when missing)
	FactCheck models.FactCheck
	Failure   *Failure
}

// Failure says why an item is not imported.
type Failure struct {
	Reason  string `json:"reason"` // a stable code, listed in docs/factchecks.md
	Message string `json:"message"`
}

// Reasons an item fails.
const (
	ReasonNotJSON        = "not_json"        // a JSON Lines line that is not JSON
	ReasonNotClaimReview = "not_claimreview" // another @type, or not an object
	ReasonMissingURL     = "missing_url"
	ReasonBadURL         = "bad_url"
	ReasonMissingClaim   = "missing_claim_reviewed"
	ReasonTooLong        = "too_long"
	ReasonInvalid        = "invalid" // a field of the wrong type, a date or language that cannot be read, NUL
)

// Reader reads the items of a file one at a time, in file order, holding
// one item (or one line) in memory at once: a DataFeed's dataFeedElement,
// a @graph and a top-level array are read element by element, so a file
// of any size can be imported in batches. Shapes: a ClaimReview object;
// an array of them; a DataFeed whose dataFeedElement holds ClaimReviews or
// DataFeedItems (each with its ClaimReview in item); an object with
// @graph; JSON Lines (one of these a line). JSON Lines are recognised
// when the first line is a whole JSON value and more follow, or forced
// with Lines (Content-Type: application/x-ndjson).
type Reader struct {
	br      *bufio.Reader
	lines   bool
	started bool
	index   int
	line    int
	pending []Item

	dec    *json.Decoder // document mode
	stack  []func() error
	done   bool
	single map[string]any // a top-level object read key by key
}

// NewReader reads ClaimReviews from r. With lines, r is JSON Lines.
func NewReader(r io.Reader, lines bool) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), lines: lines}
}

// Next returns the next item, or io.EOF after the last. Any other error
// is about the file as a whole (not JSON, not JSON-LD, cut short): a
// models.ValidationError on "file", or the read error.
func (r *Reader) Next() (Item, error) {
	for len(r.pending) == 0 {
		if r.done {
			return Item{}, io.EOF
		}
		if err := r.fill(); err != nil {
			r.done = true
			return Item{}, err
		}
	}
	it := r.pending[0]
	r.pending = r.pending[1:]
	return it, nil
}

// fill reads at least one more item into pending, or sets done.
func (r *Reader) fill() error {
	if !r.started {
		r.started = true
		return r.start()
	}
	if r.lines {
		return r.nextLine()
	}
	return r.nextInDocument()
}

const utf8BOM = "\ufeff"

// start skips a byte-order mark and whitespace and decides the shape.
func (r *Reader) start() error {
	if b, err := r.br.Peek(3); err == nil && string(b) == utf8BOM {
		_, _ = r.br.Discard(3)
	}
	if r.lines {
		return r.nextLine()
	}
	first, err := r.skipSpace()
	if err == io.EOF {
		return models.Invalid("file", "The file is empty.")
	}
	if err != nil {
		return err
	}
	if first != '{' && first != '[' {
		return notJSON("The file is not JSON: it should start with { or [.")
	}
	// One line that is a whole JSON value, followed by more: JSON Lines.
	head, err := r.br.ReadSlice('\n')
	full := err == nil
	var rest io.Reader = r.br
	headCopy := append([]byte(nil), head...)
	if full && json.Valid(bytes.TrimSpace(headCopy)) {
		next, serr := r.skipSpace()
		if serr == nil && (next == '{' || next == '[') {
			r.lines = true
			r.line = 1
			r.items(decodeValue(headCopy), 1)
			return nil
		}
	}
	if !full && err != bufio.ErrBufferFull && err != io.EOF {
		return err
	}
	r.dec = json.NewDecoder(io.MultiReader(bytes.NewReader(headCopy), rest))
	r.dec.UseNumber()
	return r.beginDocument()
}

// skipSpace discards whitespace and returns the next byte without reading it.
func (r *Reader) skipSpace() (byte, error) {
	for {
		b, err := r.br.Peek(1)
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			_, _ = r.br.Discard(1)
			continue
		}
		return b[0], nil
	}
}

// nextLine reads one line of JSON Lines (blank lines are skipped).
func (r *Reader) nextLine() error {
	for {
		line, tooLong, err := r.readLine()
		if err == io.EOF && len(line) == 0 && !tooLong {
			r.done = true
			return nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		r.line++
		if tooLong {
			r.fail(r.line, "", ReasonTooLong, fmt.Sprintf("Line %d is longer than 1 MiB.", r.line))
			return nil
		}
		line = bytes.TrimSpace(bytes.TrimPrefix(line, []byte(utf8BOM)))
		if len(line) == 0 {
			if err == io.EOF {
				r.done = true
				return nil
			}
			continue
		}
		r.items(decodeValue(line), r.line)
		return nil
	}
}

// readLine reads up to the next newline; a line over MaxLineBytes is
// skipped and reported as too long.
func (r *Reader) readLine() ([]byte, bool, error) {
	var buf []byte
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(buf)+len(chunk) > MaxLineBytes {
			for err == bufio.ErrBufferFull {
				_, err = r.br.ReadSlice('\n')
			}
			if err == io.EOF {
				err = nil
			}
			return nil, true, err
		}
		buf = append(buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		return buf, false, err
	}
}

// decoded is a JSON value or why it is not one.
type decoded struct {
	v   any
	err error
}

func decodeValue(b []byte) decoded {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return decoded{err: err}
	}
	if _, err := dec.Token(); err != io.EOF {
		return decoded{err: errors.New("unexpected text after the JSON value")}
	}
	return decoded{v: v}
}

// items turns one decoded JSON Lines value into pending items.
func (r *Reader) items(d decoded, line int) {
	if d.err != nil {
		r.fail(line, "", ReasonNotJSON, fmt.Sprintf("Line %d is not valid JSON (%s).", line, strings.TrimPrefix(d.err.Error(), "json: ")))
		return
	}
	r.expand(d.v, line, 0)
}

func (r *Reader) fail(line int, url, reason, msg string) {
	r.pending = append(r.pending, Item{Index: r.index, Line: line, URL: url, Failure: &Failure{Reason: reason, Message: msg}})
	r.index++
}

// maxDepth bounds nesting of DataFeeds, DataFeedItems, @graphs and arrays.
const maxDepth = 4

// expand adds the ClaimReviews a node holds to pending: itself, or the
// elements of a DataFeed, DataFeedItem, @graph or array.
func (r *Reader) expand(v any, line, depth int) {
	if depth > maxDepth {
		r.fail(line, "", ReasonNotClaimReview, "It is nested too deeply to be a feed of ClaimReviews.")
		return
	}
	switch n := v.(type) {
	case []any:
		for _, e := range n {
			r.expand(e, line, depth+1)
		}
		return
	case map[string]any:
		switch {
		case hasType(n, "ClaimReview"):
		case hasType(n, "DataFeedItem"):
			item, ok := n["item"]
			if !ok {
				r.fail(line, "", ReasonNotClaimReview, "It is a DataFeedItem without an item.")
				return
			}
			r.expand(item, line, depth+1)
			return
		case hasType(n, "DataFeed") || n["@graph"] != nil && n["@type"] == nil:
			list, ok := n["dataFeedElement"]
			if !ok {
				list = n["@graph"]
			}
			r.expand(list, line, depth+1)
			return
		case n["@type"] == nil && n["claimReviewed"] != nil:
			// a ClaimReview that does not say so
		default:
			r.fail(line, str(n["url"]), ReasonNotClaimReview, fmt.Sprintf("It is %s, not a ClaimReview.", typeName(n)))
			return
		}
		fc, url, fail := convert(n)
		r.pending = append(r.pending, Item{Index: r.index, Line: line, URL: url, FactCheck: fc, Failure: fail})
		r.index++
		return
	case nil:
		r.fail(line, "", ReasonNotClaimReview, "It is null, not a ClaimReview.")
		return
	}
	r.fail(line, "", ReasonNotClaimReview, fmt.Sprintf("It is a JSON %s, not a ClaimReview object.", jsonKind(v)))
}

func notJSON(msg string) error { return models.Invalid("file", "%s", msg) }

// --- Document mode: one JSON value, read element by element ---

// beginDocument reads the opening of the top-level value.
func (r *Reader) beginDocument() error {
	tok, err := r.dec.Token()
	if err != nil {
		return r.syntax(err)
	}
	switch tok {
	case json.Delim('['):
		r.stack = append(r.stack, r.arrayElements(0, func() error { return r.end() }))
		return nil
	case json.Delim('{'):
		r.single = map[string]any{}
		r.stack = append(r.stack, r.objectKeys)
		return nil
	}
	return notJSON("The file is not JSON-LD: it should hold a ClaimReview object, an array, a DataFeed or a @graph.")
}

// nextInDocument advances the innermost reading step.
func (r *Reader) nextInDocument() error {
	if len(r.stack) == 0 {
		r.done = true
		return nil
	}
	return r.stack[len(r.stack)-1]()
}

// arrayElements reads one element of an array per call, then runs after.
func (r *Reader) arrayElements(depth int, after func() error) func() error {
	return func() error {
		if !r.dec.More() {
			if _, err := r.dec.Token(); err != nil { // ]
				return r.syntax(err)
			}
			r.stack = r.stack[:len(r.stack)-1]
			return after()
		}
		var v any
		if err := r.dec.Decode(&v); err != nil {
			return r.syntax(err)
		}
		r.expand(v, 0, depth+1)
		return nil
	}
}

// objectKeys reads one member of the top-level object per call. The
// elements of dataFeedElement and @graph are read one by one; the other
// members are kept, and an object without such a list is one item.
func (r *Reader) objectKeys() error {
	if !r.dec.More() {
		if _, err := r.dec.Token(); err != nil { // }
			return r.syntax(err)
		}
		r.stack = r.stack[:len(r.stack)-1]
		if r.single != nil {
			obj := r.single
			r.single = nil
			if !looksLikeJSONLD(obj) {
				return notJSON("The file is JSON but not JSON-LD: it has no @type, @context, @graph or claimReviewed. Send ClaimReview objects (schema.org).")
			}
			r.expand(obj, 0, 0)
		}
		return r.end()
	}
	tok, err := r.dec.Token()
	if err != nil {
		return r.syntax(err)
	}
	key, _ := tok.(string)
	if key == "dataFeedElement" || key == "@graph" {
		if t, ok := r.single["@type"]; ok && !hasType(r.single, "DataFeed") && key == "dataFeedElement" {
			return notJSON(fmt.Sprintf("The file holds dataFeedElement in %s: only a DataFeed has one.", typeName(map[string]any{"@type": t})))
		}
		tok, err := r.dec.Token()
		if err != nil {
			return r.syntax(err)
		}
		if tok != json.Delim('[') {
			return notJSON(fmt.Sprintf("The file's %s should be an array.", key))
		}
		r.single = nil // the object is a container, not an item
		r.stack = append(r.stack, r.arrayElements(0, func() error { return nil }))
		return nil
	}
	var v any
	if err := r.dec.Decode(&v); err != nil {
		return r.syntax(err)
	}
	if r.single != nil {
		r.single[key] = v
	}
	return nil
}

// end checks that nothing follows the top-level value.
func (r *Reader) end() error {
	if _, err := r.dec.Token(); err != io.EOF {
		if err == nil {
			return notJSON("The file is not valid JSON: unexpected text after the end of the JSON value. Send JSON Lines as application/x-ndjson.")
		}
		return r.syntax(err)
	}
	r.done = true
	return nil
}

// syntax describes a JSON error of the file as a whole.
func (r *Reader) syntax(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return notJSON(fmt.Sprintf("The file is not valid JSON (at byte %d): %s.", se.Offset, strings.TrimPrefix(se.Error(), "json: ")))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return notJSON("The file is not valid JSON: it ends in the middle of a value.")
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return notJSON("The file is not valid JSON.")
	}
	return err
}

func looksLikeJSONLD(m map[string]any) bool {
	for _, k := range []string{"@type", "@context", "@graph", "claimReviewed"} {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// hasType reports whether a node's @type is t (or a list holding t), with
// or without a schema.org prefix.
func hasType(m map[string]any, t string) bool {
	match := func(v any) bool {
		s, _ := v.(string)
		s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(s, "https://schema.org/"), "http://schema.org/"), "schema:")
		return s == t
	}
	switch v := m["@type"].(type) {
	case []any:
		for _, e := range v {
			if match(e) {
				return true
			}
		}
		return false
	default:
		return match(v)
	}
}

func typeName(m map[string]any) string {
	switch v := m["@type"].(type) {
	case string:
		return "a " + quoteShort(v)
	case []any:
		var names []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				names = append(names, quoteShort(s))
			}
		}
		if len(names) > 0 {
			return "a " + strings.Join(names, " and ")
		}
	case nil:
		return "an object without @type"
	}
	return "an object with an unreadable @type"
}

func quoteShort(s string) string {
	s = strings.ReplaceAll(s, "\x00", "")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "true or false"
	}
	return "value"
}
