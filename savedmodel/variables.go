//go:build cgo

package savedmodel

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tfrun/tfrun/tfgo"
)

// Variable describes one resource variable of the model's graph.
type Variable struct {
	Name  string // the VarHandleOp's name, the Keras path for exported models
	DType tfgo.DataType
	Shape tfgo.Shape
	Role  string
	Layer string // the Keras layer that owns it, when known
}

// variable holds the graph ops added to read and assign one variable.
type variable struct {
	Variable
	handle tfgo.Output
	read   tfgo.Output     // ReadVariableOp, made on first use
	value  tfgo.Output     // Placeholder fed by assigns
	assign *tfgo.Operation // AssignVariableOp
}

func (m *Model) initVariables() error {
	roles := descriptionRoles(m.desc)
	m.vars = map[string]*variable{}
	for _, vi := range m.sm.MetaGraph.Variables {
		op := m.sm.Graph.Operation(vi.Name)
		if op == nil {
			return fmt.Errorf("variable %s is in saved_model.pb but not in the loaded graph", vi.Name)
		}
		v := Variable{Name: vi.Name, DType: vi.DType, Shape: vi.Shape, Role: roles[vi.Name]}
		if m.desc != nil {
			v.Layer = m.desc.LayerOf(vi.Name)
		}
		m.vars[vi.Name] = &variable{Variable: v, handle: op.Output(0)}
		m.list = append(m.list, v)
	}
	slices.SortFunc(m.list, func(a, b Variable) int { return strings.Compare(a.Name, b.Name) })
	if m.desc != nil {
		for name := range roles {
			if _, ok := m.vars[name]; !ok {
				return fmt.Errorf("%s names variable %s, which the graph lacks", DescriptionFile, name)
			}
		}
	}
	return nil
}

// Variables lists the model's variables sorted by name.
func (m *Model) Variables() []Variable { return slices.Clone(m.list) }

// TrainableVariables lists the trainable variables in the exporter's
// order (Keras' model.trainable_variables), or nil without a description.
func (m *Model) TrainableVariables() []Variable {
	if m.desc == nil {
		return nil
	}
	out := make([]Variable, 0, len(m.desc.Trainable))
	for _, tv := range m.desc.Trainable {
		out = append(out, m.vars[tv.Name].Variable)
	}
	return out
}

func (m *Model) lookup(name string) (*variable, error) {
	v, ok := m.vars[name]
	if !ok {
		return nil, fmt.Errorf("saved model %s has no variable %q", m.dir, name)
	}
	return v, nil
}

// readOp returns the variable's read op, adding it to the graph once.
func (m *Model) readOp(v *variable) (tfgo.Output, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v.read.Op != nil {
		return v.read, nil
	}
	op, err := m.sm.Graph.AddOperation(tfgo.OpSpec{
		Type: "ReadVariableOp", Name: "tfrun/read/" + v.Name,
		Input: []tfgo.Output{v.handle}, Attrs: map[string]any{"dtype": v.DType},
	})
	if err != nil {
		return tfgo.Output{}, fmt.Errorf("variable %s: %w", v.Name, err)
	}
	v.read = op.Output(0)
	return v.read, nil
}

// assignOps returns the variable's placeholder and assign op, adding them once.
func (m *Model) assignOps(v *variable) (tfgo.Output, *tfgo.Operation, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v.assign != nil {
		return v.value, v.assign, nil
	}
	ph, err := m.sm.Graph.AddOperation(tfgo.OpSpec{
		Type: "Placeholder", Name: "tfrun/assign/" + v.Name + "/value",
		Attrs: map[string]any{"dtype": v.DType, "shape": v.Shape},
	})
	if err != nil {
		return tfgo.Output{}, nil, fmt.Errorf("variable %s: %w", v.Name, err)
	}
	as, err := m.sm.Graph.AddOperation(tfgo.OpSpec{
		Type: "AssignVariableOp", Name: "tfrun/assign/" + v.Name,
		Input: []tfgo.Output{v.handle, ph.Output(0)}, Attrs: map[string]any{"dtype": v.DType},
	})
	if err != nil {
		return tfgo.Output{}, nil, fmt.Errorf("variable %s: %w", v.Name, err)
	}
	v.value, v.assign = ph.Output(0), as
	return v.value, v.assign, nil
}

