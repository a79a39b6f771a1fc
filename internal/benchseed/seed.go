// Package benchseed generates benchmark data. Seed is for benchmarks and load tests only (cmd/loadtest). It fills an
// EMPTY database with generated articles, claims, claimants, sources and
// evidence, fast: multi-row INSERTs inside a few large transactions. It
// deliberately writes NO history entries for the rows it generates — they
// have no audit trail, which is acceptable for throw-away benchmark data and
// never for a newsroom's own — and it refuses to run on a database that
// already holds articles. Everything it writes follows the invariants the
// rest of the store relies on: each article has its revision 1 with the same
// text, each claim's quote, prefix and suffix are the article's text at its
// code-point offsets, verdicts exist only where the state needs one.
//
// It lives outside package store so that the production store carries no
// generator; it writes through store.BulkLoad, the store's one seam for
// bulk loads.
package benchseed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/anchor"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

// seedGenerator changes whenever the generated data changes, so that
// cached benchmark databases keyed by Key are not reused by mistake.
const seedGenerator = 2

// seedSetting is the settings key under which Seed records what it made.
const seedSetting = "bench_seed"

// Batch sizes: rows per INSERT, at most seedMaxParams bound parameters
// (SQLite allows 32,766, PostgreSQL 65,535), and articles per transaction.
const (
	seedMaxParams     = 30000
	seedArticleBatch  = 200
	seedClaimBatch    = 1000
	seedSmallBatch    = 2000
	seedArticlesPerTx = 10000
)

// Options say how much to generate.
type Options struct {
	Articles  int // at least 1
	Claims    int // in total, spread with a skew: most articles have a few, some hundreds
	BigClaims int // exactly this many live claims on one article (the reading page's worst case); 0: none
	Claimants int // 0: Articles/20, at least 20
	Sources   int // 0: Articles/5, at least 20
	RandSeed  uint64
	Author    int64   // the user recorded as creator of every row (required)
	Assignees []int64 // users that claims under research are assigned to; may be empty
	// Progress, when set, is called after each transaction with the articles and claims written so far.
	Progress func(articles, claims int)
}

// Result says what Seed made. It is also stored, as JSON, in the
// settings table, so that a later run can find the big article again.
type Result struct {
	Key          string  `json:"key"`
	Articles     int     `json:"articles"`
	Claims       int     `json:"claims"`
	Claimants    int     `json:"claimants"`
	Sources      int     `json:"sources"`
	Evidence     int     `json:"evidence"`
	BigArticle   int64   `json:"big_article"` // 0 when BigClaims was 0
	FirstArticle int64   `json:"first_article"`
	LastArticle  int64   `json:"last_article"`
	Seconds      float64 `json:"seconds"`
}

// Key names a seed by its parameters and the generator's version; the
// same key always produces the same data.
func Key(o Options) string {
	return fmt.Sprintf("g%d-a%d-c%d-b%d-s%d", seedGenerator, o.Articles, o.Claims, o.BigClaims, o.RandSeed)
}

// Info returns what Seed recorded, and false when the database was not seeded.
func Info(ctx context.Context, st *store.Store) (Result, bool, error) {
	var r Result
	settings, err := st.Settings(ctx)
	if err != nil {
		return r, false, fmt.Errorf("seed info: %w", err)
	}
	v, ok := settings[seedSetting]
	if !ok {
		return r, false, nil
	}
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return r, false, fmt.Errorf("seed info: %w", err)
	}
	return r, true, nil
}

// Seed generates o.Articles articles and o.Claims claims into an empty
// database. See the comment at the top of this file: benchmarks only, no
// history.
func Seed(ctx context.Context, st *store.Store, o Options) (Result, error) {
	started := time.Now()
	switch {
	case o.Articles < 1:
		return Result{}, errors.New("seed: at least one article")
	case o.Claims < 0 || o.BigClaims < 0:
		return Result{}, errors.New("seed: claim counts cannot be negative")
	case o.Author == 0:
		return Result{}, errors.New("seed: an author (user id) is required")
	}
	o.BigClaims = min(o.BigClaims, o.Claims)
	if o.Claimants == 0 {
		o.Claimants = max(o.Articles/20, 20)
	}
	if o.Sources == 0 {
		o.Sources = max(o.Articles/5, 20)
	}
	scale, err := st.Verdicts(ctx)
	if err != nil {
		return Result{}, err
	}
	g := newSeedGen(o, scale)
	res := Result{Key: Key(o)}

	err = st.BulkLoad(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.Article{}).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("the database already holds %d articles; seed only an empty database", n)
		}
		if g.claimantIDs, err = g.insertClaimants(tx, o.Claimants); err != nil {
			return err
		}
		g.sourceIDs, err = g.insertSources(tx, o.Sources)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("seed: claimants and sources: %w", err)
	}
	res.Claimants, res.Sources = len(g.claimantIDs), len(g.sourceIDs)

	counts := g.claimCounts()
	for from := 0; from < o.Articles; from += seedArticlesPerTx {
		to := min(from+seedArticlesPerTx, o.Articles)
		err := st.BulkLoad(ctx, func(tx *gorm.DB) error {
			return g.insertArticles(tx, from, to, counts, &res)
		})
		if err != nil {
			return res, fmt.Errorf("seed: articles %d–%d: %w", from+1, to, err)
		}
		if o.Progress != nil {
			o.Progress(res.Articles, res.Claims)
		}
	}
	res.Seconds = time.Since(started).Seconds()
	body, err := json.Marshal(res)
	if err != nil {
		return res, err
	}
	err = st.BulkLoad(ctx, func(tx *gorm.DB) error {
		return tx.Exec(`INSERT INTO settings (key, value) VALUES (?, ?)`, seedSetting, string(body)).Error
	})
	if err != nil {
		return res, fmt.Errorf("seed: record: %w", err)
	}
	return res, nil
}

