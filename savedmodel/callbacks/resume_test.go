//go:build cgo

package callbacks_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/savedmodel/callbacks"
)

// interruptAt cancels the context at a given batch of a given epoch, as a
// Ctrl-C would.
type interruptAt struct {
	savedmodel.NopCallback
	epoch, batch int
	cancel       context.CancelFunc
}

func (c *interruptAt) OnBatchEnd(_ *savedmodel.Fitting, epoch, batch int, _ savedmodel.Logs) error {
	if epoch == c.epoch && batch == c.batch {
		c.cancel()
	}
	return nil
}

// statefulCallbacks are callbacks whose state a checkpoint must carry.
func statefulCallbacks(tb testing.TB) []savedmodel.Callback {
	tb.Helper()
	es, err := callbacks.NewEarlyStopping(callbacks.EarlyStoppingConfig{Monitor: "val_loss", Patience: 5, RestoreBestWeights: true})
	if err != nil {
		tb.Fatal(err)
	}
	r, err := callbacks.NewReduceLROnPlateau(callbacks.ReduceLROnPlateauConfig{Monitor: "val_accuracy", Factor: 0.5, Patience: 0})
	if err != nil {
		tb.Fatal(err)
	}
	return []savedmodel.Callback{es, r}
}

// TestResumeIsExact: 3 uninterrupted epochs, against 1 epoch, an
// interruption inside epoch 2, and a resumed run from the checkpoint: every
// variable (weights, Adam slots and iteration, learning rate, RNG state)
// ends bit for bit the same, and so does the history.
func TestResumeIsExact(t *testing.T) {
	all := mnistSubset(t, 2500)
	train, val, err := all.SplitValidation(0.2)
	if err != nil {
		t.Fatal(err)
	}
	run := func(ckdir string, stop *interruptAt, resume bool) (*savedmodel.History, savedmodel.Weights, error) {
		m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cbs := statefulCallbacks(t)
		if stop != nil {
			stop.cancel = cancel
			cbs = append(cbs, stop)
		}
		cbs = append(cbs, &callbacks.Checkpoint{Dir: ckdir, Fingerprint: map[string]string{"seed": "5"}})
		opts := savedmodel.FitOptions{Epochs: 3, BatchSize: 32, Seed: 5, Validation: &val, LogLearningRate: true, Callbacks: cbs}
		if resume {
			st, err := callbacks.Resume(m, ckdir, &opts, map[string]string{"seed": "5"})
			if err != nil {
				return nil, nil, err
			}
			if st.Epoch != 1 || opts.InitialEpoch != 1 || opts.History.Len() != 1 {
				t.Errorf("Resume: epoch %d, initial epoch %d, history %d epochs; want 1, 1, 1", st.Epoch, opts.InitialEpoch, opts.History.Len())
			}
		}
		hist, err := m.Fit(ctx, train, opts)
		if err != nil {
			return hist, nil, err
		}
		return hist, weights(t, m), nil
	}
	full, wantW, err := run(t.TempDir(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	ck := t.TempDir()
	if _, _, err := run(ck, &interruptAt{epoch: 1, batch: 20}, false); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v, want context.Canceled", err)
	}
	if _, err := callbacks.Resume(fixture.Load(t, fixture.Model(t, "mnist_mlp")), ck, &savedmodel.FitOptions{Epochs: 3}, map[string]string{"seed": "6"}); err == nil ||
		!strings.Contains(err.Error(), `seed was "5", now "6"`) {
		t.Errorf("Resume with another seed = %v, want a fingerprint error", err)
	}
	resumed, gotW, err := run(ck, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if d := sameWeights(gotW, wantW); d != "" {
		t.Errorf("after resuming, variable %s differs from the uninterrupted run", d)
	}
	for _, k := range full.Names() {
		if fmt.Sprint(full.Values[k]) != fmt.Sprint(resumed.Values[k]) {
			t.Errorf("history %s: resumed %v, uninterrupted %v", k, resumed.Values[k], full.Values[k])
		}
	}
}

// buildTfrun builds the CLI into a temporary directory.
func buildTfrun(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "tfrun")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/tfrun")
	cmd.Dir = fixture.Root(tb)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build ./cmd/tfrun: %v\n%s", err, out)
	}
	return bin
}

