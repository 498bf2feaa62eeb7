package dataset

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxClasses bounds the length of a class list.
const maxClasses = 1 << 16

// ParseClasses parses a list of class labels such as "0-4", "5,7,9" or
// "0-2,7": comma-separated labels and inclusive ranges, in the order given
// (a range counts up). Labels must be non-negative and appear once; at most
// 65,536 of them.
func ParseClasses(s string) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("%w: empty class list: want labels and ranges like 0-4 or 5,7,9", ErrFormat)
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(strings.TrimSpace(hi))
		}
		if err1 != nil || err2 != nil || a < 0 || b < a {
			return nil, fmt.Errorf("%w: class list %q: %q is not a label or a range lo-hi (0 <= lo <= hi)", ErrFormat, s, part)
		}
		if b-a >= maxClasses-len(out) {
			return nil, fmt.Errorf("%w: class list %q names more than %d classes", ErrRange, s, maxClasses)
		}
		for c := a; c <= b; c++ {
			if seen[c] {
				return nil, fmt.Errorf("%w: class list %q names class %d twice", ErrFormat, s, c)
			}
			seen[c] = true
			out = append(out, c)
		}
	}
	return out, nil
}

// FormatClasses writes a class list as ParseClasses reads it, with runs of
// consecutive labels as ranges ("0-4", "5,7,9").
func FormatClasses(classes []int) string {
	var parts []string
	for i := 0; i < len(classes); {
		j := i
		for j+1 < len(classes) && classes[j+1] == classes[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", classes[i], classes[j]))
		} else {
			parts = append(parts, strconv.Itoa(classes[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// SelectClasses keeps the samples whose class label (the targets, integers
// of shape [N] or [N 1]) is one of classes, in their order, and relabels
// them by their position in classes: with classes [5 6 7 8 9], label 5
// becomes 0 and 9 becomes 4, so a model with len(classes) outputs trains on
// them. The result is a copy with the targets' dtype. It fails, naming the
// dataset, when the targets are not integer labels or no sample is left.
func (d Dataset) SelectClasses(classes []int) (Dataset, error) {
	if len(classes) == 0 {
		return Dataset{}, fmt.Errorf("%s: %w: no classes to select", d.where(), ErrRange)
	}
	if err := d.Validate(); err != nil {
		return Dataset{}, err
	}
	t := d.Targets
	if t == nil {
		return Dataset{}, fmt.Errorf("%s: %w: no targets to select classes by", d.where(), ErrShape)
	}
	if t.RowSize() != 1 {
		return Dataset{}, fmt.Errorf("%s: %w: targets have shape %v; selecting classes needs one label per sample ([N] or [N 1])", d.where(), ErrShape, t.Shape)
	}
	f, err := t.Convert(Float64)
	if err != nil {
		return Dataset{}, fmt.Errorf("%s: targets: %w", d.where(), err)
	}
	index := make(map[int]int, len(classes))
	for i, c := range classes {
		index[c] = i
	}
	var rows, labels []int
	for i, v := range f.Data.([]float64) {
		if v != math.Trunc(v) || math.IsNaN(v) {
			return Dataset{}, fmt.Errorf("%s: targets: %w: label %v at sample %d is not an integer class", d.where(), ErrRange, v, i)
		}
		if v < 0 || v >= 1<<31 {
			continue
		}
		if j, ok := index[int(v)]; ok {
			rows = append(rows, i)
			labels = append(labels, j)
		}
	}
	if len(rows) == 0 {
		return Dataset{}, fmt.Errorf("%s: %w: no sample has class %s", d.where(), ErrNotFound, FormatClasses(classes))
	}
	out, err := d.Gather(rows)
	if err != nil {
		return Dataset{}, err
	}
	if err := setLabels(out.Targets, labels); err != nil {
		return Dataset{}, fmt.Errorf("%s: targets: %w", d.where(), err)
	}
	out.Source = annotate(d.Source, "classes "+FormatClasses(classes))
	return out, nil
}

// setLabels overwrites integer-valued targets with labels.
func setLabels(a *Array, labels []int) error {
	switch x := a.Data.(type) {
	case []int64:
		return relabel(x, labels)
	case []int32:
		return relabel(x, labels)
	case []int16:
		return relabel(x, labels)
	case []int8:
		return relabel(x, labels)
	case []uint8:
		return relabel(x, labels)
	case []uint16:
		return relabel(x, labels)
	case []float32:
		return relabel(x, labels)
	case []float64:
		return relabel(x, labels)
	}
	return fmt.Errorf("%w: labels are %s, want numbers", ErrDType, a.DType())
}

func relabel[T number](x []T, labels []int) error {
	if len(x) != len(labels) {
		return fmt.Errorf("%w: %d labels for %d samples", ErrShape, len(labels), len(x))
	}
	for i, l := range labels {
		x[i] = T(l)
	}
	return nil
}

// Take returns the first n samples (all of them when there are fewer) as
// views of d.
func (d Dataset) Take(n int) (Dataset, error) {
	if n < 1 {
		return Dataset{}, fmt.Errorf("%s: %w: take %d samples: want at least 1", d.where(), ErrRange, n)
	}
	if n >= d.Len() {
		return d, nil
	}
	out, err := d.Slice(0, n)
	if err != nil {
		return Dataset{}, err
	}
	out.Source = annotate(d.Source, fmt.Sprintf("first %d", n))
	return out, nil
}

// annotate appends a note on a selection to a dataset's source.
func annotate(source, note string) string {
	if source == "" {
		return "[" + note + "]"
	}
	return source + " [" + note + "]"
}