// seedInsert collects rows and writes them with multi-row INSERTs.
type seedInsert struct {
	tx        *gorm.DB
	head, row string
	cols, max int
	returning bool
	vals      []any
	ids       []int64
}

func newSeedInsert(tx *gorm.DB, table string, cols []string, maxRows int, returning bool) *seedInsert {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	maxRows = max(1, min(maxRows, seedMaxParams/len(cols)))
	return &seedInsert{tx: tx, head: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ",
		row: row, cols: len(cols), max: maxRows, returning: returning}
}

func (b *seedInsert) add(vals ...any) error {
	if len(vals) != b.cols {
		return fmt.Errorf("seed: %d values for %d columns", len(vals), b.cols)
	}
	b.vals = append(b.vals, vals...)
	if len(b.vals) >= b.cols*b.max {
		return b.flush()
	}
	return nil
}

// flush writes the rows collected so far. New ids are assigned in VALUES
// order on both databases, so sorting RETURNING's ids gives them row by row.
func (b *seedInsert) flush() error {
	rows := len(b.vals) / b.cols
	if rows == 0 {
		return nil
	}
	var q strings.Builder
	q.Grow(len(b.head) + rows*(len(b.row)+1) + 16)
	q.WriteString(b.head)
	for i := range rows {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteString(b.row)
	}
	if b.returning {
		q.WriteString(" RETURNING id")
		var ids []int64
		if err := b.tx.Raw(q.String(), b.vals...).Scan(&ids).Error; err != nil {
			return err
		}
		if len(ids) != rows {
			return fmt.Errorf("seed: %d ids back for %d rows", len(ids), rows)
		}
		slices.Sort(ids)
		b.ids = append(b.ids, ids...)
	} else if err := b.tx.Exec(q.String(), b.vals...).Error; err != nil {
		return err
	}
	clear(b.vals)
	b.vals = b.vals[:0]
	return nil
}

// seedGen makes the data, deterministically from o.RandSeed.
type seedGen struct {
	o           Options
	r           *rand.Rand
	verdictIDs  []int64 // the database's scale
	verdictCum  []int   // cumulative weights of verdictIDs
	claimantIDs []int64
	sourceIDs   []int64
	big         int // index of the big article, -1 when none
	epoch, span time.Time
}

func newSeedGen(o Options, scale []models.Verdict) *seedGen {
	g := &seedGen{o: o, r: rand.New(rand.NewPCG(o.RandSeed, 0x5eed)), big: -1,
		epoch: time.Date(2014, 1, 6, 0, 0, 0, 0, time.UTC), span: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)}
	weights := map[string]int{"True": 10, "Mostly true": 12, "Half true": 14, "Misleading": 20, "Mostly false": 16, "False": 20, "Unsupported": 6, "Not checkable": 2}
	total := 0
	for _, v := range scale {
		total += weights[v.Label] + 1
		g.verdictIDs = append(g.verdictIDs, v.ID)
		g.verdictCum = append(g.verdictCum, total)
	}
	if o.BigClaims > 0 {
		g.big = o.Articles / 2
	}
	return g
}

