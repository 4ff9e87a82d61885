// Package apperr gives danvan's errors a kind and a message that is safe to show.
//
// A domain returns *Error with a Kind the web layer maps to a status, a Message in
// Vietnamese for the user, and an optional internal cause that is logged, never shown.
// Field carries per-field messages for form validation.
package apperr

import (
	"errors"
	"fmt"
	"sort"
)

// Kind classifies an error so that callers can react without parsing text.
type Kind int

const (
	Internal     Kind = iota // a bug or an infrastructure failure; logged, shown as a generic message
	Invalid                  // the input is wrong; the message says why
	NotFound                 // the thing does not exist or the caller may not know it exists
	Forbidden                // the caller is known but may not do this
	Unauthorized             // the caller must sign in
	Conflict                 // the state of the record does not allow this (invalid transition, duplicate)
	TooMany                  // rate limited
)

func (k Kind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case NotFound:
		return "not_found"
	case Forbidden:
		return "forbidden"
	case Unauthorized:
		return "unauthorized"
	case Conflict:
		return "conflict"
	case TooMany:
		return "too_many"
	}
	return "internal"
}

// Error is the error type every service returns for expected failures.
type Error struct {
	Kind    Kind
	Op      string            // the operation, for logs: "petition.Accept"
	Message string            // Vietnamese, safe to show
	Fields  map[string]string // per-field messages (form name -> message)
	Err     error             // internal cause, never shown
}

func (e *Error) Error() string {
	s := e.Kind.String()
	if e.Op != "" {
		s = e.Op + ": " + s
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			s += fmt.Sprintf(" [%s: %s]", k, e.Fields[k])
		}
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is lets errors.Is(err, apperr.ErrNotFound) match on kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Op == "" && t.Message == "" && t.Err == nil && t.Fields == nil && t.Kind == e.Kind
}

// Sentinels for errors.Is checks by kind.
var (
	ErrInvalid      = &Error{Kind: Invalid}
	ErrNotFound     = &Error{Kind: NotFound}
	ErrForbidden    = &Error{Kind: Forbidden}
	ErrUnauthorized = &Error{Kind: Unauthorized}
	ErrConflict     = &Error{Kind: Conflict}
	ErrTooMany      = &Error{Kind: TooMany}
)

// New makes an error of a kind with a user-facing message.
func New(kind Kind, op, message string) *Error {
	return &Error{Kind: kind, Op: op, Message: message}
}

// Wrap makes an internal error carrying the cause.
func Wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Kind: Internal, Op: op, Err: err}
}

// KindOf returns the kind of err, Internal when it carries none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// MessageOf returns the message safe to show for err.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	switch KindOf(err) {
	case NotFound:
		return "Không tìm thấy trang hoặc dữ liệu bạn yêu cầu."
	case Forbidden:
		return "Bạn không có quyền thực hiện thao tác này."
	case Unauthorized:
		return "Vui lòng đăng nhập."
	case TooMany:
		return "Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút."
	}
	return "Đã có lỗi xảy ra. Vui lòng thử lại sau."
}

// FieldsOf returns the per-field messages of err, if any.
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Validation collects per-field messages; Err returns nil when none were added.
type Validation struct {
	Op     string
	Fields map[string]string
}

// Add records a message for a field, keeping the first message per field.
func (v *Validation) Add(field, message string) {
	if v.Fields == nil {
		v.Fields = map[string]string{}
	}
	if _, ok := v.Fields[field]; !ok {
		v.Fields[field] = message
	}
}

// Err returns an Invalid error carrying the fields, or nil.
func (v *Validation) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Op: v.Op, Message: "Dữ liệu chưa hợp lệ. Vui lòng xem lại các trường được đánh dấu.", Fields: v.Fields}
}
