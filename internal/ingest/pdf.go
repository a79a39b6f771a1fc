package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/responses"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Limits on PDF input, against PDF bombs (documents that are small on disk
// but ask for huge work or memory). They are documented in docs/text.md.
const (
	MaxPDFPages  = 1000             // pages read at most; more is refused
	pdfTimeLimit = 20 * time.Second // the whole extraction
	// pdfMemoryPages bounds PDFium's WebAssembly memory, in 64 KiB pages
	// (1,280 pages = 80 MB). A document needing more fails to open or to
	// read a page and is refused.
	pdfMemoryPages = 1280
)

// PDFium, compiled to WebAssembly and run by wazero (pure Go, no cgo and
// no files: the module sees no file system), reads PDFs. One instance
// serves one document at a time; the pool is made on first use.
var (
	pdfPoolOnce sync.Once
	pdfPool     pdfium.Pool
	pdfPoolErr  error
)

// StartPDFReader compiles the PDF reader, which takes seconds (less when
// the compiled code is cached on disk, see pdfCompilationCache). The server
// calls it at start-up, in the background, so the first upload need not
// wait; otherwise the first PDF does.
func StartPDFReader() error {
	pdfPoolOnce.Do(func() {
		rc := wazero.NewRuntimeConfig().
			WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
			WithMemoryLimitPages(pdfMemoryPages).
			WithCloseOnContextDone(true)
		if cache := pdfCompilationCache(); cache != nil {
			rc = rc.WithCompilationCache(cache)
		}
		pdfPool, pdfPoolErr = webassembly.Init(webassembly.Config{
			MinIdle:       0,
			MaxIdle:       1,
			MaxTotal:      2,
			FSConfig:      wazero.NewFSConfig(), // nothing mounted
			RuntimeConfig: rc,
		})
	})
	if pdfPoolErr != nil {
		return fmt.Errorf("ingest: start PDF reader: %w", pdfPoolErr)
	}
	return nil
}

// pdfCompilationCache keeps the compiled PDF reader in the user's cache
// directory ($XDG_CACHE_HOME or ~/.cache, under claimdesk/pdfium), so that
// later starts skip most of the compilation; nil when there is none.
func pdfCompilationCache() wazero.CompilationCache {
	dir, err := os.UserCacheDir()
	if err != nil {
		return nil
	}
	cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "claimdesk", "pdfium"))
	if err != nil {
		return nil
	}
	return cache
}

func pdfInstance(ctx context.Context) (pdfium.Pdfium, error) {
	if err := StartPDFReader(); err != nil {
		return nil, err
	}
	return pdfPool.GetInstanceWithContext(ctx)
}

// pdfDoc extracts the text of a PDF: page by page, dropping page numbers
// and running headers and footers, then unwrapped into paragraphs (see
// Unwrap), with the title from the document's metadata or its first line.
func pdfDoc(b []byte, src source) (Doc, error) {
	if err := StartPDFReader(); err != nil {
		return Doc{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), pdfTimeLimit)
	defer cancel()
	type result struct {
		pages [][]pdfLine
		title string
		err   error
	}
	done := make(chan result, 1)
	inst, err := pdfInstance(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return Doc{}, src.invalid("Claimdesk is busy reading other PDFs. Try again in a minute.")
		}
		return Doc{}, err
	}
	go func() {
		pages, title, err := readPDF(inst, b)
		done <- result{pages, title, err}
	}()
	var r result
	select {
	case r = <-done:
		inst.Close()
	case <-ctx.Done():
		inst.Kill() // stops the stuck document; the pool makes a new instance
		return Doc{}, src.invalid("%s took more than %s to read, so it was not loaded. It may be damaged or built to overload readers; try exporting it again, or paste its text.", src.the, seconds(pdfTimeLimit))
	}
	if r.err != nil {
		return Doc{}, pdfError(r.err, src)
	}
	var texts []string
	for _, lines := range dropPageFurniture(r.pages) {
		texts = append(texts, pdfPageText(lines))
	}
	text := strings.Join(texts, "\n")
	if strings.TrimFunc(text, func(c rune) bool { return unicode.IsSpace(c) || unicode.IsControl(c) }) == "" {
		return Doc{}, src.invalid("%s has no text layer: it looks like a scan or pictures of pages. Run it through OCR (text recognition) first, or paste its text.", src.the)
	}
	d, err := finish(Doc{Title: clip(oneLine(r.title), models.MaxTitleRunes)}, Unwrap(text), src)
	return d, err
}