func (g *seedGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// skewed picks an index in [0, n) favouring the first ones heavily, as a
// few claimants and sources account for most mentions.
func (g *seedGen) skewed(n int) int {
	u := g.r.Float64()
	return min(int(float64(n)*u*u*u), n-1)
}

func (g *seedGen) date(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// claimCounts spreads o.Claims over the articles: a quarter have none,
// most have a handful, one in seven some dozens, one in seventy hundreds,
// and the big article exactly o.BigClaims. The draws are scaled to the
// total and the rounding remainder is spread at random.
func (g *seedGen) claimCounts() []int {
	n := g.o.Articles
	counts := make([]int, n)
	raw := make([]float64, n)
	var sum float64
	for i := range raw {
		if i == g.big {
			continue
		}
		switch u := g.r.Float64(); {
		case u < 0.25:
		case u < 0.85:
			raw[i] = float64(1 + g.r.IntN(12))
		case u < 0.985:
			raw[i] = float64(13 + g.r.IntN(60))
		default:
			raw[i] = float64(100 + g.r.IntN(301))
		}
		sum += raw[i]
	}
	want := g.o.Claims
	if g.big >= 0 {
		counts[g.big] = g.o.BigClaims
		want -= g.o.BigClaims
	}
	if n == 1 {
		counts[0] = g.o.Claims
		return counts
	}
	total := 0
	for i, x := range raw {
		if sum > 0 && x > 0 {
			f := x * float64(want) / sum
			c := int(f)
			if g.r.Float64() < f-float64(c) {
				c++
			}
			counts[i] = c
			total += c
		}
	}
	for total != want {
		i := g.r.IntN(n)
		if i == g.big && n > 1 {
			continue
		}
		switch {
		case total < want:
			counts[i]++
			total++
		case counts[i] > 0:
			counts[i]--
			total--
		}
	}
	return counts
}

func (g *seedGen) insertClaimants(tx *gorm.DB, n int) ([]int64, error) {
	b := newSeedInsert(tx, "claimants", []string{"name", "name_key", "search_key", "kind", "title", "affiliation", "same_as", "created_at", "updated_at"}, seedSmallBatch, true)
	seen := make(map[string]bool, n)
	now := g.span
	for i := 0; len(seen) < n; i++ {
		var name, kind, title, affiliation string
		if i%10 == 9 { // one in ten is an organisation
			name = seedOrgs[(i/10)%len(seedOrgs)]
			if round := i / 10 / len(seedOrgs); round > 0 {
				name += " (" + seedPlaces[round%len(seedPlaces)] + ")"
			}
			name, kind = strings.TrimPrefix(name, "the "), string(models.KindOrganization)
		} else {
			name = g.pick(seedFirst) + " " + g.pick(seedLast)
			if i > 3*len(seedFirst)*len(seedLast)/4 {
				name = g.pick(seedFirst) + " " + string(rune('A'+g.r.IntN(26))) + ". " + g.pick(seedLast)
			}
			kind, title, affiliation = string(models.KindPerson), g.pick(seedTitles), g.pick(seedParties)
		}
		if i > 50*n+10000 {
			return nil, fmt.Errorf("cannot make %d distinct claimant names", n)
		}
		key := store.NameKey(name)
		if seen[key] {
			continue
		}
		seen[key] = true
		search := store.ClaimantSearchKey(models.Claimant{Name: name, Title: title, Affiliation: affiliation})
		if err := b.add(name, key, search, kind, title, affiliation, "[]", now, now); err != nil {
			return nil, err
		}
	}
	if err := b.flush(); err != nil {
		return nil, err
	}
	return b.ids, nil
}

func (g *seedGen) insertSources(tx *gorm.DB, n int) ([]int64, error) {
	b := newSeedInsert(tx, "sources", []string{"url", "title", "publisher", "kind", "published_at", "accessed_at",
		"archive_url", "notes", "created_by", "created_at", "updated_at"}, seedSmallBatch, true)
	made := make([]models.Source, 0, n)
	for i := range n {
		org := strings.TrimPrefix(g.pick(seedOrgs), "the ")
		kind := models.SourceKinds[g.r.IntN(len(models.SourceKinds))]
		pub := g.date(g.epoch.Add(time.Duration(g.r.Int64N(int64(g.span.Sub(g.epoch))))))
		acc := pub.AddDate(0, 0, 1+g.r.IntN(400))
		title := fmt.Sprintf("%s: %s, %d", org, seedCap(g.pick(seedTopics)), pub.Year())
		url := fmt.Sprintf("https://%s.example.org/%s/%d-%d", seedSlug(org), kind, pub.Year(), i+1)
		if err := b.add(url, title, org, kind, pub, acc, "", "", g.o.Author, acc, acc); err != nil {
			return nil, err
		}
		made = append(made, models.Source{URL: url, Title: title, Publisher: org})
	}
	if err := b.flush(); err != nil {
		return nil, err
	}
	// The library's word index, as CreateSource writes it.
	tb := newSeedInsert(tx, "source_terms", []string{"term", "source_id"}, seedSmallBatch, false)
	for i, src := range made {
		src.ID = b.ids[i]
		for _, t := range store.SourceTerms(src) {
			if err := tb.add(t, src.ID); err != nil {
				return nil, err
			}
		}
	}
	if err := tb.flush(); err != nil {
		return nil, err
	}
	return b.ids, nil
}

// seedArticle is one generated article before it has an id.
type seedArticle struct {
	title, outlet, byline, url, text string
	published, created               time.Time
	deleted                          bool
	sentences                        [][2]int // code-point spans of the sentences
}

// insertArticles writes articles [from, to) with their revisions, claims and evidence.
func (g *seedGen) insertArticles(tx *gorm.DB, from, to int, counts []int, res *Result) error {
	arts := make([]seedArticle, 0, to-from)
	ab := newSeedInsert(tx, "articles", []string{"title", "outlet", "byline", "source_url", "published_at", "language",
		"text", "html", "revision", "created_by", "created_at", "updated_at", "deleted_at", "last_claim_number"}, seedArticleBatch, true)
	for i := from; i < to; i++ {
		a := g.article(i, counts[i])
		var deleted any
		if a.deleted {
			deleted = a.created.Add(48 * time.Hour)
		}
		if err := ab.add(a.title, a.outlet, a.byline, a.url, a.published, "en", a.text, "", 1, g.o.Author, a.created, a.created, deleted, counts[i]); err != nil {
			return err
		}
		arts = append(arts, a)
	}
	if err := ab.flush(); err != nil {
		return err
	}
	if len(ab.ids) != len(arts) {
		return fmt.Errorf("%d article ids for %d articles", len(ab.ids), len(arts))
	}
	rb := newSeedInsert(tx, "revisions", []string{"article_id", "number", "text", "html", "note", "author_id", "created_at"}, seedArticleBatch, false)
	for k, a := range arts {
		if err := rb.add(ab.ids[k], 1, a.text, "", "First version", g.o.Author, a.created); err != nil {
			return err
		}
	}
	if err := rb.flush(); err != nil {
		return err
	}
	if res.FirstArticle == 0 {
		res.FirstArticle = ab.ids[0]
	}
	res.LastArticle = ab.ids[len(ab.ids)-1]
	res.Articles += len(arts)
	if g.big >= from && g.big < to {
		res.BigArticle = ab.ids[g.big-from]
	}

	cb := newSeedInsert(tx, "claims", []string{"article_id", "start_pos", "end_pos", "quote", "prefix", "suffix", "summary",
		"type", "claimant_id", "claimed_at", "notes", "state", "verdict_id", "explanation", "rationale", "proposed_by",
		"assignee_id", "due", "anchor_state", "anchor_revision", "version", "review_round", "created_by", "created_at",
		"updated_at", "deleted_at", "approved_at", "claimed_place", "verdict_by", "explanation_by", "rationale_by", "number"}, seedClaimBatch, true)
	var evidenceFor []int // per claim written: how many evidence rows it gets
	for k, a := range arts {
		if n := counts[from+k]; n > 0 {
			var err error
			if evidenceFor, err = g.claims(cb, ab.ids[k], a, n, from+k == g.big, evidenceFor); err != nil {
				return err
			}
		}
	}
	if err := cb.flush(); err != nil {
		return err
	}
	if len(cb.ids) != len(evidenceFor) {
		return fmt.Errorf("%d claim ids for %d claims", len(cb.ids), len(evidenceFor))
	}
	res.Claims += len(cb.ids)

	eb := newSeedInsert(tx, "evidence", []string{"claim_id", "source_id", "stance", "passage", "note", "added_by", "created_at", "updated_at"}, seedSmallBatch, false)
	for k, m := range evidenceFor {
		used := [3]int{-1, -1, -1}
		for j := range m {
			src := g.skewed(len(g.sourceIDs))
			for slices.Contains(used[:], src) {
				src = g.r.IntN(len(g.sourceIDs))
			}
			used[j] = src
			stance := seedStances[g.r.IntN(len(seedStances))]
			passage := ""
			if g.r.IntN(3) > 0 {
				passage = g.sentence()
			}
			if err := eb.add(cb.ids[k], g.sourceIDs[src], stance, passage, "", g.o.Author, g.span, g.span); err != nil {
				return err
			}
			res.Evidence++
		}
	}
	return eb.flush()
}

// article generates article i, long enough for n claims: 2–8 kB of text
// for most; articles with many claims are transcripts of debates and
// hearings, which run longer.
func (g *seedGen) article(i, n int) seedArticle {
	frac := float64(i) / float64(max(g.o.Articles, 1))
	pub := g.epoch.Add(time.Duration(frac*float64(g.span.Sub(g.epoch))) + time.Duration(g.r.IntN(21)-10)*24*time.Hour)
	pub = g.date(pub)
	created := pub.Add(time.Duration(8*60+g.r.IntN(72*60)) * time.Minute)
	transcript := n >= 100
	var title string
	if transcript {
		title = fmt.Sprintf(g.pick(seedTranscriptTitles), g.pick(seedPlaces), g.pick(seedTopics))
	} else {
		title = g.expand(g.pick(seedHeadlines))
	}
	outlet := g.pick(seedOutlets)
	byline := g.pick(seedFirst) + " " + g.pick(seedLast)
	if g.r.IntN(5) == 0 {
		byline += " and " + g.pick(seedFirst) + " " + g.pick(seedLast)
	}
	target := 2000 + int(6000*(g.r.Float64()+g.r.Float64())/2)
	minSentences := n*2/3 + 3
	var text strings.Builder
	text.Grow(target + 512)
	a := seedArticle{title: seedCap(title), outlet: outlet, byline: byline, published: pub, created: created,
		deleted: i%331 == 330 && i != g.big,
		url:     fmt.Sprintf("https://www.%s.example.com/%d/%02d/%s-%d", seedSlug(outlet), pub.Year(), pub.Month(), seedSlug(title), i+1)}
	cp := 0
	for text.Len() < target || len(a.sentences) < minSentences {
		if text.Len() > 0 {
			text.WriteString("\n\n")
			cp += 2
		}
		for j := range 2 + g.r.IntN(4) {
			if j > 0 {
				text.WriteByte(' ')
				cp++
			}
			var s string
			if transcript && j == 0 {
				s = strings.ToUpper(g.pick(seedLast)) + ": " + g.sentence()
			} else {
				s = g.sentence()
			}
			n := utf8.RuneCountInString(s)
			a.sentences = append(a.sentences, [2]int{cp, cp + n})
			text.WriteString(s)
			cp += n
		}
	}
	a.text = text.String()
	return a
}

func (g *seedGen) sentence() string { return g.expand(g.pick(seedSentences)) }

// expand fills a template's {slots}.
func (g *seedGen) expand(tpl string) string {
	var b strings.Builder
	b.Grow(len(tpl) + 64)
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			b.WriteString(tpl)
			break
		}
		j := strings.IndexByte(tpl[i:], '}')
		b.WriteString(tpl[:i])
		b.WriteString(g.slot(tpl[i+1 : i+j]))
		tpl = tpl[i+j+1:]
	}
	return b.String()
}

