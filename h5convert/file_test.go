//go:build cgo

package h5convert

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tfrun/tfrun/h5convert/internal/hdf5"
)

// These tests read real HDF5 files: the fixtures h5py and Keras made
// (testdata/gen_fixtures.py) and files the Go writer makes.

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func loadVars(tb testing.TB, name string) []Variable {
	tb.Helper()
	vars, err := LoadVariables(filepath.Join("testdata", name+"_variables.json"))
	if err != nil {
		tb.Fatal(err)
	}
	return vars
}

func loadMap(tb testing.TB, name string) *Mapping {
	tb.Helper()
	m, err := LoadMapping(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from the golden file (run go test -update after checking):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestListGolden(t *testing.T) {
	tests := []struct {
		file  string
		stats bool
		json  bool // also a JSON golden file
	}{
		{"types.h5", true, true},
		{"inversion.h5", true, true},
		{"small_legacy.h5", false, false},
		{"small.weights.h5", false, false},
		{"tfkeras2.h5", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			l, err := List(filepath.Join("testdata", tt.file), ListOptions{Stats: tt.stats})
			if err != nil {
				t.Fatalf("List = %v", err)
			}
			var text, js bytes.Buffer
			if err := l.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if err := l.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			if !json.Valid(js.Bytes()) {
				t.Errorf("WriteJSON gave invalid JSON")
			}
			base := "ls_" + strings.TrimSuffix(tt.file, ".h5")
			golden(t, base+".txt", text.Bytes())
			if tt.json {
				golden(t, base+".json", js.Bytes())
			}
		})
	}
}

func TestListStats(t *testing.T) {
	l, err := List("testdata/nan.h5", ListOptions{Stats: true})
	if err != nil {
		t.Fatal(err)
	}
	stats := map[string]*Stats{}
	for _, o := range l.Objects {
		stats[o.Path] = o.Stats
	}
	if s := stats["/Weights/Layer1"]; s == nil || s.NaN != 1 || s.Inf != 0 || s.Count != 6 || s.Min == nil {
		t.Errorf("stats of /Weights/Layer1 = %+v, want 6 values, 1 NaN", s)
	}
	if s := stats["/Bias/Layer2"]; s == nil || s.Inf != 1 || *s.Max != math.Inf(1) {
		t.Errorf("stats of /Bias/Layer2 = %+v, want one +Inf", s)
	}
	if l.Layout != LayoutCustomLayered {
		t.Errorf("layout = %s, want custom-layered", l.Layout)
	}
}

func TestOpenErrors(t *testing.T) {
	vars := loadVars(t, "inversion")
	tests := []struct {
		file string
		is   error
		text string
	}{
		{"testdata/not_hdf5.h5", ErrNotHDF5, "h5convert: testdata/not_hdf5.h5 is not an HDF5 file"},
		{"testdata/truncated.h5", nil, "truncated file"},
		{"testdata/missing.h5", fs.ErrNotExist, "missing.h5"},
		{"testdata", nil, "h5convert: open testdata"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, err := NewPlan(tt.file, vars, Options{Orientation: OutIn})
			if p != nil || err == nil || !strings.Contains(err.Error(), tt.text) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("NewPlan(%s) = %v, %v; want no plan and %q", tt.file, p, err, tt.text)
			}
			if _, err := List(tt.file, ListOptions{Stats: true}); err == nil || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("List(%s) = %v, want %q", tt.file, err, tt.text)
			}
			if _, err := DetectLayout(tt.file); err == nil {
				t.Errorf("DetectLayout(%s) = nil error", tt.file)
			}
		})
	}
}

// planCase is one conversion of a fixture.
type planCase struct {
	name string
	file string
	vars string
	opts func(tb testing.TB) Options
	json bool // also a JSON golden report
}

