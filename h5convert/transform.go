package h5convert

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Transform is one step that turns a dataset as stored into a variable's
// value. Plan applies them in order; WriteLayout applies their inverses in
// reverse order.
type Transform struct {
	// Op is "transpose", "reshape" or "cast".
	Op string `json:"op"`
	// Perm (transpose): axis i of the result is axis Perm[i] of the input.
	Perm []int `json:"perm,omitempty"`
	// Shape (reshape): the new shape, with any -1 already resolved.
	Shape []int64 `json:"shape,omitempty"`
	// From and To (cast): the dtype as stored and the variable's dtype.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// String renders the transform for reports: "transpose", "transpose
// [2 0 1]", "reshape [100]", "cast float64->float32". A transpose that
// reverses all axes (numpy's .T) is shown without its permutation.
func (t Transform) String() string {
	switch t.Op {
	case "transpose":
		if isReversal(t.Perm) {
			return "transpose"
		}
		return "transpose " + formatInts(t.Perm)
	case "reshape":
		return "reshape " + formatShape(t.Shape)
	case "cast":
		return "cast " + t.From + "->" + t.To
	}
	return t.Op
}

func transposeT(rank int) Transform {
	perm := make([]int, rank)
	for i := range perm {
		perm[i] = rank - 1 - i
	}
	return Transform{Op: "transpose", Perm: perm}
}

func isReversal(perm []int) bool {
	for i, p := range perm {
		if p != len(perm)-1-i {
			return false
		}
	}
	return true
}

// validPerm reports whether perm is a permutation of 0..rank-1.
func validPerm(perm []int, rank int) bool {
	if len(perm) != rank {
		return false
	}
	seen := make([]bool, rank)
	for _, p := range perm {
		if p < 0 || p >= rank || seen[p] {
			return false
		}
		seen[p] = true
	}
	return true
}

// resolveReshape fills in a -1 dimension of want for n elements.
func resolveReshape(want []int64, n int) ([]int64, error) {
	out := slices.Clone(want)
	free := -1
	prod := 1
	for i, d := range want {
		switch {
		case d == -1 && free < 0:
			free = i
		case d == -1:
			return nil, fmt.Errorf("reshape %s has more than one -1", formatShape(want))
		case d < 0:
			return nil, fmt.Errorf("reshape %s has a negative dimension", formatShape(want))
		default:
			if d != 0 && prod > math.MaxInt/int(d) {
				return nil, fmt.Errorf("reshape %s is too large", formatShape(want))
			}
			prod *= int(d)
		}
	}
	if free >= 0 {
		if prod == 0 || n%prod != 0 {
			return nil, fmt.Errorf("cannot reshape %d elements into %s", n, formatShape(want))
		}
		out[free] = int64(n / prod)
		return out, nil
	}
	if prod != n {
		return nil, fmt.Errorf("cannot reshape %d elements into %s", n, formatShape(want))
	}
	return out, nil
}

// shapeAfter returns the shape that ts give a dataset of shape in.
func shapeAfter(ts []Transform, in []int64) ([]int64, error) {
	shape := slices.Clone(in)
	for _, t := range ts {
		switch t.Op {
		case "transpose":
			if !validPerm(t.Perm, len(shape)) {
				return nil, fmt.Errorf("transpose %s does not fit rank %d", formatInts(t.Perm), len(shape))
			}
			next := make([]int64, len(shape))
			for i, p := range t.Perm {
				next[i] = shape[p]
			}
			shape = next
		case "reshape":
			n, _ := numElements(shape)
			m, ok := numElements(t.Shape)
			if !ok || m != n {
				return nil, fmt.Errorf("cannot reshape %s into %s", formatShape(shape), formatShape(t.Shape))
			}
			shape = slices.Clone(t.Shape)
		}
	}
	return shape, nil
}

// apply runs ts on v and returns a new Values (v is not changed).
func apply(ts []Transform, v *Values) (*Values, error) {
	cur := &Values{DType: v.DType, Shape: slices.Clone(v.Shape), Data: v.Data}
	for _, t := range ts {
		switch t.Op {
		case "transpose":
			data, shape, err := transposeData(cur.Data, cur.Shape, t.Perm)
			if err != nil {
				return nil, err
			}
			cur = &Values{DType: cur.DType, Shape: shape, Data: data}
		case "reshape":
			n, ok := numElements(t.Shape)
			if !ok || n != cur.Len() {
				return nil, fmt.Errorf("cannot reshape %s into %s", formatShape(cur.Shape), formatShape(t.Shape))
			}
			cur = &Values{DType: cur.DType, Shape: slices.Clone(t.Shape), Data: cur.Data}
		case "cast":
			data, err := castData(cur.Data, goDType(t.To))
			if err != nil {
				return nil, err
			}
			cur = &Values{DType: goDType(t.To), Shape: cur.Shape, Data: data}
		default:
			return nil, fmt.Errorf("unknown transform %q", t.Op)
		}
	}
	return cur, nil
}

// invert undoes ts on v, a value of the variable, giving the dataset's
// content: shape src and the Go dtype in which the file's dtype is held.
func invert(ts []Transform, v *Values, src []int64) (*Values, error) {
	// The shapes before each transform, to undo reshapes.
	shapes := [][]int64{slices.Clone(src)}
	for i := range ts {
		s, err := shapeAfter(ts[i:i+1], shapes[i])
		if err != nil {
			return nil, err
		}
		shapes = append(shapes, s)
	}
	if !slices.Equal(shapes[len(ts)], v.Shape) {
		return nil, fmt.Errorf("shape %s does not fit: want %s", formatShape(v.Shape), formatShape(shapes[len(ts)]))
	}
	cur := &Values{DType: v.DType, Shape: slices.Clone(v.Shape), Data: v.Data}
	for i := len(ts) - 1; i >= 0; i-- {
		t := ts[i]
		switch t.Op {
		case "transpose":
			inv := make([]int, len(t.Perm))
			for k, p := range t.Perm {
				inv[p] = k
			}
			data, shape, err := transposeData(cur.Data, cur.Shape, inv)
			if err != nil {
				return nil, err
			}
			cur = &Values{DType: cur.DType, Shape: shape, Data: data}
		case "reshape":
			cur = &Values{DType: cur.DType, Shape: slices.Clone(shapes[i]), Data: cur.Data}
		case "cast":
			to := goDType(t.From)
			data, err := castData(cur.Data, to)
			if err != nil {
				return nil, err
			}
			cur = &Values{DType: to, Shape: cur.Shape, Data: data}
		}
	}
	return cur, nil
}

// transposeData permutes the axes of row-major data.
func transposeData(data any, shape []int64, perm []int) (any, []int64, error) {
	if !validPerm(perm, len(shape)) {
		return nil, nil, fmt.Errorf("transpose %s does not fit shape %s", formatInts(perm), formatShape(shape))
	}
	out := make([]int64, len(shape))
	for i, p := range perm {
		out[i] = shape[p]
	}
	switch d := data.(type) {
	case []float32:
		return transposeSlice(d, shape, perm), out, nil
	case []float64:
		return transposeSlice(d, shape, perm), out, nil
	case []int8:
		return transposeSlice(d, shape, perm), out, nil
	case []int16:
		return transposeSlice(d, shape, perm), out, nil
	case []int32:
		return transposeSlice(d, shape, perm), out, nil
	case []int64:
		return transposeSlice(d, shape, perm), out, nil
	case []uint8:
		return transposeSlice(d, shape, perm), out, nil
	case []uint16:
		return transposeSlice(d, shape, perm), out, nil
	case []uint32:
		return transposeSlice(d, shape, perm), out, nil
	case []uint64:
		return transposeSlice(d, shape, perm), out, nil
	}
	return nil, nil, fmt.Errorf("cannot transpose data of type %T", data)
}

// transposeSlice returns src (row-major, of shape) with its axes permuted.
func transposeSlice[T any](src []T, shape []int64, perm []int) []T {
	rank := len(shape)
	dst := make([]T, len(src))
	if len(src) == 0 {
		return dst
	}
	// Strides of the source, and the source stride of each result axis.
	stride := make([]int, rank)
	s := 1
	for k := rank - 1; k >= 0; k-- {
		stride[k] = s
		s *= int(shape[k])
	}
	outShape := make([]int, rank)
	step := make([]int, rank)
	for i, p := range perm {
		outShape[i] = int(shape[p])
		step[i] = stride[p]
	}
	idx := make([]int, rank)
	off := 0
	for n := range dst {
		dst[n] = src[off]
		// Advance the result multi-index (odometer), tracking the source
		// offset.
		for k := rank - 1; k >= 0; k-- {
			idx[k]++
			off += step[k]
			if idx[k] < outShape[k] {
				break
			}
			off -= step[k] * idx[k]
			idx[k] = 0
		}
	}
	return dst
}

// castData converts data to the Go type of dtype. Float to integer
// conversions round to nearest; a NaN, an infinity or a value out of the
// target's range is an error, as is an integer that does not fit.
func castData(data any, dtype string) (any, error) {
	if dtypeOf(data) == dtype {
		return data, nil
	}
	if dtypeOf(data) == "" {
		return nil, fmt.Errorf("cannot cast data of type %T", data)
	}
	switch dtype {
	case "float32":
		return convertFloat[float32](data), nil
	case "float64":
		return convertFloat[float64](data), nil
	case "int8":
		return convertInt[int8](data, -1<<7, 1<<7)
	case "int16":
		return convertInt[int16](data, -1<<15, 1<<15)
	case "int32":
		return convertInt[int32](data, -1<<31, 1<<31)
	case "int64":
		return convertInt[int64](data, -1<<63, 1<<63)
	case "uint8":
		return convertInt[uint8](data, 0, 1<<8)
	case "uint16":
		return convertInt[uint16](data, 0, 1<<16)
	case "uint32":
		return convertInt[uint32](data, 0, 1<<32)
	case "uint64":
		return convertInt[uint64](data, 0, 1<<64)
	}
	return nil, fmt.Errorf("cannot cast to %q", dtype)
}

func convertFloat[D float32 | float64](data any) []D {
	out := make([]D, dataLen(data))
	switch d := data.(type) {
	case []int64:
		for i, x := range d {
			out[i] = D(x)
		}
	case []uint64:
		for i, x := range d {
			out[i] = D(x)
		}
	default:
		for i := range out {
			out[i] = D(floatAt(data, i))
		}
	}
	return out
}

// convertInt converts to an integer type whose range is [lo, hiEx) (both
// exact powers of two, so representable as float64).
func convertInt[D int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64](data any, lo, hiEx float64) (any, error) {
	out := make([]D, dataLen(data))
	bad := func(i int, x any) error {
		return fmt.Errorf("value %v at index %d does not fit %T", x, i, out[0])
	}
	switch d := data.(type) {
	case []int64:
		for i, x := range d {
			if (lo == 0 && x < 0) || int64(D(x)) != x {
				return nil, bad(i, x)
			}
			out[i] = D(x)
		}
		return out, nil
	case []uint64:
		for i, x := range d {
			if D(x) < 0 || uint64(D(x)) != x {
				return nil, bad(i, x)
			}
			out[i] = D(x)
		}
		return out, nil
	}
	for i := range out {
		x := math.Round(floatAt(data, i))
		if !(x >= lo && x < hiEx) { // also false for NaN
			return nil, bad(i, floatAt(data, i))
		}
		out[i] = D(x)
	}
	return out, nil
}

func formatShape(shape []int64) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.FormatInt(d, 10)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func formatInts(v []int) string {
	parts := make([]string, len(v))
	for i, d := range v {
		parts[i] = strconv.Itoa(d)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
