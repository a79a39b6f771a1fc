package factcheck

import (
	"context"
	"io"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

// Report is what an import did, item by item (the API's answer).
type Report struct {
	Total   int       `json:"total"`
	Created []Written `json:"created"`
	Updated []Written `json:"updated"`
	Failed  []Failed  `json:"failed"`

	// Counts, kept also when the lists are not (Options.CountsOnly).
	NCreated, NUpdated, NFailed int `json:"-"`
}

// Written is an item created or updated.
type Written struct {
	Index int    `json:"index"`
	ID    int64  `json:"id"`
	URL   string `json:"url"`
}

// Failed is an item not imported.
type Failed struct {
	Index   int    `json:"index"`
	Line    int    `json:"line,omitempty"`
	URL     string `json:"url"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// Options tune Import.
type Options struct {
	// Batch is how many valid items are written per transaction; 0 writes
	// every valid item of the file in one transaction (the API).
	Batch int
	// CountsOnly keeps only the counts of created and updated items (and
	// at most MaxListedFailures failures): for files of any size.
	CountsOnly bool
	// Progress, if set, is called after each batch is written.
	Progress func(Report)
}

// MaxListedFailures bounds the failures a CountsOnly report lists.
const MaxListedFailures = 1000

// Import reads every item of r and writes the valid ones into the
// library; invalid ones are reported and write nothing. An error about
// the file as a whole (not JSON) comes back as the error, with the report
// of what was written before it (nothing, when Batch is 0: the file is
// read to its end before anything is written).
func Import(ctx context.Context, st *store.Store, actor store.Actor, r *Reader, opt Options) (Report, error) {
	rep := Report{Created: []Written{}, Updated: []Written{}, Failed: []Failed{}}
	var batch []Item
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		fcs := make([]models.FactCheck, len(batch))
		for i, it := range batch {
			fcs[i] = it.FactCheck
		}
		writes, err := st.UpsertFactChecks(ctx, actor, fcs)
		if err != nil {
			return err
		}
		for i, w := range writes {
			wr := Written{Index: batch[i].Index, ID: w.ID, URL: fcs[i].URL}
			if w.Created {
				rep.NCreated++
				if !opt.CountsOnly {
					rep.Created = append(rep.Created, wr)
				}
			} else {
				rep.NUpdated++
				if !opt.CountsOnly {
					rep.Updated = append(rep.Updated, wr)
				}
			}
		}
		batch = batch[:0]
		if opt.Progress != nil {
			opt.Progress(rep)
		}
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		it, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rep, err
		}
		rep.Total++
		if it.Failure != nil {
			rep.NFailed++
			if !opt.CountsOnly || len(rep.Failed) < MaxListedFailures {
				rep.Failed = append(rep.Failed, Failed{Index: it.Index, Line: it.Line, URL: it.URL, Reason: it.Failure.Reason, Message: it.Failure.Message})
			}
			continue
		}
		batch = append(batch, it)
		if opt.Batch > 0 && len(batch) >= opt.Batch {
			if err := flush(); err != nil {
				return rep, err
			}
		}
	}
	if err := flush(); err != nil {
		return rep, err
	}
	return rep, nil
}
