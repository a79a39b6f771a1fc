package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

// Invite is the mail that brings a new user in; the link is added when it is sent.
func Invite(newsroom, inviter string, u models.User) models.OutgoingMail {
	return models.OutgoingMail{Kind: models.LinkInvite, Subject: "You are invited to " + newsroom + " on Claimdesk",
		Body: fmt.Sprintf(`Hello %s,

%s has made you a Claimdesk account at %s, as %s.

Choose your password here (the link works once, for 7 days):

%s

If you did not expect this, ignore this mail: no account works without the password you choose.
`, u.Name, inviter, newsroom, strings.ToLower(u.Role.Label()), models.LinkPlaceholder)}
}

// Reset is the mail with a password reset link an admin made.
func Reset(newsroom, admin string, u models.User) models.OutgoingMail {
	return models.OutgoingMail{Kind: models.LinkReset, Subject: "Reset your Claimdesk password",
		Body: fmt.Sprintf(`Hello %s,

%s has reset the password of your Claimdesk account at %s.

Choose a new password here (the link works once, for 24 hours):

%s

Your current password keeps working until you choose a new one. If you did not ask for this, tell %s.
`, u.Name, admin, newsroom, models.LinkPlaceholder, admin)}
}

// Notification composes a notification mail; baseURL links to the claim.
func Notification(baseURL string, n store.Notification) models.OutgoingMail {
	quote := n.Claim.Quote
	if utf8.RuneCountInString(quote) > 300 {
		quote = string([]rune(quote)[:300]) + "…"
	}
	link := strings.TrimRight(baseURL, "/") + "/claims/" + strconv.FormatInt(n.Claim.ID, 10)
	var subject, what string
	switch n.Kind {
	case store.NotifyAssigned:
		subject, what = "Assigned to you: "+short(quote), n.ActorName+" assigned you this claim"
	case store.NotifyReview:
		subject, what = "Waiting for your sign-off: "+short(quote), n.ActorName+" proposed a verdict on this claim; it waits for sign-off"
	case store.NotifyPublished:
		subject, what = "Your claim was published: "+short(quote), n.ActorName+" published the fact-check of this claim"
	}
	body := fmt.Sprintf(`Hello %s,

%s, in “%s”:

“%s”

%s

You get these mails because notifications are on in your account. Turn them off at %s/account
`, n.Recipient.Name, what, n.ArticleTitle, quote, link, strings.TrimRight(baseURL, "/"))
	return models.OutgoingMail{Kind: n.Kind, Subject: subject, Body: body}
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 60 {
		return string([]rune(s)[:60]) + "…"
	}
	return s
}

// message renders an RFC 5322 message: plain text in UTF-8,
// quoted-printable, with headers that cannot carry a line break.
func message(from, to, subject, body string, now time.Time, domain string) []byte {
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	var b bytes.Buffer
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	fmt.Fprintf(&b, "From: %s\r\n", clean(from))
	fmt.Fprintf(&b, "To: %s\r\n", (&mail.Address{Address: clean(to)}).String())
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", clean(subject)))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id), clean(domain))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\nAuto-Submitted: auto-generated\r\n\r\n")
	w := quotedprintable.NewWriter(&b)
	_, _ = w.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n")))
	_ = w.Close()
	return b.Bytes()
}
