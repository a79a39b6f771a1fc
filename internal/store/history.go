package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Actor is who makes a change: recorded in history with their name as it was then.
type Actor struct {
	ID   int64
	Name string
	Role models.Role
}

// ActorOf returns the actor for a user.
func ActorOf(u models.User) Actor { return Actor{ID: u.ID, Name: u.Name, Role: u.Role} }

// Change is one field's old and new value.
type Change [2]any

// Changes maps field names to their old and new values.
type Changes map[string]Change

// diff adds name to c when old and new differ.
func (c Changes) diff(name string, old, new any) {
	if fmt.Sprint(old) != fmt.Sprint(new) {
		c[name] = Change{old, new}
	}
}

const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// appendHistory adds one entry to the hash chain, inside the caller's
// transaction. Inside s.tx the entry is kept until the write's other work
// is done and chained then (see writes.go); elsewhere it is chained at once.
func (s *Store) appendHistory(tx *gorm.DB, actor Actor, e models.HistoryEntry, changes Changes) error {
	if changes == nil {
		changes = Changes{}
	}
	body, err := json.Marshal(changes)
	if err != nil {
		return fmt.Errorf("store: history changes: %w", err)
	}
	if actor.ID != 0 {
		e.ActorID = &actor.ID
	}
	e.ActorName = actor.Name
	e.Changes = string(body)
	e.CreatedAt = s.nowUTC()
	if p, ok := tx.Statement.Context.Value(pendingHistoryKey{}).(*pendingHistory); ok {
		p.mu.Lock()
		p.entries = append(p.entries, e)
		p.mu.Unlock()
		return nil
	}
	return s.chainHistory(tx, []models.HistoryEntry{e})
}

// chainHistory links entries onto the chain's head, in order, and inserts
// them. The history lock is taken here, so it is held from this append to
// the end of the transaction and no longer.
func (s *Store) chainHistory(tx *gorm.DB, entries []models.HistoryEntry) error {
	if len(entries) == 0 {
		return nil
	}
	if err := s.dialect.lockHistory(tx); err != nil {
		return fmt.Errorf("store: lock history: %w", err)
	}
	var last models.HistoryEntry
	prev := genesisHash
	res := tx.Select("hash").Order("id DESC").Limit(1).Find(&last)
	if res.Error != nil {
		return fmt.Errorf("store: last history entry: %w", res.Error)
	}
	if res.RowsAffected > 0 {
		prev = last.Hash
	}
	for i := range entries {
		entries[i].PrevHash = prev
		entries[i].Hash = entryHash(entries[i])
		prev = entries[i].Hash
	}
	if err := tx.Create(&entries).Error; err != nil {
		return fmt.Errorf("store: append history: %w", err)
	}
	return nil
}

// entryHash is SHA-256 over the previous hash and the entry's content.
func entryHash(e models.HistoryEntry) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	optional := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	field(e.PrevHash)
	field(e.EntityType)
	field(strconv.FormatInt(e.EntityID, 10))
	field(optional(e.ClaimID))
	field(optional(e.ArticleID))
	field(optional(e.ActorID))
	field(e.ActorName)
	field(e.Action)
	field(e.Changes)
	field(e.CreatedAt.UTC().Format(time.RFC3339Nano))
	return hex.EncodeToString(h.Sum(nil))
}

// HistoryQuery selects history entries.
type HistoryQuery struct {
	ClaimID   int64
	ArticleID int64
	Limit     int
}

// History returns entries, oldest first, for a claim or an article (all when both are 0).
func (s *Store) History(ctx context.Context, q HistoryQuery) ([]models.HistoryEntry, error) {
	db := s.conn(ctx).Model(&models.HistoryEntry{})
	if q.ClaimID != 0 {
		db = db.Where("claim_id = ?", q.ClaimID)
	}
	if q.ArticleID != 0 {
		db = db.Where("article_id = ?", q.ArticleID)
	}
	limit := q.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	var out []models.HistoryEntry
	if err := db.Order("id").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: history: %w", err)
	}
	return out, nil
}

// ChainReport is the result of verifying the history chain.
type ChainReport struct {
	Entries  int
	OK       bool
	BrokenAt int64       // id of the first entry that fails, 0 when OK
	Problem  string      // what is wrong there
	Head     HistoryHead // the newest entry checked (historyhead.go)
}

// VerifyHistory walks the whole chain in id order, in batches, and checks
// that each entry links to the one before and that its hash matches its content.
func (s *Store) VerifyHistory(ctx context.Context) (ChainReport, error) {
	return verifyChain(s.conn(ctx))
}

// verifyChain checks the chain as db sees it (a transaction, during a restore).
func verifyChain(db *gorm.DB) (ChainReport, error) {
	r := ChainReport{OK: true}
	prev := genesisHash
	var lastID int64
	for {
		var batch []models.HistoryEntry
		if err := db.Session(&gorm.Session{}).Where("id > ?", lastID).Order("id").Limit(1000).Find(&batch).Error; err != nil {
			return r, fmt.Errorf("store: verify history: %w", err)
		}
		if len(batch) == 0 {
			return r, nil
		}
		for _, e := range batch {
			r.Entries++
			switch {
			case e.PrevHash != prev:
				r.OK, r.BrokenAt, r.Problem = false, e.ID, "does not link to the entry before it (an entry was removed or reordered)"
			case entryHash(e) != e.Hash:
				r.OK, r.BrokenAt, r.Problem = false, e.ID, "its content does not match its hash (it was altered)"
			}
			if !r.OK {
				return r, nil
			}
			prev, lastID = e.Hash, e.ID
			r.Head = HistoryHead{ID: e.ID, Hash: e.Hash, At: e.CreatedAt.UTC()}
		}
	}
}
