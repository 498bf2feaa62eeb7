//go:build cgo

package savedmodel

import (
	"fmt"

	"github.com/tfrun/tfrun/tfgo"
)

// PlanCopy plans copying variables from src into dst by name (see
// CopySpec): every selected model variable that both have with the same
// dtype and shape. It returns the plan and, when the copy cannot be made
// as a whole, an error wrapping ErrCopyMismatch (every mismatch named, with
// both shapes), ErrNoMatch or ErrNothingToCopy; the plan then says why.
func PlanCopy(src, dst *Model, spec CopySpec) (*CopyPlan, error) {
	return planCopy(src.copySide(), dst.copySide(), spec)
}

func (m *Model) copySide() copySide {
	vars := make(map[string]varSpec, len(m.vars))
	for n, v := range m.vars {
		vars[n] = varSpec{DType: v.DType, Shape: v.Shape}
	}
	return copySide{dir: m.dir, desc: m.desc, vars: vars}
}

// CopyVariables reads the plan's source variables from src in one session
// run and assigns them to m in another: bit for bit, all or nothing. The
// plan comes from PlanCopy(src, m, …).
func (m *Model) CopyVariables(src *Model, plan *CopyPlan) error {
	if plan == nil || len(plan.Copied) == 0 {
		return fmt.Errorf("saved model %s: %w", m.dir, ErrNothingToCopy)
	}
	names := make([]string, len(plan.Copied))
	for i, c := range plan.Copied {
		names[i] = c.Source
	}
	ts, err := src.ReadVariables(names...)
	if err != nil {
		return err
	}
	defer tfgo.CloseAll(ts)
	values := make(map[string]*tfgo.Tensor, len(ts))
	for i, c := range plan.Copied {
		values[c.Name] = ts[i]
	}
	return m.AssignVariables(values)
}
