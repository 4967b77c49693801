package alliance

import (
	"errors"
	"fmt"
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
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
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
