package hdf5

// #include <hdf5.h>
//
// /* The predefined type identifiers are macros that call H5open(); cgo
//    cannot use them directly. */
// static hid_t tfrun_h5t_predef(int code) {
//	switch (code) {
//	case 1: return H5T_NATIVE_FLOAT;
//	case 2: return H5T_NATIVE_DOUBLE;
//	case 3: return H5T_NATIVE_INT8;
//	case 4: return H5T_NATIVE_UINT8;
//	case 5: return H5T_NATIVE_INT16;
//	case 6: return H5T_NATIVE_UINT16;
//	case 7: return H5T_NATIVE_INT32;
//	case 8: return H5T_NATIVE_UINT32;
//	case 9: return H5T_NATIVE_INT64;
//	case 10: return H5T_NATIVE_UINT64;
//	case 11: return H5T_C_S1;
//	}
//	return -1;
// }
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// Class is the HDF5 datatype class.
type Class int

// The datatype classes. Only integers, floats and strings can be read and
// written; the others are listed so that a file can be described.
const (
	ClassOther Class = iota
	ClassInteger
	ClassFloat
	ClassString
	ClassTime
	ClassBitfield
	ClassOpaque
	ClassCompound
	ClassReference
	ClassEnum
	ClassVlen
	ClassArray
)

var classNames = [...]string{"other", "integer", "float", "string", "time", "bitfield", "opaque", "compound", "reference", "enum", "vlen", "array"}

// String returns the class name in lower case, e.g. "float".
func (c Class) String() string {
	if c < 0 || int(c) >= len(classNames) {
		return "other"
	}
	return classNames[c]
}

// ByteOrder is the byte order of a numeric type.
type ByteOrder int

// Byte orders; NoOrder is used for strings and compound types.
const (
	LittleEndian ByteOrder = iota
	BigEndian
	NoOrder
)

// StrPad says how a fixed-length string is padded.
type StrPad int

// String paddings.
const (
	NullTerm StrPad = iota
	NullPad
	SpacePad
)

// Type describes an HDF5 datatype as stored in a file.
type Type struct {
	Class  Class
	Size   int       // bytes per element; for a variable-length string the size of a pointer
	Signed bool      // integers only
	Order  ByteOrder // numeric types only
	VarLen bool      // strings: variable-length
	UTF8   bool      // strings: character set UTF-8 (else ASCII)
	Pad    StrPad    // fixed-length strings
}

// Float32, Float64 and the integer types are the numeric types this package
// writes by default (little-endian, as h5py and MATLAB write them).
var (
	Float32 = Type{Class: ClassFloat, Size: 4}
	Float64 = Type{Class: ClassFloat, Size: 8}
	Int8    = Type{Class: ClassInteger, Size: 1, Signed: true}
	Int16   = Type{Class: ClassInteger, Size: 2, Signed: true}
	Int32   = Type{Class: ClassInteger, Size: 4, Signed: true}
	Int64   = Type{Class: ClassInteger, Size: 8, Signed: true}
	Uint8   = Type{Class: ClassInteger, Size: 1}
	Uint16  = Type{Class: ClassInteger, Size: 2}
	Uint32  = Type{Class: ClassInteger, Size: 4}
	Uint64  = Type{Class: ClassInteger, Size: 8}
	// VarString is a variable-length UTF-8 string, as h5py writes str.
	VarString = Type{Class: ClassString, VarLen: true, UTF8: true, Order: NoOrder}
)

// FixedString returns a fixed-length ASCII string type of n bytes, padded
// with NULs, as numpy's "S" dtype is written by h5py.
func FixedString(n int) Type {
	return Type{Class: ClassString, Size: n, Pad: NullPad, Order: NoOrder}
}

// String names the type the way numpy does where it can: "float32",
// "int64", "uint8", "string" (variable length), "string[16]" (fixed), and
// the class name otherwise. A big-endian numeric type gets a "be" suffix
// ("float64be").
func (t Type) String() string {
	var s string
	switch t.Class {
	case ClassFloat:
		s = fmt.Sprintf("float%d", 8*t.Size)
	case ClassInteger:
		s = fmt.Sprintf("int%d", 8*t.Size)
		if !t.Signed {
			s = "u" + s
		}
	case ClassString:
		if t.VarLen {
			return "string"
		}
		return fmt.Sprintf("string[%d]", t.Size)
	default:
		return t.Class.String()
	}
	if t.Order == BigEndian {
		s += "be"
	}
	return s
}