var errTooManyPages = errors.New("too many pages")

// readPDF returns the text of each page and the metadata title.
func readPDF(inst pdfium.Pdfium, b []byte) (pages [][]pdfLine, title string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("pdfium: %v", p)
		}
	}()
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &b})
	if err != nil {
		return nil, "", err
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	n, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return nil, "", err
	}
	if n.PageCount > MaxPDFPages {
		return nil, "", fmt.Errorf("%w: %d", errTooManyPages, n.PageCount)
	}
	if t, err := inst.FPDF_GetMetaText(&requests.FPDF_GetMetaText{Document: doc.Document, Tag: "Title"}); err == nil {
		title = t.Value
	}
	size := 0
	for i := 0; i < n.PageCount; i++ {
		p, err := inst.GetPageTextStructured(&requests.GetPageTextStructured{
			Page:                   requests.Page{ByIndex: &requests.PageByIndex{Document: doc.Document, Index: i}},
			Mode:                   requests.GetPageTextStructuredModeRects,
			CollectFontInformation: true,
		})
		if err != nil {
			return nil, "", err
		}
		lines := pdfLines(p.Rects)
		for _, l := range lines {
			size += len(l.text)
		}
		if size > 4*models.MaxArticleBytes {
			return nil, "", errPDFTooMuchText
		}
		pages = append(pages, lines)
	}
	return pages, title, nil
}

// pdfLine is one line of text on a page, from PDFium's text rectangles.
type pdfLine struct {
	text        string
	top, bottom float64 // in points, from the page's bottom edge
	size        float64 // largest font size on the line
}

// pdfLines groups a page's text rectangles (in PDFium's reading order)
// into lines: a rectangle starts a new line when it does not overlap the
// current line vertically by at least half its height.
func pdfLines(rects []*responses.GetPageTextStructuredRect) []pdfLine {
	var lines []pdfLine
	lastRight := 0.0
	for _, r := range rects {
		text := strings.ReplaceAll(strings.ReplaceAll(r.Text, "\r", ""), "\n", " ")
		if strings.TrimSpace(text) == "" {
			continue
		}
		pos := r.PointPosition
		top, bottom := max(pos.Top, pos.Bottom), min(pos.Top, pos.Bottom)
		size := top - bottom
		if r.FontInformation != nil && r.FontInformation.RenderedSize > 0 {
			size = r.FontInformation.RenderedSize
		}
		if n := len(lines); n > 0 {
			l := &lines[n-1]
			overlap := min(l.top, top) - max(l.bottom, bottom)
			if overlap >= 0.5*min(l.top-l.bottom, top-bottom) {
				if pos.Left-lastRight > 1 && !strings.HasSuffix(l.text, " ") && !strings.HasPrefix(text, " ") {
					l.text += " "
				}
				l.text += text
				l.top, l.bottom, l.size = max(l.top, top), min(l.bottom, bottom), max(l.size, size)
				lastRight = pos.Right
				continue
			}
		}
		lines = append(lines, pdfLine{text: text, top: top, bottom: bottom, size: size})
		lastRight = pos.Right
	}
	return lines
}

// pdfPageText writes the lines of a page as text: a blank line where the
// gap above a line is clearly larger than the page's usual line spacing (a
// paragraph break), and headings (a font at least 8% larger than the
// page's body text) as paragraphs of their own.
func pdfPageText(lines []pdfLine) string {
	if len(lines) == 0 {
		return ""
	}
	var pitches, sizes []float64
	for i, l := range lines {
		sizes = append(sizes, l.size)
		if i > 0 {
			if d := lines[i-1].bottom - l.bottom; d > 0 {
				pitches = append(pitches, d)
			}
		}
	}
	// The line spacing is the lower quartile of the gaps (paragraphs of
	// two lines make the median a paragraph gap); the body size the median.
	pitch, body := quantile(pitches, 0.25), quantile(sizes, 0.5)
	var b strings.Builder
	for i, l := range lines {
		heading := body > 0 && l.size >= 1.08*body
		if i == 0 && heading {
			b.WriteString("\n\n") // a page that starts with a heading starts a paragraph
		}
		if i > 0 {
			prev := lines[i-1]
			gap := prev.bottom - l.bottom
			prevHeading := body > 0 && prev.size >= 1.08*body
			switch {
			case heading || prevHeading || gap < 0 || pitch > 0 && gap > 1.35*pitch:
				b.WriteString("\n\n")
			default:
				b.WriteString("\n")
			}
		}
		b.WriteString(strings.TrimSpace(l.text))
	}
	return b.String()
}

