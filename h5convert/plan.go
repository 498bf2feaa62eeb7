package h5convert

import (
	"fmt"
	"slices"
	"strings"
)

// Plan is what NewPlan decided: which dataset of the file becomes which
// variable, through which transforms, and what was left out and why. With
// its Values filled (NewPlan), it is everything needed to assign the
// weights; WriteLayout uses the same plan in the other direction.
type Plan struct {
	// File is the HDF5 file planned from.
	File string `json:"file"`
	// Layout is the layout used: detected, or forced by Options or the
	// mapping file.
	Layout Layout `json:"layout"`
	// Orientation of a layered layout's matrices, and where it came from:
	// "flag", "mapping" or "shapes" (detected from non-square matrices).
	Orientation   Orientation `json:"orientation,omitempty"`
	OrientationBy string      `json:"orientation_by,omitempty"`
	// Assignments in the model's variable order.
	Assignments []Assignment `json:"assignments"`
	// Skipped lists datasets not used and variables not assigned, with the
	// reason (skipped by the mapping, not mapped, keeps its value).
	Skipped []Skip `json:"skipped"`
	// Warnings are things to know that do not stop the conversion (casts,
	// layers mapped by order, non-finite values let through).
	Warnings []string `json:"warnings"`
	// Problems stop the conversion; NewPlan returns them as a
	// *ValidationError too.
	Problems []*Problem `json:"problems"`
}

// Assignment is one planned write: a dataset, transformed to the
// variable's shape and dtype.
type Assignment struct {
	Variable    string      `json:"variable"`
	Shape       []int64     `json:"shape"`
	DType       string      `json:"dtype"`
	Source      string      `json:"source"`
	SourceShape []int64     `json:"source_shape"`
	SourceDType string      `json:"source_dtype"`
	Transforms  []Transform `json:"transforms"`
	// Cast is "float64->float32" when the dtype changes.
	Cast string `json:"cast,omitempty"`
	// Rule says which rule made the assignment: "custom-layered layer 2",
	// "keras3 layers/dense/vars/0", "mapping entry 3 (map.yaml:12)".
	Rule string `json:"rule"`
	// NaN and Inf count non-finite values (only with AllowNonfinite can an
	// assignment have any).
	NaN int `json:"nan,omitempty"`
	Inf int `json:"inf,omitempty"`
	// Values holds the data, already in the variable's shape and dtype
	// (nil in a plan made for WriteLayout). Its slice is owned by the plan.
	Values *Values `json:"-"`
}

// Skip is a dataset left unused or a variable left unassigned.
type Skip struct {
	Dataset  string `json:"dataset,omitempty"`
	Variable string `json:"variable,omitempty"`
	Reason   string `json:"reason"`
}

// NewPlan opens the HDF5 file, maps its datasets onto vars (the
// automatic mapping of its layout, overridden and completed by
// opts.Mapping), validates the result and reads the values, transformed
// to each variable's shape and dtype. Nothing is written.
//
// Validation covers: every trainable variable is assigned or skipped,
// every dataset named exists, shapes match after the transforms, dtypes
// convert (float to float implicitly, with the cast reported), no variable
// gets two datasets, and no value is NaN or infinite unless
// opts.AllowNonfinite. All problems are collected: on failure NewPlan
// returns the plan so far (for a dry-run report) together with a
// *ValidationError. Errors opening or reading the file are returned with a
// nil plan.
//
// NewPlan is safe for concurrent use.
func NewPlan(file string, vars []Variable, opts Options) (*Plan, error) {
	return planFile(file, vars, opts, true)
}

func planFile(file string, vars []Variable, opts Options, readValues bool) (*Plan, error) {
	st, err := opts.settings()
	if err != nil {
		return nil, err
	}
	if err := checkVariables(vars); err != nil {
		return nil, err
	}
	src, err := openSource(file)
	if err != nil {
		return nil, err
	}
	defer src.close()
	return buildPlan(file, src, vars, st, readValues)
}

