// Command web is the Claimdesk server and its administration commands.
//
//	web                         serve (the default)
//	web user add --email E --name N --role R   (password from stdin, or generated)
//	web user password --email E                 (new password from stdin; ends the user's sessions)
//	web token add --email E --label L          (prints a new API token)
//	web history verify                          (checks the audit log's hash chain)
//	web export > backup.jsonl                   (the whole database as JSON Lines)
//	web import < backup.jsonl                   (into an empty database)
//	web backup FILE                             (a consistent online copy of a SQLite database)
//	web factchecks import FILE|-                (published ClaimReviews into the fact-check library)
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "claimdesk:", err)
		os.Exit(1)
	}
}