// ReadVariables reads the named variables in one session run. The caller
// owns the returned tensors.
func (m *Model) ReadVariables(names ...string) ([]*tfgo.Tensor, error) {
	fetches := make([]tfgo.Output, len(names))
	for i, n := range names {
		v, err := m.lookup(n)
		if err != nil {
			return nil, err
		}
		if fetches[i], err = m.readOp(v); err != nil {
			return nil, err
		}
	}
	res, err := m.sm.Session.Run(nil, fetches, nil)
	if err != nil {
		return nil, fmt.Errorf("saved model %s: reading %s: %w", m.dir, strings.Join(names, ", "), err)
	}
	return res, nil
}

// ReadVariable reads one variable; the caller owns the tensor.
func (m *Model) ReadVariable(name string) (*tfgo.Tensor, error) {
	res, err := m.ReadVariables(name)
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// AssignVariables assigns every variable of values (name → tensor) in one
// session run. Each tensor must have the variable's dtype and exact shape;
// the error names the variable and both shapes. Nothing is assigned when
// any value is wrong.
func (m *Model) AssignVariables(values map[string]*tfgo.Tensor) error {
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	slices.Sort(names)
	feeds := make([]tfgo.Feed, 0, len(values))
	targets := make([]*tfgo.Operation, 0, len(values))
	for _, n := range names {
		v, err := m.lookup(n)
		if err != nil {
			return err
		}
		t := values[n]
		if t.DataType() != v.DType {
			return fmt.Errorf("saved model %s: variable %s is %s, the value is %s", m.dir, n, v.DType, t.DataType())
		}
		if !v.Shape.Compatible(t.Shape()) {
			return fmt.Errorf("saved model %s: variable %s has shape %s, the value %s", m.dir, n, v.Shape, tfgo.FormatDims(t.Shape()))
		}
		ph, as, err := m.assignOps(v)
		if err != nil {
			return err
		}
		feeds = append(feeds, tfgo.Feed{Output: ph, Tensor: t})
		targets = append(targets, as)
	}
	if _, err := m.sm.Session.Run(feeds, nil, targets); err != nil {
		return fmt.Errorf("saved model %s: assigning %s: %w", m.dir, strings.Join(names, ", "), err)
	}
	return nil
}

// AssignVariable assigns one variable (see AssignVariables).
func (m *Model) AssignVariable(name string, value *tfgo.Tensor) error {
	return m.AssignVariables(map[string]*tfgo.Tensor{name: value})
}

// LearningRate reads the optimizer's learning-rate variable.
func (m *Model) LearningRate() (float64, error) {
	name, err := m.learningRateVar()
	if err != nil {
		return 0, err
	}
	t, err := m.ReadVariable(name)
	if err != nil {
		return 0, err
	}
	defer t.Close()
	return scalarFloat(t)
}

// SetLearningRate assigns the optimizer's learning-rate variable, which the
// next train step reads.
func (m *Model) SetLearningRate(lr float64) error {
	name, err := m.learningRateVar()
	if err != nil {
		return err
	}
	t, err := scalarOf(m.vars[name].DType, lr)
	if err != nil {
		return err
	}
	defer t.Close()
	return m.AssignVariable(name, t)
}

func (m *Model) learningRateVar() (string, error) {
	if m.desc == nil || m.desc.LearningRateVar == "" {
		return "", fmt.Errorf("saved model %s has no learning-rate variable (exported with a learning-rate schedule, or not by scripts/export.py)", m.dir)
	}
	return m.desc.LearningRateVar, nil
}

// scalarOf makes a scalar tensor of a float dtype.
func scalarOf(dt tfgo.DataType, x float64) (*tfgo.Tensor, error) {
	switch dt {
	case tfgo.Float:
		return tfgo.Scalar(float32(x))
	case tfgo.Double:
		return tfgo.Scalar(x)
	case tfgo.Half:
		return tfgo.Scalar(tfgo.NewFloat16(float32(x)))
	case tfgo.Bfloat16:
		return tfgo.Scalar(tfgo.NewBFloat16(float32(x)))
	}
	return nil, fmt.Errorf("not a float dtype: %s", dt)
}

// scalarFloat reads a numeric scalar tensor as float64.
func scalarFloat(t *tfgo.Tensor) (float64, error) {
	v, err := t.Value()
	if err != nil {
		return 0, err
	}
	switch x := v.(type) {
	case float32:
		return float64(x), nil
	case float64:
		return x, nil
	case tfgo.Float16:
		return float64(x.Float32()), nil
	case tfgo.BFloat16:
		return float64(x.Float32()), nil
	case int64:
		return float64(x), nil
	case int32:
		return float64(x), nil
	}
	return 0, fmt.Errorf("not a numeric scalar: %s %s", t.DataType(), tfgo.FormatDims(t.Shape()))
}