// buildPlan plans from an open source.
func buildPlan(file string, src source, vars []Variable, st *settings, readValues bool) (*Plan, error) {
	b := &planner{
		t:        newTree(file, src.objects()),
		vars:     vars,
		byName:   variableIndex(vars),
		st:       st,
		plan:     &Plan{File: file, Assignments: []Assignment{}, Skipped: []Skip{}, Warnings: []string{}, Problems: []*Problem{}},
		skipSrc:  map[string]int{},
		skipVar:  map[string]int{},
		explSrc:  map[string]bool{},
		explVar:  map[string]bool{},
		reported: map[string]bool{},
		troubled: map[string]bool{},
		hints:    map[string]string{},
	}
	b.run()
	if readValues {
		if err := b.readValues(src); err != nil {
			return nil, err
		}
	}
	p := b.plan
	if len(p.Problems) > 0 {
		return p, &ValidationError{File: file, Problems: p.Problems}
	}
	return p, nil
}

// rule is a candidate mapping of one dataset onto one variable.
type rule struct {
	source     string
	variable   *Variable
	transforms []Transform // without the cast
	origin     string
	entry      *Entry // the mapping entry, nil for the automatic mapping
	hint       string // appended to a shape mismatch
}

type planner struct {
	t      *tree
	vars   []Variable
	byName map[string]*Variable
	st     *settings
	plan   *Plan

	skipSrc  map[string]int  // dataset -> skipping entry
	skipVar  map[string]int  // variable -> skipping entry
	explSrc  map[string]bool // datasets named by a mapping entry
	explVar  map[string]bool // variables named by a mapping entry
	reported map[string]bool // variables that already have a problem
	troubled map[string]bool // datasets that already have a problem
	hints    map[string]string

	rules []*rule
}

func (b *planner) problem(p *Problem) {
	b.plan.Problems = append(b.plan.Problems, p)
	if p.Variable != "" {
		b.reported[p.Variable] = true
	}
	if p.Dataset != "" {
		b.troubled[p.Dataset] = true
	}
}

func (b *planner) warn(format string, args ...any) {
	b.plan.Warnings = append(b.plan.Warnings, fmt.Sprintf(format, args...))
}

// entries returns the mapping's entries (none without a mapping).
func (b *planner) entries() []Entry {
	if b.st.mapping == nil {
		return nil
	}
	return b.st.mapping.Entries
}

// entryOrigin names a mapping entry for messages.
func (b *planner) entryOrigin(k int, e *Entry) string {
	name := b.st.mapping.Name
	switch {
	case name != "" && e.Line > 0:
		return fmt.Sprintf("mapping entry %d (%s:%d)", k, name, e.Line)
	case name != "":
		return fmt.Sprintf("mapping entry %d (%s)", k, name)
	}
	return fmt.Sprintf("mapping entry %d", k)
}

