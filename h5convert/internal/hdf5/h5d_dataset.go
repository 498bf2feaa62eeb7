package hdf5

// #include <hdf5.h>
// #include <stdlib.h>
// #include <string.h>
//
// /* Datasets and attributes are read and written the same way; these
//    helpers pick the call. */
// static herr_t tfrun_h5_read(hid_t id, int is_attr, hid_t mtype, void *buf) {
//	if (is_attr) return H5Aread(id, mtype, buf);
//	return H5Dread(id, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
// }
// static herr_t tfrun_h5_write(hid_t id, int is_attr, hid_t mtype, const void *buf) {
//	if (is_attr) return H5Awrite(id, mtype, buf);
//	return H5Dwrite(id, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
// }
// static char *tfrun_str_at(char **v, size_t i) { return v[i]; }
// static void tfrun_str_set(char **v, size_t i, char *s) { v[i] = s; }
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"unsafe"
)

// Array is the content of a dataset or attribute: Data holds the elements
// in row-major (C) order as seen by a C reader, in one of []float32,
// []float64, []int8, []int16, []int32, []int64, []uint8, []uint16,
// []uint32, []uint64 or []string. Float types of 2 or 4 bytes are read as
// []float32, wider ones as []float64.
type Array struct {
	Type  Type    // the type as stored in the file
	Space Space   //
	Shape []int64 // empty for scalar and null spaces
	Data  any
}

// ReadDataset reads the whole dataset at path.
func (f *File) ReadDataset(path string) (*Array, error) {
	lock()
	defer mu.Unlock()
	if err := f.usable(); err != nil {
		return nil, err
	}
	if err := checkPath("read", f.path, path); err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(f)
	where := f.where(path)
	did, err := f.openDataset(path, "read")
	if err != nil {
		return nil, err
	}
	defer C.H5Dclose(did)
	t, space, shape, n, err := datasetInfo(did, where)
	if err != nil {
		return nil, err
	}
	sid := C.H5Dget_space(did)
	if sid < 0 {
		return nil, stackError("read", where)
	}
	defer C.H5Sclose(sid)
	data, err := readData(did, false, sid, t, n, where)
	if err != nil {
		return nil, err
	}
	return &Array{Type: t, Space: space, Shape: shape, Data: data}, nil
}

// CreateDataset creates a dataset at path (with any missing groups above
// it) of file type t and the given shape, and writes data into it. An empty
// shape makes a scalar. When t is the zero Type, the natural type of data
// is used. HDF5 converts the elements when t differs from the Go type.
func (f *File) CreateDataset(path string, t Type, shape []int64, data any) error {
	lock()
	defer mu.Unlock()
	if err := f.requireWritable("create dataset", path); err != nil {
		return err
	}
	if err := checkPath("create dataset", f.path, path); err != nil {
		return err
	}
	defer runtime.KeepAlive(f)
	where := f.where(path)
	t, err := resolveType(t, data, "create dataset", where)
	if err != nil {
		return err
	}
	if err := checkLen(data, shape, "create dataset", where); err != nil {
		return err
	}
	if ok, err := f.exists(path); err != nil {
		return err
	} else if ok {
		return plainError("create dataset", where, errors.New("object exists"))
	}
	if parent := parentPath(path); parent != "/" {
		if err := f.ensureGroup(parent); err != nil {
			return err
		}
	}
	ftype, err := fileType(t)
	if err != nil {
		return plainError("create dataset", where, err)
	}
	defer closeType(ftype)
	sid, err := newSpace(shape, "create dataset", where)
	if err != nil {
		return err
	}
	defer C.H5Sclose(sid)
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	did := C.H5Dcreate2(f.id, cpath, ftype, sid, C.H5P_DEFAULT, C.H5P_DEFAULT, C.H5P_DEFAULT)
	if did < 0 {
		return stackError("create dataset", where)
	}
	defer C.H5Dclose(did)
	return writeData(did, false, sid, t, data, where)
}

// WriteDataset overwrites the whole existing dataset at path with data,
// whose shape must equal the dataset's. The dataset keeps its file type,
// storage layout and attributes; HDF5 converts the elements to the file
// type.
func (f *File) WriteDataset(path string, shape []int64, data any) error {
	lock()
	defer mu.Unlock()
	if err := f.requireWritable("write", path); err != nil {
		return err
	}
	if err := checkPath("write", f.path, path); err != nil {
		return err
	}
	defer runtime.KeepAlive(f)
	where := f.where(path)
	did, err := f.openDataset(path, "write")
	if err != nil {
		return err
	}
	defer C.H5Dclose(did)
	t, _, have, _, err := datasetInfo(did, where)
	if err != nil {
		return err
	}
	if !slices.Equal(have, shape) {
		return plainError("write", where, fmt.Errorf("shape %v does not match the dataset's shape %v", shape, have))
	}
	if err := checkLen(data, shape, "write", where); err != nil {
		return err
	}
	sid := C.H5Dget_space(did)
	if sid < 0 {
		return stackError("write", where)
	}
	defer C.H5Sclose(sid)
	return writeData(did, false, sid, t, data, where)
}

