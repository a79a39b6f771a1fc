package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/claimdesk/claimdesk/internal/store"
)

// exportCommand: export > backup.jsonl writes the whole database as JSON
// Lines to standard output (docs/backup.md).
func exportCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return errors.New("usage: export > backup.jsonl")
	}
	if f, ok := stdout.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return errors.New("export writes the backup to standard output: redirect it to a file, e.g. export > backup.jsonl")
		}
	}
	st, err := commandStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	w := bufio.NewWriterSize(stdout, 1<<20)
	rep, err := st.ExportBackup(ctx, w)
	if err != nil {
		return fmt.Errorf("export failed, the output is incomplete: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("export failed, the output is incomplete: %w", err)
	}
	fmt.Fprintf(stderr, "exported %d rows from %d tables\n", rep.Rows, len(rep.Tables))
	return nil
}

// importCommand: import < backup.jsonl restores a backup into an empty
// database (the one CLAIMDESK_DATABASE_URL names; it is created and
// migrated if need be).
func importCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) > 0 {
		return errors.New("usage: import < backup.jsonl")
	}
	if stdin == nil {
		return errors.New("import reads the backup from standard input: import < backup.jsonl")
	}
	st, err := commandStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.RestoreBackup(ctx, stdin)
	if err != nil {
		return fmt.Errorf("import failed, nothing was restored: %w", err)
	}
	for _, t := range rep.Tables {
		fmt.Fprintf(stdout, "%-16s %d\n", t.Table, t.Rows)
	}
	fmt.Fprintf(stdout, "restored %d rows into the %s database; history chain OK: %d entries\n", rep.Rows, st.Dialect(), rep.History)
	return nil
}

// backupCommand: backup FILE writes a consistent copy of a live SQLite
// database to a new file (VACUUM INTO); on PostgreSQL it points to pg_dump.
func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 1 || args[0] == "" || args[0][0] == '-' {
		return errors.New("usage: backup FILE (a new file for a copy of the SQLite database)")
	}
	st, err := commandStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CopyTo(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "copied the database to %s\n", args[0])
	// The copy's own head, read from the copy: keep it with the file, and
	// `history verify --head` on a restored copy shows nothing was cut off.
	cp, err := store.Open(ctx, store.Options{URL: args[0]})
	if err != nil {
		return fmt.Errorf("backup: reading the copy: %w", err)
	}
	defer cp.Close()
	head, ok, err := cp.HistoryHead(ctx)
	if err != nil {
		return err
	}
	if ok {
		fmt.Fprintf(stdout, "history head of the copy: %s\n", head)
	}
	return nil
}
