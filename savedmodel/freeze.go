//go:build cgo

package savedmodel

import (
	"fmt"
	"regexp"

	"github.com/tfrun/tfrun/tfgo"
)

// FreezeSpec chooses the variables train_step may change. A trainable
// variable is frozen when Freeze matches its name or its Keras layer's name
// (or any enclosing layer's), unless Trainable matches too; when only
// Trainable is set, every variable it does not match is frozen. Nil
// patterns match nothing.
type FreezeSpec struct {
	Freeze    *regexp.Regexp
	Trainable *regexp.Regexp
}

// SetTrainable sets the run-time trainable masks of the model (see the
// exporter): frozen variables and their optimizer slots stay bitwise
// unchanged by train_step, whatever the optimizer. It returns the names of
// the variables now frozen. The masks are variables, so they are saved with
// the model and its checkpoints.
func (m *Model) SetTrainable(spec FreezeSpec) (frozen []string, err error) {
	if m.desc == nil {
		return nil, fmt.Errorf("saved model %s has no %s: freezing needs the exporter's trainable masks", m.dir, DescriptionFile)
	}
	values := map[string]*tfgo.Tensor{}
	defer func() {
		for _, t := range values {
			t.Close()
		}
	}()
	for _, tv := range m.desc.Trainable {
		match := func(re *regexp.Regexp) bool { return re != nil && m.desc.matches(re, tv.Name) }
		freeze := match(spec.Freeze)
		if spec.Freeze == nil && spec.Trainable != nil {
			freeze = true
		}
		if match(spec.Trainable) {
			freeze = false
		}
		if freeze {
			frozen = append(frozen, tv.Name)
		}
		t, err := tfgo.Scalar(!freeze)
		if err != nil {
			return nil, err
		}
		values[tv.Mask] = t
	}
	if err := m.AssignVariables(values); err != nil {
		return nil, err
	}
	return frozen, nil
}

// MatchTrainable returns the trainable variables whose name, or the name of
// whose Keras layer or an enclosing layer, re matches (as FreezeSpec
// matches), in the exporter's order; nil without a description.
func (m *Model) MatchTrainable(re *regexp.Regexp) []string {
	if m.desc == nil {
		return nil
	}
	var out []string
	for _, tv := range m.desc.Trainable {
		if m.desc.matches(re, tv.Name) {
			out = append(out, tv.Name)
		}
	}
	return out
}

// Frozen returns the trainable variables whose mask is off.
func (m *Model) Frozen() ([]string, error) {
	if m.desc == nil {
		return nil, nil
	}
	names := make([]string, len(m.desc.Trainable))
	for i, tv := range m.desc.Trainable {
		names[i] = tv.Mask
	}
	ts, err := m.ReadVariables(names...)
	if err != nil {
		return nil, err
	}
	defer tfgo.CloseAll(ts)
	var frozen []string
	for i, t := range ts {
		v, err := t.Value()
		if err != nil {
			return nil, err
		}
		if on, _ := v.(bool); !on {
			frozen = append(frozen, m.desc.Trainable[i].Name)
		}
	}
	return frozen, nil
}