func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[int(float64(len(s)-1)*q)]
}

var errPDFTooMuchText = errors.New("too much text")

func pdfError(err error, src source) error {
	switch {
	case errors.Is(err, pdfiumerrors.ErrPassword), errors.Is(err, pdfiumerrors.ErrSecurity):
		return src.invalid("%s is protected by a password or encryption, so Claimdesk cannot read it. Save an unprotected copy, or paste its text.", src.the)
	case errors.Is(err, errTooManyPages):
		return src.invalid("%s has more than %d pages, the most Claimdesk reads. Split it, or upload the part you need.", src.the, MaxPDFPages)
	case errors.Is(err, errPDFTooMuchText):
		return src.invalid("%s holds more text than an article can (%s). Split it into smaller parts.", src.the, humanBytes(models.MaxArticleBytes))
	case errors.Is(err, pdfiumerrors.ErrFormat), errors.Is(err, pdfiumerrors.ErrFile):
		return src.invalid("%s is damaged or incomplete, so it could not be read as a PDF. Export it again, or paste its text.", src.the)
	default:
		// Out of memory in the reader, or another failure inside PDFium.
		return src.invalid("%s could not be read as a PDF (it may be damaged, or need more memory than Claimdesk allows a document). Export it again, or paste its text.", src.the)
	}
}

// dropPageFurniture removes, from each page, the lines that are
// layout rather than content: page numbers ("7", "- 7 -", "Page 7",
// "Page 7 of 12", "7/12") among the first and last two lines of a page, and
// running headers and footers: a page's first or last line when, digits
// aside, it is the first or last line of at least half of the pages (and
// of three or more) and at most 100 characters long.
func dropPageFurniture(pages [][]pdfLine) [][]pdfLine {
	const edge = 2 // lines at each end of a page that can be furniture
	counts := map[string]int{}
	for _, lines := range pages {
		seen := map[string]bool{}
		for _, j := range edgeIndexes(len(lines), 1) {
			k := furnitureKey(lines[j].text)
			if k != "" && !seen[k] {
				seen[k] = true
				counts[k]++
			}
		}
	}
	recurring := func(line string) bool {
		k := furnitureKey(line)
		return k != "" && len(pages) >= 3 && counts[k]*2 >= len(pages)
	}
	out := make([][]pdfLine, 0, len(pages))
	for _, lines := range pages {
		drop := map[int]bool{}
		for _, j := range edgeIndexes(len(lines), edge) {
			if pageNumber.MatchString(strings.TrimSpace(lines[j].text)) {
				drop[j] = true
			}
		}
		for _, j := range edgeIndexes(len(lines), 1) {
			if recurring(lines[j].text) {
				drop[j] = true
			}
		}
		var kept []pdfLine
		for j, l := range lines {
			if !drop[j] {
				kept = append(kept, l)
			}
		}
		out = append(out, kept)
	}
	return out
}

// edgeIndexes returns the indexes of the first and last n lines.
func edgeIndexes(lines, n int) []int {
	var idx []int
	for j := 0; j < lines && j < n; j++ {
		idx = append(idx, j)
	}
	for j := max(lines-n, n); j < lines; j++ {
		idx = append(idx, j)
	}
	return idx
}

var pageNumber = regexp.MustCompile(`(?i)^(?:[-–—]\s*)?(?:(?:page|p\.|seite|página|pagina)\s*)?\d{1,4}(?:\s*(?:/|of|von|de|sur)\s*\d{1,4})?(?:\s*[-–—])?$|^[ivxlc]{1,6}$`)

// furnitureKey is a line with its digits folded, for spotting running
// headers and footers whose page number changes; "" for blank lines and
// for lines longer than a header or footer would be (100 characters).
func furnitureKey(line string) string {
	line = strings.Join(strings.Fields(line), " ")
	if line == "" || utf8.RuneCountInString(line) > 100 {
		return ""
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return '#'
		}
		return r
	}, line)
}
