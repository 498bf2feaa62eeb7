package dataset

import (
	"fmt"
	"math"
	"slices"
)

// DType names, as TensorFlow's Python API spells them (tf.float32.name, …).
const (
	Float32 = "float32"
	Float64 = "float64"
	Int64   = "int64"
	Int32   = "int32"
	Int16   = "int16"
	Int8    = "int8"
	Uint8   = "uint8"
	Uint16  = "uint16"
	Bool    = "bool"
	String  = "string"
)

// DTypes lists the element types an Array can hold, by name.
var DTypes = []string{Float32, Float64, Int64, Int32, Int16, Int8, Uint8, Uint16, Bool, String}

// Array is a dense n-d array in row-major (C) order; dimension 0 indexes
// samples.
//
// Data is one of []float32, []float64, []int64, []int32, []int16, []int8,
// []uint8, []uint16, []bool or []string, and its length is the product of
// Shape. An Array made by this package always satisfies that; one built by
// hand can be checked with Check. Methods that copy say so; Slice returns a
// view that shares Data. An Array is not safe for concurrent writes.
type Array struct {
	Shape []int // Shape[0] is the number of samples
	Data  any
}

// NewArray returns an Array over data (not copied) with the given shape. It
// fails when data is not one of the supported slice types or its length is
// not the product of shape.
func NewArray(data any, shape ...int) (*Array, error) {
	a := &Array{Shape: slices.Clone(shape), Data: data}
	if err := a.Check(); err != nil {
		return nil, err
	}
	return a, nil
}

// Zeros returns a zero-filled Array of the given dtype and shape.
func Zeros(dtype string, shape ...int) (*Array, error) {
	n, err := numElements(shape)
	if err != nil {
		return nil, err
	}
	data, err := makeData(dtype, n)
	if err != nil {
		return nil, err
	}
	return &Array{Shape: slices.Clone(shape), Data: data}, nil
}

// makeData returns a zeroed slice of n elements of dtype.
func makeData(dtype string, n int) (any, error) {
	switch dtype {
	case Float32:
		return make([]float32, n), nil
	case Float64:
		return make([]float64, n), nil
	case Int64:
		return make([]int64, n), nil
	case Int32:
		return make([]int32, n), nil
	case Int16:
		return make([]int16, n), nil
	case Int8:
		return make([]int8, n), nil
	case Uint8:
		return make([]uint8, n), nil
	case Uint16:
		return make([]uint16, n), nil
	case Bool:
		return make([]bool, n), nil
	case String:
		return make([]string, n), nil
	}
	return nil, fmt.Errorf("%w %q (want one of %v)", ErrDType, dtype, DTypes)
}

// numElements returns the product of shape, failing on a negative dimension
// or a product that does not fit in an int.
func numElements(shape []int) (int, error) {
	n := 1
	for i, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("%w: shape %v: dimension %d is negative", ErrShape, shape, i)
		}
		if d != 0 && n > math.MaxInt/d {
			return 0, fmt.Errorf("%w: shape %v has too many elements", ErrShape, shape)
		}
		n *= d
	}
	return n, nil
}

// DType returns the element type's name ("float32", "int64", …), or "" when
// Data is not a supported slice type.
func (a *Array) DType() string {
	switch a.Data.(type) {
	case []float32:
		return Float32
	case []float64:
		return Float64
	case []int64:
		return Int64
	case []int32:
		return Int32
	case []int16:
		return Int16
	case []int8:
		return Int8
	case []uint8:
		return Uint8
	case []uint16:
		return Uint16
	case []bool:
		return Bool
	case []string:
		return String
	}
	return ""
}

// dataLen returns len(Data), or -1 when Data is not a supported slice type.
func (a *Array) dataLen() int {
	switch d := a.Data.(type) {
	case []float32:
		return len(d)
	case []float64:
		return len(d)
	case []int64:
		return len(d)
	case []int32:
		return len(d)
	case []int16:
		return len(d)
	case []int8:
		return len(d)
	case []uint8:
		return len(d)
	case []uint16:
		return len(d)
	case []bool:
		return len(d)
	case []string:
		return len(d)
	}
	return -1
}

