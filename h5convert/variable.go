package h5convert

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
)

// Variable describes one variable of the model that weights are loaded
// into. The lead's savedmodel package fills it from the model description
// (assets.extra) or the graph; tests read it from JSON.
type Variable struct {
	// Name is the variable's Keras path, which is also its VarHandleOp
	// name: "sequential/dense/kernel".
	Name string `json:"name"`
	// DType is the element type, e.g. "float32".
	DType string `json:"dtype"`
	// Shape is the variable's shape; a Dense kernel is (in, out).
	Shape []int64 `json:"shape"`
	// Trainable says whether the variable is trained. Every trainable
	// variable must be covered by a plan (or skipped explicitly);
	// non-trainable ones that the file lacks keep their values.
	Trainable bool `json:"trainable"`
	// Layer is the Keras layer name, e.g. "dense_1".
	Layer string `json:"layer"`
	// LayerClass is the Keras layer class, e.g. "Dense".
	LayerClass string `json:"layer_class"`
	// Index is the variable's position in layer.weights (Dense: kernel 0,
	// bias 1).
	Index int `json:"index"`
}

// ReadVariables decodes a JSON array of Variable (the form of the
// *_variables.json files in testdata/, written by gen_fixtures.py).
func ReadVariables(r io.Reader) ([]Variable, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var vars []Variable
	if err := dec.Decode(&vars); err != nil {
		return nil, fmt.Errorf("h5convert: variables: %w", err)
	}
	if err := checkVariables(vars); err != nil {
		return nil, err
	}
	return vars, nil
}

// LoadVariables reads a JSON variable list from a file.
func LoadVariables(path string) ([]Variable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("h5convert: %w", err)
	}
	defer f.Close()
	vars, err := ReadVariables(f)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return vars, nil
}

// checkVariables rejects a variable list that cannot describe a model.
func checkVariables(vars []Variable) error {
	seen := map[string]bool{}
	for i, v := range vars {
		if v.Name == "" {
			return fmt.Errorf("h5convert: variable %d has no name", i)
		}
		if seen[v.Name] {
			return fmt.Errorf("h5convert: variable %s is listed twice", v.Name)
		}
		seen[v.Name] = true
		if _, ok := numElements(v.Shape); !ok {
			return fmt.Errorf("h5convert: variable %s has an invalid shape %s", v.Name, formatShape(v.Shape))
		}
		if !isNumeric(v.DType) || v.DType == "float16" || v.DType == "float128" {
			return fmt.Errorf("h5convert: variable %s has dtype %q; want float32, float64 or an integer type", v.Name, v.DType)
		}
	}
	return nil
}

// layer is one model layer with variables, in model order.
type layer struct {
	Name  string
	Class string
	Vars  []*Variable // in Index order
}

// layersOf groups vars by layer, in the order layers first appear.
func layersOf(vars []Variable) []*layer {
	var out []*layer
	byName := map[string]*layer{}
	for i := range vars {
		v := &vars[i]
		l := byName[v.Layer]
		if l == nil {
			l = &layer{Name: v.Layer, Class: v.LayerClass}
			byName[v.Layer] = l
			out = append(out, l)
		}
		l.Vars = append(l.Vars, v)
	}
	for _, l := range out {
		sort.SliceStable(l.Vars, func(a, b int) bool { return l.Vars[a].Index < l.Vars[b].Index })
	}
	return out
}

// legacyOrder returns the layer's variables in the order Keras writes
// them into H5 files (legacy save_weights and Keras 3 .weights.h5 alike):
// trainable ones first, then the others, each in layer.weights order.
func (l *layer) legacyOrder() []*Variable {
	var out []*Variable
	for _, v := range l.Vars {
		if v.Trainable {
			out = append(out, v)
		}
	}
	for _, v := range l.Vars {
		if !v.Trainable {
			out = append(out, v)
		}
	}
	return out
}

// kernelBias returns a Dense-like layer's kernel (rank 2) and bias (rank
// 1, may be nil), or nil when the layer is not Dense-like.
func (l *layer) kernelBias() (kernel, bias *Variable) {
	if l.Class != "Dense" && l.Class != "" {
		return nil, nil
	}
	for _, v := range l.Vars {
		switch {
		case kernel == nil && len(v.Shape) == 2 && (baseName(v.Name) == "kernel" || v.Index == 0):
			kernel = v
		case bias == nil && len(v.Shape) == 1 && (baseName(v.Name) == "bias" || v.Index == 1):
			bias = v
		}
	}
	if kernel == nil {
		return nil, nil
	}
	if bias != nil && bias.Shape[0] != kernel.Shape[1] {
		bias = nil
	}
	return kernel, bias
}

// baseName is the last component of a slash-separated name.
func baseName(name string) string {
	if i := lastSlash(name); i >= 0 {
		return name[i+1:]
	}
	return name
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

// variableIndex maps variable names to the variables.
func variableIndex(vars []Variable) map[string]*Variable {
	m := make(map[string]*Variable, len(vars))
	for i := range vars {
		m[vars[i].Name] = &vars[i]
	}
	return m
}

func cloneShape(s []int64) []int64 {
	if s == nil {
		return []int64{}
	}
	return slices.Clone(s)
}
