//go:build cgo

package savedmodel_test

import (
	"context"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/tfgo"
)

// TestAdaptNormalization adapts the Auto MPG DNN's Normalization layer from
// the training split in Go, saves the model, and checks from Python that the
// saved statistics are NumPy's mean and variance of that split and that the
// saved model predicts as Go does.
func TestAdaptNormalization(t *testing.T) {
	dir := t.TempDir()
	td, err := dataset.LoadAutoMPG(filepath.Join(filepath.Dir(fixture.MNIST(t)), "autompg", "cars.json"))
	if err != nil {
		t.Fatal(err)
	}
	train, _, err := td.TrainTestSplit(0.8, dataset.AutoMPGSeed)
	if err != nil {
		t.Fatal(err)
	}
	m := fixture.Load(t, fixture.Model(t, "autompg_dnn"))
	layers, err := m.AdaptNormalization(train)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(layers, []string{"normalization"}) {
		t.Errorf("AdaptNormalization adapted %v, want [normalization]", layers)
	}
	if _, err := m.Fit(context.Background(), train, savedmodel.FitOptions{Epochs: 2, BatchSize: 32}); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(dir, "model")
	if err := m.Save(saved); err != nil {
		t.Fatal(err)
	}
	xPath := filepath.Join(dir, "x.npy")
	if err := dataset.SaveNPY(xPath, train.Inputs[0].Array); err != nil {
		t.Fatal(err)
	}
	script := `
import sys, numpy as np, tensorflow as tf
m = tf.saved_model.load(sys.argv[1])
v = {x.name.split(":")[0]: x.numpy() for x in m.tfrun_variables}
x = np.load(sys.argv[2]).astype(np.float64)
mean, var = x.mean(axis=0), x.var(axis=0)
dm = np.max(np.abs(v["autompg_dnn/normalization/mean"] - mean) / np.maximum(np.abs(mean), 1))
dv = np.max(np.abs(v["autompg_dnn/normalization/variance"] - var) / np.maximum(np.abs(var), 1))
p = m.signatures["serving_default"](x=tf.constant(x[:5].astype(np.float32)))["output_0"].numpy()
print("dmean", dm, "dvar", dv)
print("pred", " ".join(repr(float(a)) for a in p.reshape(-1)))
`
	cmd := exec.Command(fixture.Python(t), "-c", script, saved, xPath)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	var dmean, dvar float64
	var pyPred []float64
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 4 && f[0] == "dmean":
			dmean, dvar = atof(t, f[1]), atof(t, f[3])
		case len(f) > 1 && f[0] == "pred":
			for _, s := range f[1:] {
				pyPred = append(pyPred, atof(t, s))
			}
		}
	}
	t.Logf("relative difference to NumPy: mean %.2g, variance %.2g", dmean, dvar)
	if dmean > 1e-6 || dvar > 1e-6 {
		t.Errorf("saved statistics differ from NumPy's mean/var of the training split: %.2g, %.2g (want <= 1e-6)", dmean, dvar)
	}
	five, _ := train.Slice(0, 5)
	xt, _ := tfgo.FromFlat([]int64{5, 9}, five.Inputs[0].Data)
	defer xt.Close()
	res, err := m.Call("serving_default", map[string]*tfgo.Tensor{"x": xt})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	goPred, _ := tfgo.ReadFlat[float32](res["output_0"])
	if len(pyPred) != 5 {
		t.Fatalf("python printed %d predictions, want 5:\n%s", len(pyPred), out)
	}
	for i := range goPred {
		if math.Abs(float64(goPred[i])-pyPred[i]) > 1e-5 {
			t.Errorf("prediction %d: Go %v, Python (saved model) %v", i, goPred[i], pyPred[i])
		}
	}
}

func atof(tb testing.TB, s string) float64 {
	tb.Helper()
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil {
		tb.Fatalf("parsing %q: %v", s, err)
	}
	return f
}
