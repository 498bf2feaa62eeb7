package savedmodel

import (
	"fmt"
	"math"

	"github.com/tfrun/tfrun/dataset"
)

// Weights are copies of variable values in Go memory, by variable name, as
// Keras' model.get_weights but named. Model.GetWeights makes them and
// Model.SetWeights assigns them back; SaveWeights and LoadWeights keep them
// in an .npz file (one array per variable). Pure data, no cgo.
type Weights []dataset.Named

// Names returns the variable names in order.
func (w Weights) Names() []string {
	names := make([]string, len(w))
	for i, n := range w {
		names[i] = n.Name
	}
	return names
}

// NonFinite returns the first variable holding a NaN or infinity and the
// index of that element, or "" when every float value is finite.
func (w Weights) NonFinite() (name string, index int) {
	for _, n := range w {
		switch d := n.Array.Data.(type) {
		case []float32:
			for i, v := range d {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return n.Name, i
				}
			}
		case []float64:
			for i, v := range d {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return n.Name, i
				}
			}
		}
	}
	return "", 0
}

// SaveWeights writes w to path as an uncompressed .npz, atomically.
func SaveWeights(path string, w Weights) error {
	return dataset.SaveNPZ(path, w, false)
}

// LoadWeights reads weights SaveWeights wrote. Errors name the file.
func LoadWeights(path string) (Weights, error) {
	arrays, err := dataset.LoadNPZArrays(path)
	if err != nil {
		return nil, err
	}
	for _, a := range arrays {
		if err := a.Array.Check(); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, a.Name, err)
		}
	}
	return Weights(arrays), nil
}
