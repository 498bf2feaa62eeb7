//go:build cgo

package tfgo_test

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/tfgo"
)

func TestVersionIsPinned(t *testing.T) {
	b, err := os.ReadFile(fixture.Path(t, "TF_VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tfgo.Version(), strings.TrimSpace(string(b)); got != want {
		t.Errorf("Version() = %q, want %q (TF_VERSION)", got, want)
	}
}

func TestTensorRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		value any
		dtype tfgo.DataType
		shape []int64
	}{
		{"float32 scalar", float32(2.5), tfgo.Float, []int64{}},
		{"float64 vector", []float64{1, -2, 3.25}, tfgo.Double, []int64{3}},
		{"int8 matrix", [][]int8{{1, -2}, {3, 127}}, tfgo.Int8, []int64{2, 2}},
		{"int16", []int16{-32768, 32767}, tfgo.Int16, []int64{2}},
		{"int32 rank3", [][][]int32{{{1}, {2}}, {{3}, {4}}}, tfgo.Int32, []int64{2, 2, 1}},
		{"int64", []int64{1 << 40, -7}, tfgo.Int64, []int64{2}},
		{"uint8", []uint8{0, 255}, tfgo.Uint8, []int64{2}},
		{"uint16", []uint16{0, 65535}, tfgo.Uint16, []int64{2}},
		{"bool", []bool{true, false, true}, tfgo.Bool, []int64{3}},
		{"float16", []tfgo.Float16{tfgo.NewFloat16(1.5), tfgo.NewFloat16(-0.25)}, tfgo.Half, []int64{2}},
		{"string", [][]string{{"a", ""}, {"a string longer than the small-string buffer of TF_TString", "ü"}}, tfgo.String, []int64{2, 2}},
		{"empty", [][]float32{}, tfgo.Float, []int64{0, 0}},
		{"array", [2][3]float32{{1, 2, 3}, {4, 5, 6}}, tfgo.Float, []int64{2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tt, err := tfgo.NewTensor(tc.value)
			if err != nil {
				t.Fatalf("NewTensor(%v) error %v", tc.value, err)
			}
			defer tt.Close()
			if tt.DataType() != tc.dtype {
				t.Errorf("DataType() = %v, want %v", tt.DataType(), tc.dtype)
			}
			if !reflect.DeepEqual(tt.Shape(), tc.shape) {
				t.Errorf("Shape() = %v, want %v", tt.Shape(), tc.shape)
			}
			got, err := tt.Value()
			if err != nil {
				t.Fatal(err)
			}
			want := tc.value
			if tc.name == "array" {
				want = [][]float32{{1, 2, 3}, {4, 5, 6}}
			}
			if tc.name == "empty" {
				return // nested empty slices have no inner level to compare
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Value() = %v, want %v", got, want)
			}
		})
	}
}

func TestFromFlatAndCopyTo(t *testing.T) {
	data := []float32{1, 2, 3, 4, 5, 6}
	tt, err := tfgo.FromFlat([]int64{2, 3}, data)
	if err != nil {
		t.Fatal(err)
	}
	defer tt.Close()
	data[0] = 100 // the tensor holds a copy
	got, err := tfgo.ReadFlat[float32](tt)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{1, 2, 3, 4, 5, 6}; !reflect.DeepEqual(got, want) {
		t.Errorf("ReadFlat = %v, want %v", got, want)
	}
	if err := tt.CopyTo(make([]float32, 5)); err == nil {
		t.Error("CopyTo(short buffer) = nil, want an error")
	}
	if err := tt.CopyTo(make([]float64, 6)); err == nil {
		t.Error("CopyTo([]float64) of a float32 tensor = nil, want an error")
	}
	tt.Close()
	tt.Close() // idempotent
	if _, err := tt.Value(); !errors.Is(err, tfgo.ErrClosed) {
		t.Errorf("Value() after Close = %v, want ErrClosed", err)
	}
}

