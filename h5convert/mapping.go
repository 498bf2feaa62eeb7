package h5convert

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Mapping is an explicit mapping file: how the datasets of an HDF5 file
// become model variables when the automatic mapping cannot tell, or to
// override it. It is read from YAML or JSON; see the package documentation
// for the schema and an example.
type Mapping struct {
	// Version must be 1.
	Version int `json:"version" yaml:"version"`
	// Layout selects the automatic mapping that the entries complement:
	// "auto" (default: detect), "custom-layered", "keras-legacy",
	// "keras3", or "none" (entries only).
	Layout Layout `json:"layout,omitempty" yaml:"layout,omitempty"`
	// Orientation of a layered layout's matrices: "out-in" or "in-out".
	Orientation Orientation `json:"orientation,omitempty" yaml:"orientation,omitempty"`
	// WeightsGroups, BiasGroups and LayerPattern replace the layered
	// layout's default names (see Options).
	WeightsGroups []string `json:"weights_groups,omitempty" yaml:"weights_groups,omitempty"`
	BiasGroups    []string `json:"bias_groups,omitempty" yaml:"bias_groups,omitempty"`
	LayerPattern  string   `json:"layer_pattern,omitempty" yaml:"layer_pattern,omitempty"`
	// Entries map datasets onto variables, or skip them. They override
	// the automatic mapping for every dataset and variable they name.
	Entries []Entry `json:"entries" yaml:"entries"`

	// Name is the file the mapping was read from, for messages.
	Name string `json:"-" yaml:"-"`
}

// Entry is one line of a mapping: a dataset onto a variable, with
// transforms applied in the order transpose, reshape, cast; or a dataset
// or a variable to skip.
type Entry struct {
	// Source is the dataset's absolute path, e.g. "/Weights/Layer2".
	Source string `json:"source,omitempty" yaml:"source,omitempty"`
	// Variable is the model variable, e.g. "sequential/dense_1/kernel".
	Variable string `json:"variable,omitempty" yaml:"variable,omitempty"`
	// Transpose is true (reverse all axes, numpy's .T), false, or a
	// permutation of the axes such as [1, 0, 2].
	Transpose Permutation `json:"transpose,omitzero" yaml:"transpose,omitempty"`
	// Reshape is the shape after the transpose; one dimension may be -1.
	Reshape []int64 `json:"reshape,omitempty" yaml:"reshape,omitempty"`
	// Cast is the variable's dtype, to allow a cast that is not implicit
	// (integer to float, float to integer). Float to float casts need no
	// entry; every cast is reported.
	Cast string `json:"cast,omitempty" yaml:"cast,omitempty"`
	// Skip marks a dataset as unused or a variable as keeping its current
	// value. A skip entry names exactly one of Source and Variable.
	Skip bool `json:"skip,omitempty" yaml:"skip,omitempty"`

	// Line is the entry's line in a YAML file (0 for JSON).
	Line int `json:"-" yaml:"-"`
}

// Permutation is an entry's transpose: Reverse (true in the file) reverses
// all axes; Perm (a list in the file) permutes them; neither leaves them.
type Permutation struct {
	Reverse bool
	Perm    []int
}

// IsZero reports no transpose.
func (p Permutation) IsZero() bool { return !p.Reverse && p.Perm == nil }

// MarshalJSON writes true, false or the permutation list.
func (p Permutation) MarshalJSON() ([]byte, error) {
	if p.Perm != nil {
		return json.Marshal(p.Perm)
	}
	return json.Marshal(p.Reverse)
}

// UnmarshalJSON reads true, false or a list of axes.
func (p *Permutation) UnmarshalJSON(b []byte) error {
	var flag bool
	if err := json.Unmarshal(b, &flag); err == nil {
		*p = Permutation{Reverse: flag}
		return nil
	}
	var perm []int
	if err := json.Unmarshal(b, &perm); err != nil || perm == nil {
		return errors.New("transpose must be true, false or a list of axes")
	}
	*p = Permutation{Perm: perm}
	return nil
}