// openDataset opens the dataset at path; close it with C.H5Dclose. The
// caller holds mu.
func (f *File) openDataset(path, op string) (C.hid_t, error) {
	if ok, err := f.exists(path); err != nil {
		return -1, err
	} else if !ok {
		return -1, plainError(op, f.where(path), ErrNotFound)
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	did := C.H5Dopen2(f.id, cpath, C.H5P_DEFAULT)
	if did < 0 {
		return -1, stackError(op, f.where(path))
	}
	return did, nil
}

// datasetInfo reads the type and shape of an open dataset. The caller
// holds mu.
func datasetInfo(did C.hid_t, where string) (Type, Space, []int64, int, error) {
	tid := C.H5Dget_type(did)
	if tid < 0 {
		return Type{}, 0, nil, 0, stackError("dataset type", where)
	}
	t, err := typeOf(tid)
	C.H5Tclose(tid)
	if err != nil {
		return Type{}, 0, nil, 0, err
	}
	sid := C.H5Dget_space(did)
	if sid < 0 {
		return Type{}, 0, nil, 0, stackError("dataset space", where)
	}
	defer C.H5Sclose(sid)
	space, shape, n, err := spaceOf(sid, "dataset space", where)
	return t, space, shape, n, err
}

// MaxReadBytes bounds the memory one dataset or attribute may take when
// read, so that a corrupt header claiming a huge shape gives an error
// rather than exhausting memory.
const MaxReadBytes = 4 << 30

// readData reads n elements of file type t from a dataset or attribute.
// The caller holds mu.
func readData(id C.hid_t, isAttr bool, sid C.hid_t, t Type, n int, where string) (any, error) {
	elem := 8
	if t.Class == ClassString && !t.VarLen {
		elem = t.Size
	}
	if elem > 0 && n > MaxReadBytes/elem {
		return nil, plainError("read", where, fmt.Errorf("%d elements of %s are more than this package reads (%d bytes)", n, t, MaxReadBytes))
	}
	data, err := newSlice(t, n)
	if err != nil {
		return nil, plainError("read", where, err)
	}
	if n == 0 {
		return data, nil
	}
	mtype, err := memType(t)
	if err != nil {
		return nil, plainError("read", where, err)
	}
	defer closeType(mtype)
	if t.Class == ClassString {
		return readStrings(id, isAttr, sid, mtype, t, n, where)
	}
	ptr, _, _, err := sliceInfo(data)
	if err != nil {
		return nil, plainError("read", where, err)
	}
	if C.tfrun_h5_read(id, boolInt(isAttr), mtype, ptr) < 0 {
		return nil, stackError("read", where)
	}
	return data, nil
}

// readStrings reads n fixed- or variable-length strings. The caller holds
// mu.
func readStrings(id C.hid_t, isAttr bool, sid, mtype C.hid_t, t Type, n int, where string) ([]string, error) {
	out := make([]string, n)
	if t.VarLen {
		ptrs := (**C.char)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
		if ptrs == nil {
			return nil, plainError("read", where, errors.New("out of memory"))
		}
		defer C.free(unsafe.Pointer(ptrs))
		if C.tfrun_h5_read(id, boolInt(isAttr), mtype, unsafe.Pointer(ptrs)) < 0 {
			return nil, stackError("read", where)
		}
		for i := range out {
			if s := C.tfrun_str_at(ptrs, C.size_t(i)); s != nil {
				out[i] = C.GoString(s)
			}
		}
		C.H5Dvlen_reclaim(mtype, sid, C.H5P_DEFAULT, unsafe.Pointer(ptrs))
		return out, nil
	}
	size := t.Size
	buf := make([]byte, n*size)
	if C.tfrun_h5_read(id, boolInt(isAttr), mtype, unsafe.Pointer(&buf[0])) < 0 {
		return nil, stackError("read", where)
	}
	for i := range out {
		s := cString(buf[i*size : (i+1)*size])
		if t.Pad == SpacePad {
			s = strings.TrimRight(s, " ")
		}
		out[i] = s
	}
	return out, nil
}

// writeData writes data (of a Go type sliceInfo knows, or []string) to a
// dataset or attribute of file type t. The caller holds mu.
func writeData(id C.hid_t, isAttr bool, sid C.hid_t, t Type, data any, where string) error {
	if strs, ok := data.([]string); ok {
		if t.Class != ClassString {
			return plainError("write", where, fmt.Errorf("string data for a %s object", t))
		}
		return writeStrings(id, isAttr, t, strs, where)
	}
	if t.Class == ClassString {
		return plainError("write", where, fmt.Errorf("%T data for a string object", data))
	}
	ptr, n, goType, err := sliceInfo(data)
	if err != nil {
		return plainError("write", where, err)
	}
	if n == 0 {
		return nil
	}
	mtype, err := memType(goType)
	if err != nil {
		return plainError("write", where, err)
	}
	defer closeType(mtype)
	if C.tfrun_h5_write(id, boolInt(isAttr), mtype, ptr) < 0 {
		return stackError("write", where)
	}
	return nil
}

// writeStrings writes strings as fixed- or variable-length strings of type
// t. The caller holds mu.
func writeStrings(id C.hid_t, isAttr bool, t Type, strs []string, where string) error {
	if len(strs) == 0 {
		return nil
	}
	mtype, err := stringType(t)
	if err != nil {
		return err
	}
	defer closeType(mtype)
	if t.VarLen {
		ptrs := (**C.char)(C.calloc(C.size_t(len(strs)), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
		if ptrs == nil {
			return plainError("write", where, errors.New("out of memory"))
		}
		defer C.free(unsafe.Pointer(ptrs))
		for i, s := range strs {
			if strings.IndexByte(s, 0) >= 0 {
				return plainError("write", where, fmt.Errorf("string %d contains a NUL byte", i))
			}
			cs := C.CString(s)
			defer C.free(unsafe.Pointer(cs))
			C.tfrun_str_set(ptrs, C.size_t(i), cs)
		}
		if C.tfrun_h5_write(id, boolInt(isAttr), mtype, unsafe.Pointer(ptrs)) < 0 {
			return stackError("write", where)
		}
		return nil
	}
	size := t.Size
	pad := byte(0)
	if t.Pad == SpacePad {
		pad = ' '
	}
	buf := make([]byte, len(strs)*size)
	for i, s := range strs {
		if len(s) > size || (t.Pad == NullTerm && len(s) == size) {
			return plainError("write", where, fmt.Errorf("string %q does not fit a %s", s, t))
		}
		cell := buf[i*size : (i+1)*size]
		n := copy(cell, s)
		for j := n; j < size; j++ {
			cell[j] = pad
		}
		if t.Pad == NullTerm {
			cell[n] = 0
		}
	}
	if C.tfrun_h5_write(id, boolInt(isAttr), mtype, unsafe.Pointer(&buf[0])) < 0 {
		return stackError("write", where)
	}
	return nil
}

// resolveType returns t, or the natural type of data when t is zero, and
// checks that t can describe data.
func resolveType(t Type, data any, op, where string) (Type, error) {
	if _, ok := data.([]string); ok {
		if t == (Type{}) {
			return VarString, nil
		}
		if t.Class != ClassString {
			return t, plainError(op, where, fmt.Errorf("string data for type %s", t))
		}
		return t, nil
	}
	_, _, goType, err := sliceInfo(data)
	if err != nil {
		return t, plainError(op, where, err)
	}
	if t == (Type{}) {
		return goType, nil
	}
	if t.Class != ClassFloat && t.Class != ClassInteger {
		return t, plainError(op, where, fmt.Errorf("%T data for type %s", data, t))
	}
	return t, nil
}

// checkLen checks that data has as many elements as shape describes.
func checkLen(data any, shape []int64, op, where string) error {
	want, ok := numElements(shape)
	if !ok {
		return plainError(op, where, fmt.Errorf("invalid shape %v", shape))
	}
	var have int
	if strs, isStr := data.([]string); isStr {
		have = len(strs)
	} else {
		_, n, _, err := sliceInfo(data)
		if err != nil {
			return plainError(op, where, err)
		}
		have = n
	}
	if have != want {
		return plainError(op, where, fmt.Errorf("%d values for shape %v (%d elements)", have, shape, want))
	}
	return nil
}

// parentPath returns the group path above an object path.
func parentPath(path string) string {
	i := strings.LastIndexByte(path, '/')
	if i <= 0 {
		return "/"
	}
	return path[:i]
}
