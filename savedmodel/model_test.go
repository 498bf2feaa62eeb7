//go:build cgo

package savedmodel_test

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/tfgo"
)

// copyModel copies a fixture model into a temporary directory.
func copyModel(tb testing.TB, name string) string {
	tb.Helper()
	src := fixture.Model(tb, name)
	dst := filepath.Join(tb.TempDir(), name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dst
}

// TestCallMatchesPython compares every committed case of both fixture
// models (ours and a plain tf.Module) with TensorFlow's outputs in Python.
func TestCallMatchesPython(t *testing.T) {
	for _, name := range []string{"mnist_mlp", "plain_module"} {
		m := fixture.Load(t, fixture.Model(t, name))
		for _, c := range fixture.Expected(t, name) {
			t.Run(name+"/"+c.Signature, func(t *testing.T) {
				inputs := map[string]*tfgo.Tensor{}
				for k, in := range c.Inputs {
					inputs[k] = in.TF(t)
				}
				out, err := m.Call(c.Signature, inputs)
				if err != nil {
					t.Fatal(err)
				}
				defer out.Close()
				if got, want := len(out), len(c.Outputs); got != want {
					t.Errorf("%d outputs, want %d", got, want)
				}
				for k, want := range c.Outputs {
					got := out[k]
					if got == nil {
						t.Fatalf("output %q missing", k)
					}
					if want.DType == "string" {
						flat, _ := got.Flat()
						if !reflect.DeepEqual(flat, want.Strings(t)) {
							t.Errorf("output %s = %q, want %q", k, flat, want.Strings(t))
						}
						continue
					}
					if d := want.MaxAbsDiff(t, got); d > 1e-6 {
						t.Errorf("output %s: max |Go - Python| = %g, want <= 1e-6", k, d)
					}
				}
			})
		}
	}
}

func TestPredictGoValues(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "plain_module"))
	if _, err := m.PredictSignature(); err == nil {
		t.Error("PredictSignature() of a model with two non-default signatures = nil error")
	}
	m = fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	out, err := m.Predict(map[string]any{"x": make([][][]float32, 3)})
	if err == nil {
		out.Close()
		t.Fatal("Predict with a ragged (3,0) input = nil error")
	}
	x := make([][][]float32, 2)
	for i := range x {
		x[i] = make([][]float32, 28)
		for j := range x[i] {
			x[i][j] = make([]float32, 28)
		}
	}
	out, err = m.Predict(map[string]any{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	p, _ := tfgo.ReadFlat[float32](out["output_0"])
	sum := float32(0)
	for _, v := range p[:10] {
		sum += v
	}
	if math.Abs(float64(sum)-1) > 1e-5 {
		t.Errorf("softmax row sums to %g, want 1", sum)
	}
}

// TestBadInput checks that every kind of bad input gets a clear error naming
// what is wrong, never a panic or a TensorFlow abort.
func TestBadInput(t *testing.T) {
	mnist := fixture.Model(t, "mnist_mlp")
	t.Run("model", func(t *testing.T) {
		truncated := copyModel(t, "mnist_mlp")
		pb := filepath.Join(truncated, "saved_model.pb")
		b, _ := os.ReadFile(pb)
		os.WriteFile(pb, b[:len(b)/3], 0o644)
		corrupt := copyModel(t, "mnist_mlp")
		os.WriteFile(filepath.Join(corrupt, "saved_model.pb"), []byte("not a protobuf, just some words"), 0o644)
		noVars := copyModel(t, "mnist_mlp")
		os.RemoveAll(filepath.Join(noVars, "variables"))
		badVars := copyModel(t, "mnist_mlp")
		idx := filepath.Join(badVars, "variables", "variables.index")
		os.WriteFile(idx, []byte("garbage"), 0o644)
		badDesc := copyModel(t, "mnist_mlp")
		os.WriteFile(filepath.Join(badDesc, savedmodel.DescriptionFile), []byte("{"), 0o644)
		file := filepath.Join(t.TempDir(), "file")
		os.WriteFile(file, nil, 0o644)
		tests := []struct{ name, dir, want string }{
			{"missing dir", filepath.Join(t.TempDir(), "nope"), "no such directory"},
			{"not a dir", file, "not a directory"},
			{"empty dir", t.TempDir(), "no saved_model.pb"},
			{"truncated saved_model.pb", truncated, "saved_model.pb: corrupt"},
			{"corrupt saved_model.pb", corrupt, "saved_model.pb: corrupt"},
			{"missing variables", noVars, "variables.index is missing"},
			{"corrupt variables", badVars, "restoring its variables from " + filepath.Join(badVars, "variables", "variables")},
			{"corrupt description", badDesc, "tfrun.json"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				m, err := savedmodel.Load(tc.dir, nil)
				if err == nil {
					m.Close()
					t.Fatalf("Load(%s) = nil error", tc.name)
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("Load(%s) error = %v, want it to mention %q", tc.name, err, tc.want)
				}
			})
		}
	})

	m := fixture.Load(t, mnist)
	x, _ := tfgo.FromFlat([]int64{2, 28, 28}, make([]float32, 2*28*28))
	x64, _ := tfgo.FromFlat([]int64{2, 28, 28}, make([]float64, 2*28*28))
	rank2, _ := tfgo.FromFlat([]int64{2, 784}, make([]float32, 2*784))
	size, _ := tfgo.FromFlat([]int64{2, 28, 27}, make([]float32, 2*28*27))
	for _, tt := range []*tfgo.Tensor{x, x64, rank2, size} {
		defer tt.Close()
	}
	tests := []struct {
		name   string
		sig    string
		inputs map[string]*tfgo.Tensor
		want   string
	}{
		{"unknown signature", "nope", map[string]*tfgo.Tensor{"x": x}, `no signature "nope" (it has: evaluate, predict, serving_default, train_step)`},
		{"missing input", "serving_default", map[string]*tfgo.Tensor{}, `input "x" is missing`},
		{"extra input", "serving_default", map[string]*tfgo.Tensor{"x": x, "z": x}, `no input "z"`},
		{"wrong dtype", "serving_default", map[string]*tfgo.Tensor{"x": x64}, `input "x": got a float64 tensor, want float32`},
		{"wrong rank", "serving_default", map[string]*tfgo.Tensor{"x": rank2}, `got shape (2, 784) (rank 2), want (-1, 28, 28) (rank 3)`},
		{"wrong size", "serving_default", map[string]*tfgo.Tensor{"x": size}, `got shape (2, 28, 27), want (-1, 28, 28)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := m.Call(tc.sig, tc.inputs)
			if err == nil {
				out.Close()
				t.Fatalf("Call(%s) = nil error", tc.name)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Call(%s) error = %v, want it to mention %q", tc.name, err, tc.want)
			}
		})
	}
}

func TestVariablesAssignRead(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	const name = "mnist_mlp/dense_1/bias"
	want := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	v, _ := tfgo.FromFlat([]int64{10}, want)
	defer v.Close()
	if err := m.AssignVariable(name, v); err != nil {
		t.Fatal(err)
	}
	got, err := m.ReadVariable(name)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	if g, _ := tfgo.ReadFlat[float32](got); !reflect.DeepEqual(g, want) {
		t.Errorf("ReadVariable after AssignVariable = %v, want %v", g, want)
	}
	bad, _ := tfgo.FromFlat([]int64{9}, make([]float32, 9))
	defer bad.Close()
	if err := m.AssignVariable(name, bad); err == nil || !strings.Contains(err.Error(), "has shape (10,), the value (9,)") {
		t.Errorf("AssignVariable(wrong shape) error = %v", err)
	}
	if err := m.AssignVariable("nope", v); err == nil || !strings.Contains(err.Error(), `no variable "nope"`) {
		t.Errorf("AssignVariable(unknown) error = %v", err)
	}
	roles := map[string]string{}
	for _, v := range m.Variables() {
		roles[v.Name] = v.Role
	}
	for n, want := range map[string]string{
		"mnist_mlp/dense/kernel": savedmodel.RoleTrainable, "adam/iteration": savedmodel.RoleOptimizer,
		"seed_generator/seed_generator_state": savedmodel.RoleNonTrainable, "tfrun/trainable_0": savedmodel.RoleMask,
	} {
		if roles[n] != want {
			t.Errorf("role of %s = %q, want %q", n, roles[n], want)
		}
	}
	if err := m.SetLearningRate(0.0125); err != nil {
		t.Fatal(err)
	}
	if lr, err := m.LearningRate(); err != nil || float32(lr) != 0.0125 {
		t.Errorf("LearningRate() = %v, %v, want 0.0125", lr, err)
	}
}

func TestSaveRoundTrip(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	v, _ := tfgo.FromFlat([]int64{10}, []float32{9, 8, 7, 6, 5, 4, 3, 2, 1, 0})
	defer v.Close()
	if err := m.AssignVariable("mnist_mlp/dense_1/bias", v); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "out", "model")
	for range 2 { // the second save replaces the first
		if err := m.Save(dir); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("after Save the parent holds %d entries, want only the model (no temporaries)", len(entries))
	}
	m2 := fixture.Load(t, dir)
	got, err := m2.ReadVariable("mnist_mlp/dense_1/bias")
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	g, _ := tfgo.ReadFlat[float32](got)
	if g[0] != 9 || g[9] != 0 {
		t.Errorf("reloaded bias = %v, want the assigned values", g)
	}
	if m2.Description() == nil || m2.Description().Name != "mnist_mlp" {
		t.Error("the saved model lost its description")
	}
}

func TestSaveFailureLeavesTargetIntact(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	dir := filepath.Join(t.TempDir(), "model")
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "variables", "variables.index"))
	m.Close()
	if err := m.Save(dir); err == nil {
		t.Fatal("Save on a closed model = nil error")
	} else if !errors.Is(err, tfgo.ErrClosed) {
		t.Errorf("Save on a closed model error = %v, want ErrClosed", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "variables", "variables.index"))
	if !reflect.DeepEqual(before, after) {
		t.Error("a failed Save changed the existing model")
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("a failed Save left %d entries beside the model", len(entries)-1)
	}
}