// UnmarshalYAML reads true, false or a list of axes.
func (p *Permutation) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		var flag bool
		if err := n.Decode(&flag); err != nil {
			return err
		}
		*p = Permutation{Reverse: flag}
		return nil
	}
	var perm []int
	if n.Kind != yaml.SequenceNode || n.Decode(&perm) != nil {
		return fmt.Errorf("line %d: transpose must be true, false or a list of axes", n.Line)
	}
	if perm == nil {
		perm = []int{}
	}
	*p = Permutation{Perm: perm}
	return nil
}

// transforms returns the entry's transforms for a dataset of the given
// rank (without the cast, which the planner adds).
func (e *Entry) transforms(rank int, n int) ([]Transform, error) {
	var ts []Transform
	switch {
	case e.Transpose.Perm != nil:
		if !validPerm(e.Transpose.Perm, rank) {
			return nil, fmt.Errorf("transpose %s is not a permutation of the %d axes", formatInts(e.Transpose.Perm), rank)
		}
		ts = append(ts, Transform{Op: "transpose", Perm: e.Transpose.Perm})
	case e.Transpose.Reverse && rank >= 2:
		ts = append(ts, transposeT(rank))
	}
	if e.Reshape != nil {
		shape, err := resolveReshape(e.Reshape, n)
		if err != nil {
			return nil, err
		}
		ts = append(ts, Transform{Op: "reshape", Shape: shape})
	}
	return ts, nil
}

// MappingError is a mapping file that cannot be read or is invalid.
type MappingError struct {
	File  string // the mapping file's name
	Line  int    // YAML line, when known
	Entry int    // 1-based entry number, when the error is in one
	Err   error
}

// Error reads "file:line: entry N: message".
func (e *MappingError) Error() string {
	var b strings.Builder
	b.WriteString("h5convert: mapping ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Entry > 0 {
		fmt.Fprintf(&b, ": entry %d", e.Entry)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the cause.
func (e *MappingError) Unwrap() error { return e.Err }

// LoadMapping reads and validates a mapping file; ".json" files are JSON,
// others YAML (which JSON also parses as, so either works).
func LoadMapping(file string) (*Mapping, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, &MappingError{File: file, Err: err}
	}
	return ParseMapping(data, file)
}

// maxMappingSize bounds what ParseMapping accepts.
const maxMappingSize = 16 << 20

// ParseMapping parses and validates a mapping from YAML or JSON. name is
// used in messages and picks the format: a name ending in ".json", or
// content starting with '{', is read as strict JSON; anything else as
// YAML. Unknown fields are errors in both.
func ParseMapping(data []byte, name string) (*Mapping, error) {
	fail := func(line, entry int, err error) error {
		return &MappingError{File: name, Line: line, Entry: entry, Err: err}
	}
	if len(data) > maxMappingSize {
		return nil, fail(0, 0, fmt.Errorf("file is larger than %d bytes", maxMappingSize))
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fail(0, 0, errors.New("empty mapping"))
	}
	var m Mapping
	if strings.EqualFold(filepath.Ext(name), ".json") || trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			return nil, fail(0, 0, err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, fail(0, 0, errors.New("data after the JSON object"))
		}
	} else {
		if err := decodeYAML(data, &m); err != nil {
			var me *MappingError
			if errors.As(err, &me) {
				me.File = name
				return nil, me
			}
			return nil, fail(0, 0, err)
		}
	}
	m.Name = name
	if err := m.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// decodeYAML decodes exactly one YAML document strictly into m and records
// each entry's line.
func decodeYAML(data []byte, m *Mapping) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		return errors.New("more than one YAML document")
	}
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	if err := strict.Decode(m); err != nil {
		return err
	}
	if len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		root := doc.Content[0]
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "entries" && root.Content[i+1].Kind == yaml.SequenceNode {
				for k, item := range root.Content[i+1].Content {
					if k < len(m.Entries) {
						m.Entries[k].Line = item.Line
					}
				}
			}
		}
	}
	return nil
}

