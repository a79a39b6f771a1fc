package store_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// The write path (writes.go): on SQLite, writes wait in a queue and are
// committed in groups; these tests hold the queue with a blocking write so
// that the writes behind it are grouped. On PostgreSQL the same tests run
// each write in its own transaction and must give the same results.

func setting(tx *gorm.DB, key string) error {
	return tx.Exec(`INSERT INTO settings (key, value) VALUES (?, 'x')`, key).Error
}

func settingExists(t *testing.T, s *store.Store, key string) bool {
	t.Helper()
	all, err := s.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, ok := all[key]
	return ok
}

// holdQueue starts a write that waits until release is closed, and
// returns once it is running.
func holdQueue(t *testing.T, s *store.Store, key string) (release func(), done <-chan error) {
	t.Helper()
	started, gate, errc := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		errc <- store.WriteForTest(s, context.Background(), func(tx *gorm.DB) error {
			close(started)
			<-gate
			return setting(tx, key)
		})
	}()
	<-started
	return func() { close(gate) }, errc
}

// waitQueued waits until n writes wait in SQLite's queue (at once on PostgreSQL).
func waitQueued(t *testing.T, s *store.Store, n int) {
	t.Helper()
	if s.Dialect() != "sqlite" {
		time.Sleep(20 * time.Millisecond) // let them start; PostgreSQL has no queue
		return
	}
	for deadline := time.Now().Add(10 * time.Second); store.QueuedForTest(s) < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", store.QueuedForTest(s), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// A write that fails inside a group fails alone, with its own error, and
// leaves nothing of itself; its neighbours commit.
func TestGroupedWriteFailsOnlyItsOwnRequest(t *testing.T) {
	s := storetest.New(t)
	release, held := holdQueue(t, s, "wt_blocker")
	errBoom := errors.New("boom")
	writes := []struct {
		name string
		fn   func(tx *gorm.DB) error
		want error
	}{
		{"ok-1", func(tx *gorm.DB) error { return setting(tx, "wt_a") }, nil},
		{"fails-after-writing", func(tx *gorm.DB) error {
			if err := setting(tx, "wt_b"); err != nil {
				return err
			}
			return errBoom
		}, errBoom},
		{"database-error", func(tx *gorm.DB) error {
			if err := setting(tx, "wt_c"); err != nil {
				return err
			}
			return setting(tx, "wt_c") // duplicate key: the database refuses it
		}, gorm.ErrDuplicatedKey},
		{"ok-2", func(tx *gorm.DB) error { return setting(tx, "wt_d") }, nil},
	}
	errs := make([]error, len(writes))
	var wg sync.WaitGroup
	for i, w := range writes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = store.WriteForTest(s, context.Background(), w.fn)
		}()
		waitQueued(t, s, i+1) // in this order
	}
	grouped := store.GroupedForTest(s)
	release()
	wg.Wait()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	for i, w := range writes {
		if !errors.Is(errs[i], w.want) || (w.want == nil) != (errs[i] == nil) {
			t.Errorf("%s: err = %v, want %v", w.name, errs[i], w.want)
		}
	}
	for key, want := range map[string]bool{"wt_blocker": true, "wt_a": true, "wt_b": false, "wt_c": false, "wt_d": true} {
		if got := settingExists(t, s, key); got != want {
			t.Errorf("setting %s exists = %v, want %v", key, got, want)
		}
	}
	if s.Dialect() == "sqlite" && store.GroupedForTest(s)-grouped < int64(len(writes)) {
		t.Errorf("%d writes were grouped, want the %d queued together", store.GroupedForTest(s)-grouped, len(writes))
	}
}

// A caller that goes away while its write waits gets its context's error
// and nothing is written; one that goes away while its write runs gets all
// of it or none of it, never a part.
func TestWriteOfACallerWhoLeftIsWholeOrNothing(t *testing.T) {
	s := storetest.New(t)
	release, held := holdQueue(t, s, "wt_blocker")
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- store.WriteForTest(s, ctx, func(tx *gorm.DB) error { return setting(tx, "wt_waiting") })
	}()
	waitQueued(t, s, 1)
	cancel()
	release()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if err := <-errc; s.Dialect() == "sqlite" && !errors.Is(err, context.Canceled) {
		t.Errorf("queued write of a caller who left: err = %v, want context.Canceled", err)
	}
	if settingExists(t, s, "wt_waiting") && s.Dialect() == "sqlite" {
		t.Error("the write of a caller who left before it ran was committed")
	}

	ctx, cancel = context.WithCancel(context.Background())
	err := store.WriteForTest(s, ctx, func(tx *gorm.DB) error {
		if err := setting(tx, "wt_first"); err != nil {
			return err
		}
		cancel() // the client disconnects halfway through
		return setting(tx, "wt_second")
	})
	first, second := settingExists(t, s, "wt_first"), settingExists(t, s, "wt_second")
	if first != second || (err == nil) != first {
		t.Errorf("write interrupted halfway: err = %v, first row %v, second row %v; want both rows and no error, or neither and an error", err, first, second)
	}
}

