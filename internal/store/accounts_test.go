package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

func TestOneTimeLinks(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Now().UTC()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s, err := store.Open(ctx, store.Options{URL: storetest.URL(t), PasswordCost: bcrypt.MinCost, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin := storetest.User(t, s, models.RoleAdmin)
	g, err := s.InviteUser(ctx, store.ActorOf(admin), models.NewUser{Email: "Ina@Example.org", Name: "Ina", Role: "editor"}, nil)
	if err != nil || g.Token == "" || g.Purpose != models.LinkInvite || !g.ExpiresAt.Equal(clock().Truncate(time.Microsecond).Add(models.InviteLinkLifetime)) {
		t.Fatalf("invite: %+v %v", g, err)
	}
	if _, err := s.InviteUser(ctx, store.ActorOf(admin), models.NewUser{Email: "ina@example.org", Name: "Ina", Role: "editor"}, nil); err == nil {
		t.Fatal("a second invite for the same address was accepted")
	}
	// An invited user cannot sign in: there is no password yet.
	if _, err := s.Authenticate(ctx, "ina@example.org", "", "192.0.2.9"); !errors.Is(err, models.ErrUnauthenticated) {
		t.Fatalf("invited user signed in with no password: %v", err)
	}
	// A refused password leaves the link usable.
	var verr models.ValidationError
	if _, err := s.UseLink(ctx, g.Token, "password123"); !errors.As(err, &verr) || verr["password"] == "" {
		t.Fatalf("common password through a link: %v", err)
	}
	// A newer link replaces the old.
	g2, err := s.GrantLink(ctx, store.ActorOf(admin), g.User.ID, nil)
	if err != nil || g2.Purpose != models.LinkInvite {
		t.Fatalf("new invite link: %+v %v", g2, err)
	}
	if _, _, err := s.Link(ctx, g.Token); !errors.Is(err, models.ErrLinkUnknown) {
		t.Fatalf("replaced link: %v", err)
	}
	// Two people racing to use one link: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { _, errs[i] = s.UseLink(ctx, g2.Token, "a sentence nobody guesses") })
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, models.ErrLinkUsed):
			t.Errorf("racing use: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d uses of one link succeeded", wins)
	}
	if _, err := s.Authenticate(ctx, "ina@example.org", "a sentence nobody guesses", "192.0.2.9"); err != nil {
		t.Fatalf("sign in with the chosen password: %v", err)
	}
	if _, _, err := s.Link(ctx, g2.Token); !errors.Is(err, models.ErrLinkUsed) {
		t.Fatalf("used link: %v", err)
	}
	// A reset link lasts 24 hours.
	r, err := s.GrantLink(ctx, store.ActorOf(admin), g.User.ID, nil)
	if err != nil || r.Purpose != models.LinkReset {
		t.Fatalf("reset link: %+v %v", r, err)
	}
	advance(models.ResetLinkLifetime - time.Minute)
	if _, _, err := s.Link(ctx, r.Token); err != nil {
		t.Fatalf("reset link a minute before expiry: %v", err)
	}
	advance(2 * time.Minute)
	if _, err := s.UseLink(ctx, r.Token, "another good passphrase"); !errors.Is(err, models.ErrLinkExpired) {
		t.Fatalf("expired reset link: %v", err)
	}
	// Deactivated accounts: no new link, and an existing one stops working.
	r, _ = s.GrantLink(ctx, store.ActorOf(admin), g.User.ID, nil)
	off := false
	if _, err := s.UpdateUser(ctx, store.ActorOf(admin), g.User.ID, store.UserUpdate{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Link(ctx, r.Token); !errors.Is(err, models.ErrLinkAccount) {
		t.Fatalf("link of a deactivated account: %v", err)
	}
	if _, err := s.GrantLink(ctx, store.ActorOf(admin), g.User.ID, nil); err == nil {
		t.Fatal("a deactivated account got a link")
	}
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	u := storetest.User(t, s, models.RoleEditor)
	keep, _, _ := s.CreateSession(ctx, u)
	other, _, _ := s.CreateSession(ctx, u)
	tok, _, _ := s.CreateToken(ctx, store.ActorOf(u), u.ID, "script", 0)
	var verr models.ValidationError
	if err := s.ChangePassword(ctx, u.ID, "not it at all", "a brand new passphrase", keep); !errors.As(err, &verr) || verr["current_password"] == "" {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := s.ChangePassword(ctx, u.ID, storetest.Password, "qwerty123456", keep); !errors.As(err, &verr) || verr["password"] == "" {
		t.Fatalf("common new password: %v", err)
	}
	if err := s.ChangePassword(ctx, u.ID, storetest.Password, "a brand new passphrase", keep); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, keep); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	if _, _, err := s.SessionUser(ctx, other); !errors.Is(err, models.ErrUnauthenticated) {
		t.Errorf("another session survived a password change: %v", err)
	}
	if _, err := s.TokenUser(ctx, tok); err != nil {
		t.Errorf("an API token stopped working after a password change: %v", err)
	}
	if _, err := s.Authenticate(ctx, u.Email, storetest.Password, "192.0.2.1"); !errors.Is(err, models.ErrUnauthenticated) {
		t.Errorf("the old password still works: %v", err)
	}
	got, _ := s.User(ctx, u.ID)
	if got.LastSignInAt == nil {
		t.Error("sign-in time not recorded")
	}
}
