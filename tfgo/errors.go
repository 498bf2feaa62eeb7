package tfgo

import (
	"errors"
	"fmt"
)

// Code is a TensorFlow status code (TF_Code), the same numbers as
// absl::StatusCode and tf.errors.
type Code int

// The TensorFlow status codes.
const (
	OK                 Code = 0
	Cancelled          Code = 1
	Unknown            Code = 2
	InvalidArgument    Code = 3
	DeadlineExceeded   Code = 4
	NotFound           Code = 5
	AlreadyExists      Code = 6
	PermissionDenied   Code = 7
	ResourceExhausted  Code = 8
	FailedPrecondition Code = 9
	Aborted            Code = 10
	OutOfRange         Code = 11
	Unimplemented      Code = 12
	Internal           Code = 13
	Unavailable        Code = 14
	DataLoss           Code = 15
	Unauthenticated    Code = 16
)

var codeNames = [...]string{
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
	"NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
	"FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
	"INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
}

func (c Code) String() string {
	if c >= 0 && int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("CODE(%d)", int(c))
}

// Error is an error reported by TensorFlow: the status code, the C API
// call that failed and TensorFlow's message.
//
// errors.Is(err, ErrNotFound) (and the other Err… values) matches any
// *Error with that code, whatever its message.
type Error struct {
	Code Code
	Op   string // the C API call or tfgo operation, e.g. "TF_SessionRun"
	Msg  string
}

func (e *Error) Error() string {
	if e.Op == "" {
		return fmt.Sprintf("tensorflow: %s: %s", e.Code, e.Msg)
	}
	return fmt.Sprintf("tensorflow: %s: %s: %s", e.Op, e.Code, e.Msg)
}

// Is reports whether target is a code sentinel (an *Error with no Op and
// no Msg) with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Op == "" && t.Msg == "" && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrInvalidArgument    error = &Error{Code: InvalidArgument}
	ErrNotFound           error = &Error{Code: NotFound}
	ErrFailedPrecondition error = &Error{Code: FailedPrecondition}
	ErrCancelled          error = &Error{Code: Cancelled}
	ErrOutOfRange         error = &Error{Code: OutOfRange}
	ErrDataLoss           error = &Error{Code: DataLoss}
	ErrUnimplemented      error = &Error{Code: Unimplemented}
	ErrInternal           error = &Error{Code: Internal}
	ErrResourceExhausted  error = &Error{Code: ResourceExhausted}
)

// ErrClosed is returned by methods called on a closed Session, Graph,
// SavedModel or Tensor.
var ErrClosed = errors.New("tensorflow: use of closed object")
