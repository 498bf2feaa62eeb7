package h5convert

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Layout names how the weights are arranged in an HDF5 file.
type Layout string

// The layouts. LayoutAuto asks NewPlan to detect it; LayoutNone turns the
// automatic mapping off, so only mapping entries count; LayoutUnknown is
// what detection answers for anything else.
const (
	LayoutAuto Layout = ""
	// LayoutCustomLayered is /Weights/LayerN and /Bias/LayerN (group and
	// layer names configurable), mapped onto the model's Dense layers in
	// order.
	LayoutCustomLayered Layout = "custom-layered"
	// LayoutKerasLegacy is Keras' HDF5 format of save_weights('x.h5') and
	// model.save('x.h5'): layer_names / weight_names attributes.
	LayoutKerasLegacy Layout = "keras-legacy"
	// LayoutKeras3 is Keras 3's .weights.h5: layers/<name>/vars/<i>.
	LayoutKeras3  Layout = "keras3"
	LayoutNone    Layout = "none"
	LayoutUnknown Layout = "unknown"
)

// ParseLayout parses a --layout flag or a mapping file's layout: "auto" or
// "" (detect), "custom-layered", "keras-legacy", "keras3" or "none".
func ParseLayout(s string) (Layout, error) {
	switch l := Layout(strings.TrimSpace(s)); l {
	case "auto", LayoutAuto:
		return LayoutAuto, nil
	case LayoutCustomLayered, LayoutKerasLegacy, LayoutKeras3, LayoutNone:
		return l, nil
	}
	return "", fmt.Errorf("h5convert: unknown layout %q (want auto, custom-layered, keras-legacy, keras3 or none)", s)
}

// Orientation says how the weight matrices of a layered layout are stored.
type Orientation string

// Orientations. OrientationAuto takes it from the shapes, which fails for
// square matrices.
const (
	OrientationAuto Orientation = ""
	// OutIn: stored (out, in), the transpose of a Keras kernel, as
	// column-major writers such as MATLAB leave a W used as W*x.
	OutIn Orientation = "out-in"
	// InOut: stored (in, out), like a Keras kernel.
	InOut Orientation = "in-out"
)

// ParseOrientation parses an --orientation flag: "auto" or "",
// "out-in" or "in-out".
func ParseOrientation(s string) (Orientation, error) {
	switch o := Orientation(strings.TrimSpace(s)); o {
	case "auto", OrientationAuto:
		return OrientationAuto, nil
	case OutIn, InOut:
		return o, nil
	}
	return "", fmt.Errorf("h5convert: unknown orientation %q (want out-in or in-out)", s)
}

// Default names of the layered layout; matched without regard to case.
var (
	DefaultWeightsGroups = []string{"Weights", "Weight", "W", "Kernel", "Kernels"}
	DefaultBiasGroups    = []string{"Bias", "Biases", "B"}
	// DefaultLayerPattern matches Layer1, layer_1, layer-1, LAYER1 and 1.
	DefaultLayerPattern = `(?i)^(?:layer)?[_-]?(\d+)$`
)

// layeredNames recognises the datasets of a layered layout.
type layeredNames struct {
	weights map[string]bool // lower case
	bias    map[string]bool
	layer   *regexp.Regexp
}

func newLayeredNames(weights, bias []string, pattern string) (*layeredNames, error) {
	if len(weights) == 0 {
		weights = DefaultWeightsGroups
	}
	if len(bias) == 0 {
		bias = DefaultBiasGroups
	}
	if pattern == "" {
		pattern = DefaultLayerPattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("h5convert: layer pattern %q: %w", pattern, err)
	}
	if re.NumSubexp() != 1 {
		return nil, fmt.Errorf("h5convert: layer pattern %q must have exactly one group (the layer number)", pattern)
	}
	n := &layeredNames{weights: map[string]bool{}, bias: map[string]bool{}, layer: re}
	for _, w := range weights {
		n.weights[strings.ToLower(w)] = true
	}
	for _, b := range bias {
		if n.weights[strings.ToLower(b)] {
			return nil, fmt.Errorf("h5convert: %q is both a weights and a bias group name", b)
		}
		n.bias[strings.ToLower(b)] = true
	}
	return n, nil
}

// layerNumber parses a layer name; false when it does not match.
func (n *layeredNames) layerNumber(name string) (int, bool) {
	m := n.layer.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	k, err := strconv.Atoi(m[1])
	if err != nil || k < 0 {
		return 0, false
	}
	return k, true
}

// classify tells whether a dataset path belongs to a layered layout: its
// last two components are a weights or bias group and a layer name, in
// either order (/Weights/Layer1 or /Layer1/Weights).
func (n *layeredNames) classify(path string) (isBias bool, layerNo int, ok bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(parts) < 2 {
		return false, 0, false
	}
	a, b := parts[len(parts)-2], parts[len(parts)-1]
	for _, pair := range [2][2]string{{a, b}, {b, a}} {
		group, name := strings.ToLower(pair[0]), pair[1]
		if k, isLayer := n.layerNumber(name); isLayer {
			if n.weights[group] {
				return false, k, true
			}
			if n.bias[group] {
				return true, k, true
			}
		}
	}
	return false, 0, false
}

// detectLayout tells the layout of a file from its tree.
func detectLayout(t *tree, names *layeredNames) Layout {
	if t.kerasLegacyRoot() != "" {
		return LayoutKerasLegacy
	}
	if t.isKeras3() {
		return LayoutKeras3
	}
	for _, o := range t.objs {
		if o.Kind == "dataset" && isNumeric(o.DType) {
			if _, _, ok := names.classify(o.Path); ok {
				return LayoutCustomLayered
			}
		}
	}
	return LayoutUnknown
}
