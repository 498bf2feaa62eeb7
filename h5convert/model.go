//go:build cgo

package h5convert

import (
	"fmt"

	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/tfgo"
)

// ModelVariables lists a loaded model's layer variables as the mapping
// rules see them: for a model from tfrun's exporter, every variable of a
// leaf Keras layer, in layer order and layer.weights order, with its layer,
// class and trainability; for any other SavedModel, every floating-point
// variable, unattached to layers (map those with a mapping file).
func ModelVariables(m *savedmodel.Model) ([]Variable, error) {
	byName := map[string]savedmodel.Variable{}
	for _, v := range m.Variables() {
		byName[v.Name] = v
	}
	desc := m.Description()
	if desc == nil {
		var out []Variable
		for _, v := range m.Variables() {
			switch v.DType {
			case tfgo.Float, tfgo.Double, tfgo.Half, tfgo.Bfloat16:
				out = append(out, Variable{Name: v.Name, DType: v.DType.String(), Shape: v.Shape.Dims, Trainable: true})
			}
		}
		return out, nil
	}
	trainable := map[string]bool{}
	for _, tv := range desc.Trainable {
		trainable[tv.Name] = true
	}
	var out []Variable
	for _, l := range desc.Layers {
		if !l.Leaf {
			continue
		}
		for i, name := range l.Variables {
			v, ok := byName[name]
			if !ok {
				return nil, fmt.Errorf("saved model %s: layer %s lists variable %s, which the graph lacks", m.Dir(), l.Name, name)
			}
			out = append(out, Variable{Name: name, DType: v.DType.String(), Shape: v.Shape.Dims,
				Trainable: trainable[name], Layer: l.Name, LayerClass: l.Class, Index: i})
		}
	}
	return out, nil
}

// Apply assigns every assignment of a validated plan to the model, in one
// session run; nothing is assigned when any value does not fit.
func Apply(m *savedmodel.Model, plan *Plan) error {
	values := map[string]*tfgo.Tensor{}
	defer func() {
		for _, t := range values {
			t.Close()
		}
	}()
	for _, a := range plan.Assignments {
		if a.Values == nil {
			return fmt.Errorf("%s: assignment of %s from %s holds no values", plan.File, a.Variable, a.Source)
		}
		t, err := tfgo.FromFlat(a.Values.Shape, a.Values.Data)
		if err != nil {
			return fmt.Errorf("%s: %s from %s: %w", plan.File, a.Variable, a.Source, err)
		}
		values[a.Variable] = t
	}
	return m.AssignVariables(values)
}

// ModelValues reads the current values of vars from the model.
func ModelValues(m *savedmodel.Model, vars []Variable) (map[string]*Values, error) {
	names := make([]string, len(vars))
	for i, v := range vars {
		names[i] = v.Name
	}
	ts, err := m.ReadVariables(names...)
	if err != nil {
		return nil, err
	}
	defer tfgo.CloseAll(ts)
	out := make(map[string]*Values, len(ts))
	for i, t := range ts {
		flat, err := t.Flat()
		if err != nil {
			return nil, fmt.Errorf("variable %s: %w", names[i], err)
		}
		v, err := NewValues(t.DataType().String(), t.Shape(), flat)
		if err != nil {
			return nil, fmt.Errorf("variable %s: %w", names[i], err)
		}
		out[names[i]] = v
	}
	return out, nil
}
