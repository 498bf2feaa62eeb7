//go:build cgo

package callbacks_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/savedmodel/callbacks"
)

// BenchmarkFitEpoch measures one Fit epoch of mnist_mlp on 2,048 real MNIST
// samples (batch 32, 64 steps) plus validation on 512, without callbacks
// ("none") and with every built-in callback tfrun train can add ("all":
// Checkpoint, TensorBoard, CSVLogger, HistoryFile with JSON and PNG,
// EarlyStopping with restore_best_weights, ReduceLROnPlateau and
// TerminateOnNaN). ns/op is per epoch; the difference is the callbacks'
// per-epoch overhead. scripts/bench.py runs it with
// `go test -run '^$' -bench BenchmarkFitEpoch ./savedmodel/callbacks`.
func BenchmarkFitEpoch(b *testing.B) {
	all := mnistSubset(b, 2048+512)
	train, _ := all.Slice(0, 2048)
	val, _ := all.Slice(2048, 2048+512)
	for _, name := range []string{"none", "all"} {
		b.Run("callbacks="+name, func(b *testing.B) {
			m := fixture.Load(b, fixture.Model(b, "mnist_mlp"))
			var cbs []savedmodel.Callback
			if name == "all" {
				dir := b.TempDir()
				es, _ := callbacks.NewEarlyStopping(callbacks.EarlyStoppingConfig{Monitor: "val_loss", Patience: 1 << 30, RestoreBestWeights: true})
				r, _ := callbacks.NewReduceLROnPlateau(callbacks.ReduceLROnPlateauConfig{Monitor: "val_loss", Patience: 1 << 30})
				tb := &callbacks.TensorBoard{LogDir: filepath.Join(dir, "logs")}
				defer tb.Close()
				cbs = []savedmodel.Callback{&callbacks.TerminateOnNaN{}, es, r,
					&callbacks.CSVLogger{Path: filepath.Join(dir, "log.csv")},
					&callbacks.HistoryFile{JSON: filepath.Join(dir, "h.json"), PNG: filepath.Join(dir, "curves.png")},
					tb, &callbacks.Checkpoint{Dir: filepath.Join(dir, "ck")}}
			}
			// Warm up: the first steps build TensorFlow's kernels.
			if _, err := m.Fit(context.Background(), train, savedmodel.FitOptions{Epochs: 1, BatchSize: 32, Validation: &val}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			if _, err := m.Fit(context.Background(), train, savedmodel.FitOptions{Epochs: b.N, BatchSize: 32, Seed: 1,
				Validation: &val, LogLearningRate: true, Callbacks: cbs}); err != nil {
				b.Fatal(err)
			}
		})
	}
}
