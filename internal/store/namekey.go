package store

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// nameKey is how claimant names and verdict labels are compared: NFC, runs
// of white space as one space, and lower case for every script. Both
// databases compare the stored key (claimants.name_key, verdicts.label_key)
// rather than their own lower(), which in SQLite folds only ASCII.
func nameKey(s string) string {
	return strings.ToLower(norm.NFC.String(strings.Join(strings.Fields(s), " ")))
}

// ClaimantSearchKey is what the claimant list's search looks in: name,
// title and affiliation, folded like names, one per line (so that a search
// never matches across two of them).
func ClaimantSearchKey(cl models.Claimant) string {
	return nameKey(cl.Name) + "\n" + nameKey(cl.Title) + "\n" + nameKey(cl.Affiliation)
}

// likeKey is a LIKE … ESCAPE '\' pattern matching keys that contain q.
func likeKey(q string) string { return likePattern(nameKey(q)) }

// fillNameKeys is the Go step of migration 0011: it writes the key of every
// claimant and verdict label that has none (the rows from before it).
func fillNameKeys(tx *gorm.DB) error {
	for _, t := range []struct{ table, column, key string }{{"claimants", "name", "name_key"}, {"verdicts", "label", "label_key"}} {
		for {
			var rows []struct {
				ID   int64
				Name string
			}
			if err := tx.Raw(`SELECT id, ` + t.column + ` AS name FROM ` + t.table + ` WHERE ` + t.key + ` = '' ORDER BY id LIMIT 500`).Scan(&rows).Error; err != nil {
				return fmt.Errorf("fill %s: %w", t.key, err)
			}
			if len(rows) == 0 {
				break
			}
			for _, r := range rows {
				key := nameKey(r.Name)
				if key == "" {
					key = " " // an empty name (never valid) would be read again forever
				}
				if err := tx.Exec(`UPDATE `+t.table+` SET `+t.key+` = ? WHERE id = ?`, key, r.ID).Error; err != nil {
					return fmt.Errorf("fill %s: %w", t.key, err)
				}
			}
		}
	}
	return nil
}

// fillClaimantSearchKeys is the Go step of migration 0013.
func fillClaimantSearchKeys(tx *gorm.DB) error {
	var last int64
	for {
		var rows []models.Claimant
		if err := tx.Select("id, name, title, affiliation").Where("id > ?", last).Order("id").Limit(500).Find(&rows).Error; err != nil {
			return fmt.Errorf("fill search_key: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		for _, cl := range rows {
			if err := tx.Exec(`UPDATE claimants SET search_key = ? WHERE id = ?`, ClaimantSearchKey(cl), cl.ID).Error; err != nil {
				return fmt.Errorf("fill search_key: %w", err)
			}
			last = cl.ID
		}
	}
}
