package alliance

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error codes. They are part of the CLI and JSON contract: never rename or reuse one.
const (
	EINVALID      = "EINVALID"      // bad input: HTTP 400, exit 2
	ENOTFOUND     = "ENOTFOUND"     // HTTP 404, exit 1
	ECONFLICT     = "ECONFLICT"     // HTTP 409
	EUNAUTHORIZED = "EUNAUTHORIZED" // HTTP 401
	EFORBIDDEN    = "EFORBIDDEN"    // HTTP 403
	ECORRUPT      = "ECORRUPT"      // a hash chain or database that does not verify: exit 3
	EINTERNAL     = "EINTERNAL"     // HTTP 500
	EBUSY         = "EBUSY"         // too many requests for an expensive answer: HTTP 429, exit 1
)

// Error is an error a user may read: a code from the list above and a sentence.
type Error struct {
	Code    string
	Message string
}

// Error returns the message, prefixed by nothing: the message is the sentence a user reads.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
// Strings formatted with %q, by convention what a user typed, are quoted
// up to MaxQuoted bytes: an error about a megabyte of input is still one
// readable line.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, clipQuoted(format, args)...)}
}

// MaxQuoted is how much of a %q string argument an error quotes, in bytes.
const MaxQuoted = 100

// clipQuoted returns args with every string formatted by a %q verb of
// format cut to MaxQuoted bytes (on a rune boundary) and marked with "…".
func clipQuoted(format string, args []any) []any {
	out := args
	n := 0 // the argument the next verb takes
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.[]*", format[i]) >= 0 {
			i++
		}
		if i >= len(format) {
			break
		}
		if format[i] == '%' {
			continue
		}
		if s, ok := argAt(args, n).(string); ok && format[i] == 'q' && len(s) > MaxQuoted {
			if &out[0] == &args[0] {
				out = append([]any(nil), args...)
			}
			out[n] = Clip(s)
		}
		n++
	}
	return out
}

// Clip cuts s to MaxQuoted bytes (on a rune boundary), marked with "…",
// for messages that carry input some other way than %q.
func Clip(s string) string {
	if len(s) <= MaxQuoted {
		return s
	}
	cut := MaxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func argAt(args []any, i int) any {
	if i < len(args) {
		return args[i]
	}
	return nil
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic sentence for internal errors, whose detail is for logs, not users.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
