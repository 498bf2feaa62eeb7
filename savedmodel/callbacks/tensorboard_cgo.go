//go:build cgo

package callbacks

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/tfrun/tfrun/internal/tfevents"
	"github.com/tfrun/tfrun/savedmodel"
)

// TensorBoard writes TensorBoard event files as Keras' TensorBoard callback
// lays them out: LogDir/train gets epoch_<name> for the loss, each metric
// and the learning rate (epoch_learning_rate) at step = epoch (0-based);
// LogDir/validation gets the val_ values as epoch_<name>. With UpdateFreq
// N > 0, LogDir/train also gets batch_<name> (the epoch's running means, as
// Keras logs them) every N batches at step = global batch index.
//
// Each epoch's events are synced to disk at its end. A resumed run (Fit
// with InitialEpoch > 0) starts its files with a SessionLog START at the
// resumed epoch, so TensorBoard drops what an interrupted run logged after
// its last checkpoint; with UpdateFreq this is not done (batch and epoch
// steps differ), and such points may show twice.
type TensorBoard struct {
	savedmodel.NopCallback
	LogDir     string
	UpdateFreq int

	train, val *tfevents.Writer
	step       int64 // global train batch
	restart    int   // InitialEpoch when > 0
}

func (t *TensorBoard) OnTrainBegin(f *savedmodel.Fitting) error {
	t.Close()
	t.step = int64(f.Options.InitialEpoch) * int64(f.Steps)
	t.restart = f.Options.InitialEpoch
	w, err := t.open("train")
	t.train = w
	return err
}

func (t *TensorBoard) open(sub string) (*tfevents.Writer, error) {
	w, err := tfevents.Create(filepath.Join(t.LogDir, sub))
	if err != nil {
		return nil, fmt.Errorf("tensorboard: %w", err)
	}
	if t.restart > 0 && t.UpdateFreq <= 0 {
		if err := w.Restart(int64(t.restart), time.Now(), fmt.Sprintf("resumed at epoch %d", t.restart+1)); err != nil {
			w.Close()
			return nil, err
		}
	}
	return w, nil
}

func (t *TensorBoard) OnBatchEnd(_ *savedmodel.Fitting, _, _ int, logs savedmodel.Logs) error {
	t.step++
	if t.UpdateFreq <= 0 || t.step%int64(t.UpdateFreq) != 0 {
		return nil
	}
	return t.train.WriteScalars(t.step-1, time.Now(), scalars("batch_", logs, false)...)
}

func (t *TensorBoard) OnEpochEnd(f *savedmodel.Fitting, epoch int, logs savedmodel.Logs) error {
	now := time.Now()
	train := scalars("epoch_", logs, false)
	if _, ok := logs["learning_rate"]; !ok {
		if lr, err := f.Model.LearningRate(); err == nil {
			train = append(train, tfevents.Scalar{Tag: "epoch_learning_rate", Value: float32(lr)})
		}
	}
	if err := t.train.WriteScalars(int64(epoch), now, train...); err != nil {
		return err
	}
	if err := t.train.Flush(); err != nil {
		return err
	}
	val := scalars("epoch_", logs, true)
	if len(val) == 0 {
		return nil
	}
	if t.val == nil {
		w, err := t.open("validation")
		if err != nil {
			return err
		}
		t.val = w
	}
	if err := t.val.WriteScalars(int64(epoch), now, val...); err != nil {
		return err
	}
	return t.val.Flush()
}

func (t *TensorBoard) OnTrainEnd(*savedmodel.Fitting, savedmodel.Logs) error { return t.Close() }

// Close closes the event files (Fit's OnTrainEnd does; call it after a
// Fit that failed). Idempotent.
func (t *TensorBoard) Close() error {
	var errs []error
	if t.train != nil {
		errs = append(errs, t.train.Close())
	}
	if t.val != nil {
		errs = append(errs, t.val.Close())
	}
	t.train, t.val = nil, nil
	return errors.Join(errs...)
}

// scalars turns the train (val false) or validation logs into tagged
// scalars, sorted by name.
func scalars(prefix string, logs savedmodel.Logs, val bool) []tfevents.Scalar {
	var out []tfevents.Scalar
	for _, k := range sortedKeys(logs) {
		if strings.HasPrefix(k, "val_") != val {
			continue
		}
		out = append(out, tfevents.Scalar{Tag: prefix + strings.TrimPrefix(k, "val_"), Value: float32(logs[k])})
	}
	return out
}