var planCases = []planCase{
	{"inversion_outin", "inversion.h5", "inversion", func(testing.TB) Options { return Options{Orientation: OutIn} }, true},
	{"inversion_keras3", "inversion_keras.weights.h5", "inversion", nil, false},
	{"small_keras3", "small.weights.h5", "small", nil, false},
	{"small_legacy_model", "small_legacy.h5", "small", nil, true},
	{"small_legacy_weights", "small_legacy_weights.h5", "small", nil, false},
	{"tfkeras2", "tfkeras2.h5", "small", nil, false},
	{"square_inout", "square.h5", "square", func(testing.TB) Options { return Options{Orientation: InOut} }, false},
	{"deep", "deep.h5", "deep", nil, false},
	{"custom_yaml", "custom.h5", "custom", func(tb testing.TB) Options { return Options{Mapping: loadMap(tb, "custom.map.yaml")} }, true},
	{"custom_json", "custom.h5", "custom", func(tb testing.TB) Options { return Options{Mapping: loadMap(tb, "custom.map.json")} }, false},
	{"nan_allowed", "nan.h5", "nan", func(testing.TB) Options { return Options{AllowNonfinite: true} }, true},
}

func (c planCase) options(tb testing.TB) Options {
	if c.opts == nil {
		return Options{}
	}
	return c.opts(tb)
}

func TestPlanGolden(t *testing.T) {
	for _, c := range planCases {
		t.Run(c.name, func(t *testing.T) {
			p, err := NewPlan(filepath.Join("testdata", c.file), loadVars(t, c.vars), c.options(t))
			if err != nil {
				t.Fatalf("NewPlan = %v", err)
			}
			for _, a := range p.Assignments {
				if a.Values == nil || a.Values.check() != nil || !reflect.DeepEqual(a.Values.Shape, a.Shape) || a.Values.DType != a.DType {
					t.Errorf("assignment %s has values %+v, want shape %v and dtype %s", a.Variable, a.Values, a.Shape, a.DType)
				}
			}
			var text, js bytes.Buffer
			if err := p.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if err := p.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			if !json.Valid(js.Bytes()) {
				t.Errorf("WriteJSON gave invalid JSON")
			}
			golden(t, "plan_"+c.name+".txt", text.Bytes())
			if c.json {
				golden(t, "plan_"+c.name+".json", js.Bytes())
			}
		})
	}
}

