package savedmodel

import (
	"fmt"
	"math"
	"slices"

	"github.com/tfrun/tfrun/dataset"
)

// ClassWeights returns ds with per-sample weights made from its labels, as
// Keras' class_weight does: sample i weighs weights[label(i)], a class
// missing from weights weighs 1. Labels are class indices (rounded), or
// one-hot rows (their argmax) when the targets have a last dimension above
// one. As in Keras, a dataset that already has sample weights is refused.
// Fit feeds the weights as the signature's sample_weight input. Pure Go.
func ClassWeights(ds dataset.Dataset, weights map[int]float64) (dataset.Dataset, error) {
	src := ds.Source
	if src == "" {
		src = "data"
	}
	if ds.Weights != nil {
		return ds, fmt.Errorf("%s: class weights and sample weights exclude each other (as in Keras)", src)
	}
	if ds.Targets == nil {
		return ds, fmt.Errorf("%s: class weights need targets (labels)", src)
	}
	for c, w := range weights {
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			return ds, fmt.Errorf("class weight %g for class %d: want a finite value >= 0", w, c)
		}
	}
	y := ds.Targets
	if y.DType() != dataset.Float64 {
		var err error
		if y, err = y.Convert(dataset.Float64); err != nil {
			return ds, fmt.Errorf("%s: targets: %w", src, err)
		}
	}
	vals := y.Data.([]float64)
	n := y.Len()
	row := 1
	if len(y.Shape) > 1 {
		row = y.RowSize()
	}
	w := make([]float32, n)
	for i := range n {
		r := vals[i*row : (i+1)*row]
		var label int
		if row > 1 {
			label = argmax(r)
		} else {
			if math.IsNaN(r[0]) || math.IsInf(r[0], 0) {
				return ds, fmt.Errorf("%s: label %d is %v", src, i, r[0])
			}
			label = int(math.RoundToEven(r[0]))
		}
		cw, ok := weights[label]
		if !ok {
			cw = 1
		}
		w[i] = float32(cw)
	}
	wa, err := dataset.NewArray(w, n)
	if err != nil {
		return ds, err
	}
	out := ds
	out.Inputs = slices.Clone(ds.Inputs)
	out.Weights = wa
	return out, nil
}

func argmax(r []float64) int {
	best := 0
	for i, v := range r {
		if v > r[best] {
			best = i
		}
	}
	return best
}
