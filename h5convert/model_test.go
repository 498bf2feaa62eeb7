//go:build cgo

package h5convert_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/h5convert"
	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/tfgo"
)

// convertInversion loads the exported inversion network and assigns the
// example's MATLAB-layout weights to it.
func convertInversion(tb testing.TB, weights string) *savedmodel.Model {
	tb.Helper()
	m := fixture.Load(tb, fixture.Model(tb, "inversion"))
	vars, err := h5convert.ModelVariables(m)
	if err != nil {
		tb.Fatal(err)
	}
	plan, err := h5convert.NewPlan(weights, vars, h5convert.Options{Orientation: h5convert.OutIn})
	if err != nil {
		tb.Fatal(err)
	}
	if err := h5convert.Apply(m, plan); err != nil {
		tb.Fatal(err)
	}
	return m
}

// TestConvertMatchesNumPy: after conversion, Go predictions equal a NumPy
// forward pass of the H5 weights (computed by testdata/inversion/make.py).
func TestConvertMatchesNumPy(t *testing.T) {
	m := convertInversion(t, fixture.Path(t, "testdata", "inversion", "weights.h5"))
	var exp struct{ Inputs, Outputs fixture.Tensor }
	b, err := os.ReadFile(fixture.Path(t, "testdata", "inversion", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	out, err := m.Call("serving_default", map[string]*tfgo.Tensor{"x": exp.Inputs.TF(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if d := exp.Outputs.MaxAbsDiff(t, out["output_0"]); d > 1e-5 {
		t.Errorf("max |Go - NumPy| = %g, want <= 1e-5", d)
	} else {
		t.Logf("max |Go - NumPy| = %.3g", d)
	}
}

// TestFineTuneAndRoundTrip: the converted network fine-tunes (validation
// loss goes down), and its weights written back in the source layout and
// converted again give identical variables.
func TestFineTuneAndRoundTrip(t *testing.T) {
	m := convertInversion(t, fixture.Path(t, "testdata", "inversion", "weights.h5"))
	data := fixture.Path(t, "testdata", "inversion", "data.npz")
	train, err := dataset.Open(data, dataset.Train)
	if err != nil {
		t.Fatal(err)
	}
	test, err := dataset.Open(data, dataset.Test)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before, err := m.Evaluate(ctx, test, 64)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := m.Fit(ctx, train, savedmodel.FitOptions{Epochs: 3, BatchSize: 32, Seed: 1, Validation: &test})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := hist.Last("val_loss")
	t.Logf("validation loss %.5f before fine-tuning, %.5f after 3 epochs", before["loss"], after)
	if !(after < before["loss"]) {
		t.Errorf("validation loss %.5f after fine-tuning, want below %.5f", after, before["loss"])
	}

	vars, _ := h5convert.ModelVariables(m)
	values, err := h5convert.ModelValues(m, vars)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "fine-tuned.h5")
	if _, err := h5convert.WriteLayout(out, fixture.Path(t, "testdata", "inversion", "weights.h5"), vars, values, h5convert.Options{Orientation: h5convert.OutIn}); err != nil {
		t.Fatal(err)
	}
	back := convertInversion(t, out)
	again, err := h5convert.ModelValues(back, vars)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vars {
		a, b := values[v.Name].Data.([]float32), again[v.Name].Data.([]float32)
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				t.Errorf("%s[%d]: %v after the round trip, want %v", v.Name, i, b[i], a[i])
				break
			}
		}
	}
}
