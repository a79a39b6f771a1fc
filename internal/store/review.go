package store

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// The review workflow: sign-off, comments and the verdict scale (the claims
// board, the queues and the dashboard are in board.go). State changes themselves go through
// UpdateClaim (applyReview, moveClaim); sign-off is the only way to approved.

// Limits on review inputs.
const (
	MaxNoteRunes    = 2000
	MaxReasonRunes  = 2000
	MaxCommentRunes = 10000
	MaxBoardPage    = 2000 // deepest page of the board; filter to go further
)

func reviewer(a Actor) bool { return models.User{Role: a.Role, Active: true}.Can(models.ActReview) }

func admin(a Actor) bool { return models.User{Role: a.Role, Active: true}.Can(models.ActAdmin) }

// RequiredApprovals is how many people other than the proposer must approve
// a verdict: the setting required_approvals, 1 when it is missing or unreadable.
func (s *Store) RequiredApprovals(ctx context.Context) (int, error) {
	return requiredApprovals(s.conn(ctx))
}

func requiredApprovals(db *gorm.DB) (int, error) {
	var row struct{ Value string }
	res := db.Table("settings").Select("value").Where("key = ?", "required_approvals").Find(&row)
	if res.Error != nil {
		return 0, fmt.Errorf("store: required approvals: %w", res.Error)
	}
	n, err := strconv.Atoi(strings.TrimSpace(row.Value))
	if res.RowsAffected == 0 || err != nil || n < 1 {
		return 1, nil
	}
	return n, nil
}

// Approval is one sign-off decision on the verdict proposed in a review round.
type Approval struct {
	ID        int64
	ClaimID   int64
	UserID    int64
	Approve   bool // false: rejected, and the claim went back to researching
	Note      string
	VerdictID *int64 // the verdict decided on
	Round     int
	CreatedAt time.Time
	UserName  string `gorm:"->"`
}

// TableName is the approvals table.
func (Approval) TableName() string { return "approvals" }

// Decision is a fact-checker's sign-off on a claim's proposed verdict.
type Decision struct {
	Approve bool
	Note    string // required for a rejection: it becomes the reason
	Version int    // the claim version the decision was based on; 0 skips the check
}

// SignOffResult is what a decision did.
type SignOffResult struct {
	Claim     models.ClaimDetail
	Approval  Approval
	Approvals int // approvals in the current round, this one included
	Required  int
}