// validate checks what can be checked without the file and the model.
func (m *Mapping) validate() error {
	fail := func(e *Entry, k int, format string, args ...any) error {
		line := 0
		if e != nil {
			line = e.Line
		}
		return &MappingError{File: m.Name, Line: line, Entry: k, Err: fmt.Errorf(format, args...)}
	}
	if m.Version != 1 {
		return fail(nil, 0, "version is %d; want 1", m.Version)
	}
	if l, err := ParseLayout(string(m.Layout)); err != nil {
		return fail(nil, 0, "layout %q is not one of auto, custom-layered, keras-legacy, keras3, none", m.Layout)
	} else {
		m.Layout = l
	}
	if o, err := ParseOrientation(string(m.Orientation)); err != nil {
		return fail(nil, 0, "orientation %q is not out-in or in-out", m.Orientation)
	} else {
		m.Orientation = o
	}
	if m.WeightsGroups != nil || m.BiasGroups != nil || m.LayerPattern != "" {
		if _, err := newLayeredNames(m.WeightsGroups, m.BiasGroups, m.LayerPattern); err != nil {
			return fail(nil, 0, "%v", strings.TrimPrefix(err.Error(), "h5convert: "))
		}
	}
	targets := map[string]int{} // variable -> entry number
	sources := map[string]int{} // skipped source -> entry number
	for i := range m.Entries {
		e := &m.Entries[i]
		k := i + 1
		if e.Source != "" {
			src, err := cleanSource(e.Source)
			if err != nil {
				return fail(e, k, "%v", err)
			}
			e.Source = src
		}
		if e.Cast != "" && (!isNumeric(e.Cast) || e.Cast == "float16" || e.Cast == "float128") {
			return fail(e, k, "cast %q is not a dtype (float32, float64, int8, ..., uint64)", e.Cast)
		}
		if e.Transpose.Perm != nil && !validPerm(e.Transpose.Perm, len(e.Transpose.Perm)) {
			return fail(e, k, "transpose %s is not a permutation", formatInts(e.Transpose.Perm))
		}
		if e.Reshape != nil {
			if _, err := resolveReshapeShape(e.Reshape); err != nil {
				return fail(e, k, "%v", err)
			}
		}
		if e.Skip {
			if (e.Source == "") == (e.Variable == "") {
				return fail(e, k, "a skip entry names either a source or a variable, not both or neither")
			}
			if !e.Transpose.IsZero() || e.Reshape != nil || e.Cast != "" {
				return fail(e, k, "a skip entry has no transpose, reshape or cast")
			}
			if e.Source != "" {
				if prev, dup := sources[e.Source]; dup {
					return fail(e, k, "dataset %s is already skipped by entry %d", e.Source, prev)
				}
				sources[e.Source] = k
			}
		} else if e.Source == "" || e.Variable == "" {
			return fail(e, k, "an entry needs both source and variable (or skip: true)")
		}
		if e.Variable != "" {
			if prev, dup := targets[e.Variable]; dup {
				return fail(e, k, "duplicate mapping target %s: entry %d already maps or skips it", e.Variable, prev)
			}
			targets[e.Variable] = k
		}
	}
	for i := range m.Entries {
		e := &m.Entries[i]
		if !e.Skip {
			if prev, skipped := sources[e.Source]; skipped {
				return fail(e, i+1, "dataset %s is mapped here but skipped by entry %d", e.Source, prev)
			}
		}
	}
	return nil
}

// cleanSource makes a dataset path absolute and clean ("Weights/Layer1"
// becomes "/Weights/Layer1").
func cleanSource(s string) (string, error) {
	if strings.ContainsRune(s, 0) {
		return "", errors.New("source contains a NUL byte")
	}
	c := path.Clean("/" + strings.TrimSpace(s))
	if c == "/" {
		return "", fmt.Errorf("source %q is not a dataset path", s)
	}
	return c, nil
}

// resolveReshapeShape checks a reshape list on its own: dimensions >= 0
// and at most one -1.
func resolveReshapeShape(want []int64) ([]int64, error) {
	free := 0
	for _, d := range want {
		switch {
		case d == -1:
			free++
		case d < 0:
			return nil, fmt.Errorf("reshape %s has a negative dimension", formatShape(want))
		}
	}
	if free > 1 {
		return nil, fmt.Errorf("reshape %s has more than one -1", formatShape(want))
	}
	return want, nil
}