func (g *seedGen) slot(name string) string {
	switch name {
	case "P":
		return g.pick(seedFirst) + " " + g.pick(seedLast)
	case "R":
		return g.pick(seedRoles)
	case "O":
		return g.pick(seedOrgs)
	case "Ocap":
		return seedCap(g.pick(seedOrgs))
	case "T":
		return g.pick(seedTopics)
	case "Tcap":
		return seedCap(g.pick(seedTopics))
	case "C":
		return g.pick(seedPlaces)
	case "N":
		return strconv.Itoa(2 + g.r.IntN(40))
	case "BIGN":
		return seedThousands(1000 + g.r.IntN(900000))
	case "Y":
		return strconv.Itoa(2005 + g.r.IntN(20))
	case "Y2":
		return strconv.Itoa(2026 + g.r.IntN(10))
	case "M":
		cur := []string{"€", "£", "$"}[g.r.IntN(3)]
		if g.r.IntN(2) == 0 {
			return fmt.Sprintf("%s%d.%dbn", cur, 1+g.r.IntN(60), g.r.IntN(10))
		}
		return fmt.Sprintf("%s%dm", cur, 5+g.r.IntN(900))
	case "PCT":
		if g.r.IntN(2) == 0 {
			return fmt.Sprintf("%d.%d%%", 1+g.r.IntN(40), g.r.IntN(10))
		}
		return fmt.Sprintf("%d per cent", 2+g.r.IntN(60))
	case "UP":
		return g.pick(seedMoves)
	case "Q":
		return g.pick([]string{"first", "second", "third", "fourth"})
	case "D":
		return g.pick([]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})
	case "ORD":
		return g.pick([]string{"second", "third", "fourth", "fifth", "sixth"})
	case "ADJ":
		return g.pick(seedAdjectives)
	}
	return name
}

