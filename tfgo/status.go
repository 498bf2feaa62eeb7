//go:build cgo

package tfgo

/*
#include <stdlib.h>
#include "tensorflow/c/tf_status.h"
*/
import "C"

// status wraps a TF_Status for one C call.
type status struct{ c *C.TF_Status }

func newStatus() status { return status{C.TF_NewStatus()} }

func (s status) free() { C.TF_DeleteStatus(s.c) }

// err turns the status into a Go error, nil when TF_OK.
func (s status) err(op string) error {
	code := C.TF_GetCode(s.c)
	if code == C.TF_OK {
		return nil
	}
	return &Error{Code: Code(code), Op: op, Msg: C.GoString(C.TF_Message(s.c))}
}
