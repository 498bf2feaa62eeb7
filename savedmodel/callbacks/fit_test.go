//go:build cgo

package callbacks_test

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/savedmodel/callbacks"
)

// mnistSubset returns the first n training samples of real MNIST.
func mnistSubset(tb testing.TB, n int) dataset.Dataset {
	tb.Helper()
	ds, err := dataset.LoadMNIST(fixture.MNIST(tb), dataset.Train)
	if err != nil {
		tb.Fatal(err)
	}
	sub, err := ds.Slice(0, n)
	if err != nil {
		tb.Fatal(err)
	}
	return sub
}

func weights(tb testing.TB, m *savedmodel.Model, names ...string) savedmodel.Weights {
	tb.Helper()
	w, err := m.GetWeights(names...)
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// sameWeights compares bit for bit and names the first difference.
func sameWeights(a, b savedmodel.Weights) string {
	if len(a) != len(b) {
		return "different variable counts"
	}
	for i := range a {
		if a[i].Name != b[i].Name {
			return a[i].Name + " vs " + b[i].Name
		}
		switch x := a[i].Array.Data.(type) {
		case []float32:
			y := b[i].Array.Data.([]float32)
			for j := range x {
				if math.Float32bits(x[j]) != math.Float32bits(y[j]) {
					return a[i].Name
				}
			}
		case []int64:
			if !slices.Equal(x, b[i].Array.Data.([]int64)) {
				return a[i].Name
			}
		case []bool:
			if !slices.Equal(x, b[i].Array.Data.([]bool)) {
				return a[i].Name
			}
		}
	}
	return ""
}

func trainableNames(m *savedmodel.Model) []string {
	var names []string
	for _, v := range m.TrainableVariables() {
		names = append(names, v.Name)
	}
	return names
}

// forceLoss records the weights after each epoch and rewrites the epoch's
// monitored value, so a real Fit meets a known History.
type forceLoss struct {
	savedmodel.NopCallback
	values []float64
	after  []savedmodel.Weights
}

func (c *forceLoss) OnEpochEnd(f *savedmodel.Fitting, epoch int, logs savedmodel.Logs) error {
	logs["val_loss"] = c.values[epoch]
	f.History.Values["val_loss"] = append(f.History.Values["val_loss"], c.values[epoch])
	w, err := f.Model.GetWeights(trainableNames(f.Model)...)
	c.after = append(c.after, w)
	return err
}

// TestEarlyStoppingRestoresBestWeights trains real epochs on MNIST with a
// monitored sequence whose best epoch is known: EarlyStopping stops where
// Keras would (Replay on the same History) and the model ends with the
// weights it had after the best epoch, bit for bit.
func TestEarlyStoppingRestoresBestWeights(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	values := []float64{0.9, 0.5, 0.6, 0.7, 0.4, 0.3}
	cfg := callbacks.EarlyStoppingConfig{Monitor: "val_loss", Patience: 2, RestoreBestWeights: true}
	es, err := callbacks.NewEarlyStopping(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := &forceLoss{values: values}
	hist, err := m.Fit(context.Background(), mnistSubset(t, 2048), savedmodel.FitOptions{
		Epochs: len(values), BatchSize: 64, Seed: 3, Callbacks: []savedmodel.Callback{rec, es}})
	if err != nil {
		t.Fatal(err)
	}
	want := &savedmodel.History{}
	for i, v := range values {
		want.Append(i, savedmodel.Logs{"val_loss": v})
	}
	stopped, best, _ := callbacks.Replay(cfg, want)
	if stopped != 3 || best != 1 {
		t.Fatalf("Replay = stop %d, best %d; want 3, 1 (patience 2 after the best epoch 1)", stopped, best)
	}
	if hist.Len() != stopped+1 {
		t.Errorf("Fit ran %d epochs, want %d (stop after epoch %d)", hist.Len(), stopped+1, stopped+1)
	}
	if d := sameWeights(weights(t, m, trainableNames(m)...), rec.after[best]); d != "" {
		t.Errorf("after training, %s differs from the weights after the best epoch %d", d, best+1)
	}
	if d := sameWeights(weights(t, m, trainableNames(m)...), rec.after[len(rec.after)-1]); d == "" {
		t.Errorf("final weights equal the last epoch's: nothing was restored")
	}
}

// TestReduceLROnPlateauChangesVariable: a plateau lowers the learning-rate
// variable the graph reads, read back from TensorFlow, and the history's
// learning_rate column shows the change one epoch later.
func TestReduceLROnPlateauChangesVariable(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	r, err := callbacks.NewReduceLROnPlateau(callbacks.ReduceLROnPlateauConfig{Monitor: "val_loss", Factor: 0.5, Patience: 1})
	if err != nil {
		t.Fatal(err)
	}
	rec := &forceLoss{values: []float64{1, 1, 1, 0.5}}
	hist, err := m.Fit(context.Background(), mnistSubset(t, 1024), savedmodel.FitOptions{
		Epochs: 4, BatchSize: 128, Seed: 1, LogLearningRate: true, Callbacks: []savedmodel.Callback{rec, r}})
	if err != nil {
		t.Fatal(err)
	}
	lr, err := m.LearningRate()
	if err != nil {
		t.Fatal(err)
	}
	// Epoch 2 and 3 do not improve on 1 (patience 1): 1e-3 -> 5e-4 -> 2.5e-4.
	if want := float64(float32(0.00025)); lr != want {
		t.Errorf("learning rate variable = %v after two reductions, want %v", lr, want)
	}
	got := hist.Values["learning_rate"]
	want := []float64{float64(float32(1e-3)), float64(float32(1e-3)), float64(float32(5e-4)), float64(float32(2.5e-4))}
	if !slices.Equal(got, want) {
		t.Errorf("history learning_rate = %v, want %v", got, want)
	}
}

// TestScheduleSetsVariable: a LearningRateScheduler sets the variable at
// each epoch's start.
func TestScheduleSetsVariable(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	s := &callbacks.LearningRateScheduler{Schedule: callbacks.Table{{Epoch: 0, LR: 0.01}, {Epoch: 1, LR: 0.002}}}
	hist, err := m.Fit(context.Background(), mnistSubset(t, 512), savedmodel.FitOptions{
		Epochs: 2, BatchSize: 128, LogLearningRate: true, Callbacks: []savedmodel.Callback{s}})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{float64(float32(0.01)), float64(float32(0.002))}
	if got := hist.Values["learning_rate"]; !slices.Equal(got, want) {
		t.Errorf("learning_rate = %v, want %v", got, want)
	}
}

// TestTerminateOnNaNRollsBack: two normal epochs, then a learning rate of
// 1e30 (with Adam, a learning rate of 1e6 only saturates the softmax, whose
// clipped loss stays finite; 1e30 overflows the activations) makes the loss
// non-finite in the third; TerminateOnNaN stops, restores the state after
// the last finite epoch, Fit returns without error, and the saved model
// holds only finite weights.
func TestTerminateOnNaNRollsBack(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	nan := &callbacks.TerminateOnNaN{}
	sched := &callbacks.LearningRateScheduler{Schedule: callbacks.Table{{Epoch: 0, LR: 1e-3}, {Epoch: 2, LR: 1e30}}}
	snaps := &forceLoss{values: make([]float64, 10)}
	hist, err := m.Fit(context.Background(), mnistSubset(t, 2048), savedmodel.FitOptions{
		Epochs: 10, BatchSize: 32, Seed: 2, Callbacks: []savedmodel.Callback{sched, nan, snaps}})
	if err != nil {
		t.Fatalf("Fit = %v, want no error (TerminateOnNaN handles the NaN)", err)
	}
	ev := nan.Terminated
	if ev == nil || !ev.RolledBack || !errors.Is(ev.Err, savedmodel.ErrNonFinite) {
		t.Fatalf("Terminated = %+v, want a rollback after a non-finite loss", ev)
	}
	t.Logf("loss went non-finite at epoch %d batch %d; rolled back to %d epochs", ev.Epoch+1, ev.Batch+1, ev.RestoredEpochs)
	if hist.Len() != ev.Epoch || ev.RestoredEpochs > ev.Epoch {
		t.Errorf("history has %d epochs, NaN in epoch %d, restored %d: want the broken epoch left out", hist.Len(), ev.Epoch+1, ev.RestoredEpochs)
	}
	w := weights(t, m)
	if name, i := w.NonFinite(); name != "" {
		t.Fatalf("after rollback %s[%d] is not finite", name, i)
	}
	if ev.Epoch != 2 || ev.RestoredEpochs != 2 {
		t.Errorf("NaN in epoch %d, restored %d epochs; want epoch 3 and the state after 2", ev.Epoch+1, ev.RestoredEpochs)
	}
	if ev.RestoredEpochs > 0 {
		if d := sameWeights(weights(t, m, trainableNames(m)...), snaps.after[ev.RestoredEpochs-1]); d != "" {
			t.Errorf("%s differs from the weights after epoch %d", d, ev.RestoredEpochs)
		}
	}
	out := filepath.Join(t.TempDir(), "model")
	if err := m.Save(out); err != nil {
		t.Fatal(err)
	}
	saved, err := savedmodel.Load(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer saved.Close()
	if name, i := weights(t, saved).NonFinite(); name != "" {
		t.Errorf("saved model: %s[%d] is not finite", name, i)
	}
}

// TestTensorBoardCrossCheck trains 3 epochs with validation data and the
// TensorBoard callback, then reads the event files with TensorBoard's own
// EventAccumulator (Python): train and validation runs hold epoch_loss,
// epoch_accuracy (and epoch_learning_rate for train) at steps 0..2 with the
// history's values (as float32).
func TestTensorBoardCrossCheck(t *testing.T) {
	py := fixture.Python(t)
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	all := mnistSubset(t, 1500)
	train, val, err := all.SplitValidation(0.2)
	if err != nil {
		t.Fatal(err)
	}
	logdir := t.TempDir()
	tb := &callbacks.TensorBoard{LogDir: logdir}
	hist, err := m.Fit(context.Background(), train, savedmodel.FitOptions{
		Epochs: 3, BatchSize: 100, Validation: &val, LogLearningRate: true, Callbacks: []savedmodel.Callback{tb}})
	if err != nil {
		t.Fatal(err)
	}
	script := `
import sys, json
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
out = {}
for run in ("train", "validation"):
    acc = EventAccumulator(sys.argv[1] + "/" + run)
    acc.Reload()
    out[run] = {tag: [[e.step, e.value] for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}
print(json.dumps(out))
`
	cmd := exec.Command(py, "-c", script, logdir)
	cmd.Env = append(os.Environ(), "TF_CPP_MIN_LOG_LEVEL=3")
	raw, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		errors.As(err, &ee)
		t.Fatalf("python: %v\n%s", err, ee.Stderr)
	}
	got := parseScalars(t, raw)
	want := map[string]map[string]string{"train": {}, "validation": {}}
	for _, name := range []string{"loss", "accuracy", "learning_rate"} {
		want["train"]["epoch_"+name] = name
	}
	for _, name := range []string{"loss", "accuracy"} {
		want["validation"]["epoch_"+name] = "val_" + name
	}
	for run, tags := range want {
		if len(got[run]) != len(tags) {
			t.Errorf("%s tags = %v, want %d tags", run, keys(got[run]), len(tags))
		}
		for tag, hname := range tags {
			pts := got[run][tag]
			if len(pts) != 3 {
				t.Errorf("%s/%s: %d points, want 3", run, tag, len(pts))
				continue
			}
			for e, p := range pts {
				if p[0] != float64(e) || float32(p[1]) != float32(hist.Values[hname][e]) {
					t.Errorf("%s/%s point %d = %v, want step %d value %v", run, tag, e, p, e, float32(hist.Values[hname][e]))
				}
			}
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestHistoryFileAndCSV: after Fit the history JSON reads back, the PNG is
// a valid image of the plot's size and the CSV has one row per epoch.
func TestHistoryFileAndCSV(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	dir := t.TempDir()
	hf := &callbacks.HistoryFile{JSON: filepath.Join(dir, "h.json"), PNG: filepath.Join(dir, "curves.png")}
	csv := &callbacks.CSVLogger{Path: filepath.Join(dir, "log.csv")}
	all := mnistSubset(t, 1000)
	train, val, _ := all.SplitValidation(0.2)
	hist, err := m.Fit(context.Background(), train, savedmodel.FitOptions{
		Epochs: 2, BatchSize: 100, Validation: &val, Callbacks: []savedmodel.Callback{hf, csv}})
	if err != nil {
		t.Fatal(err)
	}
	back, err := savedmodel.ReadHistory(hf.JSON)
	if err != nil || !slices.Equal(back.Values["val_loss"], hist.Values["val_loss"]) {
		t.Errorf("ReadHistory = %+v, %v; want the Fit history", back, err)
	}
	checkPNG(t, hf.PNG, 960, 360)
	b, _ := os.ReadFile(csv.Path)
	if lines := strings.Split(strings.TrimSpace(string(b)), "\r\n"); len(lines) != 3 || lines[0] != "epoch,accuracy,loss,val_accuracy,val_loss" {
		t.Errorf("CSV = %q, want a header and 2 rows", b)
	}
}
