package mail_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/claimdesk/claimdesk/internal/mail"
	"github.com/claimdesk/claimdesk/internal/mail/mailtest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

const baseURL = "https://claims.example.org"

// clock is a settable time for the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock() *clock               { return &clock{t: time.Now().UTC()} }
func openStore(t *testing.T, url string, now func() time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{URL: url, PasswordCost: bcrypt.MinCost, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

var linkRe = regexp.MustCompile(regexp.QuoteMeta(baseURL) + `/account/link/([A-Za-z0-9_-]+)`)

func TestInviteIsMailedOverSTARTTLSWithAFreshLink(t *testing.T) {
	ctx := context.Background()
	srv := mailtest.Start(t)
	st := storetest.New(t)
	admin := storetest.User(t, st, models.RoleAdmin)
	invitee := models.User{Name: "Ina Invited", Email: "ina@example.org", Role: models.RoleViewer}
	m := mail.Invite("Wire desk", admin.Name, invitee)
	g, err := st.InviteUser(ctx, store.ActorOf(admin), models.NewUser{Email: invitee.Email, Name: invitee.Name, Role: "viewer"}, &m)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Mailed || g.Token != "" {
		t.Fatalf("a mailed invite must not hand out the link: %+v", g)
	}
	ob := mail.NewOutbox(srv.Config(), st, nil, baseURL)
	if n := ob.Round(ctx); n != 1 {
		t.Fatalf("sent %d mails, want 1", n)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages", len(msgs))
	}
	got := msgs[0]
	if !got.TLS || got.To != "ina@example.org" || got.From != "claims@desk.example.org" || !strings.Contains(got.Subject, "Wire desk") {
		t.Fatalf("message: TLS %v to %q from %q subject %q", got.TLS, got.To, got.From, got.Subject)
	}
	match := linkRe.FindStringSubmatch(got.Body)
	if match == nil || strings.Contains(got.Body, models.LinkPlaceholder) {
		t.Fatalf("no link in the body:\n%s", got.Body)
	}
	if _, u, err := st.Link(ctx, match[1]); err != nil || u.Email != "ina@example.org" {
		t.Fatalf("the mailed link does not open the account: %v", err)
	}
	if _, err := st.UseLink(ctx, match[1], "a sentence nobody guesses"); err != nil {
		t.Fatalf("use the mailed link: %v", err)
	}
	if n := ob.Round(ctx); n != 0 {
		t.Fatalf("a second round sent %d more", n)
	}
}

func TestMailWithSpentLinkIsNotSent(t *testing.T) {
	ctx := context.Background()
	srv := mailtest.Start(t)
	st := storetest.New(t)
	admin := storetest.User(t, st, models.RoleAdmin)
	ed := storetest.User(t, st, models.RoleEditor)
	m := mail.Reset("Desk", admin.Name, ed)
	if _, err := st.GrantLink(ctx, store.ActorOf(admin), ed.ID, &m); err != nil {
		t.Fatal(err)
	}
	// Before it is sent, the admin makes a new link (shown): the queued one is void.
	if g, err := st.GrantLink(ctx, store.ActorOf(admin), ed.ID, nil); err != nil || g.Token == "" {
		t.Fatalf("second link: %+v %v", g, err)
	}
	ob := mail.NewOutbox(srv.Config(), st, nil, baseURL)
	if n := ob.Round(ctx); n != 0 || len(srv.Messages()) != 0 {
		t.Fatalf("a mail whose link was replaced was sent")
	}
	if sum, err := st.MailStatus(ctx); err != nil || sum.Queued != 0 {
		t.Fatalf("status: %+v %v", sum, err)
	}
	// A link used before its mail goes out: the mail is marked failed, not sent.
	m = mail.Reset("Desk", admin.Name, ed)
	if _, err := st.GrantLink(ctx, store.ActorOf(admin), ed.ID, &m); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetPassword(ctx, store.Actor{Name: "cli"}, ed.Email, "another long passphrase"); err != nil {
		t.Fatal(err)
	}
	if n := ob.Round(ctx); n != 0 || len(srv.Messages()) != 0 {
		t.Fatalf("a mail whose link was spent was sent")
	}
}

func TestNotifications(t *testing.T) {
	ctx := context.Background()
	srv := mailtest.Start(t)
	st := storetest.New(t)
	editor := storetest.User(t, st, models.RoleEditor)
	fc1 := storetest.User(t, st, models.RoleFactChecker)
	fc2 := storetest.User(t, st, models.RoleFactChecker)
	quiet := storetest.User(t, st, models.RoleAdmin)
	if err := st.SetEmailNotifications(ctx, quiet.ID, false); err != nil {
		t.Fatal(err)
	}
	ob := mail.NewOutbox(srv.Config(), st, nil, baseURL)
	ob.Round(ctx) // nothing before: creating users sends no notification
	text := "The minister said unemployment fell by half in 2024."
	a := storetest.Article(t, st, editor, "Budget speech", text)
	c, err := st.CreateClaim(ctx, store.ActorOf(editor), store.NewClaim{ArticleID: a.ID, Revision: 1, Start: 13, End: len(text) - 1, Quote: text[13 : len(text)-1]})
	if err != nil {
		t.Fatal(err)
	}
	s := func(v string) *string { return &v }
	steps := []struct {
		by    models.User
		patch store.ClaimPatch
	}{
		{fc2, store.ClaimPatch{State: s("researching"), Assignee: s(fc1.Email)}},
		{fc1, store.ClaimPatch{Verdict: s("False"), Explanation: s("Statistics office figures."), State: s("in_review")}},
	}
	for _, step := range steps {
		cur, err := st.Claim(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		step.patch.Version = cur.Version
		if _, err := st.UpdateClaim(ctx, store.ActorOf(step.by), c.ID, step.patch); err != nil {
			t.Fatal(err)
		}
		ob.Round(ctx)
	}
	cur, _ := st.Claim(ctx, c.ID)
	if _, err := st.SignOff(ctx, store.ActorOf(fc2), c.ID, store.Decision{Approve: true, Version: cur.Version}); err != nil {
		t.Fatal(err)
	}
	ob.Round(ctx)
	cur, _ = st.Claim(ctx, c.ID)
	if _, err := st.UpdateClaim(ctx, store.ActorOf(fc2), c.ID, store.ClaimPatch{Version: cur.Version, State: s("published")}); err != nil {
		t.Fatal(err)
	}
	ob.Round(ctx)
	ob.Round(ctx) // a second round queues nothing twice
	got := map[string][]string{}
	for _, m := range srv.Messages() {
		got[m.To] = append(got[m.To], strings.SplitN(m.Subject, ":", 2)[0])
		if !strings.Contains(m.Body, baseURL+"/claims/"+fmt.Sprint(c.ID)) || !strings.Contains(m.Body, "Budget speech") {
			t.Errorf("mail to %s lacks the claim link or article:\n%s", m.To, m.Body)
		}
	}
	want := map[string][]string{
		fc1.Email:    {"Assigned to you", "Your claim was published"}, // fc1 wrote the verdict: not asked to sign it off
		fc2.Email:    {"Waiting for your sign-off"},                   // fc2 published it: not told of their own change
		editor.Email: {"Your claim was published"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("notifications:\n got %v\nwant %v (the admin turned them off)", got, want)
	}
}

func TestRetryWithBackoffThenDelivered(t *testing.T) {
	ctx := context.Background()
	srv := mailtest.Start(t)
	clk := newClock()
	st := openStore(t, storetest.URL(t), clk.Now)
	srv.FailNext(2)
	if err := st.QueueMail(ctx, models.OutgoingMail{Kind: "test", To: "ana@example.org", Subject: "Hello", Body: "Body"}); err != nil {
		t.Fatal(err)
	}
	ob := mail.NewOutbox(srv.Config(), st, nil, baseURL)
	for i, wait := range []time.Duration{0, 30 * time.Second, 60 * time.Second} {
		clk.Add(wait - time.Second)
		if n := ob.Round(ctx); n != 0 {
			t.Fatalf("round %d, a second before due: sent %d", i, n)
		}
		clk.Add(time.Second)
		n := ob.Round(ctx)
		if (i < 2 && n != 0) || (i == 2 && n != 1) {
			t.Fatalf("round %d: sent %d", i, n)
		}
	}
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].To != "ana@example.org" {
		t.Fatalf("after two temporary failures: %+v", msgs)
	}
}

func TestRejectedRecipientFailsAndCanBeRetried(t *testing.T) {
	ctx := context.Background()
	srv := mailtest.Start(t)
	st := storetest.New(t)
	srv.Reject("gone@example.org")
	if err := st.QueueMail(ctx, models.OutgoingMail{Kind: "test", To: "gone@example.org", Subject: "Hello", Body: "Body"}); err != nil {
		t.Fatal(err)
	}
	ob := mail.NewOutbox(srv.Config(), st, nil, baseURL)
	ob.Round(ctx)
	sum, err := st.MailStatus(ctx)
	if err != nil || sum.Failed != 1 || sum.Queued != 0 || !strings.Contains(sum.RecentFailures[0].LastError, "550") {
		t.Fatalf("a 550 is permanent: %+v %v", sum, err)
	}
	if n, err := st.RetryFailedMail(ctx); err != nil || n != 1 {
		t.Fatalf("retry: %d %v", n, err)
	}
	if sum, _ := st.MailStatus(ctx); sum.Queued != 1 || sum.Failed != 0 {
		t.Fatalf("after retry: %+v", sum)
	}
}

func TestWrongCredentialsAreRetriedNotLost(t *testing.T) {
	ctx := context.Background()
	srv := mailtest.Start(t)
	st := storetest.New(t)
	cfg := srv.Config()
	cfg.Password = "wrong"
	if err := st.QueueMail(ctx, models.OutgoingMail{Kind: "test", To: "ana@example.org", Subject: "Hello", Body: "Body"}); err != nil {
		t.Fatal(err)
	}
	mail.NewOutbox(cfg, st, nil, baseURL).Round(ctx)
	if sum, _ := st.MailStatus(ctx); sum.Queued != 1 || sum.Failed != 0 || len(sum.RecentFailures) != 1 {
		t.Fatalf("a sign-in failure must leave the mail queued: %+v", sum)
	}
}

// TestTwoInstancesNeverSendTwice: two servers on one database drain the
// outbox at the same time; every mail arrives exactly once.
func TestTwoInstancesNeverSendTwice(t *testing.T) {
	ctx := context.Background()
	srv := mailtest.Start(t)
	url := storetest.URL(t)
	st1 := openStore(t, url, nil)
	st2 := openStore(t, url, nil)
	const n = 40
	for i := range n {
		if err := st1.QueueMail(ctx, models.OutgoingMail{Kind: "test", To: fmt.Sprintf("r%02d@example.org", i), Subject: "Hello", Body: "Body"}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for _, st := range []*store.Store{st1, st2, st1, st2} {
		ob := mail.NewOutbox(srv.Config(), st, nil, baseURL)
		wg.Go(func() { ob.Round(ctx) })
	}
	wg.Wait()
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.To]++
	}
	for to, k := range seen {
		if k != 1 {
			t.Errorf("%s got %d copies", to, k)
		}
	}
	if len(seen) != n {
		t.Fatalf("%d of %d mails arrived", len(seen), n)
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		raw, from string
		ok        bool
		want      string
	}{
		{"", "", true, "off"},
		{"smtp://u:p@mail.example.org:587", "", true, "smtp://u@mail.example.org:587"},
		{"smtp://mail.example.org", "", true, "smtp://mail.example.org:587"},
		{"smtps://u:p@mail.example.org", "", true, "smtps://u@mail.example.org:465"},
		{"http://mail.example.org", "", false, ""},
		{"smtp://", "", false, ""},
		{"smtp://u:p@host:587/path", "", false, ""},
		{"smtp://host:587", "not an address", false, ""},
	}
	for _, tt := range tests {
		c, err := mail.ParseURL(tt.raw, tt.from, "https://claims.example.org")
		if (err == nil) != tt.ok || (tt.ok && c.String() != tt.want) {
			t.Errorf("ParseURL(%q) = %q, %v", tt.raw, c.String(), err)
		}
		if tt.ok && tt.raw != "" && c.From != "\"Claimdesk\" <claimdesk@claims.example.org>" {
			t.Errorf("default From = %q", c.From)
		}
	}
}