func (b *planner) run() {
	entries := b.entries()
	for i := range entries {
		e := &entries[i]
		switch {
		case e.Skip && e.Source != "":
			b.skipSrc[e.Source] = i + 1
		case e.Skip:
			b.skipVar[e.Variable] = i + 1
		default:
			b.explSrc[e.Source] = true
			b.explVar[e.Variable] = true
		}
	}

	// The automatic mapping.
	layout := b.st.layout
	if layout == LayoutAuto {
		layout = detectLayout(b.t, b.st.names)
		if layout == LayoutUnknown && len(entries) > 0 {
			layout = LayoutNone
		}
	}
	b.plan.Layout = layout
	var auto []*rule
	var autoProblems []*Problem
	switch layout {
	case LayoutCustomLayered:
		auto, autoProblems = b.autoLayered()
	case LayoutKerasLegacy:
		auto, autoProblems = b.autoKerasLegacy()
	case LayoutKeras3:
		auto, autoProblems = b.autoKeras3()
	case LayoutUnknown:
		b.problem(newProblem(ErrLayout, "", "",
			"cannot tell the layout of %s: it is not a Keras H5 file (layer_names attribute), a Keras 3 .weights.h5 (layers/<name>/vars/<i>) or a layered layout (/Weights/LayerN, /Bias/LayerN); write a mapping file", b.t.file))
	}
	// Mapping entries override the automatic mapping for every dataset
	// and variable they name.
	for _, r := range auto {
		if !b.explSrc[r.source] && !b.explVar[r.variable.Name] && b.skipVar[r.variable.Name] == 0 {
			b.rules = append(b.rules, r)
		}
	}
	for _, p := range autoProblems {
		if (p.Dataset != "" && b.explSrc[p.Dataset]) || (p.Variable != "" && b.explVar[p.Variable]) {
			continue
		}
		b.problem(p)
	}

	// The mapping entries.
	for i := range entries {
		e := &entries[i]
		origin := b.entryOrigin(i+1, e)
		if e.Variable != "" && b.byName[e.Variable] == nil {
			b.problem(newProblem(ErrUnknownVariable, e.Source, "", "%s names variable %s, which the model does not have", origin, e.Variable))
			continue
		}
		if e.Skip {
			if e.Source != "" && b.t.get(e.Source) == nil {
				b.problem(newProblem(ErrMissingDataset, e.Source, "", "%s skips dataset %s, which %s does not have", origin, e.Source, b.t.file))
			}
			continue
		}
		b.rules = append(b.rules, &rule{source: e.Source, variable: b.byName[e.Variable], origin: origin, entry: e})
	}

	// Check each rule; collect the assignments.
	assigned := map[string][]*rule{}
	var order []string
	for _, r := range b.rules {
		a := b.check(r)
		if a == nil {
			continue
		}
		if _, seen := assigned[r.variable.Name]; !seen {
			order = append(order, r.variable.Name)
		}
		assigned[r.variable.Name] = append(assigned[r.variable.Name], r)
		b.plan.Assignments = append(b.plan.Assignments, *a)
	}
	for _, name := range order {
		rs := assigned[name]
		if len(rs) < 2 {
			continue
		}
		var from []string
		for _, r := range rs {
			from = append(from, fmt.Sprintf("%s (%s)", r.source, r.origin))
		}
		b.problem(newProblem(ErrDuplicateTarget, rs[1].source, name,
			"duplicate mapping target %s: it would get %s", name, strings.Join(from, " and ")))
	}
	b.sortAssignments()
	b.cover()
	b.unused()
	b.summarise()
}