// claims generates n claims on article a (id) and adds them to cb. It
// appends to evidenceFor how many evidence rows each claim gets.
func (g *seedGen) claims(cb *seedInsert, id int64, a seedArticle, n int, big bool, evidenceFor []int) ([]int, error) {
	t := anchor.NewText(a.text)
	runes := []rune(a.text)
	used := make(map[[2]int]bool, n)
	for number := 1; number <= n; number++ {
		var span [2]int
		for try := 0; ; try++ {
			span = a.sentences[g.r.IntN(len(a.sentences))]
			if try > 0 || g.r.IntN(10) < 3 { // a clause rather than the whole sentence
				span = g.clause(runes, span)
			}
			if !used[span] || try > 20 {
				break
			}
		}
		used[span] = true
		start, end := span[0], span[1]
		prefix, suffix := t.Context(start, end)
		quote := t.Slice(start, end)
		created := a.created.Add(time.Duration(1+g.r.IntN(30*24)) * time.Hour)
		updated := created.Add(time.Duration(g.r.IntN(20*24)) * time.Hour)
		state := seedPickState(g.r.IntN(100))
		version, round := seedStateVersion(state), 0
		var verdict, proposed, assignee, due, deleted, claimant, claimedAt, approved any
		explanation, rationale, anchorState := "", "", string(models.AnchorAnchored)
		switch state {
		case models.StateInReview, models.StateApproved, models.StatePublished, models.StateNeedsRecheck:
			if state != models.StateNeedsRecheck || g.r.IntN(2) == 0 {
				verdict, proposed, round = g.verdict(), g.o.Author, 1
				explanation = g.sentence()
				if state == models.StatePublished {
					rationale = g.sentence() + " " + g.sentence() + "\n\n" + g.sentence()
				}
			}
		}
		if state == models.StateApproved || state == models.StatePublished {
			approved = updated
		}
		if state == models.StateNeedsRecheck {
			anchorState = string(models.AnchorChanged)
			if g.r.IntN(10) < 3 {
				anchorState = string(models.AnchorOrphaned)
			}
		}
		if (state == models.StateResearching || state == models.StateInReview) && len(g.o.Assignees) > 0 && g.r.IntN(10) < 7 {
			assignee = g.o.Assignees[g.r.IntN(len(g.o.Assignees))]
			if g.r.IntN(10) < 4 {
				due = g.date(created.AddDate(0, 0, 3+g.r.IntN(12)))
			}
		}
		if g.r.IntN(100) < 85 {
			claimant = g.claimantIDs[g.skewed(len(g.claimantIDs))]
		}
		place := ""
		if g.r.IntN(2) == 0 {
			claimedAt = a.published
			if g.r.IntN(2) == 0 {
				place = g.pick(seedPlaces[:24]) // named places only
			}
		}
		if !big && g.r.IntN(100) == 0 {
			deleted = updated
		}
		summary := ""
		if g.r.IntN(10) < 6 {
			summary = seedSummary(quote)
		}
		typ := seedPickType(g.r.IntN(100))
		if err := cb.add(id, start, end, quote, prefix, suffix, summary, string(typ), claimant, claimedAt, "", string(state),
			verdict, explanation, rationale, proposed, assignee, due, anchorState, 1, version, round, g.o.Author,
			created, updated, deleted, approved, place, proposed, proposed, proposed, number); err != nil {
			return evidenceFor, err
		}
		m := 0
		if verdict != nil {
			m = 1 + g.r.IntN(2)
		}
		evidenceFor = append(evidenceFor, m)
	}
	return evidenceFor, nil
}

