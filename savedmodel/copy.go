package savedmodel

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/tfrun/tfrun/tfgo"
)

// Errors of PlanCopy, for errors.Is.
var (
	// ErrCopyMismatch: a variable both models have differs in dtype or
	// shape (or, with the optimizer state, in its slots).
	ErrCopyMismatch = errors.New("variables do not match")
	// ErrNothingToCopy: no selected variable exists in both models.
	ErrNothingToCopy = errors.New("no variable to copy")
	// ErrNoMatch: a name pattern matches no variable.
	ErrNoMatch = errors.New("pattern matches no variable")
)

// CopySpec chooses what PlanCopy copies from one model into another.
type CopySpec struct {
	// Vars selects the variables by their name or the name of their Keras
	// layer (or of any enclosing layer, such as a nested model "base"); nil
	// selects every model variable. Optimizer slots, metric state and the
	// trainable masks are never model variables.
	Vars *regexp.Regexp
	// OptimizerState also copies each copied trainable variable's optimizer
	// slots (matched by position in the descriptions, whatever they are
	// named) and the optimizer's iteration count. Both models need the
	// exporter's description and the same optimizer class.
	OptimizerState bool
}

// CopiedVariable is one variable PlanCopy copies: Source in the source
// model into Name in the destination (the same name, except for optimizer
// slots, which are named after each model's optimizer).
type CopiedVariable struct {
	Name   string  `json:"name"`
	Source string  `json:"source"`
	Kind   string  `json:"kind"` // "variable", "slot" or "iterations"
	DType  string  `json:"dtype"`
	Shape  []int64 `json:"shape"`
}

// CopyMismatch is a selected variable that both models have with a
// different dtype or shape.
type CopyMismatch struct {
	Name        string  `json:"name"`
	Source      string  `json:"source,omitempty"`
	SourceDType string  `json:"source_dtype"`
	SourceShape []int64 `json:"source_shape"`
	DestDType   string  `json:"dest_dtype"`
	DestShape   []int64 `json:"dest_shape"`
	Reason      string  `json:"reason,omitempty"`
}

func (c CopyMismatch) String() string {
	name := c.Name
	if c.Source != "" && c.Source != c.Name {
		name = c.Source + " -> " + c.Name
	}
	if c.Reason != "" {
		return name + ": " + c.Reason
	}
	return fmt.Sprintf("%s: source %s %s, destination %s %s", name,
		tfgo.FormatDims(c.SourceShape), c.SourceDType, tfgo.FormatDims(c.DestShape), c.DestDType)
}

// CopyPlan says what copying variables from Source into Dest does. Only
// Copied are written; the destination keeps every other value.
type CopyPlan struct {
	Source     string           `json:"source"`
	Dest       string           `json:"destination"`
	Copied     []CopiedVariable `json:"copied"`
	Mismatches []CopyMismatch   `json:"mismatches,omitempty"`
	// OnlyInSource are selected source variables the destination lacks.
	OnlyInSource []string `json:"only_in_source,omitempty"`
	// Kept are selected destination variables the source lacks; they keep
	// their values.
	Kept []string `json:"kept,omitempty"`
}

// copySide is what planning needs of one model.
type copySide struct {
	dir  string
	desc *Description
	vars map[string]varSpec
}

// varSpec is a graph variable's dtype and shape.
type varSpec struct {
	DType tfgo.DataType
	Shape tfgo.Shape
}

// modelVariables are a model's own variables: with a description, those of
// its layers and its (non-)trainable variables, without optimizer and
// metric state or masks; without one, every variable.
func (s copySide) modelVariables() []string {
	var names []string
	if s.desc == nil {
		for n := range s.vars {
			names = append(names, n)
		}
		slices.Sort(names)
		return names
	}
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	for _, l := range s.desc.Layers {
		for _, v := range l.Variables {
			add(v)
		}
	}
	for _, tv := range s.desc.Trainable {
		add(tv.Name)
	}
	for _, v := range s.desc.NonTrainable {
		add(v)
	}
	slices.Sort(names)
	return names
}

func (s copySide) layersOf(name string) []string {
	if s.desc == nil {
		return nil
	}
	return s.desc.layersOf(name)
}

func (s copySide) trainable(name string) (TrainableVar, bool) {
	if s.desc == nil {
		return TrainableVar{}, false
	}
	for _, tv := range s.desc.Trainable {
		if tv.Name == name {
			return tv, true
		}
	}
	return TrainableVar{}, false
}

