// Package tfgo is tfrun's own cgo binding to the TensorFlow C API: errors,
// data types, tensors, graphs, sessions and SavedModel loading. It is the
// only package of the project that imports "C" for TensorFlow.
//
// # Build
//
// It links libtensorflow and libtensorflow_framework (since TensorFlow 2.20
// part of the C API lives in the framework library). The include and
// library paths come from CGO_CFLAGS and CGO_LDFLAGS, which the Makefile sets
// from TF_PREFIX: by default the project-local prefix unpacked from the
// pinned PyPI wheel by scripts/install-libtensorflow.sh, or any installation
// of the official C library (make TF_PREFIX=/usr/local).
//
// Everything that needs no TensorFlow is pure Go and builds with
// CGO_ENABLED=0: DataType and its names and sizes, Shape, Float16/BFloat16,
// the MetaGraphDef/SignatureDef/SaverDef parsing (ParseSavedModel,
// ReadMetaGraph, with protowire), the ConfigProto encoding of
// SessionOptions, and the Error type with its codes.
//
// # Lifecycle and ownership
//
// Tensor, Graph, Session and SavedModel own C memory and must be closed.
// Close is idempotent; later use returns ErrClosed. A GC cleanup frees what
// was not closed, as a safety net only. Tensor data lives in C memory
// (TF_AllocateTensor): Go values are copied in (NewTensor, FromFlat) and
// copied out (Value, Flat, CopyTo, ReadFlat); C never keeps a Go pointer.
// Tensors returned by Session.Run belong to the caller.
//
// # Concurrency
//
// Session.Run is safe for concurrent use (TensorFlow runs the steps in
// parallel); Session.Close waits for the runs in flight. Graph lookups are
// safe for concurrent use, and operations may be added while sessions run
// the graph: a session sees them on its next Run, as long as its config
// keeps experimental.disable_optimize_for_static_graph, which
// SessionOptions.ConfigProto always sets. A Tensor may be read from several
// goroutines but not closed while in use.
//
// # Errors
//
// Every TF_Status becomes a *Error keeping TensorFlow's code and the C call
// that failed; errors.Is(err, ErrNotFound) and the other sentinels match by
// code.
package tfgo
