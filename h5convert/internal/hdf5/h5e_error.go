package hdf5

// #include <hdf5.h>
// #include <stdio.h>
// #include <string.h>
//
// /* The error stack is walked in C: one record per line, fields separated by
//    the unit separator 0x1f. Records that do not fit are dropped. */
// typedef struct {
//	char *buf;
//	size_t cap;
//	size_t len;
// } tfrun_h5e_buf;
//
// static herr_t tfrun_h5e_walk(unsigned n, const H5E_error2_t *e, void *data) {
//	tfrun_h5e_buf *b = (tfrun_h5e_buf *)data;
//	char maj[160] = "", min[160] = "";
//	(void)n;
//	if (H5Eget_msg(e->maj_num, NULL, maj, sizeof maj) < 0) maj[0] = 0;
//	if (H5Eget_msg(e->min_num, NULL, min, sizeof min) < 0) min[0] = 0;
//	if (b->len >= b->cap) return 0;
//	int w = snprintf(b->buf + b->len, b->cap - b->len, "%s\x1f%s\x1f%s\x1f%s\n",
//		e->func_name ? e->func_name : "", e->desc ? e->desc : "", maj, min);
//	if (w < 0) return 0;
//	if ((size_t)w >= b->cap - b->len) { b->len = b->cap; return 0; }
//	b->len += (size_t)w;
//	return 0;
// }
//
// static size_t tfrun_h5e_collect(char *buf, size_t cap) {
//	tfrun_h5e_buf b = { buf, cap, 0 };
//	H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, tfrun_h5e_walk, &b);
//	H5Eclear2(H5E_DEFAULT);
//	return b.len < cap ? b.len : cap - 1;
// }
import "C"

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"
)

// ErrClosed is returned by methods of a File that has been closed.
var ErrClosed = errors.New("hdf5: file already closed")

// ErrNotHDF5 is returned (wrapped in *Error) by Open and OpenRW when the
// file exists but carries no HDF5 signature.
var ErrNotHDF5 = errors.New("not an HDF5 file")

// ErrNotFound is returned (wrapped in *Error) when an object or attribute
// does not exist.
var ErrNotFound = errors.New("no such object")

// errReadOnly is returned when writing to a file opened with Open.
var errReadOnly = errors.New("file is open read-only")

// StackEntry is one record of the HDF5 error stack.
type StackEntry struct {
	Func  string // the libhdf5 function that pushed the record, e.g. "H5F__super_read"
	Desc  string // its description, e.g. "file signature not found"
	Major string // the major message, e.g. "File accessibility"
	Minor string // the minor message, e.g. "Not an HDF5 file"
}

// Error is a failed libhdf5 call with the error stack it left.
type Error struct {
	Op    string       // the operation, e.g. "H5Dread" or "open"
	Path  string       // the file and, after a colon, the object: "w.h5:/Weights/Layer1"
	Stack []StackEntry // outermost (API) record first
	Err   error        // a sentinel such as ErrNotHDF5, or nil
}

// Error formats the operation, the path and the error stack on one line,
// innermost cause last.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("hdf5: ")
	b.WriteString(e.Op)
	if e.Path != "" {
		b.WriteString(" ")
		b.WriteString(e.Path)
	}
	switch {
	case e.Err != nil:
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	case len(e.Stack) == 0:
		b.WriteString(": failed (libhdf5 left no error record)")
	}
	for i, s := range e.Stack {
		if i == 0 && e.Err == nil {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		if s.Func != "" {
			b.WriteString(s.Func)
			b.WriteString("(): ")
		}
		b.WriteString(s.Desc)
		if s.Minor != "" {
			fmt.Fprintf(&b, " (%s)", strings.ToLower(s.Minor))
		}
	}
	return b.String()
}

// Unwrap returns the sentinel, if any.
func (e *Error) Unwrap() error { return e.Err }

// stackError reads and clears the HDF5 error stack into an *Error. The
// caller holds mu and calls it right after the failing call.
func stackError(op, path string) *Error {
	buf := make([]byte, 8192)
	n := C.tfrun_h5e_collect((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)))
	text := string(buf[:n])
	e := &Error{Op: op, Path: path}
	for _, line := range strings.Split(text, "\n") {
		if line == "" {
			continue
		}
		f := strings.Split(line, "\x1f")
		for len(f) < 4 {
			f = append(f, "")
		}
		e.Stack = append(e.Stack, StackEntry{Func: f[0], Desc: f[1], Major: f[2], Minor: f[3]})
	}
	return e
}

// plainError is an *Error for a condition this package detects itself; it
// still clears the HDF5 error stack so no stale record leaks into the next
// error.
func plainError(op, path string, err error) *Error {
	C.H5Eclear2(C.H5E_DEFAULT)
	return &Error{Op: op, Path: path, Err: err}
}
