package tfgo

import (
	"fmt"
	"strconv"
	"strings"
)

// Shape is a (possibly partially known) tensor shape: -1 marks a dimension
// of unknown size. A nil Shape with UnknownRank set has no known rank.
type Shape struct {
	Dims        []int64
	UnknownRank bool
}

// MakeShape returns the fully or partially known shape with these dims.
func MakeShape(dims ...int64) Shape { return Shape{Dims: dims} }

// Rank returns the number of dimensions, -1 when unknown.
func (s Shape) Rank() int {
	if s.UnknownRank {
		return -1
	}
	return len(s.Dims)
}

// IsFullyDefined reports whether the rank and every dimension are known.
func (s Shape) IsFullyDefined() bool {
	if s.UnknownRank {
		return false
	}
	for _, d := range s.Dims {
		if d < 0 {
			return false
		}
	}
	return true
}

// Compatible reports whether a concrete shape dims fits s (same rank, equal
// sizes where s knows them).
func (s Shape) Compatible(dims []int64) bool {
	if s.UnknownRank {
		return true
	}
	if len(dims) != len(s.Dims) {
		return false
	}
	for i, d := range s.Dims {
		if d >= 0 && d != dims[i] {
			return false
		}
	}
	return true
}

// String formats the shape as TensorFlow does: "(-1, 28, 28)", "()" for a
// scalar, "<unknown>" for unknown rank.
func (s Shape) String() string {
	if s.UnknownRank {
		return "<unknown>"
	}
	return FormatDims(s.Dims)
}

// FormatDims formats concrete or partial dims as "(2, 3)"; -1 prints as -1.
func FormatDims(dims []int64) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range dims {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(d, 10))
	}
	if len(dims) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

// NumElements returns the product of dims; an error when a dim is negative
// or the product overflows.
func NumElements(dims []int64) (int64, error) {
	n := int64(1)
	for _, d := range dims {
		if d < 0 {
			return 0, fmt.Errorf("shape %s has an unknown dimension", FormatDims(dims))
		}
		if d != 0 && n > (1<<62)/d {
			return 0, fmt.Errorf("shape %s has too many elements", FormatDims(dims))
		}
		n *= d
	}
	return n, nil
}