// check validates one rule and returns its assignment, or nil after
// reporting a problem.
func (b *planner) check(r *rule) *Assignment {
	v := r.variable
	o := b.t.get(r.source)
	switch {
	case o == nil:
		b.problem(newProblem(ErrMissingDataset, r.source, v.Name, "dataset %s does not exist in %s (%s, for %s)", r.source, b.t.file, r.origin, v.Name))
		return nil
	case o.Kind != "dataset":
		b.problem(newProblem(ErrMissingDataset, r.source, v.Name, "%s in %s is a %s, not a dataset (%s, for %s)", r.source, b.t.file, o.Kind, r.origin, v.Name))
		return nil
	case !isNumeric(o.DType):
		b.problem(newProblem(ErrDTypeMismatch, r.source, v.Name, "dataset %s holds %s, not numbers (%s, for %s)", r.source, o.DType, r.origin, v.Name))
		return nil
	}
	ts := r.transforms
	if r.entry != nil {
		n, _ := numElements(o.Shape)
		var err error
		if ts, err = r.entry.transforms(len(o.Shape), n); err != nil {
			p := newProblem(ErrShapeMismatch, r.source, v.Name, "dataset %s %s cannot become variable %s %s: %v (%s)", r.source, formatShape(o.Shape), v.Name, formatShape(v.Shape), err, r.origin)
			p.DatasetShape, p.VariableShape = cloneShape(o.Shape), cloneShape(v.Shape)
			b.problem(p)
			return nil
		}
	}
	shape, err := shapeAfter(ts, o.Shape)
	if err != nil || !slices.Equal(shape, v.Shape) {
		msg := fmt.Sprintf("dataset %s %s does not fit variable %s %s", r.source, formatShape(o.Shape), v.Name, formatShape(v.Shape))
		if len(ts) > 0 && err == nil {
			msg += fmt.Sprintf(" (after %s: %s)", transformList(ts), formatShape(shape))
		}
		if err != nil {
			msg += ": " + err.Error()
		}
		if r.hint != "" {
			msg += ", " + r.hint
		}
		p := newProblem(ErrShapeMismatch, r.source, v.Name, "%s (%s)", msg, r.origin)
		p.DatasetShape, p.VariableShape = cloneShape(o.Shape), cloneShape(v.Shape)
		b.problem(p)
		return nil
	}
	a := &Assignment{
		Variable: v.Name, Shape: cloneShape(v.Shape), DType: v.DType,
		Source: r.source, SourceShape: cloneShape(o.Shape), SourceDType: o.DType,
		Transforms: slices.Clone(ts), Rule: r.origin,
	}
	if a.Transforms == nil {
		a.Transforms = []Transform{}
	}
	if cast := r.entryCast(); cast != "" && cast != v.DType {
		b.problem(newProblem(ErrDTypeMismatch, r.source, v.Name, "%s casts %s to %s, but variable %s is %s", r.origin, r.source, cast, v.Name, v.DType))
		return nil
	}
	if o.DType != v.DType {
		implicit := isFloat(o.DType) && isFloat(v.DType)
		if !implicit && r.entryCast() == "" {
			b.problem(newProblem(ErrDTypeMismatch, r.source, v.Name,
				"dataset %s is %s but variable %s is %s; only float to float casts are implicit: add a mapping entry with cast: %s (%s)",
				r.source, o.DType, v.Name, v.DType, v.DType, r.origin))
			return nil
		}
		a.Transforms = append(a.Transforms, Transform{Op: "cast", From: o.DType, To: v.DType})
		a.Cast = o.DType + "->" + v.DType
	}
	return a
}

// entryCast is the cast a mapping entry asks for, or "".
func (r *rule) entryCast() string {
	if r.entry == nil {
		return ""
	}
	return r.entry.Cast
}

// sortAssignments puts assignments in the model's variable order.
func (b *planner) sortAssignments() {
	pos := make(map[string]int, len(b.vars))
	for i, v := range b.vars {
		pos[v.Name] = i
	}
	slices.SortStableFunc(b.plan.Assignments, func(x, y Assignment) int {
		return pos[x.Variable] - pos[y.Variable]
	})
}

// cover reports trainable variables that get no value, and lists the
// others that are left alone.
func (b *planner) cover() {
	got := map[string]bool{}
	for _, a := range b.plan.Assignments {
		got[a.Variable] = true
	}
	for _, v := range b.vars {
		switch {
		case got[v.Name] || b.reported[v.Name]:
		case b.skipVar[v.Name] > 0:
			k := b.skipVar[v.Name]
			b.plan.Skipped = append(b.plan.Skipped, Skip{Variable: v.Name, Reason: "skipped by " + b.entryOrigin(k, &b.entries()[k-1]) + "; keeps its current value"})
		case v.Trainable:
			msg := fmt.Sprintf("trainable variable %s %s gets no value from %s", v.Name, formatShape(v.Shape), b.t.file)
			if h := b.hints[v.Name]; h != "" {
				msg += " (" + h + ")"
			}
			p := newProblem(ErrUncovered, "", v.Name, "%s; map it or skip it in a mapping file", msg)
			p.VariableShape = cloneShape(v.Shape)
			b.problem(p)
		default:
			b.plan.Skipped = append(b.plan.Skipped, Skip{Variable: v.Name, Reason: "non-trainable and not in the file; keeps its current value"})
		}
	}
}

// unused lists the numeric datasets that no rule uses.
func (b *planner) unused() {
	used := map[string]bool{}
	for _, r := range b.rules {
		used[r.source] = true
	}
	for _, o := range b.t.objs {
		if o.Kind != "dataset" || !isNumeric(o.DType) || used[o.Path] || b.troubled[o.Path] {
			continue
		}
		if k := b.skipSrc[o.Path]; k > 0 {
			b.plan.Skipped = append(b.plan.Skipped, Skip{Dataset: o.Path, Reason: "skipped by " + b.entryOrigin(k, &b.entries()[k-1])})
			continue
		}
		b.plan.Skipped = append(b.plan.Skipped, Skip{Dataset: o.Path, Reason: "not mapped"})
	}
}

