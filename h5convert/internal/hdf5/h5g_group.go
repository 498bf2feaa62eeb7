package hdf5

// #include <hdf5.h>
// #include <stdlib.h>
//
// static herr_t tfrun_h5l_info(hid_t loc, const char *name, int *type, size_t *valsize) {
//	H5L_info_t li;
//	if (H5Lget_info(loc, name, &li, H5P_DEFAULT) < 0) return -1;
//	*type = (int)li.type;
//	*valsize = (li.type == H5L_TYPE_HARD) ? 0 : li.u.val_size;
//	return 0;
// }
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Objects lists every entry of the file, depth first, the root group
// first and the members of each group in name order. Hard links to an
// object already listed appear once more with SeenAt set and are not
// descended into, so cyclic files terminate; soft and external links are
// listed with their target and not followed.
func (f *File) Objects() ([]*Object, error) {
	lock()
	defer mu.Unlock()
	if err := f.usable(); err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(f)
	root, addr, err := f.describe("/")
	if err != nil {
		return nil, err
	}
	out := []*Object{root}
	seen := map[C.haddr_t]string{addr: "/"}
	if err := f.walkGroup("/", seen, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// walkGroup appends the members of the group at path, recursively. The
// caller holds mu.
func (f *File) walkGroup(path string, seen map[C.haddr_t]string, out *[]*Object) error {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	gid := C.H5Gopen2(f.id, cpath, C.H5P_DEFAULT)
	if gid < 0 {
		return stackError("open group", f.where(path))
	}
	defer C.H5Gclose(gid)
	var gi C.H5G_info_t
	if C.H5Gget_info(gid, &gi) < 0 {
		return stackError("list group", f.where(path))
	}
	for i := C.hsize_t(0); i < gi.nlinks; i++ {
		name, err := f.linkName(gid, path, i)
		if err != nil {
			return err
		}
		child := joinPath(path, name)
		cname := C.CString(name)
		var ltype C.int
		var valsize C.size_t
		rc := C.tfrun_h5l_info(gid, cname, &ltype, &valsize)
		if rc < 0 {
			C.free(unsafe.Pointer(cname))
			return stackError("link info", f.where(child))
		}
		switch ltype {
		case C.H5L_TYPE_HARD:
			C.free(unsafe.Pointer(cname))
			o, addr, err := f.describe(child)
			if err != nil {
				return err
			}
			if at, ok := seen[addr]; ok {
				o.SeenAt = at
				*out = append(*out, o)
				continue
			}
			seen[addr] = child
			*out = append(*out, o)
			if o.Kind == KindGroup {
				if err := f.walkGroup(child, seen, out); err != nil {
					return err
				}
			}
		default:
			o, err := f.linkTarget(gid, cname, child, int(ltype), int(valsize))
			C.free(unsafe.Pointer(cname))
			if err != nil {
				return err
			}
			*out = append(*out, o)
		}
	}
	return nil
}

// linkName returns the name of link i (in name order) of group gid. The
// caller holds mu.
func (f *File) linkName(gid C.hid_t, path string, i C.hsize_t) (string, error) {
	dot := C.CString(".")
	defer C.free(unsafe.Pointer(dot))
	n := C.H5Lget_name_by_idx(gid, dot, C.H5_INDEX_NAME, C.H5_ITER_INC, i, nil, 0, C.H5P_DEFAULT)
	if n < 0 {
		return "", stackError("link name", f.where(path))
	}
	buf := make([]byte, int(n)+1)
	if C.H5Lget_name_by_idx(gid, dot, C.H5_INDEX_NAME, C.H5_ITER_INC, i, (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), C.H5P_DEFAULT) < 0 {
		return "", stackError("link name", f.where(path))
	}
	return string(buf[:n]), nil
}

// linkTarget describes a soft, external or user-defined link. The caller
// holds mu.
func (f *File) linkTarget(gid C.hid_t, cname *C.char, path string, ltype, valsize int) (*Object, error) {
	o := &Object{Path: path, Kind: KindOther, Shape: []int64{}}
	switch ltype {
	case C.H5L_TYPE_SOFT:
		o.Kind = KindSoftLink
	case C.H5L_TYPE_EXTERNAL:
		o.Kind = KindExternalLink
	default:
		return o, nil
	}
	if valsize <= 0 || valsize > 1<<20 {
		return o, nil
	}
	buf := make([]byte, valsize)
	if C.H5Lget_val(gid, cname, unsafe.Pointer(&buf[0]), C.size_t(valsize), C.H5P_DEFAULT) < 0 {
		return nil, stackError("link value", f.where(path))
	}
	if o.Kind == KindSoftLink {
		o.Target = cString(buf)
		return o, nil
	}
	var file, obj *C.char
	if C.H5Lunpack_elink_val(unsafe.Pointer(&buf[0]), C.size_t(valsize), nil, &file, &obj) < 0 {
		return nil, stackError("link value", f.where(path))
	}
	o.Target = fmt.Sprintf("%s:%s", C.GoString(file), C.GoString(obj))
	return o, nil
}

// CreateGroup creates the group at path and any missing groups above it.
// An existing group is not an error.
func (f *File) CreateGroup(path string) error {
	lock()
	defer mu.Unlock()
	if err := f.requireWritable("create group", path); err != nil {
		return err
	}
	if err := checkPath("create group", f.path, path); err != nil {
		return err
	}
	defer runtime.KeepAlive(f)
	return f.ensureGroup(path)
}

// ensureGroup creates the group at path with its parents unless it exists.
// The caller holds mu.
func (f *File) ensureGroup(path string) error {
	if path == "/" {
		return nil
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	if ok, err := f.exists(path); err != nil {
		return err
	} else if ok {
		typ, _, _, err := f.objectInfo(cpath, path, "create group")
		if err != nil {
			return err
		}
		if typ != C.H5O_TYPE_GROUP {
			return plainError("create group", f.where(path), fmt.Errorf("%s exists and is not a group", path))
		}
		return nil
	}
	lcpl, err := linkCreatePlist()
	if err != nil {
		return err
	}
	defer C.H5Pclose(lcpl)
	gid := C.H5Gcreate2(f.id, cpath, lcpl, C.H5P_DEFAULT, C.H5P_DEFAULT)
	if gid < 0 {
		return stackError("create group", f.where(path))
	}
	C.H5Gclose(gid)
	return nil
}

// exists reports whether every component of path exists, each but the
// last as a group. It never resolves an external link: a path through one
// gives an error, so that reading a weights file never opens another file.
// The caller holds mu.
func (f *File) exists(path string) (bool, error) {
	// H5Lexists fails (rather than answering false) when an intermediate
	// component is missing, so check the components one by one.
	for i := 1; i < len(path); i++ {
		if i+1 < len(path) && path[i+1] != '/' {
			continue
		}
		ok, err := f.componentExists(path[:i+1], path, i+1 < len(path))
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// componentExists checks one prefix of path for exists. The caller holds
// mu.
func (f *File) componentExists(prefix, path string, intermediate bool) (bool, error) {
	cp := C.CString(prefix)
	defer C.free(unsafe.Pointer(cp))
	switch ok := C.H5Lexists(f.id, cp, C.H5P_DEFAULT); {
	case ok < 0:
		return false, stackError("exists", f.where(prefix))
	case ok == 0:
		return false, nil
	}
	var ltype C.int
	var valsize C.size_t
	if C.tfrun_h5l_info(f.id, cp, &ltype, &valsize) < 0 {
		return false, stackError("link info", f.where(prefix))
	}
	if ltype != C.H5L_TYPE_HARD && ltype != C.H5L_TYPE_SOFT {
		return false, plainError("open", f.where(path), fmt.Errorf("%s is an external or user-defined link, which is not followed", prefix))
	}
	if !intermediate {
		return true, nil
	}
	if C.H5Oexists_by_name(f.id, cp, C.H5P_DEFAULT) <= 0 { // a dangling soft link
		C.H5Eclear2(C.H5E_DEFAULT)
		return false, nil
	}
	typ, _, _, err := f.objectInfo(cp, prefix, "exists")
	if err != nil {
		return false, err
	}
	return typ == C.H5O_TYPE_GROUP, nil
}

// cString returns the bytes of b up to the first NUL.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
