//go:build cgo

package callbacks

import (
	"fmt"
	"io"

	"github.com/tfrun/tfrun/savedmodel"
)

// TerminateOnNaN stops training when a train step's loss is NaN or
// infinite, as Keras' TerminateOnNaN does, and then — unlike Keras — rolls
// the model back to its last finite state: every variable (weights,
// optimizer slots and iteration count, RNG state) as it was at the end of
// the last epoch whose weights were all finite (or at the start of training),
// or after the last snapshot every Every batches. The learning rate is left
// as it is. Fit then returns without error (see savedmodel.NonFiniteHandler)
// and Terminated says what happened.
type TerminateOnNaN struct {
	savedmodel.NopCallback
	// Every, when > 0, also snapshots the state every Every batches (each
	// snapshot copies every variable: a cost per batch).
	Every int
	// NoRollback stops training without restoring the snapshot (Keras'
	// behaviour).
	NoRollback bool
	Log        io.Writer // a message when it acts, when set

	snapshot savedmodel.Weights
	snapEp   int // epochs complete at the snapshot
	snapB    int // batches of the next epoch done at the snapshot
	// Terminated is set when the callback stopped training.
	Terminated *NaNEvent
}

// NaNEvent tells where the loss went non-finite and what was restored.
type NaNEvent struct {
	Epoch, Batch int   // 0-based, of the failing step
	Err          error // the step's error
	// RestoredEpochs is the number of complete epochs of the restored state
	// and RestoredBatches the batches of the next one (0 unless Every).
	RestoredEpochs, RestoredBatches int
	RolledBack                      bool
}

func (t *TerminateOnNaN) take(f *savedmodel.Fitting, epochs, batches int) error {
	names := stateNames(f.Model)
	w, err := f.Model.GetWeights(names...)
	if err != nil {
		return fmt.Errorf("terminate on NaN: snapshot: %w", err)
	}
	if name, _ := w.NonFinite(); name != "" {
		return nil // keep the last finite snapshot
	}
	t.snapshot, t.snapEp, t.snapB = w, epochs, batches
	return nil
}

func (t *TerminateOnNaN) OnTrainBegin(f *savedmodel.Fitting) error {
	t.snapshot, t.Terminated = nil, nil
	if t.NoRollback {
		return nil
	}
	return t.take(f, f.Options.InitialEpoch, 0)
}

func (t *TerminateOnNaN) OnBatchEnd(f *savedmodel.Fitting, epoch, batch int, _ savedmodel.Logs) error {
	if t.NoRollback || t.Every <= 0 || (batch+1)%t.Every != 0 {
		return nil
	}
	return t.take(f, epoch, batch+1)
}

func (t *TerminateOnNaN) OnEpochEnd(f *savedmodel.Fitting, epoch int, _ savedmodel.Logs) error {
	if t.NoRollback {
		return nil
	}
	return t.take(f, epoch+1, 0)
}

// OnNonFinite implements savedmodel.NonFiniteHandler.
func (t *TerminateOnNaN) OnNonFinite(f *savedmodel.Fitting, epoch, batch int, err error) (bool, error) {
	ev := &NaNEvent{Epoch: epoch, Batch: batch, Err: err}
	if !t.NoRollback && t.snapshot != nil {
		if err := f.Model.SetWeights(t.snapshot); err != nil {
			return false, fmt.Errorf("terminate on NaN: rolling back: %w", err)
		}
		ev.RolledBack, ev.RestoredEpochs, ev.RestoredBatches = true, t.snapEp, t.snapB
	}
	t.Terminated = ev
	if t.Log != nil {
		fmt.Fprintf(t.Log, "Epoch %d, batch %d: invalid loss, terminating training", epoch+1, batch+1)
		if ev.RolledBack {
			fmt.Fprintf(t.Log, "; weights rolled back to the state after %d epoch(s)", ev.RestoredEpochs)
			if ev.RestoredBatches > 0 {
				fmt.Fprintf(t.Log, " and %d batch(es)", ev.RestoredBatches)
			}
		}
		fmt.Fprintln(t.Log)
	}
	return true, nil
}

// stateNames are every variable but the learning rate.
func stateNames(m *savedmodel.Model) []string {
	lr := ""
	if d := m.Description(); d != nil {
		lr = d.LearningRateVar
	}
	var names []string
	for _, v := range m.Variables() {
		if v.Name != lr {
			names = append(names, v.Name)
		}
	}
	return names
}