// SignOff records an approval or a rejection of the verdict proposed for a
// claim in review. Nobody decides on a verdict they proposed, or twice in a
// round. When the round has the required number of approvals the claim is
// approved; a rejection sends it back to researching with the note as reason.
func (s *Store) SignOff(ctx context.Context, actor Actor, claimID int64, d Decision) (SignOffResult, error) {
	if !reviewer(actor) {
		return SignOffResult{}, fmt.Errorf("sign off: %w", models.ErrForbidden)
	}
	note := strings.TrimSpace(d.Note)
	v := models.ValidationError{}
	if !d.Approve && note == "" {
		v.Add("note", "Say why you reject the verdict: your note is sent back as the reason.")
	}
	if len([]rune(note)) > MaxNoteRunes {
		v.Add("note", "Keep the note under 2,000 characters.")
	}
	if d.Version < 0 {
		v.Add("version", "Send the version of the claim you decided on.")
	}
	if len(v) > 0 {
		return SignOffResult{}, v
	}
	var res SignOffResult
	err := s.tx(ctx, func(tx *gorm.DB) error {
		// Serialise decisions before reading the claim and its decisions:
		// otherwise two requests of one person could both find no earlier
		// decision and count as two approvals (SQLite serialises writers).
		if err := s.dialect.lockHistory(tx); err != nil {
			return err
		}
		var c models.Claim
		if err := tx.Where("deleted_at IS NULL").First(&c, claimID).Error; err != nil {
			return lookupErr(err, "claim", claimID)
		}
		if d.Version != 0 && c.Version != d.Version {
			return s.staleClaim(ctx, tx, c)
		}
		if c.State != models.StateInReview {
			return models.Invalid("state", "This claim is not waiting for sign-off: it is %s. Verdicts are signed off while the claim is in review.", strings.ToLower(c.State.Label()))
		}
		if WroteVerdict(c, actor.ID) {
			return models.Invalid("approve", "You proposed or wrote part of this verdict, so someone else must sign it off.")
		}
		var n int64
		if err := tx.Model(&Approval{}).Where("claim_id = ? AND round = ? AND user_id = ?", c.ID, c.ReviewRound, actor.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return &models.ConflictError{Message: "You have already decided on this verdict in this review round."}
		}
		required, err := requiredApprovals(tx)
		if err != nil {
			return err
		}
		a := Approval{ClaimID: c.ID, UserID: actor.ID, Approve: d.Approve, Note: note, VerdictID: c.VerdictID, Round: c.ReviewRound, CreatedAt: s.nowUTC()}
		if err := tx.Create(&a).Error; err != nil {
			return writeErr(err, "approval")
		}
		a.UserName = actor.Name
		label, err := verdictLabel(tx, c.VerdictID)
		if err != nil {
			return err
		}
		action, ch := "rejected", Changes{"verdict": {nil, label}, "round": {nil, c.ReviewRound}}
		if d.Approve {
			action = "approved"
		}
		if note != "" {
			ch["note"] = Change{nil, note}
		}
		if err := s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "approval", EntityID: a.ID, ClaimID: &c.ID, ArticleID: &c.ArticleID, Action: action}, ch); err != nil {
			return err
		}
		var approvals int64
		if err := tx.Model(&Approval{}).Where("claim_id = ? AND round = ? AND approve = ?", c.ID, c.ReviewRound, true).Count(&approvals).Error; err != nil {
			return err
		}
		res.Approval, res.Approvals, res.Required = a, int(approvals), required
		var to models.State
		var reason string
		switch {
		case !d.Approve:
			to, reason = models.StateResearching, note
		case int(approvals) >= required:
			to, reason = models.StateApproved, fmt.Sprintf("Signed off (%s of %d required).", plural(int(approvals), "approval", "approvals"), required)
		default:
			return nil
		}
		now := s.nowUTC()
		cols := map[string]any{"state": to, "version": c.Version + 1, "updated_at": now}
		if to == models.StateApproved {
			cols["approved_at"] = now
		}
		up := tx.Model(&models.Claim{}).Where("id = ? AND version = ?", c.ID, c.Version).Updates(cols)
		if up.Error != nil {
			return writeErr(up.Error, "claim")
		}
		if up.RowsAffected == 0 {
			return s.staleClaim(ctx, tx, c)
		}
		from := c.State
		c.State = to
		return s.appendHistory(tx, actor, claimEntry(c, "state changed"), Changes{"state": {from, to}, "reason": {nil, reason}})
	})
	if err != nil {
		return SignOffResult{}, err
	}
	res.Claim, err = s.Claim(ctx, claimID)
	return res, err
}

