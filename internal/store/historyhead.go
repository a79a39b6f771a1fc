package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// HistoryHead is the newest entry of the history chain: its id and hash.
// The chain shows any entry altered or removed from its middle; only a
// head kept outside the database shows that its newest entries were
// removed. It is published on the settings page, in every backup, by
// `claimdesk history verify`, and optionally appended to a file.
type HistoryHead struct {
	ID   int64     `json:"id"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at"`
}

// String is the form `history verify --head` takes: ID:HASH.
func (h HistoryHead) String() string { return strconv.FormatInt(h.ID, 10) + ":" + h.Hash }

var headRe = regexp.MustCompile(`^([1-9][0-9]{0,18}):([0-9a-f]{64})$`)

// ParseHistoryHead reads ID:HASH.
func ParseHistoryHead(s string) (HistoryHead, error) {
	m := headRe.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return HistoryHead{}, fmt.Errorf("%q is not a history head: give ID:HASH, as `history verify` prints it (e.g. 1234:%s…)", s, strings.Repeat("0", 8))
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return HistoryHead{}, fmt.Errorf("%q is not a history head: the id is too large", s)
	}
	return HistoryHead{ID: id, Hash: m[2]}, nil
}

// HistoryHead returns the newest entry's id and hash; ok is false when
// there is no history yet.
func (s *Store) HistoryHead(ctx context.Context) (HistoryHead, bool, error) {
	return historyHead(s.conn(ctx))
}

func historyHead(db *gorm.DB) (HistoryHead, bool, error) {
	var e models.HistoryEntry
	err := db.Session(&gorm.Session{}).Select("id", "hash", "created_at").Order("id DESC").Limit(1).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return HistoryHead{}, false, nil
	}
	if err != nil {
		return HistoryHead{}, false, fmt.Errorf("store: history head: %w", err)
	}
	return HistoryHead{ID: e.ID, Hash: e.Hash, At: e.CreatedAt.UTC()}, true, nil
}

// VerifyHistoryHead checks the whole chain, as VerifyHistory does, and
// that it still holds want: entry want.ID is there with hash want.Hash.
// When it is gone the newest entries were removed (the chain itself
// cannot show that); when its hash differs, the chain was rewritten from
// there or before.
func (s *Store) VerifyHistoryHead(ctx context.Context, want HistoryHead) (ChainReport, error) {
	r, err := s.VerifyHistory(ctx)
	if err != nil || !r.OK {
		return r, err
	}
	var e models.HistoryEntry
	err = s.conn(ctx).Select("id", "hash").Where("id = ?", want.ID).Take(&e).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		r.OK, r.BrokenAt = false, want.ID
		newest := "there is no history at all now"
		if r.Head.ID != 0 {
			newest = fmt.Sprintf("the newest entry now is %d", r.Head.ID)
		}
		r.Problem = fmt.Sprintf("is gone: the head you gave was removed, and every entry after it (%s). The history was truncated", newest)
	case err != nil:
		return r, fmt.Errorf("store: verify history head: %w", err)
	case e.Hash != want.Hash:
		r.OK, r.BrokenAt = false, want.ID
		r.Problem = "has another hash than the head you gave: the chain was rewritten from there or before, and its hashes recomputed"
	}
	return r, nil
}