// DType returns the numpy-style name of a numeric type without byte order
// ("float64"), or "" for other classes.
func (t Type) DType() string {
	if t.Class != ClassFloat && t.Class != ClassInteger {
		return ""
	}
	t.Order = LittleEndian
	return t.String()
}

// errUnsupportedType is wrapped when a datatype cannot be read or written.
var errUnsupportedType = errors.New("unsupported datatype")

// typeOf describes the datatype tid. The caller holds mu.
func typeOf(tid C.hid_t) (Type, error) {
	var t Type
	switch C.H5Tget_class(tid) {
	case C.H5T_INTEGER:
		t.Class = ClassInteger
	case C.H5T_FLOAT:
		t.Class = ClassFloat
	case C.H5T_STRING:
		t.Class = ClassString
	case C.H5T_TIME:
		t.Class = ClassTime
	case C.H5T_BITFIELD:
		t.Class = ClassBitfield
	case C.H5T_OPAQUE:
		t.Class = ClassOpaque
	case C.H5T_COMPOUND:
		t.Class = ClassCompound
	case C.H5T_REFERENCE:
		t.Class = ClassReference
	case C.H5T_ENUM:
		t.Class = ClassEnum
	case C.H5T_VLEN:
		t.Class = ClassVlen
	case C.H5T_ARRAY:
		t.Class = ClassArray
	case C.H5T_NO_CLASS:
		return t, stackError("H5Tget_class", "")
	default:
		t.Class = ClassOther
	}
	size := C.H5Tget_size(tid)
	if size == 0 {
		return t, stackError("H5Tget_size", "")
	}
	t.Size = int(size)
	t.Order = NoOrder
	switch t.Class {
	case ClassInteger, ClassFloat:
		switch C.H5Tget_order(tid) {
		case C.H5T_ORDER_BE:
			t.Order = BigEndian
		default:
			t.Order = LittleEndian
		}
		if t.Class == ClassInteger {
			t.Signed = C.H5Tget_sign(tid) == C.H5T_SGN_2
		}
	case ClassString:
		v := C.H5Tis_variable_str(tid)
		if v < 0 {
			return t, stackError("H5Tis_variable_str", "")
		}
		t.VarLen = v > 0
		t.UTF8 = C.H5Tget_cset(tid) == C.H5T_CSET_UTF8
		switch C.H5Tget_strpad(tid) {
		case C.H5T_STR_NULLPAD:
			t.Pad = NullPad
		case C.H5T_STR_SPACEPAD:
			t.Pad = SpacePad
		default:
			t.Pad = NullTerm
		}
	}
	return t, nil
}

// predef returns a predefined type identifier (not to be closed).
func predef(code int) C.hid_t { return C.tfrun_h5t_predef(C.int(code)) }

// nativeCode is the predef code of the native memory type into which
// values of t are read, and the Go element kind that goes with it.
func nativeCode(t Type) (int, error) {
	switch t.Class {
	case ClassFloat:
		if t.Size <= 4 {
			return 1, nil // float16 and float32 are read as float32
		}
		return 2, nil
	case ClassInteger:
		base := map[int]int{1: 3, 2: 5, 4: 7, 8: 9}[t.Size]
		if base == 0 {
			return 0, fmt.Errorf("%w: %d-byte integer", errUnsupportedType, t.Size)
		}
		if !t.Signed {
			base++
		}
		return base, nil
	}
	return 0, fmt.Errorf("%w: %s", errUnsupportedType, t)
}

// memType returns the memory datatype used to read or write values of the
// file type t; close it with closeType. The caller holds mu.
func memType(t Type) (C.hid_t, error) {
	if t.Class == ClassString {
		return stringType(t)
	}
	code, err := nativeCode(t)
	if err != nil {
		return -1, err
	}
	id := C.H5Tcopy(predef(code))
	if id < 0 {
		return -1, stackError("H5Tcopy", "")
	}
	return id, nil
}