// WroteVerdict reports whether the user proposed the claim's verdict or
// wrote part of it (label, explanation, rationale): such a person may not
// sign it off. Queue's SQL applies the same rule.
func WroteVerdict(c models.Claim, userID int64) bool {
	for _, by := range []*int64{c.ProposedBy, c.VerdictBy, c.ExplanationBy, c.RationaleBy} {
		if by != nil && *by == userID {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func verdictLabel(tx *gorm.DB, id *int64) (any, error) {
	if id == nil {
		return nil, nil
	}
	var vd models.Verdict
	res := tx.Select("label").Where("id = ?", *id).Limit(1).Find(&vd)
	if res.Error != nil {
		return nil, res.Error
	}
	return vd.Label, nil
}

// Approvals returns a claim's sign-off decisions of every round, oldest first.
func (s *Store) Approvals(ctx context.Context, claimID int64) ([]Approval, error) {
	var out []Approval
	err := s.conn(ctx).Model(&Approval{}).Select("approvals.*, users.name AS user_name").
		Joins("JOIN users ON users.id = approvals.user_id").
		Where("approvals.claim_id = ?", claimID).Order("approvals.id").Limit(1000).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: approvals of claim %d: %w", claimID, err)
	}
	return out, nil
}

// Comment is one message in a claim's discussion. Comments are not edited.
type Comment struct {
	ID        int64
	ClaimID   int64
	UserID    int64
	Body      string
	CreatedAt time.Time
	UserName  string `gorm:"->"`
}

// TableName is the comments table.
func (Comment) TableName() string { return "comments" }

// AddComment adds a message to a claim's discussion (editors and up).
func (s *Store) AddComment(ctx context.Context, actor Actor, claimID int64, body string) (Comment, error) {
	if !(models.User{Role: actor.Role, Active: true}).Can(models.ActMarkClaims) {
		return Comment{}, fmt.Errorf("comment: %w", models.ErrForbidden)
	}
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return Comment{}, models.Invalid("body", "Write a comment.")
	case len([]rune(body)) > MaxCommentRunes:
		return Comment{}, models.Invalid("body", "Keep comments under 10,000 characters.")
	}
	cm := Comment{ClaimID: claimID, UserID: actor.ID, Body: body, CreatedAt: s.nowUTC()}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.Claim{}).Where("id = ? AND deleted_at IS NULL", claimID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return lookupErr(gorm.ErrRecordNotFound, "claim", claimID)
		}
		return writeErr(tx.Create(&cm).Error, "comment")
	})
	cm.UserName = actor.Name
	return cm, err
}

// Comments returns up to limit comments of a claim after the comment with id
// after (0: from the first), oldest first.
func (s *Store) Comments(ctx context.Context, claimID, after int64, limit int) ([]Comment, error) {
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	var out []Comment
	err := s.conn(ctx).Model(&Comment{}).Select("comments.*, users.name AS user_name").
		Joins("JOIN users ON users.id = comments.user_id").
		Where("comments.claim_id = ? AND comments.id > ?", claimID, after).
		Order("comments.id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: comments of claim %d: %w", claimID, err)
	}
	return out, nil
}

// VerdictInput is a label of the verdict scale as an admin gives it.
type VerdictInput struct {
	Label        string
	Value        string // a whole number, or "" for none
	Colour       string // #rrggbb
	Description  string
	NotCheckable bool
}

var colourRe = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

func (in VerdictInput) validate() (models.Verdict, models.ValidationError) {
	v := models.ValidationError{}
	out := models.Verdict{Label: strings.TrimSpace(in.Label), Colour: strings.ToLower(strings.TrimSpace(in.Colour)),
		Description: strings.TrimSpace(in.Description), NotCheckable: in.NotCheckable}
	switch n := len([]rune(out.Label)); {
	case n == 0:
		v.Add("label", "Enter the label, e.g. Mostly false.")
	case n > 60:
		v.Add("label", "Keep the label under 60 characters.")
	case strings.EqualFold(out.Label, "none"):
		v.Add("label", "“none” is reserved for claims without a verdict.")
	}
	if _, err := strconv.ParseInt(out.Label, 10, 64); err == nil {
		v.Add("label", "A label cannot be only a number: numbers are verdict ids.")
	}
	if s := strings.TrimSpace(in.Value); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < -1000 || n > 1000 {
			v.Add("value", "Enter a whole number from -1000 to 1000, or leave it empty.")
		}
		out.Value = &n
	}
	if !colourRe.MatchString(out.Colour) {
		v.Add("colour", "Enter a colour as #rrggbb, e.g. #a40e26.")
	}
	if len([]rune(out.Description)) > 500 {
		v.Add("description", "Keep the description under 500 characters.")
	}
	return out, v
}

func verdictChanges(old, new models.Verdict) Changes {
	ch := Changes{}
	ch.diff("label", old.Label, new.Label)
	ch.diff("value", ptrValue(old.Value), ptrValue(new.Value))
	ch.diff("colour", old.Colour, new.Colour)
	ch.diff("description", old.Description, new.Description)
	ch.diff("not_checkable", old.NotCheckable, new.NotCheckable)
	return ch
}

func verdictEntry(id int64, action string) models.HistoryEntry {
	return models.HistoryEntry{EntityType: "verdict", EntityID: id, Action: action}
}