// TestPlanErrorsOnFiles runs the error paths on real files: each
// gives a clear error (and the dry-run report shows it), none panics and
// nothing is written.
func TestPlanErrorsOnFiles(t *testing.T) {
	customMap := func(edit func(string) string) func(testing.TB) Options {
		return func(tb testing.TB) Options {
			data, err := os.ReadFile("testdata/custom.map.yaml")
			if err != nil {
				tb.Fatal(err)
			}
			m, err := ParseMapping([]byte(edit(string(data))), "edited.yaml")
			if err != nil {
				tb.Fatal(err)
			}
			return Options{Mapping: m}
		}
	}
	tests := []struct {
		name   string
		file   string
		vars   string
		opts   func(testing.TB) Options
		kind   error
		texts  []string
		report string // golden text report
	}{
		{"square ambiguity", "inversion.h5", "inversion", nil, ErrAmbiguousOrientation, []string{
			"h5convert: testdata/inversion.h5: dataset /Weights/Layer2 [100 100] is square",
			"sequential/dense_1/kernel [100 100]", "--orientation out-in", "stored out-in",
		}, "plan_inversion_square.txt"},
		{"NaN weights", "nan.h5", "nan", nil, ErrNonFinite, []string{
			"dataset /Weights/Layer1 has 1 NaN and 0 infinite values (first at [1 2]); refusing to assign them to sequential/dense/kernel",
			"dataset /Bias/Layer2 has 0 NaN and 1 infinite values",
		}, "plan_nan.txt"},
		{"missing dataset", "custom.h5", "custom", customMap(func(s string) string {
			return strings.Replace(s, "source: /net/decoder/W", "source: /net/decoder/Weights", 1)
		}), ErrMissingDataset, []string{"dataset /net/decoder/Weights does not exist in testdata/custom.h5 (mapping entry 3 (edited.yaml:9), for sequential/dense_1/kernel)"}, ""},
		{"wrong shape", "custom.h5", "custom", customMap(func(s string) string {
			return strings.Replace(s, "transpose: true ", "transpose: false", 1)
		}), ErrShapeMismatch, []string{"dataset /net/decoder/W [3 4] does not fit variable sequential/dense_1/kernel [4 3]"}, "plan_custom_wrong_shape.txt"},
		{"unknown layout", "custom.h5", "custom", nil, ErrLayout, []string{"cannot tell the layout of testdata/custom.h5", "write a mapping file"}, ""},
		{"model does not fit", "inversion.h5", "small", func(testing.TB) Options { return Options{Orientation: OutIn} }, ErrLayout,
			[]string{"testdata/inversion.h5 has 3 weight layers (1, 2, 3) but the model has 2 Dense layers (dense, dense_1)"}, ""},
		{"keras file, other model", "small.weights.h5", "inversion", nil, ErrShapeMismatch,
			[]string{"dataset /layers/dense/vars/0 [7 4] does not fit variable sequential/dense/kernel [7 100] (keras3 layers/dense/vars/0)"}, ""},
		{"legacy file, other model", "small_legacy.h5", "deep", nil, ErrLayout,
			[]string{"testdata/small_legacy.h5 has 3 layers with weights (dense, batch_normalization, dense_1) but the model has 10"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{}
			if tt.opts != nil {
				opts = tt.opts(t)
			}
			p, err := NewPlan(filepath.Join("testdata", tt.file), loadVars(t, tt.vars), opts)
			checkErr(t, err, []error{tt.kind}, tt.texts)
			var ve *ValidationError
			if !errors.As(err, &ve) || p == nil || len(p.Problems) != len(ve.Problems) {
				t.Fatalf("NewPlan = %v, %v; want the plan and a *ValidationError with its problems", p, err)
			}
			if tt.report != "" {
				var text bytes.Buffer
				if err := p.WriteText(&text); err != nil {
					t.Fatal(err)
				}
				golden(t, tt.report, text.Bytes())
			}
			var js bytes.Buffer
			if err := p.WriteJSON(&js); err != nil || !json.Valid(js.Bytes()) {
				t.Errorf("WriteJSON = %v, valid %v", err, json.Valid(js.Bytes()))
			}
		})
	}
}

func mustPlan(tb testing.TB, file, vars string, opts Options) *Plan {
	tb.Helper()
	p, err := NewPlan(file, loadVars(tb, vars), opts)
	if err != nil {
		tb.Fatalf("NewPlan(%s) = %v", file, err)
	}
	return p
}

// TestAgreesWithKeras checks the mapping against Keras itself: the seed's
// file, transposed and flattened by h5convert, must give exactly the
// values Keras holds after set_weights([W.T, b.flatten()]); and the four
// Keras formats of one model must agree.
func TestAgreesWithKeras(t *testing.T) {
	seed := valuesOf(mustPlan(t, "testdata/inversion.h5", "inversion", Options{Orientation: OutIn}))
	keras := valuesOf(mustPlan(t, "testdata/inversion_keras.weights.h5", "inversion", Options{}))
	if len(seed) != 6 {
		t.Fatalf("inversion.h5 gave %d variables, want 6", len(seed))
	}
	for name, v := range keras {
		if !v.Equal(seed[name]) {
			t.Errorf("%s from inversion.h5 differs from what Keras loaded", name)
		}
	}
	ref := valuesOf(mustPlan(t, "testdata/small.weights.h5", "small", Options{}))
	for _, file := range []string{"small_legacy.h5", "small_legacy_weights.h5", "tfkeras2.h5"} {
		got := valuesOf(mustPlan(t, filepath.Join("testdata", file), "small", Options{}))
		if len(got) != 8 {
			t.Errorf("%s gave %d variables, want 8", file, len(got))
		}
		for name, v := range ref {
			if !v.Equal(got[name]) {
				t.Errorf("%s: %s differs from small.weights.h5", file, name)
			}
		}
	}
}