// fileType returns the datatype used to create a dataset or attribute of
// type t; close it with closeType. The caller holds mu.
func fileType(t Type) (C.hid_t, error) {
	switch t.Class {
	case ClassString:
		return stringType(t)
	case ClassFloat:
		if t.Size != 4 && t.Size != 8 {
			return -1, fmt.Errorf("%w for writing: %s", errUnsupportedType, t)
		}
	case ClassInteger:
	default:
		return -1, fmt.Errorf("%w for writing: %s", errUnsupportedType, t)
	}
	id, err := memType(t)
	if err != nil {
		return -1, err
	}
	order := C.H5T_order_t(C.H5T_ORDER_LE)
	if t.Order == BigEndian {
		order = C.H5T_ORDER_BE
	}
	if C.H5Tset_order(id, order) < 0 {
		e := stackError("H5Tset_order", "")
		C.H5Tclose(id)
		return -1, e
	}
	return id, nil
}

// stringType builds a string datatype matching t. The caller holds mu.
func stringType(t Type) (C.hid_t, error) {
	id := C.H5Tcopy(predef(11))
	if id < 0 {
		return -1, stackError("H5Tcopy", "")
	}
	size := C.size_t(t.Size)
	if t.VarLen {
		size = C.H5T_VARIABLE
	} else if size == 0 {
		size = 1
	}
	cset := C.H5T_cset_t(C.H5T_CSET_ASCII)
	if t.UTF8 {
		cset = C.H5T_CSET_UTF8
	}
	pad := C.H5T_str_t(C.H5T_STR_NULLTERM)
	switch t.Pad {
	case NullPad:
		pad = C.H5T_STR_NULLPAD
	case SpacePad:
		pad = C.H5T_STR_SPACEPAD
	}
	if C.H5Tset_size(id, size) < 0 || C.H5Tset_cset(id, cset) < 0 || C.H5Tset_strpad(id, pad) < 0 {
		e := stackError("H5Tset_size", "")
		C.H5Tclose(id)
		return -1, e
	}
	return id, nil
}

// closeType closes a datatype made by memType, fileType or stringType.
func closeType(id C.hid_t) {
	if id >= 0 {
		C.H5Tclose(id)
	}
}

// newSlice allocates the Go slice into which n elements of the file type t
// are read.
func newSlice(t Type, n int) (any, error) {
	if t.Class == ClassString {
		return make([]string, n), nil
	}
	code, err := nativeCode(t)
	if err != nil {
		return nil, err
	}
	switch code {
	case 1:
		return make([]float32, n), nil
	case 2:
		return make([]float64, n), nil
	case 3:
		return make([]int8, n), nil
	case 4:
		return make([]uint8, n), nil
	case 5:
		return make([]int16, n), nil
	case 6:
		return make([]uint16, n), nil
	case 7:
		return make([]int32, n), nil
	case 8:
		return make([]uint32, n), nil
	case 9:
		return make([]int64, n), nil
	default:
		return make([]uint64, n), nil
	}
}

// sliceInfo returns the address of the first element, the length and the
// natural HDF5 type of a numeric Go slice. The address is nil for an empty
// slice.
func sliceInfo(data any) (unsafe.Pointer, int, Type, error) {
	switch d := data.(type) {
	case []float32:
		return first(d), len(d), Float32, nil
	case []float64:
		return first(d), len(d), Float64, nil
	case []int8:
		return first(d), len(d), Int8, nil
	case []uint8:
		return first(d), len(d), Uint8, nil
	case []int16:
		return first(d), len(d), Int16, nil
	case []uint16:
		return first(d), len(d), Uint16, nil
	case []int32:
		return first(d), len(d), Int32, nil
	case []uint32:
		return first(d), len(d), Uint32, nil
	case []int64:
		return first(d), len(d), Int64, nil
	case []uint64:
		return first(d), len(d), Uint64, nil
	}
	return nil, 0, Type{}, fmt.Errorf("%w: Go data of type %T", errUnsupportedType, data)
}

func first[T any](s []T) unsafe.Pointer {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Pointer(&s[0])
}