// uniqueLabel adds a message to errs when another verdict already has the
// label (case-insensitive).
func uniqueLabel(tx *gorm.DB, label string, except int64, errs models.ValidationError) error {
	if label == "" {
		return nil
	}
	var n int64
	if err := tx.Model(&models.Verdict{}).Where("label_key = ? AND id <> ?", nameKey(label), except).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		errs.Add("label", fmt.Sprintf("The scale already has a label %q.", label))
	}
	return nil
}

// cmpOr returns the first non-nil error.
func cmpOr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// CreateVerdict adds a label at the end of the scale (admins).
func (s *Store) CreateVerdict(ctx context.Context, actor Actor, in VerdictInput) (models.Verdict, error) {
	if !admin(actor) {
		return models.Verdict{}, fmt.Errorf("edit verdict scale: %w", models.ErrForbidden)
	}
	vd, errs := in.validate()
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := uniqueLabel(tx, vd.Label, 0, errs); err != nil || len(errs) > 0 {
			return cmpOr(err, errs.OrNil())
		}
		var last struct{ P int }
		if err := tx.Model(&models.Verdict{}).Select("coalesce(max(position), 0) AS p").Find(&last).Error; err != nil {
			return err
		}
		vd.Position, vd.Version, vd.LabelKey = last.P+1, 1, nameKey(vd.Label)
		if err := tx.Create(&vd).Error; err != nil {
			return writeErr(err, "verdict label")
		}
		return s.appendHistory(tx, actor, verdictEntry(vd.ID, "created"), verdictChanges(models.Verdict{}, vd))
	})
	return vd, err
}

// UpdateVerdict changes a label if it is still at version (admins).
func (s *Store) UpdateVerdict(ctx context.Context, actor Actor, id int64, version int, in VerdictInput) (models.Verdict, error) {
	if !admin(actor) {
		return models.Verdict{}, fmt.Errorf("edit verdict scale: %w", models.ErrForbidden)
	}
	vd, errs := in.validate()
	if version <= 0 {
		errs.Add("version", "Send the version of the label your change is based on.")
	}
	var cur models.Verdict
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.First(&cur, id).Error; err != nil {
			return lookupErr(err, "verdict", id)
		}
		if err := uniqueLabel(tx, vd.Label, id, errs); err != nil || len(errs) > 0 {
			return cmpOr(err, errs.OrNil())
		}
		if cur.Version != version {
			return &models.ConflictError{Message: fmt.Sprintf("Someone else changed the label %q (now version %d). Your change was not saved: review theirs and apply yours again.", cur.Label, cur.Version), Current: cur}
		}
		ch := verdictChanges(cur, vd)
		if len(ch) == 0 {
			return nil
		}
		res := tx.Model(&models.Verdict{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
			"label": vd.Label, "label_key": nameKey(vd.Label), "value": vd.Value, "colour": vd.Colour, "description": vd.Description,
			"not_checkable": vd.NotCheckable, "version": version + 1,
		})
		if res.Error != nil {
			return writeErr(res.Error, "verdict label")
		}
		if res.RowsAffected == 0 { // a concurrent change committed between the read and the update (PostgreSQL)
			if err := tx.First(&cur, id).Error; err != nil {
				return lookupErr(err, "verdict", id)
			}
			return &models.ConflictError{Message: fmt.Sprintf("Someone else changed the label %q at the same moment (now version %d). Your change was not saved: review theirs and apply yours again.", cur.Label, cur.Version), Current: cur}
		}
		cur.Label, cur.Value, cur.Colour, cur.Description, cur.NotCheckable, cur.Version = vd.Label, vd.Value, vd.Colour, vd.Description, vd.NotCheckable, version+1
		return s.appendHistory(tx, actor, verdictEntry(id, "updated"), ch)
	})
	return cur, err
}