// summarise adds the warnings about casts.
func (b *planner) summarise() {
	casts := map[string]int{}
	var kinds []string
	for _, a := range b.plan.Assignments {
		if a.Cast != "" {
			if casts[a.Cast] == 0 {
				kinds = append(kinds, a.Cast)
			}
			casts[a.Cast]++
		}
	}
	for _, c := range kinds {
		from, to, _ := strings.Cut(c, "->")
		note := ""
		if isFloat(from) && isFloat(to) && floatBits(to) < floatBits(from) {
			note = fmt.Sprintf(" (values rounded to %s)", to)
		}
		b.warn("%d dataset(s) cast %s%s", casts[c], c, note)
	}
}

func floatBits(dtype string) int {
	switch dtype {
	case "float16":
		return 16
	case "float32":
		return 32
	case "float64":
		return 64
	}
	return 128
}

// readValues reads and transforms every assignment's dataset and checks
// for non-finite values.
func (b *planner) readValues(src source) error {
	for i := range b.plan.Assignments {
		a := &b.plan.Assignments[i]
		raw, err := src.read(a.Source)
		if err != nil {
			return err
		}
		nan, inf, first := nonFinite(raw.Data)
		vals, err := apply(a.Transforms, raw)
		if err != nil {
			return fmt.Errorf("h5convert: %s: dataset %s for %s: %w", b.t.file, a.Source, a.Variable, err)
		}
		a.Values = vals
		a.NaN, a.Inf = nan, inf
		if nan+inf > 0 {
			where := fmt.Sprint(unravel(first, raw.Shape))
			if b.st.allowNonfinite {
				b.warn("dataset %s has %d NaN and %d infinite values (first at %s), assigned to %s as --allow-nonfinite asks", a.Source, nan, inf, where, a.Variable)
			} else {
				p := newProblem(ErrNonFinite, a.Source, a.Variable,
					"dataset %s has %d NaN and %d infinite values (first at %s); refusing to assign them to %s (pass --allow-nonfinite to assign them anyway)",
					a.Source, nan, inf, where, a.Variable)
				b.problem(p)
			}
		}
		// A narrowing cast can overflow finite values into infinities.
		nan2, inf2, _ := nonFinite(vals.Data)
		if over := nan2 + inf2 - nan - inf; over > 0 {
			idx := firstOverflow(raw.Data, vals.Data)
			detail := fmt.Sprintf("first at %v: %g", unravel(idx, raw.Shape), raw.At(idx))
			if b.st.allowNonfinite {
				b.warn("dataset %s has %d values beyond the range of %s (%s), assigned to %s as infinities as --allow-nonfinite asks", a.Source, over, a.DType, detail, a.Variable)
			} else {
				b.problem(newProblem(ErrNonFinite, a.Source, a.Variable,
					"dataset %s has %d values beyond the range of %s (%s), which the cast %s would turn into infinities in %s (pass --allow-nonfinite to assign them anyway)",
					a.Source, over, a.DType, detail, a.Cast, a.Variable))
			}
		}
	}
	return nil
}

// firstOverflow is the index of the first element finite in src but not in
// dst.
func firstOverflow(src, dst any) int {
	n := dataLen(src)
	for i := 0; i < n; i++ {
		x, y := floatAt(src, i), floatAt(dst, i)
		if !isNonFinite(x) && isNonFinite(y) {
			return i
		}
	}
	return 0
}

func isNonFinite(x float64) bool { return x != x || x > maxFloat || x < -maxFloat }

const maxFloat = 1.7976931348623157e308

// transformList renders transforms for messages: "transpose, reshape [3]".
func transformList(ts []Transform) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	return strings.Join(parts, ", ")
}
