package h5convert

import (
	"fmt"
	"math"
	"slices"
)

// Values is an n-dimensional array of numbers in row-major (C) order: the
// element at index (i, j) of a [rows cols] array is Data[i*cols+j]. It is
// what Plan reads for a variable and what WriteLayout takes back.
type Values struct {
	// DType is the element type: "float32", "float64", "int8", "int16",
	// "int32", "int64", "uint8", "uint16", "uint32" or "uint64".
	DType string `json:"dtype"`
	// Shape is the array's shape; empty for a scalar.
	Shape []int64 `json:"shape"`
	// Data is a []float32, []float64, []int8, ... matching DType, with as
	// many elements as Shape describes.
	Data any `json:"-"`
}

// NewValues checks that data (a []float32, []float64, []int8, []int16,
// []int32, []int64, []uint8, []uint16, []uint32 or []uint64) matches dtype
// and has as many elements as shape describes, and wraps it without
// copying.
func NewValues(dtype string, shape []int64, data any) (*Values, error) {
	v := &Values{DType: dtype, Shape: slices.Clone(shape), Data: data}
	if err := v.check(); err != nil {
		return nil, err
	}
	return v, nil
}

// Len returns the number of elements.
func (v *Values) Len() int { return dataLen(v.Data) }

// check reports a Values whose parts do not agree.
func (v *Values) check() error {
	if v == nil {
		return fmt.Errorf("no values")
	}
	got := dtypeOf(v.Data)
	if got == "" {
		return fmt.Errorf("unsupported data type %T", v.Data)
	}
	if got != v.DType {
		return fmt.Errorf("dtype %q does not match data of type %T", v.DType, v.Data)
	}
	n, ok := numElements(v.Shape)
	if !ok {
		return fmt.Errorf("invalid shape %v", v.Shape)
	}
	if n != v.Len() {
		return fmt.Errorf("%d values for shape %v (%d elements)", v.Len(), v.Shape, n)
	}
	return nil
}

// Equal reports whether v and w have the same dtype, shape and
// bit-identical elements (so a NaN equals the same NaN).
func (v *Values) Equal(w *Values) bool {
	if v == nil || w == nil {
		return v == w
	}
	if v.DType != w.DType || !slices.Equal(v.Shape, w.Shape) || v.Len() != w.Len() {
		return false
	}
	switch a := v.Data.(type) {
	case []float32:
		b := w.Data.([]float32)
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				return false
			}
		}
		return true
	case []float64:
		b := w.Data.([]float64)
		for i := range a {
			if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
				return false
			}
		}
		return true
	case []int8:
		return slices.Equal(a, w.Data.([]int8))
	case []int16:
		return slices.Equal(a, w.Data.([]int16))
	case []int32:
		return slices.Equal(a, w.Data.([]int32))
	case []int64:
		return slices.Equal(a, w.Data.([]int64))
	case []uint8:
		return slices.Equal(a, w.Data.([]uint8))
	case []uint16:
		return slices.Equal(a, w.Data.([]uint16))
	case []uint32:
		return slices.Equal(a, w.Data.([]uint32))
	case []uint64:
		return slices.Equal(a, w.Data.([]uint64))
	}
	return false
}

// At returns element i converted to float64.
func (v *Values) At(i int) float64 { return floatAt(v.Data, i) }

// number is every element type Values holds.
type number interface {
	~float32 | ~float64 | ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// dtypeOf names the element type of a data slice, or "" when it is not one
// Values holds.
func dtypeOf(data any) string {
	switch data.(type) {
	case []float32:
		return "float32"
	case []float64:
		return "float64"
	case []int8:
		return "int8"
	case []int16:
		return "int16"
	case []int32:
		return "int32"
	case []int64:
		return "int64"
	case []uint8:
		return "uint8"
	case []uint16:
		return "uint16"
	case []uint32:
		return "uint32"
	case []uint64:
		return "uint64"
	}
	return ""
}

// isFloat reports a float dtype (as stored in a file, so float16 counts).
func isFloat(dtype string) bool {
	switch dtype {
	case "float16", "float32", "float64", "float128":
		return true
	}
	return false
}

// isInt reports an integer dtype.
func isInt(dtype string) bool {
	switch dtype {
	case "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64":
		return true
	}
	return false
}

// isNumeric reports a dtype that Plan can read.
func isNumeric(dtype string) bool { return isFloat(dtype) || isInt(dtype) }

// goDType is the dtype in which values of a file dtype are held in Go:
// float16 is read as float32 and wider floats as float64.
func goDType(fileDType string) string {
	switch fileDType {
	case "float16":
		return "float32"
	case "float128":
		return "float64"
	}
	return fileDType
}

// dataLen is the length of a data slice (0 for anything else).
func dataLen(data any) int {
	switch d := data.(type) {
	case []float32:
		return len(d)
	case []float64:
		return len(d)
	case []int8:
		return len(d)
	case []int16:
		return len(d)
	case []int32:
		return len(d)
	case []int64:
		return len(d)
	case []uint8:
		return len(d)
	case []uint16:
		return len(d)
	case []uint32:
		return len(d)
	case []uint64:
		return len(d)
	}
	return 0
}

// floatAt returns element i of a data slice as float64.
func floatAt(data any, i int) float64 {
	switch d := data.(type) {
	case []float32:
		return float64(d[i])
	case []float64:
		return d[i]
	case []int8:
		return float64(d[i])
	case []int16:
		return float64(d[i])
	case []int32:
		return float64(d[i])
	case []int64:
		return float64(d[i])
	case []uint8:
		return float64(d[i])
	case []uint16:
		return float64(d[i])
	case []uint32:
		return float64(d[i])
	case []uint64:
		return float64(d[i])
	}
	return math.NaN()
}

// numElements multiplies out shape; false for a negative dimension or an
// overflow.
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

// nonFinite counts the NaN and infinite elements of float data and
// returns the flat index of the first one (-1 when there is none).
func nonFinite(data any) (nan, inf, first int) {
	first = -1
	count := func(x float64, i int) {
		switch {
		case math.IsNaN(x):
			nan++
		case math.IsInf(x, 0):
			inf++
		default:
			return
		}
		if first < 0 {
			first = i
		}
	}
	switch d := data.(type) {
	case []float32:
		for i, x := range d {
			count(float64(x), i)
		}
	case []float64:
		for i, x := range d {
			count(x, i)
		}
	}
	return nan, inf, first
}

// unravel turns a flat row-major index into a multi-index of shape.
func unravel(i int, shape []int64) []int64 {
	idx := make([]int64, len(shape))
	for k := len(shape) - 1; k >= 0; k-- {
		if shape[k] == 0 {
			return idx
		}
		idx[k] = int64(i) % shape[k]
		i /= int(shape[k])
	}
	return idx
}