// MoveVerdict moves a label one place up (by < 0) or down (by > 0) the
// scale and renumbers the scale 1, 2, 3, … (admins).
func (s *Store) MoveVerdict(ctx context.Context, actor Actor, id int64, by int) error {
	if !admin(actor) {
		return fmt.Errorf("edit verdict scale: %w", models.ErrForbidden)
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var scale []models.Verdict
		if err := tx.Order("position, id").Find(&scale).Error; err != nil {
			return err
		}
		i := -1
		for k, v := range scale {
			if v.ID == id {
				i = k
			}
		}
		if i < 0 {
			return lookupErr(gorm.ErrRecordNotFound, "verdict", id)
		}
		j := i + 1
		if by < 0 {
			j = i - 1
		}
		if j < 0 || j >= len(scale) {
			return nil // already at that end
		}
		scale[i], scale[j] = scale[j], scale[i]
		if err := renumber(tx, scale); err != nil {
			return err
		}
		return s.appendHistory(tx, actor, verdictEntry(id, "moved"), Changes{"position": {i + 1, j + 1}, "label": {nil, scale[j].Label}})
	})
}

func renumber(tx *gorm.DB, scale []models.Verdict) error {
	for k, v := range scale {
		if v.Position == k+1 {
			continue
		}
		if err := tx.Model(&models.Verdict{}).Where("id = ?", v.ID).Update("position", k+1).Error; err != nil {
			return err
		}
	}
	return nil
}

// VerdictUsage counts the claims (deleted ones too: they keep their
// verdict) that use each label.
func (s *Store) VerdictUsage(ctx context.Context) (map[int64]int, error) {
	var rows []struct {
		VerdictID int64
		N         int
	}
	if err := s.conn(ctx).Model(&models.Claim{}).Select("verdict_id, count(*) AS n").Where("verdict_id IS NOT NULL").Group("verdict_id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: verdict usage: %w", err)
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.VerdictID] = r.N
	}
	return out, nil
}

// DeleteVerdict removes a label from the scale (admins). Claims that use it
// must be moved to another label, moveTo: each moved claim gets a new
// version and a history entry, and sign-off records follow the label. It
// returns how many claims were moved.
func (s *Store) DeleteVerdict(ctx context.Context, actor Actor, id, moveTo int64) (int, error) {
	if !admin(actor) {
		return 0, fmt.Errorf("edit verdict scale: %w", models.ErrForbidden)
	}
	moved := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var vd models.Verdict
		if err := tx.First(&vd, id).Error; err != nil {
			return lookupErr(err, "verdict", id)
		}
		var used int64
		if err := tx.Model(&models.Claim{}).Where("verdict_id = ?", id).Count(&used).Error; err != nil {
			return err
		}
		var target models.Verdict
		switch {
		case used > 0 && moveTo == 0:
			return models.Invalid("move_to", "%s use %q: choose the label to move them to before deleting it.", plural(int(used), "claim", "claims"), vd.Label)
		case moveTo == id:
			return models.Invalid("move_to", "Choose a different label to move the claims to.")
		case moveTo != 0:
			if res := tx.Where("id = ?", moveTo).Limit(1).Find(&target); res.Error != nil {
				return res.Error
			} else if res.RowsAffected == 0 {
				return models.Invalid("move_to", "There is no label %d on the scale.", moveTo)
			}
		}
		reason := fmt.Sprintf("The label %q was deleted from the verdict scale; its claims moved to %q.", vd.Label, target.Label)
		now := s.nowUTC()
		var last int64
		for {
			var batch []models.Claim
			if err := tx.Select("id, article_id, version").Where("verdict_id = ? AND id > ?", id, last).Order("id").Limit(500).Find(&batch).Error; err != nil {
				return err
			}
			if len(batch) == 0 {
				break
			}
			for _, c := range batch {
				if err := tx.Model(&models.Claim{}).Where("id = ?", c.ID).Updates(map[string]any{"verdict_id": moveTo, "version": c.Version + 1, "updated_at": now}).Error; err != nil {
					return err
				}
				if err := s.appendHistory(tx, actor, claimEntry(c, "updated"), Changes{"verdict_id": {id, moveTo}, "reason": {nil, reason}}); err != nil {
					return err
				}
				moved++
				last = c.ID
			}
		}
		var upd *gorm.DB
		if moveTo != 0 {
			upd = tx.Model(&Approval{}).Where("verdict_id = ?", id).Update("verdict_id", moveTo)
		} else {
			upd = tx.Model(&Approval{}).Where("verdict_id = ?", id).Update("verdict_id", nil)
		}
		if upd.Error != nil {
			return upd.Error
		}
		if err := tx.Delete(&models.Verdict{}, id).Error; err != nil {
			return writeErr(err, "verdict label")
		}
		var scale []models.Verdict
		if err := tx.Order("position, id").Find(&scale).Error; err != nil {
			return err
		}
		if err := renumber(tx, scale); err != nil {
			return err
		}
		ch := Changes{"label": {vd.Label, nil}}
		if moveTo != 0 {
			ch["claims_moved_to"] = Change{nil, target.Label}
			ch["claims_moved"] = Change{nil, moved}
		}
		return s.appendHistory(tx, actor, verdictEntry(id, "deleted"), ch)
	})
	return moved, err
}

