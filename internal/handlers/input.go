package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
)

// decodeJSON reads exactly one JSON object into dst. Unknown fields, wrong
// types and trailing data are a 400 naming the field.
func decodeJSON(c echo.Context, dst any) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if ct != "" && !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return &badRequest{msg: "Send JSON with Content-Type: application/json."}
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return &badRequest{msg: "The body could not be read."}
	}
	if hasNULEscape(body) {
		return &badRequest{msg: nulMessage}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &badRequest{msg: "Send one JSON object, with nothing after it."}
	}
	return nil
}

const nulMessage = "Text may not contain the NUL character (\\u0000)."

// hasNULEscape reports whether a JSON document has a \u0000 escape in a
// string (a raw NUL byte is not valid JSON anyway). PostgreSQL cannot store
// NUL in text, and no newsroom text needs it.
func hasNULEscape(b []byte) bool {
	for i := 0; i+5 < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if b[i+1] == 'u' && string(b[i+2:i+6]) == "0000" {
			return true
		}
		i++ // skip the escaped character, so \\u0000 (an escaped backslash) is not taken for NUL
	}
	return false
}

// refuseNUL answers 400 to any query string or form value holding NUL.
func refuseNUL(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		bad := func(vs map[string][]string) bool {
			for k, list := range vs {
				if strings.ContainsRune(k, 0) {
					return true
				}
				for _, v := range list {
					if strings.ContainsRune(v, 0) {
						return true
					}
				}
			}
			return false
		}
		if bad(c.QueryParams()) {
			return &badRequest{msg: nulMessage}
		}
		ct := c.Request().Header.Get(echo.HeaderContentType)
		if strings.HasPrefix(ct, echo.MIMEApplicationForm) || strings.HasPrefix(ct, echo.MIMEMultipartForm) {
			if params, err := c.FormParams(); err == nil && bad(params) {
				return &badRequest{msg: nulMessage}
			}
		}
		return next(c)
	}
}

func jsonError(err error) error {
	var (
		typeErr *json.UnmarshalTypeError
		synErr  *json.SyntaxError
	)
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return &badRequest{msg: "The body must be a JSON object."}
		}
		if typeErr.Type == fieldProblemType {
			return &badRequest{msg: "A field has the wrong shape.", fields: map[string]string{field: typeErr.Value}}
		}
		return &badRequest{msg: "A field has the wrong type.", fields: map[string]string{field: fmt.Sprintf("Must be a %s, not a JSON %s.", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)}}
	case errors.As(err, &synErr):
		return &badRequest{msg: fmt.Sprintf("The body is not valid JSON (at byte %d).", synErr.Offset)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &badRequest{msg: "The body is empty or cut short: send a JSON object."}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &badRequest{msg: "Unknown field.", fields: map[string]string{name: "This field is not part of the API."}}
	}
	return &badRequest{msg: "The body could not be read as JSON."}
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64", "int32":
		return "whole number"
	case "bool":
		return "true or false"
	case "ptr", "interface":
		return "value of another type"
	}
	return k
}

// queryInt reads an optional positive integer query parameter.
func queryInt(c echo.Context, name string, def, max int) (int, error) {
	s := c.QueryParam(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, &badRequest{msg: "Bad query parameter.", fields: map[string]string{name: fmt.Sprintf("Must be a whole number from 1 to %d.", max)}}
	}
	return n, nil
}

// queryDate reads an optional YYYY-MM-DD query parameter into errs.
func queryDate(c echo.Context, name string, errs models.ValidationError) *time.Time {
	s := strings.TrimSpace(c.QueryParam(name))
	if s == "" {
		return nil
	}
	t, err := models.ParseDate(s)
	if err != nil {
		errs.Add(name, err.Error())
		return nil
	}
	return &t
}

// str returns a pointer to s, for optional inputs.
func str(s string) *string { return &s }

// formOptional returns a pointer to the form value, or nil when the field was not sent.
func formOptional(c echo.Context, name string) *string {
	params, err := c.FormParams()
	if err != nil {
		return nil
	}
	if _, ok := params[name]; !ok {
		return nil
	}
	return str(params.Get(name))
}

func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

// jsonItems answers 200 with {"items": [...]}, each row converted by conv.
func jsonItems[T, J any](c echo.Context, rows []T, conv func(T) J) error {
	out := make([]J, len(rows))
	for i, r := range rows {
		out[i] = conv(r)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}
