package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// UploadHoldLifetime is how long a held upload can be taken back.
const UploadHoldLifetime = 30 * time.Minute

// uploadHold is a file kept for a form that failed validation.
type uploadHold struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    int64
	FileName  string
	Content   []byte
	ExpiresAt time.Time
}

func (uploadHold) TableName() string { return "upload_holds" }

// HoldUpload keeps a file the user uploaded with a form that failed
// validation, for UploadHoldLifetime, and returns the token that takes it
// back (with the same user). Expired holds are deleted on the way.
func (s *Store) HoldUpload(ctx context.Context, userID int64, name string, content []byte) (string, error) {
	tok := randomToken(24)
	h := uploadHold{TokenHash: hashToken(tok), UserID: userID, FileName: name, Content: content, ExpiresAt: s.nowUTC().Add(UploadHoldLifetime)}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("expires_at <= ?", s.nowUTC()).Delete(&uploadHold{}).Error; err != nil {
			return err
		}
		return tx.Create(&h).Error
	})
	if err != nil {
		return "", fmt.Errorf("store: hold upload: %w", err)
	}
	return tok, nil
}

// HeldUpload returns the file held under token for the user; ok is false
// when there is none (never held, another user's, or expired).
func (s *Store) HeldUpload(ctx context.Context, userID int64, token string) (name string, content []byte, ok bool, err error) {
	if token == "" || len(token) > 100 {
		return "", nil, false, nil
	}
	var h uploadHold
	err = s.conn(ctx).Where("token_hash = ? AND user_id = ? AND expires_at > ?", hashToken(token), userID, s.nowUTC()).First(&h).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil, false, nil
	}
	if err != nil {
		return "", nil, false, fmt.Errorf("store: held upload: %w", err)
	}
	return h.FileName, h.Content, true, nil
}

// ReleaseUpload forgets the file held under token.
func (s *Store) ReleaseUpload(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.conn(ctx).Where("token_hash = ?", hashToken(token)).Delete(&uploadHold{}).Error
}