// Check reports whether the Array is well formed: Data is a supported slice
// type and its length is the product of Shape.
func (a *Array) Check() error {
	if a == nil {
		return fmt.Errorf("%w: array is nil", ErrShape)
	}
	n := a.dataLen()
	if n < 0 {
		return fmt.Errorf("%w: data of type %T (want one of %v)", ErrDType, a.Data, DTypes)
	}
	want, err := numElements(a.Shape)
	if err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("%w: shape %v needs %d elements, data has %d", ErrShape, a.Shape, want, n)
	}
	return nil
}

// Len returns the number of samples, Shape[0]. A rank-0 array holds one value
// but no sample dimension; its Len is 0.
func (a *Array) Len() int {
	if len(a.Shape) == 0 {
		return 0
	}
	return a.Shape[0]
}

// Size returns the number of elements, the product of Shape.
func (a *Array) Size() int {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return n
}

// SampleShape returns the shape of one sample, Shape[1:], as a new slice.
func (a *Array) SampleShape() []int {
	if len(a.Shape) == 0 {
		return []int{}
	}
	return slices.Clone(a.Shape[1:])
}

// RowSize returns the number of elements in one sample: the product of
// SampleShape, 1 for a rank-1 array.
func (a *Array) RowSize() int {
	n := 1
	if len(a.Shape) > 1 {
		for _, d := range a.Shape[1:] {
			n *= d
		}
	}
	return n
}

// Slice returns samples [lo, hi) as a view: the result shares Data with a.
func (a *Array) Slice(lo, hi int) (*Array, error) {
	if err := a.Check(); err != nil {
		return nil, err
	}
	if len(a.Shape) == 0 {
		return nil, fmt.Errorf("%w: cannot slice a rank-0 array", ErrShape)
	}
	if lo < 0 || hi < lo || hi > a.Shape[0] {
		return nil, fmt.Errorf("%w: slice [%d:%d] of an array with %d samples", ErrShape, lo, hi, a.Shape[0])
	}
	rs := a.RowSize()
	shape := slices.Clone(a.Shape)
	shape[0] = hi - lo
	return &Array{Shape: shape, Data: sliceData(a.Data, lo*rs, hi*rs)}, nil
}

// sliceData returns data[lo:hi] for any supported slice type.
func sliceData(data any, lo, hi int) any {
	switch d := data.(type) {
	case []float32:
		return d[lo:hi:hi]
	case []float64:
		return d[lo:hi:hi]
	case []int64:
		return d[lo:hi:hi]
	case []int32:
		return d[lo:hi:hi]
	case []int16:
		return d[lo:hi:hi]
	case []int8:
		return d[lo:hi:hi]
	case []uint8:
		return d[lo:hi:hi]
	case []uint16:
		return d[lo:hi:hi]
	case []bool:
		return d[lo:hi:hi]
	case []string:
		return d[lo:hi:hi]
	}
	return nil
}

// Gather returns a new Array holding copies of the given samples, in order.
func (a *Array) Gather(rows []int) (*Array, error) {
	if err := a.Check(); err != nil {
		return nil, err
	}
	if len(a.Shape) == 0 {
		return nil, fmt.Errorf("%w: cannot gather from a rank-0 array", ErrShape)
	}
	shape := slices.Clone(a.Shape)
	shape[0] = len(rows)
	dst, err := Zeros(a.DType(), shape...)
	if err != nil {
		return nil, err
	}
	if err := a.GatherInto(rows, dst); err != nil {
		return nil, err
	}
	return dst, nil
}

// GatherInto copies the given samples of a, in order, into dst, which must
// have a's dtype and sample shape and exactly len(rows) samples. It does not
// allocate, so a training loop can reuse dst for every batch.
func (a *Array) GatherInto(rows []int, dst *Array) error {
	if err := a.Check(); err != nil {
		return err
	}
	if err := dst.Check(); err != nil {
		return fmt.Errorf("gather destination: %w", err)
	}
	if len(a.Shape) == 0 || len(dst.Shape) != len(a.Shape) || dst.Shape[0] != len(rows) ||
		!slices.Equal(dst.Shape[1:], a.Shape[1:]) {
		return fmt.Errorf("%w: gather of %d samples of shape %v into shape %v", ErrShape, len(rows), a.Shape, dst.Shape)
	}
	if dst.DType() != a.DType() {
		return fmt.Errorf("%w: gather from %s into %s", ErrDType, a.DType(), dst.DType())
	}
	n := a.Shape[0]
	for i, r := range rows {
		if r < 0 || r >= n {
			return fmt.Errorf("%w: gather: row %d (at %d) is outside [0, %d)", ErrShape, r, i, n)
		}
	}
	gatherData(a.Data, dst.Data, rows, a.RowSize())
	return nil
}