// planCopy matches the two models' variables by name (see CopySpec). It
// returns the plan, and with it an error wrapping ErrCopyMismatch (every
// mismatch listed), ErrNoMatch or ErrNothingToCopy when it cannot be
// applied as a whole.
func planCopy(src, dst copySide, spec CopySpec) (*CopyPlan, error) {
	plan := &CopyPlan{Source: src.dir, Dest: dst.dir}
	selected := func(name string) bool {
		if spec.Vars == nil || spec.Vars.MatchString(name) {
			return true
		}
		for _, l := range append(dst.layersOf(name), src.layersOf(name)...) {
			if spec.Vars.MatchString(l) {
				return true
			}
		}
		return false
	}
	srcNames, dstNames := src.modelVariables(), dst.modelVariables()
	all := slices.Clone(srcNames)
	for _, n := range dstNames {
		if !slices.Contains(srcNames, n) {
			all = append(all, n)
		}
	}
	slices.Sort(all)
	matched := 0
	for _, name := range all {
		if !selected(name) {
			continue
		}
		matched++
		sv, inSrc := src.vars[name]
		dv, inDst := dst.vars[name]
		inSrc = inSrc && slices.Contains(srcNames, name)
		inDst = inDst && slices.Contains(dstNames, name)
		switch {
		case inSrc && inDst:
			if m, ok := mismatch(name, name, sv, dv); ok {
				plan.Mismatches = append(plan.Mismatches, m)
				continue
			}
			plan.Copied = append(plan.Copied, CopiedVariable{Name: name, Source: name, Kind: "variable",
				DType: dv.DType.String(), Shape: dv.Shape.Dims})
		case inSrc:
			plan.OnlyInSource = append(plan.OnlyInSource, name)
		default:
			plan.Kept = append(plan.Kept, name)
		}
	}
	if spec.Vars != nil && matched == 0 {
		return plan, fmt.Errorf("%w: --vars %q matches no variable or layer of %s or %s", ErrNoMatch, spec.Vars, src.dir, dst.dir)
	}
	if spec.OptimizerState && len(plan.Mismatches) == 0 {
		if err := planOptimizerCopy(plan, src, dst); err != nil {
			return plan, err
		}
	}
	if len(plan.Mismatches) > 0 {
		lines := make([]string, len(plan.Mismatches))
		for i, m := range plan.Mismatches {
			lines[i] = m.String()
		}
		return plan, fmt.Errorf("%w: copying from %s into %s: %s (choose the variables to copy with --vars)",
			ErrCopyMismatch, src.dir, dst.dir, strings.Join(lines, "; "))
	}
	if len(plan.Copied) == 0 {
		return plan, fmt.Errorf("%w: no selected variable of %s exists in %s; variables are matched by name (Keras paths "+
			"such as base/conv2d/kernel), so build the shared part as a named sub-model, e.g. keras.Sequential([...], name=\"base\"), in both models",
			ErrNothingToCopy, src.dir, dst.dir)
	}
	return plan, nil
}

// planOptimizerCopy adds the slots of the copied trainable variables and
// the iteration count to the plan.
func planOptimizerCopy(plan *CopyPlan, src, dst copySide) error {
	if src.desc == nil || dst.desc == nil {
		return fmt.Errorf("%w: copying the optimizer state needs both models' %s", ErrCopyMismatch, DescriptionFile)
	}
	if src.desc.Optimizer.Class != dst.desc.Optimizer.Class {
		return fmt.Errorf("%w: optimizer state: %s uses %s, %s uses %s", ErrCopyMismatch,
			src.dir, src.desc.Optimizer.Class, dst.dir, dst.desc.Optimizer.Class)
	}
	var slots []CopiedVariable
	for _, c := range plan.Copied {
		st, ok1 := src.trainable(c.Name)
		dt, ok2 := dst.trainable(c.Name)
		if !ok1 || !ok2 {
			continue
		}
		if len(st.Slots) != len(dt.Slots) {
			plan.Mismatches = append(plan.Mismatches, CopyMismatch{Name: c.Name,
				Reason: fmt.Sprintf("%d optimizer slots in the source, %d in the destination", len(st.Slots), len(dt.Slots))})
			continue
		}
		for i := range st.Slots {
			sv, ok1 := src.vars[st.Slots[i]]
			dv, ok2 := dst.vars[dt.Slots[i]]
			if !ok1 || !ok2 {
				return fmt.Errorf("%w: optimizer slot %s or %s of %s is not a graph variable", ErrCopyMismatch, st.Slots[i], dt.Slots[i], c.Name)
			}
			if m, bad := mismatch(dt.Slots[i], st.Slots[i], sv, dv); bad {
				plan.Mismatches = append(plan.Mismatches, m)
				continue
			}
			slots = append(slots, CopiedVariable{Name: dt.Slots[i], Source: st.Slots[i], Kind: "slot",
				DType: dv.DType.String(), Shape: dv.Shape.Dims})
		}
	}
	if si, di := src.desc.IterationsVar, dst.desc.IterationsVar; si != "" && di != "" {
		sv, ok1 := src.vars[si]
		dv, ok2 := dst.vars[di]
		if ok1 && ok2 {
			if m, bad := mismatch(di, si, sv, dv); bad {
				plan.Mismatches = append(plan.Mismatches, m)
			} else {
				slots = append(slots, CopiedVariable{Name: di, Source: si, Kind: "iterations", DType: dv.DType.String(), Shape: dv.Shape.Dims})
			}
		}
	}
	plan.Copied = append(plan.Copied, slots...)
	return nil
}

// mismatch compares a source and a destination variable.
func mismatch(name, source string, sv, dv varSpec) (CopyMismatch, bool) {
	if sv.DType == dv.DType && slices.Equal(sv.Shape.Dims, dv.Shape.Dims) && sv.Shape.UnknownRank == dv.Shape.UnknownRank {
		return CopyMismatch{}, false
	}
	return CopyMismatch{Name: name, Source: source, SourceDType: sv.DType.String(), SourceShape: sv.Shape.Dims,
		DestDType: dv.DType.String(), DestShape: dv.Shape.Dims}, true
}

// WriteText writes the plan for people: what is copied, what is not and
// why.
func (p *CopyPlan) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "from %s into %s:\n", p.Source, p.Dest)
	width := 0
	for _, c := range p.Copied {
		width = max(width, len(c.Name))
	}
	for _, c := range p.Copied {
		from := ""
		if c.Source != c.Name {
			from = "  <- " + c.Source
		}
		fmt.Fprintf(&b, "  copy  %-*s  %s %s%s\n", width, c.Name, tfgo.FormatDims(c.Shape), c.DType, from)
	}
	for _, m := range p.Mismatches {
		fmt.Fprintf(&b, "  DIFFERS  %s\n", m)
	}
	for _, n := range p.OnlyInSource {
		fmt.Fprintf(&b, "  not in the destination: %s\n", n)
	}
	for _, n := range p.Kept {
		fmt.Fprintf(&b, "  kept (not in the source): %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