func TestNewTensorErrors(t *testing.T) {
	tests := []struct {
		name  string
		value any
		want  string
	}{
		{"nil", nil, "nil"},
		{"ragged", [][]float32{{1, 2}, {3}}, "ragged"},
		{"unsupported", []struct{}{{}}, "no TensorFlow dtype"},
		{"map", map[string]int{}, "no TensorFlow dtype"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tt, err := tfgo.NewTensor(tc.value)
			if err == nil {
				tt.Close()
				t.Fatalf("NewTensor(%v) = nil error, want %q", tc.value, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewTensor(%v) error = %v, want it to mention %q", tc.value, err, tc.want)
			}
		})
	}
	if _, err := tfgo.FromFlat([]int64{2, 2}, []float32{1, 2, 3}); err == nil {
		t.Error("FromFlat(shape (2,2), 3 values) = nil error")
	}
}

func loadMNIST(t *testing.T) *tfgo.SavedModel {
	t.Helper()
	m, err := tfgo.LoadSavedModel(fixture.Model(t, "mnist_mlp"), []string{"serve"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// TestSessionMatchesPython runs the mnist_mlp signatures through the raw
// session and compares with the outputs TensorFlow computed in Python.
func TestSessionMatchesPython(t *testing.T) {
	m := loadMNIST(t)
	for _, c := range fixture.Expected(t, "mnist_mlp") {
		t.Run(c.Signature, func(t *testing.T) {
			sig := m.MetaGraph.Signatures[c.Signature]
			var feeds []tfgo.Feed
			for k, in := range c.Inputs {
				o, err := m.Graph.Output(sig.Inputs[k].Name)
				if err != nil {
					t.Fatal(err)
				}
				feeds = append(feeds, tfgo.Feed{Output: o, Tensor: in.TF(t)})
			}
			var keys []string
			var fetches []tfgo.Output
			for k := range c.Outputs {
				o, err := m.Graph.Output(sig.Outputs[k].Name)
				if err != nil {
					t.Fatal(err)
				}
				keys = append(keys, k)
				fetches = append(fetches, o)
			}
			res, err := m.Session.Run(feeds, fetches, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tfgo.CloseAll(res)
			for i, k := range keys {
				if d := c.Outputs[k].MaxAbsDiff(t, res[i]); d > 1e-6 {
					t.Errorf("output %s: max |Go - Python| = %g, want <= 1e-6", k, d)
				}
			}
		})
	}
}

func TestRunErrorKeepsCode(t *testing.T) {
	m := loadMNIST(t)
	in, err := m.Graph.Output("serving_default_x:0")
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Graph.Output(m.MetaGraph.Signatures["serving_default"].Outputs["output_0"].Name)
	if err != nil {
		t.Fatal(err)
	}
	bad, _ := tfgo.NewTensor([][]float64{{1}})
	defer bad.Close()
	_, err = m.Session.Run([]tfgo.Feed{{Output: in, Tensor: bad}}, []tfgo.Output{out}, nil)
	var tfErr *tfgo.Error
	if !errors.As(err, &tfErr) {
		t.Fatalf("Run(float64 into float32) error = %v, want a *tfgo.Error", err)
	}
	if !errors.Is(err, tfgo.ErrInvalidArgument) || tfErr.Op != "TF_SessionRun" {
		t.Errorf("error = %#v, want INVALID_ARGUMENT from TF_SessionRun", tfErr)
	}
	if _, err := m.Graph.Output("no_such_op:0"); !errors.Is(err, tfgo.ErrNotFound) {
		t.Errorf("Output(no_such_op:0) error = %v, want NOT_FOUND", err)
	}
	if _, err := m.Graph.Output("serving_default_x:7"); !errors.Is(err, tfgo.ErrOutOfRange) {
		t.Errorf("Output(serving_default_x:7) error = %v, want OUT_OF_RANGE", err)
	}
}

func TestSessionCloseWaitsAndRefuses(t *testing.T) {
	m, err := tfgo.LoadSavedModel(fixture.Model(t, "mnist_mlp"), []string{"serve"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := m.Graph.Output("serving_default_x:0")
	out, _ := m.Graph.Output(m.MetaGraph.Signatures["serving_default"].Outputs["output_0"].Name)
	x, _ := tfgo.FromFlat([]int64{64, 28, 28}, make([]float32, 64*28*28))
	defer x.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				res, err := m.Session.Run([]tfgo.Feed{{Output: in, Tensor: x}}, []tfgo.Output{out}, nil)
				if err != nil {
					if !errors.Is(err, tfgo.ErrClosed) {
						errs <- err
					}
					return
				}
				tfgo.CloseAll(res)
			}
		}()
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Run concurrent with Close: %v", err)
	}
	if _, err := m.Session.Run(nil, []tfgo.Output{out}, nil); !errors.Is(err, tfgo.ErrClosed) {
		t.Errorf("Run after Close = %v, want ErrClosed", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestAddOperationReadsVariable(t *testing.T) {
	m := loadMNIST(t)
	var v tfgo.VariableInfo
	for _, vi := range m.MetaGraph.Variables {
		if vi.Name == "mnist_mlp/dense_1/bias" {
			v = vi
		}
	}
	if v.Name == "" {
		t.Fatal("no variable mnist_mlp/dense_1/bias in the MetaGraph")
	}
	h := m.Graph.Operation(v.Name)
	rd, err := m.Graph.AddOperation(tfgo.OpSpec{Type: "ReadVariableOp", Name: "test/read",
		Input: []tfgo.Output{h.Output(0)}, Attrs: map[string]any{"dtype": v.DType}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Session.Run(nil, []tfgo.Output{rd.Output(0)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tfgo.CloseAll(res)
	if got := res[0].Shape(); !reflect.DeepEqual(got, []int64{10}) {
		t.Errorf("bias shape = %v, want [10]", got)
	}
	if _, err := m.Graph.AddOperation(tfgo.OpSpec{Type: "NoSuchOpType", Name: "test/bad"}); err == nil {
		t.Error("AddOperation(NoSuchOpType) = nil error")
	}
	if _, err := m.Graph.AddOperation(tfgo.OpSpec{Type: "Placeholder", Name: "test/p", Attrs: map[string]any{"dtype": struct{}{}}}); err == nil {
		t.Error("AddOperation with an unsupported attribute value = nil error")
	}
}

func TestSessionOptionsAccepted(t *testing.T) {
	opts := &tfgo.SessionOptions{IntraOpThreads: 1, InterOpThreads: 1, AllowSoftPlacement: true,
		GPUMemoryGrowth: true, GPUMemoryFraction: 0.5, DeviceCount: map[string]int{"GPU": 0}}
	devs, err := tfgo.Devices(opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) == 0 || devs[0].Type != "CPU" {
		t.Errorf("Devices() = %v, want the CPU first", devs)
	}
	m, err := tfgo.LoadSavedModel(fixture.Model(t, "mnist_mlp"), []string{"serve"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	// Ops added after loading reach a session made with a custom config
	// (disable_optimize_for_static_graph is kept).
	h := m.Graph.Operation("adam/iteration")
	rd, err := m.Graph.AddOperation(tfgo.OpSpec{Type: "ReadVariableOp", Name: "test/iter",
		Input: []tfgo.Output{h.Output(0)}, Attrs: map[string]any{"dtype": tfgo.Int64}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Session.Run(nil, []tfgo.Output{rd.Output(0)}, nil)
	if err != nil {
		t.Fatalf("running an op added after load with custom options: %v", err)
	}
	tfgo.CloseAll(res)
}

func TestLoadSavedModelErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := tfgo.LoadSavedModel(dir, []string{"serve"}, nil); err == nil || !strings.Contains(err.Error(), "no saved_model.pb") {
		t.Errorf("LoadSavedModel(empty dir) error = %v, want it to say no saved_model.pb", err)
	}
	if _, err := tfgo.LoadSavedModel(fixture.Model(t, "mnist_mlp"), []string{"train"}, nil); err == nil || !strings.Contains(err.Error(), "[serve]") {
		t.Errorf("LoadSavedModel(tags [train]) error = %v, want it to list the tag set [serve]", err)
	}
}
