package h5convert

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// memSource is an in-memory HDF5 tree, for tests of the pure planner.
type memSource struct {
	objs []Object
	data map[string]*Values
}

type memDS struct {
	path  string
	dtype string // stored dtype; data is held as goDType(dtype)
	shape []int64
	data  any // nil: 0, 1, 2, ... of the right length
}

// newMem builds a tree holding the datasets, with every group above them,
// in HDF5's listing order (depth first, names sorted).
func newMem(datasets ...memDS) *memSource {
	m := &memSource{data: map[string]*Values{}}
	seen := map[string]bool{"/": true}
	m.objs = append(m.objs, Object{Path: "/", Kind: "group"})
	for _, d := range datasets {
		parts := strings.Split(strings.TrimPrefix(d.path, "/"), "/")
		for i := 1; i < len(parts); i++ {
			g := "/" + strings.Join(parts[:i], "/")
			if !seen[g] {
				seen[g] = true
				m.objs = append(m.objs, Object{Path: g, Kind: "group"})
			}
		}
		m.objs = append(m.objs, Object{Path: d.path, Kind: "dataset", DType: d.dtype, Shape: d.shape})
		if !isNumeric(d.dtype) {
			continue
		}
		data := d.data
		if data == nil {
			n, _ := numElements(d.shape)
			f := make([]float64, n)
			for i := range f {
				f[i] = float64(i)
			}
			data, _ = castData(f, goDType(d.dtype))
		}
		m.data[d.path] = &Values{DType: goDType(d.dtype), Shape: d.shape, Data: data}
	}
	slices.SortStableFunc(m.objs, func(a, b Object) int {
		return slices.Compare(strings.Split(a.Path, "/"), strings.Split(b.Path, "/"))
	})
	return m
}

// withAttr adds a string-list attribute to the object at path.
func (m *memSource) withAttr(path, name string, value ...string) *memSource {
	for i := range m.objs {
		if m.objs[i].Path == path {
			m.objs[i].Attrs = append(m.objs[i].Attrs, Attribute{Name: name, DType: "string", Shape: []int64{int64(len(value))}, Value: value})
			return m
		}
	}
	panic("withAttr: no object " + path)
}

func (m *memSource) objects() []Object { return m.objs }

func (m *memSource) read(path string) (*Values, error) {
	v, ok := m.data[path]
	if !ok {
		return nil, fmt.Errorf("mem: no dataset %s", path)
	}
	return v, nil
}

func (m *memSource) close() error { return nil }

// denseVars describes a Sequential of Dense layers dense, dense_1, ... on
// sizes[0] inputs.
func denseVars(sizes ...int64) []Variable {
	var vars []Variable
	for i := 1; i < len(sizes); i++ {
		name := "dense"
		if i > 1 {
			name = fmt.Sprintf("dense_%d", i-1)
		}
		vars = append(vars,
			Variable{Name: "sequential/" + name + "/kernel", DType: "float32", Shape: []int64{sizes[i-1], sizes[i]}, Trainable: true, Layer: name, LayerClass: "Dense", Index: 0},
			Variable{Name: "sequential/" + name + "/bias", DType: "float32", Shape: []int64{sizes[i]}, Trainable: true, Layer: name, LayerClass: "Dense", Index: 1})
	}
	return vars
}

// planMem plans from an in-memory source.
func planMem(tb testing.TB, src source, vars []Variable, opts Options, readValues bool) (*Plan, error) {
	tb.Helper()
	st, err := opts.settings()
	if err != nil {
		return nil, err
	}
	if err := checkVariables(vars); err != nil {
		return nil, err
	}
	return buildPlan("mem.h5", src, vars, st, readValues)
}

// assignment returns the plan's assignment of variable name, or nil.
func assignment(p *Plan, name string) *Assignment {
	for i := range p.Assignments {
		if p.Assignments[i].Variable == name {
			return &p.Assignments[i]
		}
	}
	return nil
}

// mustMapping parses a YAML mapping or fails the test.
func mustMapping(tb testing.TB, yaml string) *Mapping {
	tb.Helper()
	m, err := ParseMapping([]byte(yaml), "test.yaml")
	if err != nil {
		tb.Fatalf("ParseMapping = %v", err)
	}
	return m
}

// checkErr checks that err matches every kind and contains every text.
func checkErr(tb testing.TB, err error, kinds []error, texts []string) {
	tb.Helper()
	if len(kinds) == 0 && len(texts) == 0 {
		if err != nil {
			tb.Fatalf("error = %v, want none", err)
		}
		return
	}
	if err == nil {
		tb.Fatalf("error = nil, want %v %q", kinds, texts)
	}
	for _, k := range kinds {
		if !errors.Is(err, k) {
			tb.Errorf("error = %v, want errors.Is %v", err, k)
		}
	}
	for _, s := range texts {
		if !strings.Contains(err.Error(), s) {
			tb.Errorf("error = %q, want it to contain %q", err, s)
		}
	}
}
