package models

import "time"

// HistoryEntry is one line of the append-only, hash-chained log of changes.
// Hash = SHA-256(PrevHash || canonical encoding of the entry's content).
type HistoryEntry struct {
	ID         int64
	EntityType string // "article", "claim", "evidence", "settings", ...
	EntityID   int64
	ClaimID    *int64 // set for entries about a claim or its parts
	ArticleID  *int64 // set for entries about an article or its claims
	ActorID    *int64
	ActorName  string
	Action     string // "created", "updated", "deleted", "state", "reanchored", ...
	Changes    string // JSON object: field → [old, new]
	CreatedAt  time.Time
	PrevHash   string
	Hash       string
}
