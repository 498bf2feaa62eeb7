//go:build cgo

package savedmodel

import (
	"fmt"

	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/tfgo"
)

// GetWeights reads the named variables (every variable when names is
// empty) in one session run and copies them into Go memory.
func (m *Model) GetWeights(names ...string) (Weights, error) {
	if len(names) == 0 {
		for _, v := range m.list {
			names = append(names, v.Name)
		}
	}
	ts, err := m.ReadVariables(names...)
	if err != nil {
		return nil, err
	}
	defer tfgo.CloseAll(ts)
	w := make(Weights, len(ts))
	for i, t := range ts {
		flat, err := t.Flat()
		if err != nil {
			return nil, fmt.Errorf("saved model %s: variable %s: %w", m.dir, names[i], err)
		}
		shape := make([]int, len(t.Shape()))
		for j, d := range t.Shape() {
			shape[j] = int(d)
		}
		a, err := dataset.NewArray(flat, shape...)
		if err != nil {
			return nil, fmt.Errorf("saved model %s: variable %s: %w", m.dir, names[i], err)
		}
		w[i] = dataset.Named{Name: names[i], Array: a}
	}
	return w, nil
}

// SetWeights assigns every variable of w in one session run (see
// AssignVariables: dtypes and shapes must match; nothing is assigned when
// one does not).
func (m *Model) SetWeights(w Weights) error {
	values := make(map[string]*tfgo.Tensor, len(w))
	var owned []*tfgo.Tensor
	defer func() { tfgo.CloseAll(owned) }()
	for _, n := range w {
		if _, dup := values[n.Name]; dup {
			return fmt.Errorf("weights name variable %s twice", n.Name)
		}
		dims := make([]int64, len(n.Array.Shape))
		for j, d := range n.Array.Shape {
			dims[j] = int64(d)
		}
		t, err := tfgo.FromFlat(dims, n.Array.Data)
		if err != nil {
			return fmt.Errorf("variable %s: %w", n.Name, err)
		}
		owned = append(owned, t)
		values[n.Name] = t
	}
	return m.AssignVariables(values)
}