// clause picks a run of at least three words inside the sentence span.
func (g *seedGen) clause(runes []rune, span [2]int) [2]int {
	var starts, ends []int
	inWord := false
	for p := span[0]; p < span[1]; p++ {
		space := runes[p] == ' '
		if !space && !inWord {
			starts = append(starts, p)
		}
		if space && inWord {
			ends = append(ends, p)
		}
		inWord = !space
	}
	if inWord {
		ends = append(ends, span[1])
	}
	if len(starts) < 4 {
		return span
	}
	i := g.r.IntN(len(starts) - 3)
	j := i + 3 + g.r.IntN(len(starts)-i-3) // last word index, inclusive
	return [2]int{starts[i], ends[j]}
}

// verdict picks a verdict of the scale; fact-checkers publish more false
// and misleading verdicts than true ones.
func (g *seedGen) verdict() any {
	if len(g.verdictIDs) == 0 {
		return nil
	}
	x := g.r.IntN(g.verdictCum[len(g.verdictCum)-1])
	i, _ := slices.BinarySearch(g.verdictCum, x+1)
	return g.verdictIDs[i]
}

func seedPickState(x int) models.State {
	switch {
	case x < 30:
		return models.StateNew
	case x < 52:
		return models.StateResearching
	case x < 60:
		return models.StateInReview
	case x < 65:
		return models.StateApproved
	case x < 95:
		return models.StatePublished
	}
	return models.StateNeedsRecheck
}

// seedStateVersion is the version a claim reaches by walking the workflow to s.
func seedStateVersion(s models.State) int {
	switch s {
	case models.StateResearching:
		return 2
	case models.StateInReview:
		return 4
	case models.StateApproved:
		return 5
	case models.StatePublished:
		return 6
	case models.StateNeedsRecheck:
		return 7
	}
	return 1
}

func seedPickType(x int) models.ClaimType {
	switch {
	case x < 45:
		return models.TypeStatement
	case x < 75:
		return models.TypeStatistic
	case x < 90:
		return models.TypeQuote
	case x < 97:
		return models.TypePrediction
	}
	return models.TypeOther
}

// seedSummary shortens a quote to at most 70 code points at a word boundary.
func seedSummary(q string) string {
	r := []rune(q)
	if len(r) <= 70 {
		return q
	}
	cut := 70
	for cut > 40 && r[cut] != ' ' {
		cut--
	}
	return strings.TrimRight(string(r[:cut]), " ,;:—") + "…"
}