// ClaimHistory returns a claim's history, oldest first (at most 1,000 entries).
func (s *Store) ClaimHistory(ctx context.Context, claimID int64) ([]models.HistoryEntry, error) {
	return s.History(ctx, HistoryQuery{ClaimID: claimID, Limit: 1000})
}

// ArticleHistory returns up to limit entries about an article and its claims,
// newest first, older than the entry before (0: the newest).
func (s *Store) ArticleHistory(ctx context.Context, articleID, before int64, limit int) ([]models.HistoryEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := s.conn(ctx).Where("article_id = ?", articleID)
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	var out []models.HistoryEntry
	if err := q.Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: history of article %d: %w", articleID, err)
	}
	return out, nil
}

// HistoryNames are the names of the people, claimants and verdict labels
// that history entries refer to by id, so the log reads as words.
type HistoryNames struct {
	Users     map[int64]string
	Claimants map[int64]string
	Verdicts  map[int64]string
	Claims    map[int64]int // claim id → its number within its article
}

// historyRefs says which changed fields hold ids of what.
var historyRefs = map[string]string{
	"assignee_id": "user", "proposed_by": "user", "user_id": "user",
	"claimant_id": "claimant",
	"verdict_id":  "verdict",
}

// HistoryNames loads the names entries refer to, one query per kind.
func (s *Store) HistoryNames(ctx context.Context, entries []models.HistoryEntry) (HistoryNames, error) {
	names := HistoryNames{Users: map[int64]string{}, Claimants: map[int64]string{}, Verdicts: map[int64]string{}, Claims: map[int64]int{}}
	ids := map[string][]int64{}
	for _, e := range entries {
		if e.ClaimID != nil {
			ids["claim"] = append(ids["claim"], *e.ClaimID)
		}
		var ch map[string][2]any
		if json.Unmarshal([]byte(e.Changes), &ch) != nil {
			continue
		}
		for field, pair := range ch {
			kind, ok := historyRefs[field]
			if !ok {
				continue
			}
			for _, x := range pair {
				if f, ok := x.(float64); ok {
					ids[kind] = append(ids[kind], int64(f))
				}
			}
		}
	}
	load := func(table, column string, in []int64, into map[int64]string) error {
		if len(in) == 0 {
			return nil
		}
		var rows []struct {
			ID   int64
			Name string
		}
		if err := s.conn(ctx).Table(table).Select("id, "+column+" AS name").Where("id IN ?", in).Find(&rows).Error; err != nil {
			return fmt.Errorf("store: history names: %w", err)
		}
		for _, r := range rows {
			into[r.ID] = r.Name
		}
		return nil
	}
	if err := load("users", "name", ids["user"], names.Users); err != nil {
		return names, err
	}
	if err := load("claimants", "name", ids["claimant"], names.Claimants); err != nil {
		return names, err
	}
	if claims := uniqueIDs(ids["claim"]); len(claims) > 0 {
		var rows []struct{ ID, Number int64 }
		if err := s.conn(ctx).Table("claims").Select("id, number").Where("id IN ?", claims).Find(&rows).Error; err != nil {
			return names, fmt.Errorf("store: history names: %w", err)
		}
		for _, r := range rows {
			names.Claims[r.ID] = int(r.Number)
		}
	}
	return names, load("verdicts", "label", ids["verdict"], names.Verdicts)
}
