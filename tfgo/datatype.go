package tfgo

import (
	"fmt"
	"math"
	"reflect"
)

// DataType is a TensorFlow element type (the TF_DataType / DataType enum of
// types.proto). Pure Go: no cgo is needed to name or size a type.
type DataType int32

// The element types tfgo reads and writes, plus the few that appear in
// graphs (Resource, Variant) so that signatures and ops can name them.
const (
	Invalid    DataType = 0
	Float      DataType = 1
	Double     DataType = 2
	Int32      DataType = 3
	Uint8      DataType = 4
	Int16      DataType = 5
	Int8       DataType = 6
	String     DataType = 7
	Complex64  DataType = 8
	Int64      DataType = 9
	Bool       DataType = 10
	Bfloat16   DataType = 14
	Uint16     DataType = 17
	Complex128 DataType = 18
	Half       DataType = 19
	Resource   DataType = 20
	Variant    DataType = 21
	Uint32     DataType = 22
	Uint64     DataType = 23
)

type dtypeInfo struct {
	name string // the Python/NumPy-style name used in tfrun's JSON and CLI
	size int    // bytes per element, 0 for variable-size types
	goT  reflect.Type
}

var dtypes = map[DataType]dtypeInfo{
	Float:      {"float32", 4, reflect.TypeFor[float32]()},
	Double:     {"float64", 8, reflect.TypeFor[float64]()},
	Half:       {"float16", 2, reflect.TypeFor[Float16]()},
	Bfloat16:   {"bfloat16", 2, reflect.TypeFor[BFloat16]()},
	Int8:       {"int8", 1, reflect.TypeFor[int8]()},
	Int16:      {"int16", 2, reflect.TypeFor[int16]()},
	Int32:      {"int32", 4, reflect.TypeFor[int32]()},
	Int64:      {"int64", 8, reflect.TypeFor[int64]()},
	Uint8:      {"uint8", 1, reflect.TypeFor[uint8]()},
	Uint16:     {"uint16", 2, reflect.TypeFor[uint16]()},
	Uint32:     {"uint32", 4, reflect.TypeFor[uint32]()},
	Uint64:     {"uint64", 8, reflect.TypeFor[uint64]()},
	Bool:       {"bool", 1, reflect.TypeFor[bool]()},
	String:     {"string", 0, reflect.TypeFor[string]()},
	Complex64:  {"complex64", 8, reflect.TypeFor[complex64]()},
	Complex128: {"complex128", 16, reflect.TypeFor[complex128]()},
	Resource:   {"resource", 0, nil},
	Variant:    {"variant", 0, nil},
}

// String returns the NumPy-style name of the type ("float32", "int64", …).
func (t DataType) String() string {
	if info, ok := dtypes[t]; ok {
		return info.name
	}
	return fmt.Sprintf("dtype(%d)", int32(t))
}

// Size returns the number of bytes of one element, 0 for strings,
// resources and variants.
func (t DataType) Size() int { return dtypes[t].size }

// HasGoType reports whether tensors of this type can be made from and read
// into Go values.
func (t DataType) HasGoType() bool { return dtypes[t].goT != nil }

// ParseDataType turns a name as printed by String (or its TensorFlow alias:
// "float", "double", "half") into a DataType.
func ParseDataType(name string) (DataType, error) {
	switch name {
	case "float":
		return Float, nil
	case "double":
		return Double, nil
	case "half":
		return Half, nil
	}
	for t, info := range dtypes {
		if info.name == name {
			return t, nil
		}
	}
	return Invalid, fmt.Errorf("unknown dtype %q", name)
}

// dataTypeOf returns the DataType whose Go element type is t.
func dataTypeOf(t reflect.Type) (DataType, bool) {
	for dt, info := range dtypes {
		if info.goT == t {
			return dt, true
		}
	}
	return Invalid, false
}

// Float16 is an IEEE 754 half-precision number as stored by TensorFlow.
type Float16 uint16

// Float32 converts h to float32 exactly.
func (h Float16) Float32() float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: normalise
		e := uint32(127 - 15 + 1)
		for frac&0x400 == 0 {
			frac <<= 1
			e--
		}
		return math.Float32frombits(sign | e<<23 | (frac&0x3ff)<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}

// NewFloat16 rounds f to the nearest half-precision value (ties to even).
func NewFloat16(f float32) Float16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23&0xff) - 127 + 15
	frac := b & 0x7fffff
	switch {
	case b&0x7fffffff > 0x7f800000: // NaN: keep it a quiet NaN
		return Float16(sign | 0x7e00 | uint16(frac>>13))
	case exp >= 0x1f: // overflow or Inf
		return Float16(sign | 0x7c00)
	case exp <= 0: // subnormal or zero
		if exp < -10 {
			return Float16(sign)
		}
		frac |= 0x800000
		shift := uint32(14 - exp)
		half := uint32(1) << (shift - 1)
		v := frac >> shift
		rem := frac & (1<<shift - 1)
		if rem > half || (rem == half && v&1 == 1) {
			v++
		}
		return Float16(sign | uint16(v))
	}
	v := uint32(exp)<<10 | frac>>13
	rem := frac & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && v&1 == 1) {
		v++ // may carry into the exponent, which is the right rounding
	}
	return Float16(uint32(sign) | v)
}

// BFloat16 is a bfloat16 number (the top 16 bits of a float32).
type BFloat16 uint16

// Float32 converts b to float32 exactly.
func (b BFloat16) Float32() float32 { return math.Float32frombits(uint32(b) << 16) }

// NewBFloat16 rounds f to the nearest bfloat16 (ties to even).
func NewBFloat16(f float32) BFloat16 {
	u := math.Float32bits(f)
	if u&0x7fffffff > 0x7f800000 {
		return BFloat16(u>>16 | 0x40)
	}
	u += 0x7fff + (u>>16)&1
	return BFloat16(u >> 16)
}
