package h5convert

import (
	"encoding/json"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Object is one entry of an HDF5 file's tree, as List shows it.
type Object struct {
	// Path is absolute: "/" for the root group, "/Weights/Layer1".
	Path string `json:"path"`
	// Kind is "group", "dataset", "soft-link", "external-link", "datatype"
	// or "other".
	Kind string `json:"kind"`
	// DType (datasets) is the stored type: "float64", "int32", "string"
	// (variable length), "string[8]" (fixed length), "compound", ...
	DType string `json:"dtype,omitempty"`
	// BigEndian marks numeric data stored big-endian.
	BigEndian bool `json:"big_endian,omitempty"`
	// Space (datasets) is "scalar" or "null" for those dataspaces, empty
	// for an ordinary array.
	Space string `json:"space,omitempty"`
	// Shape (datasets) is the shape as a C, Go or h5py reader sees it.
	Shape []int64 `json:"shape,omitempty"`
	// Attrs are the object's attributes in name order.
	Attrs []Attribute `json:"attrs,omitempty"`
	// Target is where a soft link ("/path") or an external link
	// ("file:/path") points; links are listed, not followed.
	Target string `json:"target,omitempty"`
	// SeenAt is set on a second hard link to an object listed earlier at
	// that path; its content is not listed again.
	SeenAt string `json:"seen_at,omitempty"`
	// Stats (datasets, with ListOptions.Stats) summarises numeric values.
	Stats *Stats `json:"stats,omitempty"`
	// StatsError says why Stats is missing for a numeric dataset that
	// could not be read (too large, an unavailable compression filter).
	StatsError string `json:"stats_error,omitempty"`
}

// Attribute is a named value attached to a group or dataset.
type Attribute struct {
	Name  string  `json:"name"`
	DType string  `json:"dtype"`
	Shape []int64 `json:"shape"`
	// Value is []string for strings, []float64 for floats, []int64 or
	// []uint64 for integers; nil when Unreadable says why it is not read.
	Value      any    `json:"value"`
	Unreadable string `json:"unreadable,omitempty"`
}

// MarshalJSON writes non-finite float values as the strings "NaN", "+Inf"
// and "-Inf", which JSON cannot hold as numbers.
func (a Attribute) MarshalJSON() ([]byte, error) {
	type plain Attribute
	p := plain(a)
	if p.Shape == nil {
		p.Shape = []int64{}
	}
	if f, ok := a.Value.([]float64); ok {
		p.Value = jsonFloats(f)
	}
	return json.Marshal(p)
}

// jsonFloats converts floats to JSON values, non-finite ones to strings.
func jsonFloats(f []float64) []any {
	out := make([]any, len(f))
	for i, x := range f {
		out[i] = jsonFloat(x)
	}
	return out
}

func jsonFloat(x float64) any {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	}
	return x
}

// source is an open HDF5 file as the planner sees it. The cgo build
// implements it over internal/hdf5; tests also use an in-memory one.
type source interface {
	// objects returns the whole tree, root first, members in name order.
	objects() []Object
	// read returns a numeric dataset's values, held as goDType of its
	// stored dtype.
	read(path string) (*Values, error)
	close() error
}

// tree indexes a file's objects.
type tree struct {
	file   string
	objs   []Object
	byPath map[string]*Object
}

func newTree(file string, objs []Object) *tree {
	t := &tree{file: file, objs: objs, byPath: make(map[string]*Object, len(objs))}
	for i := range objs {
		t.byPath[objs[i].Path] = &objs[i]
	}
	return t
}

// get returns the object at path, or nil.
func (t *tree) get(path string) *Object { return t.byPath[path] }

// attr returns the named attribute of the object at path, or nil.
func (t *tree) attr(path, name string) *Attribute {
	o := t.byPath[path]
	if o == nil {
		return nil
	}
	for i := range o.Attrs {
		if o.Attrs[i].Name == name {
			return &o.Attrs[i]
		}
	}
	return nil
}

// keras list attribute: name, or name0, name1, ... when Keras split it.
var chunkSuffix = regexp.MustCompile(`^\d+$`)

// kerasList reads a list attribute the way Keras' legacy loader does: the
// attribute itself or, when it was too large, its chunks name0, name1, ...
// An empty numeric attribute (Keras writes one for a layer without
// weights) is an empty list. ok is false when neither form is present.
func (t *tree) kerasList(path, name string) (list []string, ok bool) {
	if a := t.attr(path, name); a != nil {
		return attrStrings(a), true
	}
	o := t.byPath[path]
	if o == nil {
		return nil, false
	}
	type chunk struct {
		n int
		a *Attribute
	}
	var chunks []chunk
	for i := range o.Attrs {
		a := &o.Attrs[i]
		if rest, found := strings.CutPrefix(a.Name, name); found && chunkSuffix.MatchString(rest) {
			n, _ := strconv.Atoi(rest)
			chunks = append(chunks, chunk{n, a})
		}
	}
	if len(chunks) == 0 {
		return nil, false
	}
	sort.Slice(chunks, func(i, j int) bool { return chunks[i].n < chunks[j].n })
	for k, c := range chunks {
		if c.n != k { // Keras reads name0, name1, ... up to the first gap
			break
		}
		list = append(list, attrStrings(c.a)...)
	}
	return list, true
}

// attrStrings returns a string attribute's values; an attribute of
// another type gives none.
func attrStrings(a *Attribute) []string {
	if s, ok := a.Value.([]string); ok {
		return s
	}
	return nil
}

// kerasLegacyRoot returns the group holding a Keras legacy layer_names
// attribute: "/" (save_weights) or "/model_weights" (model.save), or "".
func (t *tree) kerasLegacyRoot() string {
	for _, root := range []string{"/", "/model_weights"} {
		if names, ok := t.kerasList(root, "layer_names"); ok && len(names) > 0 {
			return root
		}
	}
	return ""
}

// keras3Var matches the dataset paths of a Keras 3 .weights.h5 file.
var keras3Var = regexp.MustCompile(`^/layers/(.+)/vars/(\d+)$`)

// isKeras3 reports a Keras 3 .weights.h5 tree: a /layers group with at
// least one layers/<name>/vars/<i> dataset.
func (t *tree) isKeras3() bool {
	if o := t.get("/layers"); o == nil || o.Kind != "group" {
		return false
	}
	for _, o := range t.objs {
		if o.Kind == "dataset" && keras3Var.MatchString(o.Path) {
			return true
		}
	}
	return false
}