// gatherData copies the rows of src (rs elements each) into dst, which has
// matching type and room; rows are known to be in range.
func gatherData(src, dst any, rows []int, rs int) {
	switch s := src.(type) {
	case []float32:
		gather(s, dst.([]float32), rows, rs)
	case []float64:
		gather(s, dst.([]float64), rows, rs)
	case []int64:
		gather(s, dst.([]int64), rows, rs)
	case []int32:
		gather(s, dst.([]int32), rows, rs)
	case []int16:
		gather(s, dst.([]int16), rows, rs)
	case []int8:
		gather(s, dst.([]int8), rows, rs)
	case []uint8:
		gather(s, dst.([]uint8), rows, rs)
	case []uint16:
		gather(s, dst.([]uint16), rows, rs)
	case []bool:
		gather(s, dst.([]bool), rows, rs)
	case []string:
		gather(s, dst.([]string), rows, rs)
	}
}

func gather[T any](src, dst []T, rows []int, rs int) {
	if rs == 1 {
		for i, r := range rows {
			dst[i] = src[r]
		}
		return
	}
	for i, r := range rows {
		copy(dst[i*rs:(i+1)*rs], src[r*rs:(r+1)*rs])
	}
}

// Clone returns a deep copy of a.
func (a *Array) Clone() *Array {
	b := &Array{Shape: slices.Clone(a.Shape)}
	switch d := a.Data.(type) {
	case []float32:
		b.Data = slices.Clone(d)
	case []float64:
		b.Data = slices.Clone(d)
	case []int64:
		b.Data = slices.Clone(d)
	case []int32:
		b.Data = slices.Clone(d)
	case []int16:
		b.Data = slices.Clone(d)
	case []int8:
		b.Data = slices.Clone(d)
	case []uint8:
		b.Data = slices.Clone(d)
	case []uint16:
		b.Data = slices.Clone(d)
	case []bool:
		b.Data = slices.Clone(d)
	case []string:
		b.Data = slices.Clone(d)
	default:
		b.Data = a.Data
	}
	return b
}

// Reshape returns a view of a with another shape of the same size.
func (a *Array) Reshape(shape ...int) (*Array, error) {
	if err := a.Check(); err != nil {
		return nil, err
	}
	n, err := numElements(shape)
	if err != nil {
		return nil, err
	}
	if n != a.Size() {
		return nil, fmt.Errorf("%w: cannot reshape %v (%d elements) to %v (%d elements)", ErrShape, a.Shape, a.Size(), shape, n)
	}
	return &Array{Shape: slices.Clone(shape), Data: a.Data}, nil
}

// Scale multiplies every element by f in place, in the array's own precision
// (a float32 array computes x*float32(f), as NumPy does). It fails for
// non-float arrays: Convert them first.
func (a *Array) Scale(f float64) error {
	switch d := a.Data.(type) {
	case []float32:
		g := float32(f)
		for i := range d {
			d[i] *= g
		}
	case []float64:
		for i := range d {
			d[i] *= f
		}
	default:
		return fmt.Errorf("%w: scale needs a float array, have %s", ErrDType, a.DType())
	}
	return nil
}

// Div divides every element by d in place, in the array's own precision. It
// gives the same bits as NumPy's x / d (the Keras quickstart's x / 255.0),
// which a multiplication by 1/d does not always do. It fails for non-float
// arrays: Convert them first.
func (a *Array) Div(d float64) error {
	switch x := a.Data.(type) {
	case []float32:
		g := float32(d)
		for i := range x {
			x[i] /= g
		}
	case []float64:
		for i := range x {
			x[i] /= d
		}
	default:
		return fmt.Errorf("%w: div needs a float array, have %s", ErrDType, a.DType())
	}
	return nil
}

// String returns a short description such as "float32[60000 28 28]".
func (a *Array) String() string {
	if a == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%s%v", a.DType(), a.Shape)
}