func seedCap(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

func seedSlug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() > 60 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

func seedThousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

var seedStances = []string{"supports", "refutes", "refutes", "context", "context", "origin"}

// The vocabulary below is written for Claimdesk's benchmarks: invented
// outlets, places, organisations and people; the sentences are templates of
// the kind of checkable statement news stories report.

var seedOutlets = []string{
	"The Northern Ledger", "Harbour City Times", "Daily Meridian", "Valley Courier", "The Evening Standard-Bearer",
	"Coastline Post", "The Civic Observer", "Midland Herald", "Riverside Gazette", "The Weekly Lantern",
	"Capital Dispatch", "The Upland Chronicle", "Metro Bulletin", "Le Quotidien du Sud", "Der Abendbote",
	"El Faro Diario", "The Plainsman", "Eastgate Record", "The Public Interest", "Lakeside Tribune",
	"The Borough Voice", "National Review of Facts", "Frontier Examiner", "The Morning Almanac", "Port Aldren Mail",
	"The Independent Register", "Southern Sentinel", "The Open Desk", "Correio da Serra", "The Bellmoor Argus",
}

var seedPlaces = []string{
	"Port Aldren", "Bellmoor", "Kessing", "Maravilla", "São Teodoro", "Nordhavn", "Castel Rocca", "Île-Verte",
	"Łąkowo", "Grünfeld", "Ashcombe", "Rivermouth", "Dunmere", "Santa Lúcia", "Vestby", "Carrow Hill",
	"Eastmarch", "Oldbridge", "Kilnsey", "Marren Bay", "Thornbury", "Alderwick", "Nueva Esperanza", "Holmgard",
	"the capital", "the northern region", "the coastal districts", "the eastern provinces", "the border towns", "the islands",
}

var seedOrgs = []string{
	"the National Statistics Office", "the Fiscal Council", "the Institute for Public Health", "Transport Watch",
	"the Chamber of Commerce", "the Housing Federation", "the Central Bank", "the Environment Agency",
	"the Teachers’ Union", "the Audit Court", "the Ministry of Finance", "the Ministry of Health",
	"the Employers’ Association", "the Police Federation", "the Energy Regulator", "the Migration Observatory",
	"the Farmers’ Union", "the Office for Budget Review", "the Children’s Commissioner", "the Pensioners’ League",
	"the Regional Development Fund", "the Water Authority", "the Nurses’ Council", "the Broadband Alliance",
	"the Institute of Economic Studies", "the Road Safety Board", "the Tenants’ Association", "the Climate Panel",
}

var seedTopics = []string{
	"unemployment", "inflation", "the housing budget", "hospital waiting times", "rail punctuality", "violent crime",
	"school funding", "carbon emissions", "the minimum wage", "tax revenue", "child poverty", "energy prices",
	"the defence budget", "broadband coverage", "river pollution", "net migration", "vaccination rates", "public debt",
	"police numbers", "farm subsidies", "rent arrears", "youth unemployment", "pension spending", "bus services",
	"food bank use", "teacher vacancies", "air quality", "GP appointments", "social housing", "wage growth",
	"home ownership", "road deaths", "recycling rates", "small-business closures", "student debt", "water leaks",
	"ambulance response times", "foreign investment", "prison overcrowding", "café and restaurant closures",
}

var seedFirst = []string{
	"Anna", "José", "Zoë", "Søren", "Chloé", "Björn", "Ayşe", "Maria", "David", "Fatima", "Liam", "Noor", "Tomás",
	"Ingrid", "Kwame", "Mei", "Olivia", "Rafael", "Sanna", "Yusuf", "Elena", "Pierre", "Hannah", "Mateus", "Leila",
	"Jonas", "Amara", "Ciarán", "Dagny", "Emeka", "Francesca", "Gustav", "Helena", "Ibrahim", "Julia", "Karim",
	"Lucía", "Marek", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Stefan", "Tanvi", "Ursula", "Viktor",
	"Wiebke", "Xavier", "Yara", "Zainab", "André", "Bea", "Conor", "Dörte", "Eamon", "Fleur", "Göran", "Hélène",
}

var seedLast = []string{
	"Müller", "Sánchez", "Nowak", "Ødegaard", "O’Neill", "Dubois", "Kowalczyk", "Haddad", "Okafor", "Nakamura",
	"Lindqvist", "Rossi", "Fernandes", "Byrne", "Jansen", "Petrov", "Mensah", "Castillo", "Eriksen", "Farouk",
	"García", "Hughes", "Ivanova", "Jovanović", "Keller", "Lambert", "Moreau", "Novak", "Osei", "Pereira",
	"Quinn", "Richter", "Silva", "Tanaka", "Ulrich", "Vargas", "Walsh", "Xu", "Yilmaz", "Zimmermann", "Abbott",
	"Brennan", "Costa", "Delgado", "Engel", "Fischer", "Gallagher", "Holm", "Iqbal", "Jensen", "Kaya", "Larsen",
	"Mahlangu", "Nielsen", "Ortiz", "Price", "Reyes", "Schmidt", "Thorne", "Umar", "Vidal", "Weber", "Young",
	"Zeller", "Achterberg", "Bianchi", "Chowdhury", "Duarte", "Esposito", "Fontaine", "Grady", "Hernández",
}

var seedRoles = []string{
	"the health minister", "the finance minister", "a spokesperson for the treasury", "the opposition leader",
	"the mayor", "a junior minister", "the party’s campaign director", "the chief executive of the regional council",
	"an opposition MP", "the transport secretary", "a government adviser", "the union’s general secretary",
	"the chair of the budget committee", "a senior police officer", "the education minister",
}

var seedTitles = []string{"Minister", "Member of Parliament", "Mayor", "Councillor", "Spokesperson", "Party leader", "Chief executive", "Senator", "Economist", "Union leader"}

var seedParties = []string{"Progress Party", "Civic Alliance", "Green Future", "Liberal Union", "Workers’ Movement", "Independent", "National Renewal", "Social Democrats"}

var seedMoves = []string{"risen", "fallen", "increased", "dropped", "doubled", "climbed", "declined", "grown"}

var seedAdjectives = []string{"deeply misleading", "a cause for concern", "cherry-picked", "a step in the right direction", "simply wrong", "encouraging but incomplete", "out of date"}

var seedHeadlines = []string{
	"{Tcap} has {UP} in {C}, {O} says",
	"Fact check: did {P} get the numbers on {T} right?",
	"{C} council under pressure over {T}",
	"What the figures really say about {T}",
	"{P} defends record on {T}",
	"New report questions claims about {T} in {C}",
	"{Tcap}: what we know before the vote",
	"Minister’s figures on {T} do not add up, analysts say",
	"{Ocap} revises its estimate of {T}",
	"Campaign leaflets in {C} overstate {T}",
	"Why {T} is harder to measure than it looks",
	"{C} promised to cut {T}. Did it?",
}

var seedTranscriptTitles = []string{
	"Transcript: the %s debate on %s, annotated",
	"Live: %s assembly questions the government on %s",
	"Annotated: every claim from the %s hearing on %s",
}

var seedSentences = []string{
	"{P}, {R}, said {T} had {UP} by {PCT} since {Y}.",
	"“{Tcap} is at its highest level in {N} years,” {P} told reporters in {C}.",
	"According to {O}, {BIGN} people in {C} were affected by {T} last year.",
	"The government has promised to halve {T} by {Y2}, but critics say the target is out of reach.",
	"Figures published on {D} show that {T} had {UP} to {M} in the {Q} quarter.",
	"{P} claimed that {C} now spends {M} a year on {T}, more than any other region.",
	"Officials in {C} declined to comment on the report.",
	"The opposition described the figures as “{ADJ}” and called for an independent review.",
	"In {Y}, {T} accounted for {PCT} of public spending, {O} estimates.",
	"{P} later clarified that the figure referred only to {C}.",
	"“We have cut {T} every single year since {Y},” said {P}.",
	"Data from {O} suggest the change was smaller: {PCT} over the same period.",
	"The claim was repeated in a campaign leaflet distributed across {C} last month.",
	"Independent analysts note that {T} is hard to measure consistently across regions.",
	"{P}, who has worked at {O} since {Y}, said the numbers speak for themselves.",
	"At a press conference on {D}, {P} said that {BIGN} new jobs had been created in {C}.",
	"The ministry’s own report puts the cost of {T} at {M}, not {M}.",
	"Residents of {C} interviewed for this article gave mixed accounts of the change.",
	"Neither {O} nor {O} responded to requests for comment before publication.",
	"{Tcap} fell for the {ORD} year in a row, according to {O}.",
	"Critics — among them {P} — argue that the comparison with {Y} is misleading.",
	"The bill, which passed its second reading on {D}, would raise spending on {T} by {M}.",
	"Local councils in {C} say they received {PCT} less funding than promised.",
	"{P} told the assembly that {T} was “completely under control”.",
	"Since {Y}, the number of people affected by {T} has gone from {BIGN} to {BIGN}.",
	"A spokesperson for {O} said the organisation stood by its analysis.",
	"Experts caution that a single year of data is not enough to establish a trend.",
	"The café owners’ association in {C} estimates that one in {N} businesses closed during the period.",
	"{Ocap} said {T} would cost taxpayers {M} over the next {N} years.",
	"“Nobody in {C} believes these numbers,” {P} said on {D}.",
}
