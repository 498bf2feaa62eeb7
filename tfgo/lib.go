//go:build cgo

package tfgo

// The only #cgo directives of the binding. The include and library paths come
// from the environment (CGO_CFLAGS / CGO_LDFLAGS, set by the Makefile from
// TF_PREFIX), so the same code links against the project-local library
// unpacked from the pinned wheel or an official libtensorflow tarball.
//
// Since TensorFlow 2.20 part of the C API (TF_AllocateTensor, TF_Message, …)
// is exported by libtensorflow_framework, so both libraries are linked.

/*
#cgo LDFLAGS: -ltensorflow -ltensorflow_framework
#include "tensorflow/c/c_api.h"
*/
import "C"

// Version returns the version of the TensorFlow library tfgo is linked
// against, e.g. "2.21.0".
func Version() string {
	return C.GoString(C.TF_Version())
}
