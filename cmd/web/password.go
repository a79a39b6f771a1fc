package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

// passwordCommand: user password --email E sets the account's password to
// the first line of stdin (checked like any new password), ends all its
// sessions and spends its unused links. API tokens stay.
func passwordCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user password", flag.ContinueOnError)
	email := fs.String("email", "", "the user's e-mail (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || fs.NArg() > 0 {
		return errors.New("usage: user password --email E, with the new password on standard input (echo … | claimdesk user password --email E)")
	}
	password, empty := readPassword(stdin)
	if empty {
		return errors.New("no password on standard input: give the new password as its first line")
	}
	st, err := commandStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.SetPassword(ctx, store.Actor{Name: "command line"}, *email, password)
	var verr models.ValidationError
	switch {
	case errors.Is(err, models.ErrNotFound):
		return fmt.Errorf("no user with e-mail %q", *email)
	case errors.As(err, &verr):
		return fmt.Errorf("%s", strings.TrimPrefix(verr.Error(), "invalid input: "))
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "password set for %s <%s>; their sessions were ended (API tokens stay)\n", u.Name, u.Email)
	return nil
}

// readPassword reads the first line of stdin; empty reports that there was none.
func readPassword(stdin io.Reader) (password string, empty bool) {
	if stdin == nil {
		return "", true
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", true
	}
	password = strings.TrimRight(line, "\r\n")
	return password, password == ""
}
