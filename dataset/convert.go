package dataset

import (
	"fmt"
	"math"
	"strconv"
)

type integer interface {
	~int64 | ~int32 | ~int16 | ~int8 | ~uint8 | ~uint16
}

type float interface{ ~float32 | ~float64 }

type number interface{ integer | float }

// intRange returns the values an integer dtype can hold.
func intRange(dtype string) (lo, hi int64, ok bool) {
	switch dtype {
	case Int64:
		return math.MinInt64, math.MaxInt64, true
	case Int32:
		return math.MinInt32, math.MaxInt32, true
	case Int16:
		return math.MinInt16, math.MaxInt16, true
	case Int8:
		return math.MinInt8, math.MaxInt8, true
	case Uint8:
		return 0, math.MaxUint8, true
	case Uint16:
		return 0, math.MaxUint16, true
	}
	return 0, 0, false
}

// Convert returns a copy of a with elements of another dtype.
//
// Conversions to an integer dtype check every value: a value outside the
// target's range, a NaN or infinity, or a float with a fraction is an error
// (wrapping ErrRange) that names the element's index and value; nothing is
// rounded or wrapped silently. float64 to float32 fails for finite values
// beyond float32's range (NaN and infinities carry over). Integers convert to
// floats with rounding to the nearest value, as NumPy does. Numbers convert
// to bool as x != 0 and bool to numbers as 0 or 1. Strings convert only to
// string. Converting to the array's own dtype returns a copy.
func (a *Array) Convert(dtype string) (*Array, error) {
	if err := a.Check(); err != nil {
		return nil, err
	}
	if _, err := makeData(dtype, 0); err != nil {
		return nil, err
	}
	var (
		data any
		err  error
	)
	switch s := a.Data.(type) {
	case []float32:
		data, err = convertFrom(s, dtype)
	case []float64:
		data, err = convertFrom(s, dtype)
	case []int64:
		data, err = convertFrom(s, dtype)
	case []int32:
		data, err = convertFrom(s, dtype)
	case []int16:
		data, err = convertFrom(s, dtype)
	case []int8:
		data, err = convertFrom(s, dtype)
	case []uint8:
		data, err = convertFrom(s, dtype)
	case []uint16:
		data, err = convertFrom(s, dtype)
	case []bool:
		u := make([]uint8, len(s))
		for i, v := range s {
			if v {
				u[i] = 1
			}
		}
		data, err = convertFrom(u, dtype)
	case []string:
		if dtype != String {
			return nil, fmt.Errorf("%w: cannot convert string to %s", ErrDType, dtype)
		}
		data = append([]string(nil), s...)
	}
	if err != nil {
		return nil, fmt.Errorf("convert %s to %s: %w", a, dtype, err)
	}
	return &Array{Shape: append([]int(nil), a.Shape...), Data: data}, nil
}

// convertFrom converts numbers to dtype with the checks Convert documents.
func convertFrom[S number](src []S, dtype string) (any, error) {
	switch dtype {
	case Float32:
		return toFloat32(src)
	case Float64:
		out := make([]float64, len(src))
		for i, v := range src {
			out[i] = float64(v)
		}
		return out, nil
	case Int64:
		return toInt[int64](src, dtype)
	case Int32:
		return toInt[int32](src, dtype)
	case Int16:
		return toInt[int16](src, dtype)
	case Int8:
		return toInt[int8](src, dtype)
	case Uint8:
		return toInt[uint8](src, dtype)
	case Uint16:
		return toInt[uint16](src, dtype)
	case Bool:
		out := make([]bool, len(src))
		for i, v := range src {
			out[i] = v != 0
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: cannot convert numbers to %s", ErrDType, dtype)
}

func toFloat32[S number](src []S) ([]float32, error) {
	out := make([]float32, len(src))
	for i, v := range src {
		f := float64(v)
		if !math.IsInf(f, 0) && math.Abs(f) > math.MaxFloat32 {
			return nil, fmt.Errorf("%w: element %d = %s overflows float32", ErrRange, i, formatNum(v))
		}
		out[i] = float32(v)
	}
	return out, nil
}

// toInt converts to an integer type, checking range and integrality.
func toInt[D integer, S number](src []S, dtype string) ([]D, error) {
	lo, hi, _ := intRange(dtype)
	out := make([]D, len(src))
	if isFloat[S]() {
		// float64(hi) rounds up to a power of two for int64; compare with < then.
		flo, fhi := float64(lo), float64(hi)
		for i, v := range src {
			f := float64(v)
			if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || f < flo || f > fhi ||
				(dtype == Int64 && f >= 9.223372036854775808e18) {
				return nil, fmt.Errorf("%w: element %d = %s is not an integer in [%d, %d]", ErrRange, i, formatNum(v), lo, hi)
			}
			out[i] = D(f)
		}
		return out, nil
	}
	for i, v := range src {
		n := int64(v)
		if n < lo || n > hi {
			return nil, fmt.Errorf("%w: element %d = %d is outside [%d, %d]", ErrRange, i, n, lo, hi)
		}
		out[i] = D(n)
	}
	return out, nil
}

func isFloat[S number]() bool {
	var z S
	switch any(z).(type) {
	case float32, float64:
		return true
	}
	return false
}

// formatNum prints a number the shortest way that reads back the same.
func formatNum[S number](v S) string {
	switch x := any(v).(type) {
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strconv.FormatInt(int64(v), 10)
}
