package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/claimdesk/claimdesk/internal/store"
)

// historyCommand: history verify [--head ID:HASH]; checks the chain (and
// that it still holds the head given), prints its head, and exits
// non-zero when it is broken.
func historyCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	const usage = "usage: history verify [--head ID:HASH]"
	if len(args) == 0 || args[0] != "verify" {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("history verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	headFlag := fs.String("head", "", "a head published earlier (ID:HASH): check that the chain still holds it")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		return errors.New(usage)
	}
	var want *store.HistoryHead
	if *headFlag != "" {
		h, err := store.ParseHistoryHead(*headFlag)
		if err != nil {
			return fmt.Errorf("--head: %w", err)
		}
		want = &h
	}
	st, err := commandStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	var r store.ChainReport
	if want != nil {
		r, err = st.VerifyHistoryHead(ctx, *want)
	} else {
		r, err = st.VerifyHistory(ctx)
	}
	if err != nil {
		return err
	}
	if !r.OK {
		return fmt.Errorf("history chain BROKEN at entry %d: %s (%d entries checked)", r.BrokenAt, r.Problem, r.Entries)
	}
	fmt.Fprintf(stdout, "history chain OK: %d entries\n", r.Entries)
	if r.Entries > 0 {
		fmt.Fprintf(stdout, "head: %s (entry %d, %s)\n", r.Head, r.Head.ID, r.Head.At.Format("2006-01-02 15:04:05 MST"))
	}
	if want != nil {
		fmt.Fprintf(stdout, "holds the head given: %s\n", want)
	}
	return nil
}
