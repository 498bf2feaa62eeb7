package h5convert

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// seedFile is the seed's layout for Dense(4) on 3 inputs -> Dense(4) ->
// Dense(2): matrices out x in, biases n x 1, float64; layer 2 is square.
func seedFile() *memSource {
	return newMem(
		memDS{path: "/Weights/Layer1", dtype: "float64", shape: []int64{4, 3}},
		memDS{path: "/Weights/Layer2", dtype: "float64", shape: []int64{4, 4}},
		memDS{path: "/Weights/Layer3", dtype: "float64", shape: []int64{2, 4}},
		memDS{path: "/Bias/Layer1", dtype: "float64", shape: []int64{4, 1}},
		memDS{path: "/Bias/Layer2", dtype: "float64", shape: []int64{4, 1}},
		memDS{path: "/Bias/Layer3", dtype: "float64", shape: []int64{2, 1}},
	)
}

func TestPlanLayered(t *testing.T) {
	seedVars := denseVars(3, 4, 4, 2)
	tests := []struct {
		name   string
		src    *memSource
		vars   []Variable
		opts   Options
		kinds  []error
		texts  []string
		assign map[string]string // variable -> "source: transforms"
	}{
		{
			name: "square needs an orientation", src: seedFile(), vars: seedVars,
			kinds: []error{ErrAmbiguousOrientation},
			texts: []string{"mem.h5: dataset /Weights/Layer2 [4 4] is square", "sequential/dense_1/kernel [4 4]", "--orientation out-in", "transpose: true|false", "non-square matrices of this file are stored out-in"},
		},
		{
			name: "orientation flag", src: seedFile(), vars: seedVars, opts: Options{Orientation: OutIn},
			assign: map[string]string{
				"sequential/dense/kernel":   "/Weights/Layer1: transpose, cast float64->float32",
				"sequential/dense_1/kernel": "/Weights/Layer2: transpose, cast float64->float32",
				"sequential/dense_2/bias":   "/Bias/Layer3: reshape [2], cast float64->float32",
			},
		},
		{
			name: "orientation from the mapping file", src: seedFile(), vars: seedVars,
			opts:   Options{Mapping: mustMapping(t, "version: 1\norientation: out-in\nentries: []\n")},
			assign: map[string]string{"sequential/dense_1/kernel": "/Weights/Layer2: transpose, cast float64->float32"},
		},
		{
			name: "square fixed by a mapping entry", src: seedFile(), vars: seedVars,
			opts: Options{Mapping: mustMapping(t, `
version: 1
entries:
  - source: /Weights/Layer2
    variable: sequential/dense_1/kernel
    transpose: false
`)},
			assign: map[string]string{
				"sequential/dense/kernel":   "/Weights/Layer1: transpose, cast float64->float32",
				"sequential/dense_1/kernel": "/Weights/Layer2: cast float64->float32",
			},
		},
		{
			name: "in-out flag against out-in shapes", src: seedFile(), vars: seedVars, opts: Options{Orientation: InOut},
			kinds: []error{ErrShapeMismatch},
			texts: []string{"dataset /Weights/Layer1 [4 3] does not fit variable sequential/dense/kernel [3 4] (custom-layered layer 1)"},
		},
		{
			name: "neither orientation fits", vars: seedVars, opts: Options{},
			src: newMem(
				memDS{path: "/W/1", dtype: "float32", shape: []int64{5, 3}},
				memDS{path: "/W/2", dtype: "float32", shape: []int64{4, 4}},
				memDS{path: "/W/3", dtype: "float32", shape: []int64{2, 4}},
			),
			kinds: []error{ErrShapeMismatch, ErrAmbiguousOrientation, ErrUncovered},
			texts: []string{"dataset /W/1 [5 3] does not fit variable sequential/dense/kernel [3 4], neither as stored nor transposed", "sequential/dense/bias [4] gets no value from mem.h5 (mem.h5 has no bias dataset for layer 1)"},
		},
		{
			name: "numeric order, names kernel and 1", vars: denseVars(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
			src: func() *memSource {
				var ds []memDS
				for n := 1; n <= 10; n++ {
					ds = append(ds, memDS{path: "/kernel/" + strconv.Itoa(n), dtype: "float32", shape: []int64{int64(n + 2), int64(n + 1)}})
				}
				return newMem(ds...)
			}(),
			kinds: []error{ErrUncovered},
			texts: []string{"sequential/dense_9/bias [12] gets no value"},
			assign: map[string]string{
				"sequential/dense_1/kernel": "/kernel/2: transpose",
				"sequential/dense_9/kernel": "/kernel/10: transpose",
			},
		},
		{
			name: "layer-first nesting and bias shapes", vars: denseVars(3, 2, 2),
			opts: Options{Orientation: InOut},
			src: newMem(
				memDS{path: "/net/layer_1/weights", dtype: "float32", shape: []int64{3, 2}},
				memDS{path: "/net/layer_1/bias", dtype: "float32", shape: []int64{1, 2}},
				memDS{path: "/net/layer_2/weights", dtype: "float32", shape: []int64{2, 2}},
				memDS{path: "/net/layer_2/bias", dtype: "float32", shape: []int64{2}},
			),
			assign: map[string]string{
				"sequential/dense/kernel":   "/net/layer_1/weights: -",
				"sequential/dense/bias":     "/net/layer_1/bias: reshape [2]",
				"sequential/dense_1/bias":   "/net/layer_2/bias: -",
				"sequential/dense_1/kernel": "/net/layer_2/weights: -",
			},
		},
		{
			name: "layer counts differ", src: seedFile(), vars: denseVars(3, 4, 2), opts: Options{Orientation: OutIn},
			kinds: []error{ErrLayout},
			texts: []string{"mem.h5 has 3 weight layers (1, 2, 3) but the model has 2 Dense layers (dense, dense_1)"},
		},
		{
			name: "an extra model layer skipped in the mapping", src: seedFile(), vars: denseVars(3, 4, 4, 2, 5),
			opts: Options{Orientation: OutIn, Mapping: mustMapping(t, `
version: 1
entries:
  - {variable: sequential/dense_3/kernel, skip: true}
  - {variable: sequential/dense_3/bias, skip: true}
`)},
			assign: map[string]string{"sequential/dense_2/kernel": "/Weights/Layer3: transpose, cast float64->float32"},
		},
		{
			name: "an extra file layer skipped in the mapping", vars: denseVars(3, 4, 4, 2),
			src: func() *memSource {
				m := seedFile()
				extra := newMem(memDS{path: "/Weights/Layer4", dtype: "float64", shape: []int64{9, 2}})
				m.objs = append(m.objs, extra.objs[2])
				m.data["/Weights/Layer4"] = extra.data["/Weights/Layer4"]
				return m
			}(),
			opts:   Options{Orientation: OutIn, Mapping: mustMapping(t, "version: 1\nentries: [{source: /Weights/Layer4, skip: true}]\n")},
			assign: map[string]string{"sequential/dense_2/bias": "/Bias/Layer3: reshape [2], cast float64->float32"},
		},
		{
			name: "two weights datasets for one layer", vars: denseVars(3, 4),
			src: newMem(
				memDS{path: "/W/Layer1", dtype: "float32", shape: []int64{4, 3}},
				memDS{path: "/Weights/Layer1", dtype: "float32", shape: []int64{4, 3}},
				memDS{path: "/Bias/Layer1", dtype: "float32", shape: []int64{4}},
			),
			kinds: []error{ErrLayout},
			texts: []string{"two weights datasets for layer 1, /W/Layer1 and /Weights/Layer1"},
		},
		{
			name: "bias for a layer without one", vars: denseVars(3, 4)[:1],
			src: newMem(
				memDS{path: "/Weights/Layer1", dtype: "float32", shape: []int64{4, 3}},
				memDS{path: "/Bias/Layer1", dtype: "float32", shape: []int64{4}},
			),
			kinds: []error{ErrLayout},
			texts: []string{"dataset /Bias/Layer1 has no target: layer dense has no bias"},
		},
		{
			name: "custom group and layer names", vars: denseVars(3, 4),
			opts: Options{WeightsGroups: []string{"Gewichte"}, BiasGroups: []string{"Schwellen"}, LayerPattern: `^Schicht(\d+)$`},
			src: newMem(
				memDS{path: "/Gewichte/Schicht1", dtype: "float32", shape: []int64{4, 3}},
				memDS{path: "/Schwellen/Schicht1", dtype: "float32", shape: []int64{4, 1}},
			),
			assign: map[string]string{"sequential/dense/kernel": "/Gewichte/Schicht1: transpose", "sequential/dense/bias": "/Schwellen/Schicht1: reshape [4]"},
		},
		{
			name: "gaps in the layer numbers", vars: denseVars(3, 4, 2),
			src: newMem(
				memDS{path: "/Weights/Layer1", dtype: "float32", shape: []int64{4, 3}},
				memDS{path: "/Weights/Layer3", dtype: "float32", shape: []int64{2, 4}},
				memDS{path: "/Bias/Layer1", dtype: "float32", shape: []int64{4}},
				memDS{path: "/Bias/Layer3", dtype: "float32", shape: []int64{2}},
			),
			assign: map[string]string{"sequential/dense_1/kernel": "/Weights/Layer3: transpose"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planMem(t, tt.src, tt.vars, tt.opts, true)
			checkErr(t, err, tt.kinds, tt.texts)
			if err != nil && p == nil {
				t.Fatalf("NewPlan = nil plan with a validation error")
			}
			for v, want := range tt.assign {
				a := assignment(p, v)
				if a == nil {
					t.Errorf("no assignment of %s; plan %+v", v, p.Assignments)
					continue
				}
				ts := transformList(a.Transforms)
				if ts == "" {
					ts = "-"
				}
				if got := a.Source + ": " + ts; got != want {
					t.Errorf("assignment of %s = %q, want %q", v, got, want)
				}
				if a.Values == nil || !slices.Equal(a.Values.Shape, a.Shape) || a.Values.DType != a.DType {
					t.Errorf("assignment of %s has values %+v, want shape %v dtype %s", v, a.Values, a.Shape, a.DType)
				}
			}
		})
	}
}

// TestPlanValues checks the numbers, not only the shapes: a transposed
// matrix and a flattened bias.
func TestPlanValues(t *testing.T) {
	src := newMem(
		memDS{path: "/Weights/Layer1", dtype: "float64", shape: []int64{2, 3}, data: []float64{11, 12, 13, 21, 22, 23}},
		memDS{path: "/Bias/Layer1", dtype: "float64", shape: []int64{2, 1}, data: []float64{1.5, -2.5}},
	)
	p, err := planMem(t, src, denseVars(3, 2), Options{}, true)
	if err != nil {
		t.Fatalf("plan = %v", err)
	}
	k := assignment(p, "sequential/dense/kernel").Values
	// W is (out=2, in=3); the kernel is (in, out): kernel[i][o] = W[o][i].
	if want := []float32{11, 21, 12, 22, 13, 23}; !slices.Equal(k.Data.([]float32), want) || !slices.Equal(k.Shape, []int64{3, 2}) {
		t.Errorf("kernel = %v %v, want [3 2] %v", k.Shape, k.Data, want)
	}
	b := assignment(p, "sequential/dense/bias").Values
	if want := []float32{1.5, -2.5}; !slices.Equal(b.Data.([]float32), want) {
		t.Errorf("bias = %v, want %v", b.Data, want)
	}
	if a := assignment(p, "sequential/dense/kernel"); a.Cast != "float64->float32" {
		t.Errorf("kernel cast = %q, want float64->float32", a.Cast)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "2 dataset(s) cast float64->float32 (values rounded to float32)") {
		t.Errorf("warnings = %q, want the cast reported", p.Warnings)
	}
}

func TestPlanNonFinite(t *testing.T) {
	src := func() *memSource {
		return newMem(
			memDS{path: "/Weights/Layer1", dtype: "float64", shape: []int64{2, 3}, data: []float64{0, 1, 2, 3, math.NaN(), 5}},
			memDS{path: "/Bias/Layer1", dtype: "float64", shape: []int64{2}, data: []float64{math.Inf(-1), 1e300}},
		)
	}
	_, err := planMem(t, src(), denseVars(3, 2), Options{}, true)
	checkErr(t, err, []error{ErrNonFinite}, []string{
		"dataset /Weights/Layer1 has 1 NaN and 0 infinite values (first at [1 1]); refusing to assign them to sequential/dense/kernel (pass --allow-nonfinite",
		"dataset /Bias/Layer1 has 0 NaN and 1 infinite values (first at [0])",
		"dataset /Bias/Layer1 has 1 values beyond the range of float32 (first at [1]: 1e+300), which the cast float64->float32 would turn into infinities in sequential/dense/bias",
	})
	p, err := planMem(t, src(), denseVars(3, 2), Options{AllowNonfinite: true}, true)
	if err != nil {
		t.Fatalf("plan with AllowNonfinite = %v", err)
	}
	if a := assignment(p, "sequential/dense/kernel"); a.NaN != 1 || !math.IsNaN(float64(a.Values.Data.([]float32)[3])) {
		t.Errorf("kernel NaN = %d, values %v; want the NaN assigned (at kernel [1 1])", a.NaN, a.Values.Data)
	}
	if got := strings.Join(p.Warnings, "\n"); !strings.Contains(got, "as --allow-nonfinite asks") {
		t.Errorf("warnings = %q, want the non-finite values reported", got)
	}
}

func TestPlanMapping(t *testing.T) {
	src := func() *memSource {
		return newMem(
			memDS{path: "/net/enc/W", dtype: "float32", shape: []int64{3, 4}},
			memDS{path: "/net/enc/b", dtype: "float32", shape: []int64{4}},
			memDS{path: "/net/dec/W", dtype: "float64", shape: []int64{2, 4}},
			memDS{path: "/net/dec/b", dtype: "int32", shape: []int64{1, 2}},
			memDS{path: "/net/name", dtype: "string", shape: []int64{}},
		)
	}
	vars := denseVars(3, 4, 2)
	const good = `version: 1
layout: none
entries:
  - {source: /net/enc/W, variable: sequential/dense/kernel}
  - {source: net/enc/b, variable: sequential/dense/bias}
  - {source: /net/dec/W, variable: sequential/dense_1/kernel, transpose: [1, 0]}
  - {source: /net/dec/b, variable: sequential/dense_1/bias, reshape: [-1], cast: float32}
`
	tests := []struct {
		name    string
		mapping string
		kinds   []error
		texts   []string
	}{
		{"all mapped", good, nil, nil},
		{"missing dataset", good + "  - {source: /net/missing, skip: true}\n", []error{ErrMissingDataset},
			[]string{"mapping entry 5 (test.yaml:8) skips dataset /net/missing, which mem.h5 does not have"}},
		{"missing mapped dataset", strings.Replace(good, "/net/dec/W,", "/net/dec/X,", 1), []error{ErrMissingDataset},
			[]string{"dataset /net/dec/X does not exist in mem.h5 (mapping entry 3 (test.yaml:6), for sequential/dense_1/kernel)"}},
		{"group is not a dataset", strings.Replace(good, "/net/dec/W,", "/net/dec,", 1), []error{ErrMissingDataset},
			[]string{"/net/dec in mem.h5 is a group, not a dataset"}},
		{"strings are not numbers", strings.Replace(good, "/net/dec/W,", "/net/name,", 1), []error{ErrDTypeMismatch},
			[]string{"dataset /net/name holds string, not numbers"}},
		{"wrong shape", strings.Replace(good, "transpose: [1, 0]", "transpose: false", 1), []error{ErrShapeMismatch},
			[]string{"dataset /net/dec/W [2 4] does not fit variable sequential/dense_1/kernel [4 2] (mapping entry 3 (test.yaml:6))"}},
		{"shape after transforms", strings.Replace(good, "reshape: [-1]", "reshape: [2, 1]", 1), []error{ErrShapeMismatch},
			[]string{"dataset /net/dec/b [1 2] does not fit variable sequential/dense_1/bias [2] (after reshape [2 1]: [2 1]) (mapping entry 4 (test.yaml:7))"}},
		{"reshape that cannot be", strings.Replace(good, "reshape: [-1]", "reshape: [3, -1]", 1), []error{ErrShapeMismatch},
			[]string{"dataset /net/dec/b [1 2] cannot become variable sequential/dense_1/bias [2]: cannot reshape 2 elements into [3 -1]"}},
		{"bad permutation for the rank", strings.Replace(good, "transpose: [1, 0]", "transpose: [0, 2, 1]", 1), []error{ErrShapeMismatch},
			[]string{"transpose [0 2 1] is not a permutation of the 2 axes"}},
		{"int to float needs a cast", strings.Replace(good, ", cast: float32", "", 1), []error{ErrDTypeMismatch},
			[]string{"dataset /net/dec/b is int32 but variable sequential/dense_1/bias is float32; only float to float casts are implicit: add a mapping entry with cast: float32"}},
		{"cast to another dtype", strings.Replace(good, "cast: float32", "cast: float64", 1), []error{ErrDTypeMismatch},
			[]string{"casts /net/dec/b to float64, but variable sequential/dense_1/bias is float32"}},
		{"unknown variable", good + "  - {source: /net/enc/W, variable: sequential/dense_7/kernel}\n", []error{ErrUnknownVariable},
			[]string{"mapping entry 5 (test.yaml:8) names variable sequential/dense_7/kernel, which the model does not have"}},
		{"uncovered", strings.Replace(good, "  - {source: /net/enc/W, variable: sequential/dense/kernel}\n", "", 1), []error{ErrUncovered},
			[]string{"trainable variable sequential/dense/kernel [3 4] gets no value from mem.h5; map it or skip it"}},
		{"uncovered but skipped", strings.Replace(good, "  - {source: /net/enc/W, variable: sequential/dense/kernel}\n", "  - {variable: sequential/dense/kernel, skip: true}\n", 1), nil, nil},
		{"layout unknown without entries", "version: 1\nentries: []\n", []error{ErrLayout, ErrUncovered},
			[]string{"cannot tell the layout of mem.h5", "write a mapping file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMapping([]byte(tt.mapping), "test.yaml")
			if err != nil {
				t.Fatalf("ParseMapping = %v", err)
			}
			p, err := planMem(t, src(), vars, Options{Mapping: m}, true)
			checkErr(t, err, tt.kinds, tt.texts)
			if err == nil {
				b := assignment(p, "sequential/dense_1/bias")
				if b.Cast != "int32->float32" || !slices.Equal(b.Values.Data.([]float32), []float32{0, 1}) {
					t.Errorf("bias = %+v, want 0 1 cast from int32", b)
				}
				k := assignment(p, "sequential/dense_1/kernel").Values.Data.([]float32)
				if want := []float32{0, 4, 1, 5, 2, 6, 3, 7}; !slices.Equal(k, want) {
					t.Errorf("kernel = %v, want %v", k, want)
				}
			}
		})
	}
}

func TestPlanKeras(t *testing.T) {
	// A small Keras model: Dense(2) on 3 inputs, BatchNormalization,
	// Dense(1) (non-trainable moving statistics).
	vars := []Variable{
		{Name: "seq/dense/kernel", DType: "float32", Shape: []int64{3, 2}, Trainable: true, Layer: "dense", LayerClass: "Dense", Index: 0},
		{Name: "seq/dense/bias", DType: "float32", Shape: []int64{2}, Trainable: true, Layer: "dense", LayerClass: "Dense", Index: 1},
		{Name: "seq/batch_normalization/moving_mean", DType: "float32", Shape: []int64{2}, Layer: "batch_normalization", LayerClass: "BatchNormalization", Index: 0},
		{Name: "seq/batch_normalization/gamma", DType: "float32", Shape: []int64{2}, Trainable: true, Layer: "batch_normalization", LayerClass: "BatchNormalization", Index: 1},
		{Name: "seq/dense_1/kernel", DType: "float32", Shape: []int64{2, 1}, Trainable: true, Layer: "dense_1", LayerClass: "Dense", Index: 0},
		{Name: "seq/dense_1/bias", DType: "float32", Shape: []int64{1}, Trainable: true, Layer: "dense_1", LayerClass: "Dense", Index: 1},
	}
	keras3 := func(names ...string) *memSource {
		m := newMem(
			memDS{path: "/layers/batch_normalization/vars/0", dtype: "float32", shape: []int64{2}}, // gamma: trainable first
			memDS{path: "/layers/batch_normalization/vars/1", dtype: "float32", shape: []int64{2}}, // moving_mean
			memDS{path: "/layers/dense/vars/0", dtype: "float32", shape: []int64{3, 2}},
			memDS{path: "/layers/dense/vars/1", dtype: "float32", shape: []int64{2}},
			memDS{path: "/layers/dense_1/vars/0", dtype: "float32", shape: []int64{2, 1}},
			memDS{path: "/layers/dense_1/vars/1", dtype: "float32", shape: []int64{1}},
			memDS{path: "/optimizer/vars/0", dtype: "int64", shape: []int64{}},
		)
		for i, g := range []string{"batch_normalization", "dense", "dense_1"} {
			if i < len(names) {
				m.withAttr("/layers/"+g+"/vars", "name", names[i])
			}
		}
		return m
	}
	legacy := func(layerNames ...string) *memSource {
		m := newMem(
			memDS{path: "/" + layerNames[0] + "/seq/" + layerNames[0] + "/kernel", dtype: "float32", shape: []int64{3, 2}},
			memDS{path: "/" + layerNames[0] + "/seq/" + layerNames[0] + "/bias", dtype: "float32", shape: []int64{2}},
			memDS{path: "/" + layerNames[1] + "/g:0", dtype: "float32", shape: []int64{2}},
			memDS{path: "/" + layerNames[1] + "/mm:0", dtype: "float32", shape: []int64{2}},
			memDS{path: "/" + layerNames[2] + "/k", dtype: "float32", shape: []int64{2, 1}},
			memDS{path: "/" + layerNames[2] + "/b", dtype: "float32", shape: []int64{1}},
		)
		m.withAttr("/", "layer_names", layerNames...)
		m.withAttr("/"+layerNames[0], "weight_names", "seq/"+layerNames[0]+"/bias", "seq/"+layerNames[0]+"/kernel")
		m.withAttr("/"+layerNames[1], "weight_names", "g:0", "mm:0")
		m.withAttr("/"+layerNames[2], "weight_names", "k", "b")
		return m
	}
	tests := []struct {
		name   string
		src    *memSource
		force  Layout // Options.Layout
		layout Layout
		kinds  []error
		texts  []string
		warn   string
		assign map[string]string
	}{
		{"keras3 by class", keras3(), "", LayoutKeras3, nil, nil, "", map[string]string{
			"seq/batch_normalization/gamma":       "/layers/batch_normalization/vars/0",
			"seq/batch_normalization/moving_mean": "/layers/batch_normalization/vars/1",
			"seq/dense_1/kernel":                  "/layers/dense_1/vars/0",
		}},
		{"keras3 by name attribute", keras3("batch_normalization", "dense_1", "dense"), "", LayoutKeras3, []error{ErrShapeMismatch},
			[]string{"dataset /layers/dense/vars/0 [3 2] does not fit variable seq/dense_1/kernel [2 1] (keras3 layers/dense/vars/0)"}, "", nil},
		{"keras-legacy by name", legacy("dense", "batch_normalization", "dense_1"), "", LayoutKerasLegacy, nil, nil, "", map[string]string{
			"seq/dense/kernel":                    "/dense/seq/dense/kernel", // by weight name, though listed second
			"seq/dense/bias":                      "/dense/seq/dense/bias",
			"seq/batch_normalization/gamma":       "/batch_normalization/g:0", // by position: trainable first
			"seq/batch_normalization/moving_mean": "/batch_normalization/mm:0",
			"seq/dense_1/bias":                    "/dense_1/b",
		}},
		{"keras-legacy by order", legacy("d0", "bn", "d1"), "", LayoutKerasLegacy, nil, nil, "layers mapped by order, as Keras' load_weights does", map[string]string{
			"seq/dense/kernel":   "/d0/seq/d0/kernel",
			"seq/dense_1/kernel": "/d1/k",
		}},
		{"keras3 weight counts differ", func() *memSource {
			m := keras3()
			extra := newMem(memDS{path: "/layers/dense/vars/2", dtype: "float32", shape: []int64{1}})
			m.objs = append(m.objs, extra.objs[len(extra.objs)-1])
			return m
		}(), "", LayoutKeras3, []error{ErrLayout, ErrUncovered},
			[]string{"mem.h5: layers/dense has 3 weights but model layer dense has 2 (kernel, bias); map them in a mapping file"}, "", nil},
		{"keras-legacy forced on keras3", keras3(), LayoutKerasLegacy, LayoutKerasLegacy, []error{ErrLayout, ErrUncovered},
			[]string{"mem.h5 has no layer_names attribute on / or /model_weights"}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planMem(t, tt.src, vars, Options{Layout: tt.force}, true)
			checkErr(t, err, tt.kinds, tt.texts)
			if p.Layout != tt.layout {
				t.Errorf("layout = %s, want %s", p.Layout, tt.layout)
			}
			if tt.warn != "" && !strings.Contains(strings.Join(p.Warnings, "\n"), tt.warn) {
				t.Errorf("warnings = %q, want %q", p.Warnings, tt.warn)
			}
			for v, want := range tt.assign {
				if a := assignment(p, v); a == nil || a.Source != want {
					t.Errorf("assignment of %s = %+v, want from %s", v, a, want)
				}
			}
		})
	}
}

