package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestUserPasswordCommand(t *testing.T) {
	e := env(map[string]string{"CLAIMDESK_DATABASE_URL": filepath.Join(t.TempDir(), "c.db")})
	ctx := context.Background()
	if err := run(ctx, []string{"user", "add", "--email", "ed@example.org", "--name", "Ed", "--role", "editor"}, e, strings.NewReader("the first passphrase\n"), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args  []string
		stdin string
		err   string
	}{
		{[]string{"user", "password"}, "x\n", "usage"},
		{[]string{"user", "password", "--email", "ed@example.org"}, "", "no password on standard input"},
		{[]string{"user", "password", "--email", "ed@example.org"}, "short\n", "at least 10 characters"},
		{[]string{"user", "password", "--email", "ed@example.org"}, "password2024\n", "too common"},
		{[]string{"user", "password", "--email", "nobody@example.org"}, "a good new passphrase\n", "no user"},
	} {
		if err := run(ctx, tt.args, e, strings.NewReader(tt.stdin), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%v with %q: %v, want %q", tt.args, tt.stdin, err, tt.err)
		}
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"user", "password", "--email", "ED@example.org"}, e, strings.NewReader("a good new passphrase\r\n"), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "password set for Ed") || strings.Contains(out.String(), "passphrase") {
		t.Fatalf("output: %q", out.String())
	}
	st, err := commandStore(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Authenticate(ctx, "ed@example.org", "a good new passphrase", "127.0.0.1"); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
}