// TestPredictionsMatchKeras runs the inversion network forward in Go with
// the weights h5convert mapped, against Keras' predictions.
func TestPredictionsMatchKeras(t *testing.T) {
	var expected struct {
		Inputs  [][]float64 `json:"inputs"`
		Outputs [][]float64 `json:"outputs"`
	}
	data, err := os.ReadFile("testdata/inversion_expected.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &expected); err != nil {
		t.Fatal(err)
	}
	vals := valuesOf(mustPlan(t, "testdata/inversion.h5", "inversion", Options{Orientation: OutIn}))
	dense := func(x []float64, layer string, act func(float64) float64) []float64 {
		k, b := vals["sequential/"+layer+"/kernel"], vals["sequential/"+layer+"/bias"]
		in, out := int(k.Shape[0]), int(k.Shape[1])
		y := make([]float64, out)
		for o := 0; o < out; o++ {
			s := b.At(o)
			for i := 0; i < in; i++ {
				s += x[i] * k.At(i*out+o) // kernel is (in, out), row-major
			}
			y[o] = act(s)
		}
		return y
	}
	id := func(x float64) float64 { return x }
	for n, x := range expected.Inputs {
		y := dense(dense(dense(x, "dense", math.Tanh), "dense_1", math.Tanh), "dense_2", id)
		for o := range y {
			if d := math.Abs(y[o] - expected.Outputs[n][o]); d > 1e-4 {
				t.Errorf("prediction %d[%d] = %g, Keras says %g", n, o, y[o], expected.Outputs[n][o])
			}
		}
	}
}

// TestGoWrittenFile plans from a file made by the package's own writer,
// in a layout with other names.
func TestGoWrittenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "go_written.h5")
	f, err := hdf5.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	k1 := []float32{1, 2, 3, 4, 5, 6} // layer 1 stored in-out: (3, 2)
	writes := []struct {
		path  string
		shape []int64
		data  any
	}{
		{"/model/L1/W", []int64{3, 2}, k1},
		{"/model/L1/b", []int64{2}, []float32{0.5, -0.5}},
		{"/model/L2/W", []int64{2, 1}, []float32{7, 8}},
		{"/model/L2/b", []int64{1}, []float32{9}},
	}
	for _, w := range writes {
		if err := f.CreateDataset(w.path, hdf5.Type{}, w.shape, w.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.WriteAttribute("/model", "creator", hdf5.Type{}, []int64{}, []string{"tfrun test"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	opts := Options{WeightsGroups: []string{"W"}, BiasGroups: []string{"b"}, LayerPattern: `^L(\d+)$`}
	p, err := NewPlan(path, denseVars(3, 2, 1), opts)
	if err != nil {
		t.Fatalf("NewPlan(Go-written file) = %v", err)
	}
	if p.Layout != LayoutCustomLayered || p.Orientation != InOut {
		t.Errorf("layout %s %s, want custom-layered in-out", p.Layout, p.Orientation)
	}
	if k := assignment(p, "sequential/dense/kernel").Values.Data.([]float32); !reflect.DeepEqual(k, k1) {
		t.Errorf("kernel = %v, want %v", k, k1)
	}
	l, err := List(path, ListOptions{Stats: true})
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	l.WriteText(&text)
	for _, want := range []string{`@creator`, `string = "tfrun test"`, "/model/L1/W", "dataset float32 [3 2]  min=1 max=6 nan=0 inf=0"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("List of the Go-written file lacks %q:\n%s", want, text.String())
		}
	}
	// Cut the Go-written file short: a clear error, no panic.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.h5")
	if err := os.WriteFile(cut, data[:len(data)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewPlan(cut, denseVars(3, 2, 1), opts); err == nil || !strings.Contains(err.Error(), "truncated file") {
		t.Errorf("NewPlan(truncated Go-written file) = %v, want a truncated-file error", err)
	}
}
