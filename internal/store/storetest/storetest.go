// Package storetest opens fresh, migrated stores for tests: a SQLite file
// in t.TempDir(), or, when TEST_DATABASE_URL is set, a new PostgreSQL
// schema that is dropped when the test ends. The same tests run on both.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for schema set-up
	"golang.org/x/crypto/bcrypt"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

// URL returns a database URL for a fresh database: a SQLite path, or a
// PostgreSQL URL whose search_path is a new schema (dropped at cleanup).
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		return filepath.Join(t.TempDir(), "test.db")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		_ = admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// New returns a migrated store on a fresh database.
func New(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{URL: URL(t), PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// Password is the password of every user made by User.
const Password = "correct horse battery"

// User creates an active user with the given role.
func User(t testing.TB, s *store.Store, role models.Role) models.User {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := string(role) + "-" + hex.EncodeToString(b)
	u, err := s.CreateUser(context.Background(), store.Actor{Name: "test"}, models.NewUser{
		Email: name + "@example.org", Name: "Test " + name, Role: string(role), Password: Password,
	})
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u
}

// Article creates an article with the given text.
func Article(t testing.TB, s *store.Store, author models.User, title, text string) models.Article {
	t.Helper()
	a, err := s.CreateArticle(context.Background(), store.ActorOf(author), models.Article{Title: title, Text: text})
	if err != nil {
		t.Fatalf("create article: %v", err)
	}
	return a
}
