package ferry

import (
	"errors"
	"strings"
)

// Error kinds shared by every layer. The API maps each to GitLab's status
// code and body in one place (internal/api/errors.go).
var (
	// ErrNotFound: the thing does not exist or the caller may not see it.
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: no valid credentials.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: the caller is known but may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrConflict: a unique name or path is already taken.
	ErrConflict = errors.New("conflict")
	// ErrInvalid: a parameter has a value Ferry cannot use.
	ErrInvalid = errors.New("invalid")
	// ErrTooLarge: a body or file is over a limit.
	ErrTooLarge = errors.New("too large")
)

// MissingError reports required parameters that were not given. GitLab
// answers it with 400 {"error":"path is missing"}.
type MissingError struct{ Params []string }

func (e *MissingError) Error() string {
	msgs := make([]string, len(e.Params))
	for i, p := range e.Params {
		msgs[i] = p + " is missing"
	}
	return strings.Join(msgs, ", ")
}

func (e *MissingError) Unwrap() error { return ErrInvalid }

// ParamError reports a parameter whose value is not valid. GitLab answers it
// with 400 {"error":"<param> is invalid"} (or with Reason instead of
// "is invalid" when set).
type ParamError struct {
	Param  string
	Reason string
}

func (e *ParamError) Error() string {
	if e.Reason != "" {
		return e.Param + " " + e.Reason
	}
	return e.Param + " is invalid"
}

func (e *ParamError) Unwrap() error { return ErrInvalid }

// ValidationError reports model validation failures per attribute, as
// GitLab's render_validation_error! does: 400 {"message":{"name":["has
// already been taken"]}}.
type ValidationError struct {
	Field  string
	Reason string
	// Kind is the underlying error kind (ErrConflict or ErrInvalid).
	Kind error
}

func (e *ValidationError) Error() string { return e.Field + " " + e.Reason }

func (e *ValidationError) Unwrap() error {
	if e.Kind != nil {
		return e.Kind
	}
	return ErrInvalid
}
