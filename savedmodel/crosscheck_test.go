//go:build cgo

package savedmodel_test

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/tfgo"
)

func randomImages(n int, seed uint64) *tfgo.Tensor {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n*28*28)
	for i := range x {
		x[i] = r.Float32()
	}
	t, err := tfgo.FromFlat([]int64{int64(n), 28, 28}, x)
	if err != nil {
		panic(err)
	}
	return t
}

// TestPythonCrossCheck runs the same signature on the same inputs from Go and
// from Python (TensorFlow's own loader) and compares the outputs.
func TestPythonCrossCheck(t *testing.T) {
	dir := fixture.Model(t, "mnist_mlp")
	m := fixture.Load(t, dir)
	x := randomImages(5, 11)
	defer x.Close()
	out, err := m.Call("serving_default", map[string]*tfgo.Tensor{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	py := fixture.CallPython(t, dir, []fixture.PyCall{{Signature: "serving_default", Inputs: map[string]fixture.Tensor{"x": fixture.FromTF(t, x)}}}, false)
	if d := py.Calls[0].Outputs["output_0"].MaxAbsDiff(t, out["output_0"]); d > 1e-6 {
		t.Errorf("max |Go - Python| = %g, want <= 1e-6", d)
	}
}

// TestSavedByGoLoadsInPython changes variables in Go, saves, and checks that
// Python's tf.saved_model.load reads the same variables and predicts the same.
func TestSavedByGoLoadsInPython(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	r := rand.New(rand.NewPCG(3, 4))
	w := make([]float32, 128*10)
	for i := range w {
		w[i] = r.Float32() - 0.5
	}
	wt, _ := tfgo.FromFlat([]int64{128, 10}, w)
	defer wt.Close()
	if err := m.AssignVariable("mnist_mlp/dense_1/kernel", wt); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "saved")
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	m2 := fixture.Load(t, dir)
	x := randomImages(3, 5)
	defer x.Close()
	out, err := m2.Call("serving_default", map[string]*tfgo.Tensor{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	py := fixture.CallPython(t, dir, []fixture.PyCall{{Signature: "serving_default", Inputs: map[string]fixture.Tensor{"x": fixture.FromTF(t, x)}}}, true)
	if d := py.Calls[0].Outputs["output_0"].MaxAbsDiff(t, out["output_0"]); d != 0 {
		t.Errorf("predictions of the Go-saved model: max |Go - Python| = %g, want 0", d)
	}
	if d := py.Variables["mnist_mlp/dense_1/kernel"].MaxAbsDiff(t, wt); d != 0 {
		t.Errorf("kernel read by Python differs from the one assigned in Go by %g", d)
	}
}
