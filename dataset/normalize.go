package dataset

import (
	"fmt"
	"math"
)

// Moments returns the mean and the (population) variance of each feature of
// a float array over its samples: for shape [N, F…] one value per element of
// a sample. These are the statistics keras.layers.Normalization.adapt
// computes, to be assigned to the layer's mean and variance variables or
// given to Normalize. Sums are taken in float64.
func Moments(a *Array) (mean, variance []float64, err error) {
	if err := a.Check(); err != nil {
		return nil, nil, err
	}
	if len(a.Shape) == 0 || a.Len() == 0 {
		return nil, nil, fmt.Errorf("%w: moments need at least one sample, have shape %v", ErrShape, a.Shape)
	}
	rs, n := a.RowSize(), a.Len()
	mean = make([]float64, rs)
	variance = make([]float64, rs)
	at, err := floatReader(a)
	if err != nil {
		return nil, nil, err
	}
	for i := range n {
		for j := range rs {
			mean[j] += at(i*rs + j)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := range n {
		for j := range rs {
			d := at(i*rs+j) - mean[j]
			variance[j] += d * d
		}
	}
	for j := range variance {
		variance[j] /= float64(n)
	}
	return mean, variance, nil
}

// floatReader returns a function reading element i of a float array.
func floatReader(a *Array) (func(int) float64, error) {
	switch d := a.Data.(type) {
	case []float32:
		return func(i int) float64 { return float64(d[i]) }, nil
	case []float64:
		return func(i int) float64 { return d[i] }, nil
	}
	return nil, fmt.Errorf("%w: want a float array, have %s", ErrDType, a.DType())
}

// NormalizeEpsilon is the floor of the standard deviation Normalize divides
// by: Keras' backend.epsilon().
const NormalizeEpsilon = 1e-7

// Normalize standardises a float array in place, feature by feature, as
// keras.layers.Normalization does: (x - mean) / max(sqrt(variance), 1e-7).
// mean and variance hold one value per element of a sample (see Moments).
func (a *Array) Normalize(mean, variance []float64) error {
	if err := a.Check(); err != nil {
		return err
	}
	rs := a.RowSize()
	if len(mean) != rs || len(variance) != rs {
		return fmt.Errorf("%w: normalize %s: %d means and %d variances for samples of %d elements",
			ErrShape, a, len(mean), len(variance), rs)
	}
	std := make([]float64, rs)
	for j, v := range variance {
		std[j] = max(math.Sqrt(v), NormalizeEpsilon)
	}
	switch d := a.Data.(type) {
	case []float32:
		for i := range d {
			j := i % rs
			d[i] = float32((float64(d[i]) - mean[j]) / std[j])
		}
	case []float64:
		for i := range d {
			j := i % rs
			d[i] = (d[i] - mean[j]) / std[j]
		}
	default:
		return fmt.Errorf("%w: normalize needs a float array, have %s", ErrDType, a.DType())
	}
	return nil
}
