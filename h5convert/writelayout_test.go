package h5convert

import (
	"math"
	"slices"
	"testing"
)

// TestLayoutWrites checks the values WriteLayout would write, and its
// refusals, without a file.
func TestLayoutWrites(t *testing.T) {
	plan := func(tb testing.TB) *Plan {
		p, err := planMem(tb, seedFile(), denseVars(3, 4, 4, 2), Options{Orientation: OutIn}, false)
		if err != nil {
			tb.Fatal(err)
		}
		return p
	}
	good := func() map[string]*Values {
		vals := map[string]*Values{}
		for _, v := range denseVars(3, 4, 4, 2) {
			n, _ := numElements(v.Shape)
			data := make([]float32, n)
			for i := range data {
				data[i] = float32(i) / 4
			}
			vals[v.Name] = &Values{DType: "float32", Shape: v.Shape, Data: data}
		}
		return vals
	}
	writes, problems := layoutWrites(plan(t), good(), false)
	if len(problems) > 0 || len(writes) != 6 {
		t.Fatalf("layoutWrites = %d writes, problems %v; want 6 and none", len(writes), problems)
	}
	for _, w := range writes {
		if w.path == "/Weights/Layer1" {
			// kernel (3, 4) = 0, .25, ... back to W (4, 3) float64: W[o][i] = kernel[i][o].
			want := []float64{0, 1, 2, 0.25, 1.25, 2.25, 0.5, 1.5, 2.5, 0.75, 1.75, 2.75}
			if w.values.DType != "float64" || !slices.Equal(w.values.Shape, []int64{4, 3}) || !slices.Equal(w.values.Data.([]float64), want) {
				t.Errorf("write of /Weights/Layer1 = %+v, want float64 [4 3] %v", w.values, want)
			}
		}
		if w.path == "/Bias/Layer3" && !slices.Equal(w.values.Shape, []int64{2, 1}) {
			t.Errorf("write of /Bias/Layer3 has shape %v, want [2 1]", w.values.Shape)
		}
	}

	tests := []struct {
		name  string
		edit  func(map[string]*Values)
		allow bool
		kind  error
		text  string
	}{
		{"missing", func(m map[string]*Values) { delete(m, "sequential/dense_1/bias") }, false, ErrMissingValues,
			"no values for variable sequential/dense_1/bias [4], which dataset /Bias/Layer2 needs"},
		{"wrong shape", func(m map[string]*Values) {
			m["sequential/dense/kernel"] = &Values{DType: "float32", Shape: []int64{4, 3}, Data: make([]float32, 12)}
		}, false, ErrShapeMismatch, "values for variable sequential/dense/kernel have shape [4 3], but the variable is [3 4] (dataset /Weights/Layer1 [4 3])"},
		{"wrong dtype", func(m map[string]*Values) {
			m["sequential/dense/bias"] = &Values{DType: "float64", Shape: []int64{4}, Data: make([]float64, 4)}
		}, false, ErrDTypeMismatch, "values for variable sequential/dense/bias are float64, but the variable is float32"},
		{"inconsistent values", func(m map[string]*Values) {
			m["sequential/dense/bias"] = &Values{DType: "float32", Shape: []int64{4}, Data: make([]float32, 3)}
		}, false, ErrMissingValues, "3 values for shape [4] (4 elements)"},
		{"NaN", func(m map[string]*Values) { m["sequential/dense_2/kernel"].Data.([]float32)[5] = float32(math.NaN()) }, false, ErrNonFinite,
			"values for variable sequential/dense_2/kernel have 1 NaN and 0 infinite values (first at [2 1]); refusing to write them to /Weights/Layer3"},
		{"NaN allowed", func(m map[string]*Values) { m["sequential/dense_2/kernel"].Data.([]float32)[5] = float32(math.NaN()) }, true, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals := good()
			tt.edit(vals)
			writes, problems := layoutWrites(plan(t), vals, tt.allow)
			if tt.kind == nil {
				if len(problems) > 0 || len(writes) != 6 {
					t.Errorf("layoutWrites = %d writes, %v; want 6, no problems", len(writes), problems)
				}
				return
			}
			err := &ValidationError{File: "mem.h5", Problems: problems}
			checkErr(t, err, []error{tt.kind}, []string{tt.text})
		})
	}
}
