package hdf5

// #include <hdf5.h>
// #include <stdlib.h>
//
// static herr_t tfrun_h5o_info(hid_t loc, const char *name, int *type, haddr_t *addr, hsize_t *nattrs) {
//	H5O_info_t oi;
//	if (H5Oget_info_by_name2(loc, name, &oi, H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS, H5P_DEFAULT) < 0)
//		return -1;
//	*type = (int)oi.type;
//	*addr = oi.addr;
//	*nattrs = oi.num_attrs;
//	return 0;
// }
import "C"

import (
	"fmt"
	pathpkg "path"
	"runtime"
	"unsafe"
)

// Kind is what an entry of the file tree is.
type Kind int

// Kinds of entries. Soft and external links are listed, not followed.
const (
	KindGroup Kind = iota
	KindDataset
	KindDatatype
	KindSoftLink
	KindExternalLink
	KindOther
)

var kindNames = [...]string{"group", "dataset", "datatype", "soft-link", "external-link", "other"}

// String returns "group", "dataset", "datatype", "soft-link",
// "external-link" or "other".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "other"
	}
	return kindNames[k]
}

// Object describes one entry of the file tree.
type Object struct {
	Path   string      // absolute path, "/" for the root group
	Kind   Kind        //
	Type   Type        // datasets: the datatype as stored
	Space  Space       // datasets
	Shape  []int64     // datasets: the dimensions as a C reader sees them (empty for scalar and null spaces)
	Attrs  []Attribute // sorted by name
	Target string      // soft links: the target path; external links: "file:/path"
	SeenAt string      // a hard link to an object listed earlier at this path; not descended into
}

// Stat describes the object at path (absolute, e.g. "/Weights/Layer1"),
// with its attributes.
func (f *File) Stat(path string) (*Object, error) {
	lock()
	defer mu.Unlock()
	if err := f.usable(); err != nil {
		return nil, err
	}
	if err := checkPath("stat", f.path, path); err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(f)
	if ok, err := f.exists(path); err != nil {
		return nil, err
	} else if !ok {
		return nil, plainError("stat", f.where(path), ErrNotFound)
	}
	o, _, err := f.describe(path)
	return o, err
}

// describe reads the kind, address, type, shape and attributes of the
// object at path. The caller holds mu.
func (f *File) describe(path string) (*Object, C.haddr_t, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	typ, addr, nattrs, err := f.objectInfo(cpath, path, "stat")
	if err != nil {
		return nil, 0, err
	}
	o := &Object{Path: path, Shape: []int64{}}
	switch typ {
	case C.H5O_TYPE_GROUP:
		o.Kind = KindGroup
	case C.H5O_TYPE_DATASET:
		o.Kind = KindDataset
		did := C.H5Dopen2(f.id, cpath, C.H5P_DEFAULT)
		if did < 0 {
			return nil, 0, stackError("open dataset", f.where(path))
		}
		t, space, shape, _, err := datasetInfo(did, f.where(path))
		C.H5Dclose(did)
		if err != nil {
			return nil, 0, err
		}
		o.Type, o.Space, o.Shape = t, space, shape
	case C.H5O_TYPE_NAMED_DATATYPE:
		o.Kind = KindDatatype
	default:
		o.Kind = KindOther
	}
	if nattrs > 0 {
		attrs, err := f.readAttrs(cpath, path, int(nattrs))
		if err != nil {
			return nil, 0, err
		}
		o.Attrs = attrs
	}
	return o, addr, nil
}

// objectInfo returns the H5O type, address and attribute count of the
// object at cpath. The caller holds mu.
func (f *File) objectInfo(cpath *C.char, path, op string) (C.int, C.haddr_t, C.hsize_t, error) {
	var typ C.int
	var addr C.haddr_t
	var nattrs C.hsize_t
	if C.tfrun_h5o_info(f.id, cpath, &typ, &addr, &nattrs) < 0 {
		return 0, 0, 0, stackError(op, f.where(path))
	}
	return typ, addr, nattrs, nil
}

// joinPath appends a link name to a group path.
func joinPath(group, name string) string {
	if group == "/" {
		return "/" + name
	}
	return group + "/" + name
}

// checkPath rejects object paths that are not absolute and clean
// ("/a/b", not "a/b", "/a/", "/a//b" or "/a/../b").
func checkPath(op, file, p string) error {
	if len(p) == 0 || p[0] != '/' || pathpkg.Clean(p) != p {
		return plainError(op, file, fmt.Errorf("object path %q is not absolute and clean", p))
	}
	return nil
}