// Close lets every queued write commit before the connections close, and
// refuses writes asked after it.
func TestCloseDrainsTheWriteQueue(t *testing.T) {
	url := storetest.URL(t)
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{URL: url, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	release, held := holdQueue(t, s, "wt_blocker")
	const n = 30
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- store.WriteForTest(s, ctx, func(tx *gorm.DB) error { return setting(tx, fmt.Sprintf("wt_%02d", i)) })
		}()
	}
	waitQueued(t, s, n)
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	time.Sleep(10 * time.Millisecond) // Close is now waiting for the queue
	release()
	acked := 0
	for range n {
		if err := <-errs; err == nil {
			acked++
		} else if s.Dialect() == "sqlite" {
			t.Errorf("a write queued before Close failed: %v", err)
		}
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := store.WriteForTest(s, ctx, func(tx *gorm.DB) error { return setting(tx, "wt_late") }); err == nil {
		t.Error("a write after Close succeeded")
	}
	s2, err := store.Open(ctx, store.Options{URL: url, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	all, err := s2.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for k := range all {
		if strings.HasPrefix(k, "wt_") && k != "wt_blocker" {
			found++
		}
	}
	if found != acked || all["wt_blocker"] == "" {
		t.Errorf("after Close: %d writes found, %d acknowledged (blocker %q)", found, acked, all["wt_blocker"])
	}
}

// Concurrent writers on one article: the history chain holds every entry,
// in order (each claim's creation before its changes), and verifies.
func TestConcurrentWritersKeepHistoryInOrder(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	author := storetest.User(t, s, models.RoleAdmin)
	text := strings.Repeat("The minister said the budget grew by nine per cent last year. ", 20)
	a := storetest.Article(t, s, author, "Budget", text)
	const writers, each = 8, 12
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				start := (w*each + i) % 20 * 63
				d, err := s.CreateClaim(ctx, store.ActorOf(author), store.NewClaim{ArticleID: a.ID, Revision: a.Revision,
					Start: start, End: start + 12, Quote: string([]rune(text)[start : start+12])})
				if err != nil {
					errs <- err
					continue
				}
				summary := fmt.Sprintf("writer %d, claim %d", w, i)
				if _, err := s.UpdateClaim(ctx, store.ActorOf(author), d.ID, store.ClaimPatch{Version: d.Version, Content: models.ClaimInput{Summary: &summary}}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rep, err := s.VerifyHistory(ctx)
	if err != nil || !rep.OK {
		t.Fatalf("history verify: %+v, %v", rep, err)
	}
	h, err := s.History(ctx, store.HistoryQuery{ArticleID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	created := map[int64]bool{}
	updates := 0
	for _, e := range h {
		if e.EntityType != "claim" {
			continue
		}
		switch e.Action {
		case "created":
			created[e.EntityID] = true
		default:
			if !created[e.EntityID] {
				t.Fatalf("history entry %d (%s of claim %d) comes before the claim's creation", e.ID, e.Action, e.EntityID)
			}
			updates++
		}
	}
	if len(created) != writers*each || updates != writers*each {
		t.Errorf("history has %d creations and %d changes, want %d of each", len(created), updates, writers*each)
	}
}

// The crash test: a child process creates claims from 8 goroutines and
// prints each id once CreateClaim has returned it; the parent kills it
// (SIGKILL) in the middle, reopens the database and finds every
// acknowledged claim, with a history that verifies.
func TestCrashLosesNoAcknowledgedWrite(t *testing.T) {
	url := storetest.URL(t)
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{URL: url, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	author := storetest.User(t, s, models.RoleAdmin)
	a := storetest.Article(t, s, author, "Crash", strings.Repeat("Unemployment fell to four per cent in March. ", 30))
	_ = s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperProcess$")
	cmd.Env = append(os.Environ(), "CLAIMDESK_CRASH_HELPER="+url, fmt.Sprintf("CLAIMDESK_CRASH_ARTICLE=%d", a.ID), fmt.Sprintf("CLAIMDESK_CRASH_AUTHOR=%d", author.ID))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []int64
	lines := bufio.NewScanner(out)
	for lines.Scan() && len(acked) < 400 {
		if id, ok := strings.CutPrefix(lines.Text(), "ack "); ok {
			n, _ := strconv.ParseInt(id, 10, 64)
			acked = append(acked, n)
		}
	}
	_ = cmd.Process.Kill()
	for lines.Scan() { // what was acknowledged before the kill landed
		if id, ok := strings.CutPrefix(lines.Text(), "ack "); ok {
			n, _ := strconv.ParseInt(id, 10, 64)
			acked = append(acked, n)
		}
	}
	_ = cmd.Wait()
	if len(acked) < 100 {
		t.Fatalf("the child acknowledged only %d writes before it was killed", len(acked))
	}
	s2, err := store.Open(ctx, store.Options{URL: url, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	cs, err := s2.ArticleClaims(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	have := map[int64]bool{}
	for _, c := range cs {
		have[c.ID] = true
	}
	lost := 0
	for _, id := range acked {
		if !have[id] {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged claims are missing after the crash", lost, len(acked))
	}
	rep, err := s2.VerifyHistory(ctx)
	if err != nil || !rep.OK {
		t.Errorf("history after the crash: %+v, %v", rep, err)
	}
	t.Logf("%d acknowledged before SIGKILL, %d found after, %d lost", len(acked), len(cs), lost)
}

// TestCrashHelperProcess is the child of TestCrashLosesNoAcknowledgedWrite.
func TestCrashHelperProcess(t *testing.T) {
	url := os.Getenv("CLAIMDESK_CRASH_HELPER")
	if url == "" {
		t.Skip("the crash test's child process")
	}
	article, _ := strconv.ParseInt(os.Getenv("CLAIMDESK_CRASH_ARTICLE"), 10, 64)
	author, _ := strconv.ParseInt(os.Getenv("CLAIMDESK_CRASH_AUTHOR"), 10, 64)
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{URL: url, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	deadline := time.Now().Add(60 * time.Second) // bounded, in case the parent never kills it
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				start := (w*7 + i) % 30 * 45
				d, err := s.CreateClaim(ctx, store.Actor{ID: author, Name: "crash"}, store.NewClaim{ArticleID: article, Revision: 1, Start: start, End: start + 12, Quote: "Unemployment"})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					continue
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "ack %d\n", d.ID)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// CreateClaim answers from what it wrote, without reading it back: the
// answer must be what a read gives.
func TestCreateClaimAnswersWhatAReadGives(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	author := storetest.User(t, s, models.RoleAdmin)
	a := storetest.Article(t, s, author, "Jobs", "Unemployment fell to four per cent in March, the minister said.")
	summary, kind, claimant := "Unemployment is at 4%", "statistic", "Ana Minister"
	for i, in := range []models.ClaimInput{
		{Summary: &summary, Type: &kind, Claimant: &claimant}, // a new claimant
		{Claimant: &claimant}, // the same one, found by name
		{},                    // none
	} {
		d, err := s.CreateClaim(ctx, store.ActorOf(author), store.NewClaim{ArticleID: a.ID, Revision: a.Revision, Start: 0, End: 12, Quote: "Unemployment", Input: in})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Claim(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		d.CreatedAt, d.UpdatedAt, got.CreatedAt, got.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC(), got.CreatedAt.UTC(), got.UpdatedAt.UTC()
		if d.Claimant != nil && got.Claimant != nil {
			d.Claimant.CreatedAt, d.Claimant.UpdatedAt = d.Claimant.CreatedAt.UTC(), d.Claimant.UpdatedAt.UTC()
			got.Claimant.CreatedAt, got.Claimant.UpdatedAt = got.Claimant.CreatedAt.UTC(), got.Claimant.UpdatedAt.UTC()
		}
		if !reflect.DeepEqual(d, got) {
			t.Errorf("claim %d: CreateClaim answered\n%+v\na read gives\n%+v", i, d, got)
		}
	}
}
