//go:build cgo

package savedmodel_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/tfgo"
)

func mnist(tb testing.TB, split string) dataset.Dataset {
	tb.Helper()
	ds, err := dataset.LoadMNIST(fixture.MNIST(tb), split)
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}

// TestFitOneEpochMNIST trains the quickstart model one epoch on the full
// MNIST training set and evaluates it on the test set.
func TestFitOneEpochMNIST(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	hist, err := m.Fit(context.Background(), mnist(t, dataset.Train), savedmodel.FitOptions{Epochs: 1, BatchSize: 32, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	test, err := m.Evaluate(context.Background(), mnist(t, dataset.Test), 32)
	if err != nil {
		t.Fatal(err)
	}
	loss, _ := hist.Last("loss")
	t.Logf("epoch 1: loss %.4f, accuracy %.4f; test: loss %.4f, accuracy %.4f", loss, hist.Values["accuracy"][0], test["loss"], test["accuracy"])
	if test["accuracy"] < 0.95 {
		t.Errorf("test accuracy after one epoch = %.4f, want >= 0.95", test["accuracy"])
	}
}

// batchRecorder keeps the values of every batch.
type batchRecorder struct {
	savedmodel.NopCallback
	loss, acc []float64
}

func (r *batchRecorder) OnBatchEnd(f *savedmodel.Fitting, _, _ int, _ savedmodel.Logs) error {
	r.loss = append(r.loss, f.BatchLogs["loss"])
	r.acc = append(r.acc, f.BatchLogs["accuracy"])
	return nil
}

// TestTrainTrajectoryMatchesPython trains 50 steps in Go and calls the same
// train_step signature from Python on the same batches in the same order from
// the same initial weights: the losses must agree step by step.
func TestTrainTrajectoryMatchesPython(t *testing.T) {
	const steps, batch = 50, 32
	dir := fixture.Model(t, "mnist_mlp")
	m := fixture.Load(t, dir)
	all := mnist(t, dataset.Train)
	sub, err := all.Slice(0, steps*batch)
	if err != nil {
		t.Fatal(err)
	}
	rec := &batchRecorder{}
	if _, err := m.Fit(context.Background(), sub, savedmodel.FitOptions{Epochs: 1, BatchSize: batch, Seed: 7, Callbacks: []savedmodel.Callback{rec}}); err != nil {
		t.Fatal(err)
	}
	// The batches Go saw, in order, for Python.
	order, err := sub.Gather(dataset.Permutation(sub.Len(), 7, 0))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	xPath, yPath := filepath.Join(tmp, "x.npy"), filepath.Join(tmp, "y.npy")
	if err := dataset.SaveNPY(xPath, order.Inputs[0].Array); err != nil {
		t.Fatal(err)
	}
	if err := dataset.SaveNPY(yPath, order.Targets); err != nil {
		t.Fatal(err)
	}
	w, _ := dataset.Zeros(dataset.Float32, steps*batch)
	for i := range w.Data.([]float32) {
		w.Data.([]float32)[i] = 1
	}
	wPath := filepath.Join(tmp, "w.npy")
	if err := dataset.SaveNPY(wPath, w); err != nil {
		t.Fatal(err)
	}
	py := fixture.CallPython(t, dir, []fixture.PyCall{{Signature: "train_step", BatchSize: batch, Inputs: map[string]fixture.Tensor{
		"x": {NPY: xPath}, "y": {NPY: yPath}, "sample_weight": {NPY: wPath}}}}, false)
	if len(py.Calls) != steps || len(rec.loss) != steps {
		t.Fatalf("Python ran %d steps, Go %d, want %d", len(py.Calls), len(rec.loss), steps)
	}
	worst := 0.0
	for i, c := range py.Calls {
		pl := c.Outputs["loss"].Floats(t)[0]
		rel := math.Abs(rec.loss[i]-pl) / math.Abs(pl)
		worst = math.Max(worst, rel)
		if rel > 1e-5 {
			t.Errorf("step %d: Go loss %.8f, Python %.8f: relative difference %.2g > 1e-5", i+1, rec.loss[i], pl, rel)
		}
		if pa := c.Outputs["accuracy"].Floats(t)[0]; pa != rec.acc[i] {
			t.Errorf("step %d: Go accuracy %v, Python %v", i+1, rec.acc[i], pa)
		}
	}
	t.Logf("50 steps: largest relative loss difference %.2g (loss %.4f -> %.4f)", worst, rec.loss[0], rec.loss[steps-1])
}

// TestEvaluateAggregates checks that Evaluate's batch aggregation equals one
// evaluate call over all samples (a mean loss and accuracy).
func TestEvaluateAggregates(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	sub, _ := mnist(t, dataset.Test).Slice(0, 100)
	logs, err := m.Evaluate(context.Background(), sub, 32) // batches 32, 32, 32, 4
	if err != nil {
		t.Fatal(err)
	}
	whole, err := m.Evaluate(context.Background(), sub, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"loss", "accuracy"} {
		if d := math.Abs(logs[k] - whole[k]); d > 1e-6 {
			t.Errorf("%s over batches of 32 = %.8f, over one batch = %.8f", k, logs[k], whole[k])
		}
	}
}

func TestLearningRateZeroLeavesVariables(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	if err := m.SetLearningRate(0); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range m.TrainableVariables() {
		names = append(names, v.Name)
	}
	before := readAll(t, m, names)
	sub, _ := mnist(t, dataset.Train).Slice(0, 64)
	if _, err := m.Fit(context.Background(), sub, savedmodel.FitOptions{Epochs: 1, BatchSize: 32}); err != nil {
		t.Fatal(err)
	}
	after := readAll(t, m, names)
	for i, n := range names {
		for j := range before[i] {
			if math.Float32bits(before[i][j]) != math.Float32bits(after[i][j]) {
				t.Errorf("variable %s changed at %d with learning rate 0: %v -> %v", n, j, before[i][j], after[i][j])
				break
			}
		}
	}
	it, _ := m.ReadVariable("adam/iteration")
	defer it.Close()
	if v, _ := it.Value(); v != int64(2) {
		t.Errorf("adam/iteration = %v after two steps, want 2 (the steps ran)", v)
	}
}

func readAll(tb testing.TB, m *savedmodel.Model, names []string) [][]float32 {
	tb.Helper()
	ts, err := m.ReadVariables(names...)
	if err != nil {
		tb.Fatal(err)
	}
	defer tfgo.CloseAll(ts)
	out := make([][]float32, len(ts))
	for i, t := range ts {
		if out[i], err = tfgo.ReadFlat[float32](t); err != nil {
			tb.Fatal(err)
		}
	}
	return out
}

// TestFitBadData: data errors are caught before TensorFlow sees the data,
// with the source, the input and the problem named.
func TestFitBadData(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	good, _ := mnist(t, dataset.Test).Slice(0, 10)
	mk := func(change func(ds *dataset.Dataset)) dataset.Dataset {
		ds, err := good.Gather([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
		if err != nil {
			t.Fatal(err)
		}
		ds.Source = "test data"
		change(&ds)
		return ds
	}
	img27, _ := dataset.Zeros(dataset.Float32, 10, 28, 27)
	tests := []struct {
		name string
		ds   dataset.Dataset
		want string
	}{
		{"label out of range", mk(func(ds *dataset.Dataset) { ds.Targets.Data.([]int64)[3] = 10 }), "the model has 10 classes"},
		{"negative label", mk(func(ds *dataset.Dataset) { ds.Targets.Data.([]int64)[0] = -1 }), "the model has 10 classes"},
		{"NaN input", mk(func(ds *dataset.Dataset) { ds.Inputs[0].Data.([]float32)[5*784+17] = float32(math.NaN()) }), "not finite"},
		{"wrong image shape", mk(func(ds *dataset.Dataset) { ds.Inputs[0].Array = img27 }), "x has shape (10, 28, 27), the model wants (-1, 28, 28)"},
		{"unknown input", mk(func(ds *dataset.Dataset) { ds.Inputs[0].Name = "image" }), `input "image" is not an input of signature "train_step"`},
		{"no labels", mk(func(ds *dataset.Dataset) { ds.Targets = nil }), "no targets"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.Fit(context.Background(), tc.ds, savedmodel.FitOptions{Epochs: 1})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "test data") {
				t.Errorf("Fit(%s) error = %v, want it to name the data and mention %q", tc.name, err, tc.want)
			}
		})
	}
	it, _ := m.ReadVariable("adam/iteration")
	defer it.Close()
	if v, _ := it.Value(); v != int64(0) {
		t.Errorf("adam/iteration = %v after refused data, want 0: no step may run", v)
	}
}

type cancelAfter struct {
	savedmodel.NopCallback
	n      int
	cancel context.CancelFunc
	seen   int
}

func (c *cancelAfter) OnBatchEnd(*savedmodel.Fitting, int, int, savedmodel.Logs) error {
	c.seen++
	if c.seen == c.n {
		c.cancel()
	}
	return nil
}

func TestFitStopsOnCancel(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cb := &cancelAfter{n: 5, cancel: cancel}
	sub, _ := mnist(t, dataset.Train).Slice(0, 3200)
	_, err := m.Fit(ctx, sub, savedmodel.FitOptions{Epochs: 3, Callbacks: []savedmodel.Callback{cb}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Fit after cancel = %v, want context.Canceled", err)
	}
	if cb.seen != 5 {
		t.Errorf("%d steps ran, want 5: Fit must stop after the step in flight", cb.seen)
	}
}
