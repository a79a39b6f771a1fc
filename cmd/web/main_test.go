package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string // the variable the message must name; "" for success
		check   func(config) bool
	}{
		{"defaults", nil, nil, "", func(c config) bool {
			return c.Addr == "localhost:8080" && c.DatabaseURL == "data/claimdesk.db" && c.BaseURL == "http://localhost:8080" && !c.Secure() && c.SQLiteSynchronous == "FULL"
		}},
		{"synchronous normal", map[string]string{"CLAIMDESK_SQLITE_SYNCHRONOUS": "normal"}, nil, "", func(c config) bool { return c.SQLiteSynchronous == "NORMAL" }},
		{"bad synchronous", map[string]string{"CLAIMDESK_SQLITE_SYNCHRONOUS": "OFF"}, nil, "CLAIMDESK_SQLITE_SYNCHRONOUS", nil},
		{"postgres and https", map[string]string{"CLAIMDESK_DATABASE_URL": "postgres://u@db/claims", "CLAIMDESK_BASE_URL": "https://claims.example.org/"}, nil, "", func(c config) bool {
			return c.BaseURL == "https://claims.example.org" && c.Secure()
		}},
		{"flags override", map[string]string{"CLAIMDESK_ADDR": "localhost:1"}, []string{"--addr", "127.0.0.1:9999"}, "", func(c config) bool { return c.Addr == "127.0.0.1:9999" }},
		{"bad addr", map[string]string{"CLAIMDESK_ADDR": "8080"}, nil, "CLAIMDESK_ADDR", nil},
		{"bad database URL", map[string]string{"CLAIMDESK_DATABASE_URL": "mysql://x/y"}, nil, "CLAIMDESK_DATABASE_URL", nil},
		{"bad base URL", map[string]string{"CLAIMDESK_BASE_URL": "claims.example.org"}, nil, "CLAIMDESK_BASE_URL", nil},
		{"base URL with a path", map[string]string{"CLAIMDESK_BASE_URL": "https://x.org/claims"}, nil, "CLAIMDESK_BASE_URL", nil},
		{"bad log level", map[string]string{"CLAIMDESK_LOG_LEVEL": "loud"}, nil, "CLAIMDESK_LOG_LEVEL", nil},
		{"bad fetch timeout", map[string]string{"CLAIMDESK_FETCH_TIMEOUT": "forever"}, nil, "CLAIMDESK_FETCH_TIMEOUT", nil},
		{"mail off by default", nil, nil, "", func(c config) bool { return !c.Mail.Enabled() }},
		{"mail", map[string]string{"CLAIMDESK_SMTP_URL": "smtp://u:p@mail.example.org:587", "CLAIMDESK_MAIL_FROM": "Desk <desk@example.org>"}, nil, "", func(c config) bool {
			return c.Mail.Enabled() && c.Mail.Addr == "mail.example.org:587" && c.Mail.From == `"Desk" <desk@example.org>`
		}},
		{"bad SMTP URL", map[string]string{"CLAIMDESK_SMTP_URL": "mail.example.org:587"}, nil, "CLAIMDESK_SMTP_URL", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(env(tt.env), tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a message naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(c) {
				t.Fatalf("config = %+v, err = %v", c, err)
			}
		})
	}
}

func TestUserAndTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	e := env(map[string]string{"CLAIMDESK_DATABASE_URL": db})
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"user", "add", "--email", "Ana@Example.org", "--name", "Ana", "--role", "factchecker"}, e, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "as factchecker") || !strings.Contains(out.String(), "password: ") {
		t.Fatalf("user add with empty stdin should print a generated password: %q", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"user", "add", "--email", "ed@example.org", "--name", "Ed", "--role", "editor"}, e, strings.NewReader("a long password\n"), &out, io.Discard); err != nil || strings.Contains(out.String(), "password:") {
		t.Fatalf("user add with a password on stdin: %v %q", err, out.String())
	}
	if err := run(ctx, []string{"user", "add", "--email", "x@example.org", "--name", "X", "--role", "chief"}, e, strings.NewReader(""), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "Unknown role") {
		t.Fatalf("unknown role: %v", err)
	}
	if err := run(ctx, []string{"user", "add", "--email", "ana@example.org", "--name", "Ana 2", "--role", "viewer"}, e, strings.NewReader(""), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate e-mail: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"token", "add", "--email", "ed@example.org", "--label", "CMS"}, e, nil, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "cd_") {
		t.Fatalf("token add: %v %q", err, out.String())
	}
	if err := run(ctx, []string{"token", "add", "--email", "nobody@example.org"}, e, nil, io.Discard, io.Discard); err == nil {
		t.Fatal("token for an unknown user succeeded")
	}
	out.Reset()
	if err := run(ctx, []string{"history", "verify"}, e, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "history chain OK") {
		t.Fatalf("history verify: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"history", "verify"}, e, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	live := regexp.MustCompile(`head: ([0-9]+:[0-9a-f]{64})`).FindStringSubmatch(out.String())
	out.Reset()
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := run(ctx, []string{"backup", copyPath}, e, nil, &out, io.Discard); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if live == nil || !strings.Contains(out.String(), "history head of the copy: "+live[1]) {
		t.Fatalf("backup FILE should print the copy's history head %v: %q", live, out.String())
	}
	if err := run(ctx, []string{"frobnicate"}, e, nil, io.Discard, io.Discard); err == nil {
		t.Fatal("unknown command succeeded")
	}
}

// TestServeShutsDownGracefully starts the real server, sends a request that
// is still being read when the shutdown signal comes, and checks that it
// is answered before serve returns.
func TestServeShutsDownGracefully(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:0"}, env(map[string]string{"CLAIMDESK_DATABASE_URL": db, "CLAIMDESK_LOG_LEVEL": "error"}), io.Discard, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}
	if res, err := http.Get("http://" + addr + "/healthz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v", err)
	}
	// A slow request: its body arrives after shutdown has begun.
	pr, pw := io.Pipe()
	got := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", "http://"+addr+"/login", pr)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- -1
			return
		}
		res.Body.Close()
		got <- res.StatusCode
	}()
	_, _ = pw.Write([]byte("email=a%40b.org"))
	time.Sleep(100 * time.Millisecond)
	cancel()
	time.Sleep(100 * time.Millisecond)
	_, _ = pw.Write([]byte("&password=x"))
	_ = pw.Close()
	select {
	case code := <-got:
		if code <= 0 {
			t.Fatalf("in-flight request was cut off (code %d)", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("in-flight request never finished")
	}
	if err := <-done; err != nil {
		t.Fatalf("serve returned %v", err)
	}
}