func TestPlanBadInput(t *testing.T) {
	tests := []struct {
		name string
		vars []Variable
		opts Options
		text string
	}{
		{"duplicate variable", append(denseVars(3, 2), denseVars(3, 2)[0]), Options{}, "variable sequential/dense/kernel is listed twice"},
		{"no name", []Variable{{DType: "float32"}}, Options{}, "variable 0 has no name"},
		{"bad dtype", []Variable{{Name: "x", DType: "bool"}}, Options{}, `variable x has dtype "bool"`},
		{"bad shape", []Variable{{Name: "x", DType: "float32", Shape: []int64{-2}}}, Options{}, "variable x has an invalid shape [-2]"},
		{"bad layout", denseVars(3, 2), Options{Layout: "matlab"}, `unknown layout "matlab"`},
		{"bad orientation", denseVars(3, 2), Options{Orientation: "up-down"}, `unknown orientation "up-down"`},
		{"bad pattern", denseVars(3, 2), Options{LayerPattern: `Layer\d+`}, "must have exactly one group"},
		{"duplicate targets built in Go", denseVars(3, 2), Options{Mapping: &Mapping{Entries: []Entry{
			{Source: "/a", Variable: "sequential/dense/bias"}, {Source: "/b", Variable: "sequential/dense/bias"},
		}}}, "entry 2: duplicate mapping target sequential/dense/bias: entry 1 already maps or skips it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planMem(t, seedFile(), tt.vars, tt.opts, true)
			if err == nil || !strings.Contains(err.Error(), tt.text) || p != nil {
				t.Errorf("plan = %v, %v; want nil and an error containing %q", p, err, tt.text)
			}
			if err := tt.opts.Validate(); err != nil && !strings.Contains(err.Error(), tt.text) {
				t.Errorf("Options.Validate = %v, want nil or %q", err, tt.text)
			}
		})
	}
}

// TestPlanLayoutOnly checks the plan WriteLayout makes: same mapping, no
// values read, so NaNs in the layout file do not matter.
func TestPlanLayoutOnly(t *testing.T) {
	src := newMem(
		memDS{path: "/Weights/Layer1", dtype: "float64", shape: []int64{2, 3}, data: []float64{math.NaN(), 0, 0, 0, 0, 0}},
		memDS{path: "/Bias/Layer1", dtype: "float64", shape: []int64{2, 1}},
	)
	p, err := planMem(t, src, denseVars(3, 2), Options{}, false)
	if err != nil {
		t.Fatalf("layout-only plan = %v", err)
	}
	for _, a := range p.Assignments {
		if a.Values != nil {
			t.Errorf("assignment %s has values in a layout-only plan", a.Variable)
		}
	}
	if len(p.Assignments) != 2 {
		t.Errorf("assignments = %d, want 2", len(p.Assignments))
	}
}
