package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// A reference field names another record: a claim's claimant, verdict or
// assignee, a merge's "from". Each accepts
//
//   - null or "": clear the field (where clearing means something);
//   - a whole number, or a string: an id, or the record's name (a
//     claimant's name, a verdict's label, a user's e-mail);
//   - an object with exactly one identifying key, "id" or the name key
//     ("name", "label" or "email"), and, for a claimant named by name,
//     an optional "kind".
//
// Anything else is refused with a 400 naming the field: an object with an
// unknown key, with neither identifying key or both, or whose values have
// the wrong type. A misspelt key must never read as "clear this field".
type refShape struct {
	what    string // "claimant", in messages
	nameKey string // the object key that names the record
	kind    bool   // whether {"name", "kind"} is accepted
}

var (
	claimantShape = refShape{what: "claimant", nameKey: "name", kind: true}
	verdictShape  = refShape{what: "verdict", nameKey: "label"}
	assigneeShape = refShape{what: "assignee", nameKey: "email"}
)

// shapes describes the accepted shapes, for messages.
func (sh refShape) shapes() string {
	obj := fmt.Sprintf(`{"id": 7} or {"%s": "…"}`, sh.nameKey)
	if sh.kind {
		obj = `{"id": 7} or {"name": "…", "kind": "person" or "organization"}`
	}
	return fmt.Sprintf("Give the %s's id or %s, or an object %s; null or \"\" clears it.", sh.what, sh.nameKey, obj)
}

// ref is a decoded reference: s is the id or name ("" to clear), kind the
// claimant kind when one was given.
type ref struct {
	s    *string
	kind *string
}

func (r *ref) decode(b []byte, sh refShape) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		r.s = str("")
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return refuseField(sh.shapes())
		}
		r.s = &s
		return nil
	case len(b) > 0 && b[0] == '{':
		return r.decodeObject(b, sh)
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return refuseField(sh.shapes())
	}
	s := strconv.FormatInt(n, 10)
	r.s = &s
	return nil
}

func (r *ref) decodeObject(b []byte, sh refShape) error {
	var o map[string]json.RawMessage
	if err := json.Unmarshal(b, &o); err != nil {
		return refuseField(sh.shapes())
	}
	allowed := []string{"id", sh.nameKey}
	if sh.kind {
		allowed = append(allowed, "kind")
	}
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			return refuseField(fmt.Sprintf("Unknown key %q in %s. %s", k, sh.what, sh.shapes()))
		}
	}
	id, hasID := o["id"]
	name, hasName := o[sh.nameKey]
	switch {
	case hasID && hasName:
		return refuseField(fmt.Sprintf(`Give the %s's "id" or its "%s", not both.`, sh.what, sh.nameKey))
	case hasID:
		n, err := strconv.ParseInt(string(bytes.TrimSpace(id)), 10, 64)
		if err != nil || n <= 0 {
			return refuseField(fmt.Sprintf(`The %s's "id" must be a positive whole number.`, sh.what))
		}
		if _, ok := o["kind"]; ok {
			return refuseField(fmt.Sprintf(`"kind" goes with a %s's "name", not its "id".`, sh.what))
		}
		s := strconv.FormatInt(n, 10)
		r.s = &s
	case hasName:
		var s string
		if err := json.Unmarshal(name, &s); err != nil || strings.TrimSpace(s) == "" {
			return refuseField(fmt.Sprintf(`The %s's "%s" must be a non-empty string; to clear the field send null.`, sh.what, sh.nameKey))
		}
		r.s = &s
	default:
		return refuseField(fmt.Sprintf(`An object for %s needs "id" or "%s". %s`, sh.what, sh.nameKey, sh.shapes()))
	}
	if k, ok := o["kind"]; ok {
		var s string
		if err := json.Unmarshal(k, &s); err != nil {
			return refuseField(`"kind" must be "person" or "organization".`)
		}
		r.kind = &s
	}
	return nil
}

// flexRef is a claimant reference (a claim's claimant, a merge's "from").
type flexRef struct{ ref }

func (f *flexRef) UnmarshalJSON(b []byte) error { return f.decode(b, claimantShape) }

// verdictRef is a claim's verdict: a label of the scale, or its id.
type verdictRef struct{ ref }

func (f *verdictRef) UnmarshalJSON(b []byte) error { return f.decode(b, verdictShape) }

// assigneeRef is a claim's assignee: a user's e-mail, or id.
type assigneeRef struct{ ref }

func (f *assigneeRef) UnmarshalJSON(b []byte) error { return f.decode(b, assigneeShape) }

// fieldProblem marks a refusal by a custom decoder. It travels as a
// json.UnmarshalTypeError, which encoding/json fills with the field's path,
// so the 400 names the field; jsonError reads the message back.
type fieldProblem struct{}

var fieldProblemType = reflect.TypeFor[fieldProblem]()

func refuseField(msg string) error {
	return &json.UnmarshalTypeError{Value: msg, Type: fieldProblemType}
}
