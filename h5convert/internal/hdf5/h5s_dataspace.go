package hdf5

// #include <hdf5.h>
import "C"

import (
	"fmt"
	"math"
)

// Space is the class of a dataspace.
type Space int

// Dataspace classes: a simple space has a shape (possibly with zero-sized
// dimensions), a scalar space holds one element and a null space none.
const (
	Simple Space = iota
	Scalar
	Null
)

// String returns "simple", "scalar" or "null".
func (s Space) String() string {
	switch s {
	case Scalar:
		return "scalar"
	case Null:
		return "null"
	}
	return "simple"
}

// maxRank is H5S_MAX_RANK.
const maxRank = 32

// spaceOf reads the class and shape of dataspace sid and its number of
// elements. The caller holds mu.
func spaceOf(sid C.hid_t, op, path string) (Space, []int64, int, error) {
	switch C.H5Sget_simple_extent_type(sid) {
	case C.H5S_SCALAR:
		return Scalar, []int64{}, 1, nil
	case C.H5S_NULL:
		return Null, []int64{}, 0, nil
	case C.H5S_SIMPLE:
	default:
		return 0, nil, 0, stackError(op, path)
	}
	rank := C.H5Sget_simple_extent_ndims(sid)
	if rank < 0 || rank > maxRank {
		return 0, nil, 0, stackError(op, path)
	}
	var dims [maxRank]C.hsize_t
	if rank > 0 && C.H5Sget_simple_extent_dims(sid, &dims[0], nil) < 0 {
		return 0, nil, 0, stackError(op, path)
	}
	shape := make([]int64, rank)
	n := uint64(1)
	for i := range shape {
		d := uint64(dims[i])
		if d > math.MaxInt64 {
			return 0, nil, 0, plainError(op, path, fmt.Errorf("dimension %d too large", d))
		}
		shape[i] = int64(d)
		if d != 0 && n > math.MaxInt/d {
			return 0, nil, 0, plainError(op, path, fmt.Errorf("shape %v has too many elements", shape))
		}
		n *= d
	}
	return Simple, shape, int(n), nil
}

// numElements multiplies out shape; false when a dimension is negative or
// the product overflows int.
func numElements(shape []int64) (int, bool) {
	n := 1
	for _, d := range shape {
		if d < 0 || (d != 0 && n > math.MaxInt/int(d)) {
			return 0, false
		}
		n *= int(d)
	}
	return n, true
}

// newSpace creates a dataspace: scalar for an empty shape, simple
// otherwise. Close it with C.H5Sclose. The caller holds mu.
func newSpace(shape []int64, op, path string) (C.hid_t, error) {
	if len(shape) == 0 {
		id := C.H5Screate(C.H5S_SCALAR)
		if id < 0 {
			return -1, stackError(op, path)
		}
		return id, nil
	}
	if len(shape) > maxRank {
		return -1, plainError(op, path, fmt.Errorf("rank %d exceeds %d", len(shape), maxRank))
	}
	var dims [maxRank]C.hsize_t
	for i, d := range shape {
		if d < 0 {
			return -1, plainError(op, path, fmt.Errorf("negative dimension in shape %v", shape))
		}
		dims[i] = C.hsize_t(d)
	}
	id := C.H5Screate_simple(C.int(len(shape)), &dims[0], nil)
	if id < 0 {
		return -1, stackError(op, path)
	}
	return id, nil
}