// writeMNISTNPZ writes n MNIST training samples (and 200 test ones) in
// Keras' mnist.npz layout.
func writeMNISTNPZ(tb testing.TB, n int) string {
	tb.Helper()
	dir := fixture.MNIST(tb)
	x, err := dataset.LoadIDX(filepath.Join(dir, "train-images-idx3-ubyte"))
	if err != nil {
		tb.Fatal(err)
	}
	y, err := dataset.LoadIDX(filepath.Join(dir, "train-labels-idx1-ubyte"))
	if err != nil {
		tb.Fatal(err)
	}
	xs, _ := x.Slice(0, n)
	ys, _ := y.Slice(0, n)
	xt, _ := x.Slice(n, n+200)
	yt, _ := y.Slice(n, n+200)
	path := filepath.Join(tb.TempDir(), "mnist.npz")
	err = dataset.SaveNPZ(path, []dataset.Named{{Name: "x_train", Array: xs}, {Name: "y_train", Array: ys},
		{Name: "x_test", Array: xt}, {Name: "y_test", Array: yt}}, false)
	if err != nil {
		tb.Fatal(err)
	}
	return path
}

// TestKillAndResume runs `tfrun train --checkpoint-dir` as a subprocess,
// kills it with SIGKILL at random moments (before the first checkpoint,
// inside epoch 2, while checkpoints are written), checks after each kill that
// what is on disk loads (a complete checkpoint whose variables restore, or
// none at all), resumes with --resume, and compares the final model with an
// uninterrupted run's: every variable bit for bit.
func TestKillAndResume(t *testing.T) {
	bin := buildTfrun(t)
	data := writeMNISTNPZ(t, 2000)
	model := fixture.Model(t, "mnist_mlp")
	base := t.TempDir()
	args := func(dir string, extra ...string) []string {
		return append([]string{"train", model, "--data", data, "--epochs", "3", "--batch-size", "32", "--seed", "9",
			"--validation-split", "0.1", "--early-stopping", "--early-stopping-patience", "4",
			"--early-stopping-restore-best-weights", "--reduce-lr-on-plateau", "--reduce-lr-patience", "0",
			"--reduce-lr-monitor", "val_accuracy", "--verbose", "0", "--out", filepath.Join(dir, "model"),
			"--checkpoint-dir", filepath.Join(dir, "ck"), "--logdir", filepath.Join(dir, "logs")}, extra...)
	}
	runCmd := func(a []string) {
		cmd := exec.Command(bin, a...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("tfrun %s: %v\n%s", strings.Join(a, " "), err, out)
		}
	}
	ref := filepath.Join(base, "ref")
	runCmd(args(ref))
	want := savedWeights(t, filepath.Join(ref, "model"))

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("kill moments drawn with seed %d", seed)
	for i := range 10 {
		dir := filepath.Join(base, fmt.Sprintf("kill%d", i))
		// Wait for 0, 1 or 2 checkpoints (the first kill: 1, inside epoch 2),
		// then a random delay within an epoch or so.
		waitFor := rng.IntN(3)
		if i == 0 {
			waitFor = 1
		}
		delay := time.Duration(rng.IntN(400)) * time.Millisecond
		cmd := exec.Command(bin, args(dir)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		finished := false
	wait:
		for {
			select {
			case <-done:
				finished = true
				break wait
			case <-time.After(5 * time.Millisecond):
				if n, _ := callbacks.ListCheckpoints(filepath.Join(dir, "ck")); len(n) >= waitFor {
					break wait
				}
			}
		}
		if !finished {
			time.Sleep(delay)
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
		}
		ck := filepath.Join(dir, "ck")
		path, st, err := callbacks.Latest(ck)
		switch {
		case errors.Is(err, callbacks.ErrNoCheckpoint):
			t.Logf("kill %d: no complete checkpoint yet", i)
		case err != nil:
			t.Fatalf("kill %d: checkpoint does not load: %v", i, err)
		default:
			m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
			if err := m.RestoreVariables(filepath.Join(path, callbacks.VariablesPrefix)); err != nil {
				t.Fatalf("kill %d: %s does not restore: %v", i, path, err)
			}
			t.Logf("kill %d: latest checkpoint after %d epoch(s)", i, st.Epoch)
		}
		runCmd(args(dir, "--resume"))
		got := savedWeights(t, filepath.Join(dir, "model"))
		if d := sameWeights(got, want); d != "" {
			t.Errorf("kill %d: after resuming, %s differs from the uninterrupted run", i, d)
		}
		if _, err := savedmodel.ReadHistory(filepath.Join(dir, "model.history.json")); err != nil {
			t.Errorf("kill %d: history: %v", i, err)
		}
	}
}

func savedWeights(tb testing.TB, dir string) savedmodel.Weights {
	tb.Helper()
	m, err := savedmodel.Load(dir, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer m.Close()
	return weights(tb, m)
}
