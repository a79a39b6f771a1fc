package store

// The write path.
//
// Every store method that writes calls s.tx(ctx, fn): fn gets a *gorm.DB
// inside a transaction, reads and writes through it, and returns nil to
// commit or an error to undo everything it did. That is all a new write
// needs; the rest of this file is how s.tx runs fn:
//
//   - On SQLite, writes are queued in Go to one goroutine that owns the one
//     write connection (SQLite allows one writer at a time; queueing in Go
//     replaces the busy handler, which sleeps in steps of up to 100 ms).
//     The goroutine takes what is waiting, up to maxGroup writes, and runs
//     them in ONE transaction, each inside its own savepoint: a write whose
//     fn fails is rolled back to its savepoint and gets its own error; its
//     neighbours commit. One commit (one fsync of the WAL) then serves the
//     whole group, and each caller is answered only after that commit.
//     If the commit itself fails, each write of the group is run again
//     alone, so that one bad write never fails another's request.
//   - On PostgreSQL, which has many writers of its own, fn runs in its own
//     transaction on the pool, as before.
//   - On both, the history entries that fn appends (appendHistory) are
//     kept aside and chained at the end of fn, so that PostgreSQL's history
//     lock is held only from the append to the commit.
//
// fn may run more than once (after a failed group commit) and must
// therefore only assign, never accumulate, what it hands back to its
// caller through captured variables. fn must not call s.tx itself (the
// queue would wait for itself): pass tx down instead.
//
// A caller whose context ends while its write waits in the queue gets the
// context's error and nothing is written. Once its fn has started, the
// write runs to its commit (or rollback) whatever happens to the request:
// a client that disconnects never leaves half a write.
//
// Close stops taking writes, lets the queue drain, and then closes the
// connections: every write that was accepted is committed or answered
// with its error.

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// maxGroup is the most writes committed together. A group costs one
// commit; beyond a few dozen writes the commit is no longer what limits
// throughput, and a bigger group only delays its first caller.
const maxGroup = 64

// ErrClosed is returned for writes asked of a store that is closing.
var ErrClosed = errors.New("store: closed")

// writeQueue serialises SQLite's writes on one connection.
type writeQueue struct {
	db   *gorm.DB // the write connection (a pool of one)
	s    *Store
	reqs chan *writeReq
	done chan struct{} // closed when the writer goroutine has drained and stopped

	mu     sync.RWMutex // held for reading while sending on reqs; for writing to close it
	closed bool

	grouped atomic.Int64 // writes committed in groups of more than one
}

type writeReq struct {
	ctx    context.Context
	fn     func(tx *gorm.DB) error
	err    error
	panic  any
	stack  []byte
	answer chan struct{}
}

func newWriteQueue(s *Store, db *gorm.DB) *writeQueue {
	q := &writeQueue{db: db, s: s, reqs: make(chan *writeReq, 4*maxGroup), done: make(chan struct{})}
	go q.run()
	return q
}

// do queues fn and waits for its commit or its error.
func (q *writeQueue) do(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &writeReq{ctx: ctx, fn: fn, answer: make(chan struct{})}
	q.mu.RLock()
	if q.closed {
		q.mu.RUnlock()
		return ErrClosed
	}
	select {
	case q.reqs <- r:
		q.mu.RUnlock()
	case <-ctx.Done():
		q.mu.RUnlock()
		return ctx.Err()
	}
	<-r.answer // once queued, a write is always answered: it may already be running
	if r.panic != nil {
		panic(fmt.Sprintf("%v\n\nin the write queue:\n%s", r.panic, r.stack))
	}
	return r.err
}

// close stops taking writes and waits until those taken are answered.
func (q *writeQueue) close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.reqs)
	}
	q.mu.Unlock()
	<-q.done
}

func (q *writeQueue) run() {
	defer close(q.done)
	group := make([]*writeReq, 0, maxGroup)
	for r := range q.reqs {
		group = append(group[:0], r)
	more:
		for len(group) < maxGroup {
			select {
			case r, ok := <-q.reqs:
				if !ok {
					break more
				}
				group = append(group, r)
			default:
				break more
			}
		}
		q.runGroup(group)
		clear(group)
	}
}

// runGroup commits the writes of group that still have a caller, each in
// its own savepoint of one transaction, and answers them.
func (q *writeQueue) runGroup(group []*writeReq) {
	live := group[:0:0]
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.err = err // its caller went away before it ran: nothing is written
			close(r.answer)
			continue
		}
		live = append(live, r)
	}
	if len(live) == 1 {
		q.runAlone(live[0])
		return
	}
	if len(live) == 0 {
		return
	}
	// The transaction's context is not any caller's: one caller leaving
	// must not interrupt its neighbours' writes.
	db := q.db.WithContext(context.Background())
	err := db.Transaction(func(tx *gorm.DB) error {
		for _, r := range live {
			r.err = q.s.runWrite(r, func(fn func(*gorm.DB) error) error { return tx.Transaction(fn) })
		}
		return nil
	})
	if err != nil {
		for _, r := range live { // the commit failed: try each alone, so each gets its own answer
			r.err, r.panic = nil, nil
			q.runAlone(r)
		}
		return
	}
	q.grouped.Add(int64(len(live)))
	for _, r := range live {
		close(r.answer)
	}
}

func (q *writeQueue) runAlone(r *writeReq) {
	db := q.db.WithContext(context.Background())
	r.err = q.s.runWrite(r, func(fn func(*gorm.DB) error) error { return db.Transaction(fn) })
	close(r.answer)
}

// runWrite runs r.fn through begin (a transaction or a savepoint), with its
// history appended at its end; a panic in fn is handed to its caller.
func (s *Store) runWrite(r *writeReq, begin func(func(*gorm.DB) error) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.panic, r.stack = p, debug.Stack()
			err = fmt.Errorf("store: write panicked: %v", p)
		}
	}()
	return begin(s.withHistory(r.fn))
}

// withHistory makes fn's appendHistory calls wait until fn has done the
// rest of its work, and then chains them, so that PostgreSQL's history lock
// is held only from the append to the commit.
func (s *Store) withHistory(fn func(tx *gorm.DB) error) func(tx *gorm.DB) error {
	return func(tx *gorm.DB) error {
		p := &pendingHistory{}
		tx = tx.WithContext(context.WithValue(tx.Statement.Context, pendingHistoryKey{}, p))
		if err := fn(tx); err != nil {
			return err
		}
		return s.chainHistory(tx, p.entries)
	}
}

type pendingHistoryKey struct{}

// pendingHistory is the history a write has appended and not yet chained.
type pendingHistory struct {
	mu      sync.Mutex
	entries []models.HistoryEntry
}

// tx runs fn in one write transaction: see the top of this file.
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.writes != nil {
		return s.writes.do(ctx, fn)
	}
	r := &writeReq{ctx: ctx, fn: fn}
	err := s.runWrite(r, func(fn func(*gorm.DB) error) error { return s.db.WithContext(ctx).Transaction(fn) })
	if r.panic != nil {
		panic(r.panic)
	}
	return err
}
