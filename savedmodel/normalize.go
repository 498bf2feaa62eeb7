//go:build cgo

package savedmodel

import (
	"fmt"
	"math"

	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/tfgo"
)

// AdaptNormalization computes the statistics of every Keras Normalization
// layer fed directly by a model input (see the description's
// "normalization") from ds, as keras.layers.Normalization.adapt does — the
// mean and the population variance over every axis the layer does not
// keep — and assigns them to the layer's variables, so that the model (and
// any model saved from it) normalises with them. It returns the layers
// adapted. Sums are taken in float64.
func (m *Model) AdaptNormalization(ds dataset.Dataset) ([]string, error) {
	if m.desc == nil || len(m.desc.Normalization) == 0 {
		return nil, fmt.Errorf("saved model %s has no Normalization layer fed by a model input to adapt", m.dir)
	}
	values := map[string]*tfgo.Tensor{}
	defer func() {
		for _, t := range values {
			t.Close()
		}
	}()
	var layers []string
	for _, nd := range m.desc.Normalization {
		in := ds.Input(nd.Input)
		if in == nil {
			return nil, fmt.Errorf("%s: no input %q to adapt normalization layer %s on", ds.Source, nd.Input, nd.Layer)
		}
		f, err := in.Convert(dataset.Float64)
		if err != nil {
			return nil, fmt.Errorf("%s: input %q: %w", ds.Source, nd.Input, err)
		}
		mean, variance, err := moments(f, nd.KeepAxes)
		if err != nil {
			return nil, fmt.Errorf("%s: normalization layer %s: %w", ds.Source, nd.Layer, err)
		}
		for name, vals := range map[string][]float64{nd.Mean: mean, nd.Variance: variance} {
			v, err := m.lookup(name)
			if err != nil {
				return nil, err
			}
			t, err := floatTensor(v.DType, v.Shape.Dims, vals)
			if err != nil {
				return nil, fmt.Errorf("normalization layer %s, variable %s: %w", nd.Layer, name, err)
			}
			values[name] = t
		}
		layers = append(layers, nd.Layer)
	}
	if err := m.AssignVariables(values); err != nil {
		return nil, err
	}
	return layers, nil
}

// moments returns the mean and population variance of a float64 array for
// each index of the kept axes, over all other axes (two passes).
func moments(a *dataset.Array, keep []int) (mean, variance []float64, err error) {
	data := a.Data.([]float64)
	if a.Len() == 0 {
		return nil, nil, fmt.Errorf("no samples")
	}
	for _, k := range keep {
		if k <= 0 || k >= len(a.Shape) {
			return nil, nil, fmt.Errorf("axis %d outside the input's non-batch axes (shape %v)", k, a.Shape)
		}
	}
	// strides of the input, and the flat index into the kept shape.
	rank := len(a.Shape)
	strides := make([]int, rank)
	s := 1
	for i := rank - 1; i >= 0; i-- {
		strides[i] = s
		s *= a.Shape[i]
	}
	size := 1
	for _, k := range keep {
		size *= a.Shape[k]
	}
	slot := func(flat int) int {
		j := 0
		for _, k := range keep {
			j = j*a.Shape[k] + flat/strides[k]%a.Shape[k]
		}
		return j
	}
	mean = make([]float64, size)
	variance = make([]float64, size)
	count := make([]float64, size)
	for i, x := range data {
		j := slot(i)
		mean[j] += x
		count[j]++
	}
	for j := range mean {
		mean[j] /= count[j]
	}
	for i, x := range data {
		j := slot(i)
		d := x - mean[j]
		variance[j] += d * d
	}
	for j := range variance {
		variance[j] /= count[j]
		if math.IsNaN(mean[j]) || math.IsInf(mean[j], 0) {
			return nil, nil, fmt.Errorf("the data is not finite")
		}
	}
	return mean, variance, nil
}

// floatTensor makes a tensor of a float dtype and the given shape.
func floatTensor(dt tfgo.DataType, dims []int64, vals []float64) (*tfgo.Tensor, error) {
	switch dt {
	case tfgo.Float:
		f := make([]float32, len(vals))
		for i, v := range vals {
			f[i] = float32(v)
		}
		return tfgo.FromFlat(dims, f)
	case tfgo.Double:
		return tfgo.FromFlat(dims, vals)
	}
	return nil, fmt.Errorf("variable dtype %s is not float32 or float64", dt)
}
