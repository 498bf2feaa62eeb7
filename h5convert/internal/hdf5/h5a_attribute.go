package hdf5

// #include <hdf5.h>
// #include <stdlib.h>
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Attribute is a named value attached to a group or dataset. Value holds
// the elements like Array.Data does ([]string for strings, a numeric slice
// otherwise); it is nil when the type cannot be read, and Unreadable says
// why.
type Attribute struct {
	Name       string
	Type       Type
	Space      Space
	Shape      []int64 // empty for scalar and null spaces
	Value      any
	Unreadable string
}

// readAttrs reads the n attributes of the object at path (cpath) in name
// order. An attribute of a type this package cannot convert is returned
// with Unreadable set rather than failing the listing. The caller holds mu.
func (f *File) readAttrs(cpath *C.char, path string, n int) ([]Attribute, error) {
	oid := C.H5Oopen(f.id, cpath, C.H5P_DEFAULT)
	if oid < 0 {
		return nil, stackError("open object", f.where(path))
	}
	defer C.H5Oclose(oid)
	dot := C.CString(".")
	defer C.free(unsafe.Pointer(dot))
	attrs := make([]Attribute, 0, n)
	for i := 0; i < n; i++ {
		aid := C.H5Aopen_by_idx(oid, dot, C.H5_INDEX_NAME, C.H5_ITER_INC, C.hsize_t(i), C.H5P_DEFAULT, C.H5P_DEFAULT)
		if aid < 0 {
			return nil, stackError("open attribute", f.where(path))
		}
		a, err := readAttr(aid, f.where(path))
		C.H5Aclose(aid)
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, a)
	}
	return attrs, nil
}

// readAttr reads one open attribute. The caller holds mu.
func readAttr(aid C.hid_t, where string) (Attribute, error) {
	var a Attribute
	n := C.H5Aget_name(aid, 0, nil)
	if n < 0 {
		return a, stackError("attribute name", where)
	}
	buf := make([]byte, int(n)+1)
	if C.H5Aget_name(aid, C.size_t(len(buf)), (*C.char)(unsafe.Pointer(&buf[0]))) < 0 {
		return a, stackError("attribute name", where)
	}
	a.Name = string(buf[:n])
	where = where + "@" + a.Name
	tid := C.H5Aget_type(aid)
	if tid < 0 {
		return a, stackError("attribute type", where)
	}
	t, err := typeOf(tid)
	C.H5Tclose(tid)
	if err != nil {
		return a, err
	}
	a.Type = t
	sid := C.H5Aget_space(aid)
	if sid < 0 {
		return a, stackError("attribute space", where)
	}
	defer C.H5Sclose(sid)
	space, shape, count, err := spaceOf(sid, "attribute space", where)
	if err != nil {
		return a, err
	}
	a.Space, a.Shape = space, shape
	switch t.Class {
	case ClassInteger, ClassFloat, ClassString:
	default:
		a.Unreadable = fmt.Sprintf("%s attributes are not read", t.Class)
		return a, nil
	}
	v, err := readData(aid, true, sid, t, count, where)
	if err != nil {
		return a, err
	}
	a.Value = v
	return a, nil
}

// WriteAttribute creates or replaces the attribute name on the object at
// objPath ("/" for the root group). data is []string or a numeric slice
// with as many elements as shape describes; an empty shape makes a scalar.
// When t is the zero Type the natural type of data is used ([]string gives
// variable-length UTF-8 strings, as h5py writes str).
func (f *File) WriteAttribute(objPath, name string, t Type, shape []int64, data any) error {
	lock()
	defer mu.Unlock()
	where := f.where(objPath) + "@" + name
	if err := f.requireWritable("write attribute", where); err != nil {
		return err
	}
	if err := checkPath("write attribute", f.path, objPath); err != nil {
		return err
	}
	defer runtime.KeepAlive(f)
	t, err := resolveType(t, data, "write attribute", where)
	if err != nil {
		return err
	}
	if err := checkLen(data, shape, "write attribute", where); err != nil {
		return err
	}
	if ok, err := f.exists(objPath); err != nil {
		return err
	} else if !ok {
		return plainError("write attribute", where, ErrNotFound)
	}
	cpath := C.CString(objPath)
	defer C.free(unsafe.Pointer(cpath))
	oid := C.H5Oopen(f.id, cpath, C.H5P_DEFAULT)
	if oid < 0 {
		return stackError("write attribute", where)
	}
	defer C.H5Oclose(oid)
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	switch ex := C.H5Aexists(oid, cname); {
	case ex < 0:
		return stackError("write attribute", where)
	case ex > 0:
		if C.H5Adelete(oid, cname) < 0 {
			return stackError("write attribute", where)
		}
	}
	ftype, err := fileType(t)
	if err != nil {
		return plainError("write attribute", where, err)
	}
	defer closeType(ftype)
	sid, err := newSpace(shape, "write attribute", where)
	if err != nil {
		return err
	}
	defer C.H5Sclose(sid)
	aid := C.H5Acreate2(oid, cname, ftype, sid, C.H5P_DEFAULT, C.H5P_DEFAULT)
	if aid < 0 {
		return stackError("write attribute", where)
	}
	defer C.H5Aclose(aid)
	return writeData(aid, true, sid, t, data, where)
}
