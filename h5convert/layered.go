package h5convert

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// fileLayer is one layer N of a layered layout.
type fileLayer struct {
	n       int
	weights *Object
	bias    *Object
}

// layeredLayers collects the layers of a layered layout in numeric order;
// datasets skipped by the mapping do not count.
func (b *planner) layeredLayers() ([]*fileLayer, []*Problem) {
	var problems []*Problem
	byNo := map[int]*fileLayer{}
	for i := range b.t.objs {
		o := &b.t.objs[i]
		if o.Kind != "dataset" || !isNumeric(o.DType) || b.skipSrc[o.Path] > 0 {
			continue
		}
		isBias, n, ok := b.st.names.classify(o.Path)
		if !ok {
			continue
		}
		fl := byNo[n]
		if fl == nil {
			fl = &fileLayer{n: n}
			byNo[n] = fl
		}
		slot, what := &fl.weights, "weights"
		if isBias {
			slot, what = &fl.bias, "bias"
		}
		if *slot != nil {
			problems = append(problems, newProblem(ErrLayout, o.Path, "",
				"%s has two %s datasets for layer %d, %s and %s; skip one in a mapping file", b.t.file, what, n, (*slot).Path, o.Path))
			continue
		}
		*slot = o
	}
	nums := make([]int, 0, len(byNo))
	for n := range byNo {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	out := make([]*fileLayer, len(nums))
	for i, n := range nums {
		out[i] = byNo[n]
	}
	return out, problems
}

// denseLayers returns the model's Dense layers in order, leaving out
// layers whose every variable the mapping skips.
func (b *planner) denseLayers() []*layer {
	var out []*layer
	for _, l := range layersOf(b.vars) {
		if k, _ := l.kernelBias(); k == nil || b.allSkipped(l) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// modelLayers returns the layers with variables, leaving out layers whose
// every variable the mapping skips.
func (b *planner) modelLayers() []*layer {
	var out []*layer
	for _, l := range layersOf(b.vars) {
		if !b.allSkipped(l) {
			out = append(out, l)
		}
	}
	return out
}

func (b *planner) allSkipped(l *layer) bool {
	for _, v := range l.Vars {
		if b.skipVar[v.Name] == 0 {
			return false
		}
	}
	return true
}

// autoLayered maps /Weights/LayerN and /Bias/LayerN onto the model's Dense
// layers in order, taking each matrix's orientation from the options or
// from its shape.
func (b *planner) autoLayered() ([]*rule, []*Problem) {
	fls, problems := b.layeredLayers()
	dense := b.denseLayers()
	if len(fls) != len(dense) {
		problems = append(problems, newProblem(ErrLayout, "", "",
			"%s has %d weight layers (%s) but the model has %d Dense layers (%s); skip the extra datasets or variables in a mapping file",
			b.t.file, len(fls), layerNumbers(fls), len(dense), layerNames(dense)))
		return nil, problems
	}
	for i, fl := range fls {
		if fl.n != fls[0].n+i {
			b.warn("layer numbers %s are not consecutive; mapped onto the Dense layers in numeric order", layerNumbers(fls))
			break
		}
	}
	orientation := b.st.orientation
	if orientation != OrientationAuto {
		b.plan.Orientation, b.plan.OrientationBy = orientation, b.st.orientationBy
	}
	var rules []*rule
	var square []*Problem
	seen := map[Orientation]bool{}
	for i, fl := range fls {
		l := dense[i]
		kernel, bias := l.kernelBias()
		origin := fmt.Sprintf("custom-layered layer %d", fl.n)
		if fl.weights == nil {
			b.hints[kernel.Name] = fmt.Sprintf("%s has a bias dataset %s but no weights for layer %d", b.t.file, fl.bias.Path, fl.n)
		} else {
			r := &rule{source: fl.weights.Path, variable: kernel, origin: origin}
			in, out := kernel.Shape[0], kernel.Shape[1]
			shape := fl.weights.Shape
			switch {
			case len(shape) != 2:
				// The shape check reports it.
			case orientation == OutIn:
				r.transforms = []Transform{transposeT(2)}
			case orientation == InOut:
			case in == out && in != 1 && shape[0] == in && shape[1] == in:
				p := newProblem(ErrAmbiguousOrientation, fl.weights.Path, kernel.Name,
					"dataset %s %s is square, so whether it is stored out-in (transposed, as MATLAB writes it) or in-out cannot be told from the shape of %s %s; pass --orientation out-in or --orientation in-out, or add a mapping entry {source: %s, variable: %s, transpose: true|false}",
					fl.weights.Path, formatShape(shape), kernel.Name, formatShape(kernel.Shape), fl.weights.Path, kernel.Name)
				p.DatasetShape, p.VariableShape = cloneShape(shape), cloneShape(kernel.Shape)
				square = append(square, p)
				r = nil
			case shape[0] == out && shape[1] == in && in != out:
				r.transforms = []Transform{transposeT(2)}
				seen[OutIn] = true
			case shape[0] == in && shape[1] == out:
				seen[InOut] = true
			default:
				r.hint = "neither as stored nor transposed"
			}
			if r != nil {
				rules = append(rules, r)
			}
		}
		switch {
		case fl.bias != nil && bias == nil:
			problems = append(problems, newProblem(ErrLayout, fl.bias.Path, "",
				"dataset %s has no target: layer %s has no bias; skip it in a mapping file", fl.bias.Path, l.Name))
		case fl.bias != nil:
			r := &rule{source: fl.bias.Path, variable: bias, origin: origin}
			if want := bias.Shape; !slices.Equal(fl.bias.Shape, want) && isVectorOf(fl.bias.Shape, want[0]) {
				r.transforms = []Transform{{Op: "reshape", Shape: cloneShape(want)}}
			}
			rules = append(rules, r)
		case bias != nil:
			b.hints[bias.Name] = fmt.Sprintf("%s has no bias dataset for layer %d", b.t.file, fl.n)
		}
	}
	if orientation == OrientationAuto {
		switch {
		case seen[OutIn] && seen[InOut]:
			b.warn("%s stores some matrices out-in and others in-out; each was mapped by its shape", b.t.file)
		case seen[OutIn]:
			b.plan.Orientation, b.plan.OrientationBy = OutIn, "shapes"
		case seen[InOut]:
			b.plan.Orientation, b.plan.OrientationBy = InOut, "shapes"
		}
		for _, p := range square {
			if seen[OutIn] != seen[InOut] {
				o := OutIn
				if seen[InOut] {
					o = InOut
				}
				p.Message += fmt.Sprintf(" (the non-square matrices of this file are stored %s)", o)
			}
		}
	}
	return rules, append(problems, square...)
}

// isVectorOf reports a shape with n elements and at most one dimension
// other than 1: (n,), (n, 1), (1, n), (1, n, 1), ...
func isVectorOf(shape []int64, n int64) bool {
	prod, big := int64(1), 0
	for _, d := range shape {
		prod *= d
		if d != 1 {
			big++
		}
	}
	return prod == n && big <= 1
}

func layerNumbers(fls []*fileLayer) string {
	parts := make([]string, len(fls))
	for i, fl := range fls {
		parts[i] = strconv.Itoa(fl.n)
	}
	return strings.Join(parts, ", ")
}

func layerNames(ls []*layer) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = l.Name
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
