package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/claimdesk/claimdesk/internal/factcheck"
	"github.com/claimdesk/claimdesk/internal/store"
)

const factChecksUsage = "usage: factchecks import [--lines] [--batch N] FILE|-   (ClaimReview JSON-LD or JSON Lines; - reads standard input)"

// factChecksCommand: factchecks import FILE|- streams a file of published
// fact-checks of any size into the library, in batches of --batch items
// (each batch one transaction), with a progress line on the terminal, and
// prints the totals and the items not imported (docs/factchecks.md).
func factChecksCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return errors.New(factChecksUsage)
	}
	fs := flag.NewFlagSet("factchecks import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lines := fs.Bool("lines", false, "read JSON Lines (the default for .jsonl and .ndjson files; otherwise recognised when the first line is a whole item)")
	batch := fs.Int("batch", 1000, "items written per transaction (1–10000)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || *batch < 1 || *batch > 10000 {
		return errors.New(factChecksUsage)
	}
	name := fs.Arg(0)
	var in io.Reader
	if name == "-" {
		if stdin == nil {
			return errors.New("factchecks import -: nothing on standard input")
		}
		in = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
		lower := strings.ToLower(name)
		*lines = *lines || strings.HasSuffix(lower, ".jsonl") || strings.HasSuffix(lower, ".ndjson")
	}
	st, err := commandStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	tty := isTerminal(stderr)
	start := time.Now()
	progress := func(r factcheck.Report) {
		line := fmt.Sprintf("%d items read: %d new, %d updated, %d not imported (%.0f items/s)", r.Total, r.NCreated, r.NUpdated, r.NFailed, float64(r.Total)/max(time.Since(start).Seconds(), 0.001))
		if tty {
			fmt.Fprintf(stderr, "\r\033[K%s", line)
		} else {
			fmt.Fprintln(stderr, line)
		}
	}
	rep, err := factcheck.Import(ctx, st, store.Actor{Name: "command line"}, factcheck.NewReader(in, *lines),
		factcheck.Options{Batch: *batch, CountsOnly: true, Progress: progress})
	if tty && rep.Total > 0 {
		fmt.Fprintln(stderr)
	}
	for _, f := range rep.Failed {
		where := fmt.Sprintf("item %d", f.Index+1)
		if f.Line > 0 {
			where = fmt.Sprintf("line %d", f.Line)
		}
		fmt.Fprintf(stdout, "not imported: %s %s: %s (%s)\n", where, f.URL, f.Message, f.Reason)
	}
	if rep.NFailed > len(rep.Failed) {
		fmt.Fprintf(stdout, "… and %d more not imported\n", rep.NFailed-len(rep.Failed))
	}
	fmt.Fprintf(stdout, "total %d, created %d, updated %d, failed %d (%.1f s)\n", rep.Total, rep.NCreated, rep.NUpdated, rep.NFailed, time.Since(start).Seconds())
	if err != nil {
		return fmt.Errorf("import stopped: %w (the batches before it were written; importing the file again is safe, it updates them)", err)
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
