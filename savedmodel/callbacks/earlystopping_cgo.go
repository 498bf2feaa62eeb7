//go:build cgo

package callbacks

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/tfrun/tfrun/savedmodel"
)

// EarlyStopping stops training when a monitored quantity has stopped
// improving, as Keras' EarlyStopping does (see EarlyStopper.Step for the
// exact rule), and with RestoreBestWeights sets the weights of the best
// epoch when training ends — whether or not it stopped early, as Keras 3
// does. The weights kept are the model's (trainable and non-trainable
// variables, as Keras' get_weights), in Go memory.
type EarlyStopping struct {
	savedmodel.NopCallback
	// Log, when set, gets Keras' verbose messages ("Epoch 7: early
	// stopping", "Restoring model weights from the end of the best epoch: 4.").
	Log io.Writer

	stopper *EarlyStopper
	best    savedmodel.Weights
	resumed bool
}

// NewEarlyStopping checks c and returns the callback.
func NewEarlyStopping(c EarlyStoppingConfig) (*EarlyStopping, error) {
	s, err := NewEarlyStopper(c)
	if err != nil {
		return nil, err
	}
	return &EarlyStopping{stopper: s}, nil
}

// Stopper returns the decision logic and its state (for reports and tests).
func (e *EarlyStopping) Stopper() *EarlyStopper { return e.stopper }

// BestWeights returns the weights kept for RestoreBestWeights, or nil.
func (e *EarlyStopping) BestWeights() savedmodel.Weights { return e.best }

func (e *EarlyStopping) OnTrainBegin(*savedmodel.Fitting) error {
	if !e.resumed {
		e.stopper.Reset()
		e.best = nil
	}
	e.resumed = false
	return nil
}

func (e *EarlyStopping) OnEpochEnd(f *savedmodel.Fitting, epoch int, logs savedmodel.Logs) error {
	d := e.stopper.Step(epoch, logs)
	if d.Missing && e.Log != nil {
		fmt.Fprintf(e.Log, "Early stopping conditioned on metric `%s` which is not available. Available metrics are: %s\n",
			e.stopper.Config.Monitor, joinKeys(logs))
	}
	if d.CaptureBest {
		w, err := f.Model.GetWeights(modelWeightNames(f.Model)...)
		if err != nil {
			return fmt.Errorf("early stopping: keeping the best weights: %w", err)
		}
		e.best = w
	}
	if d.Stop {
		f.StopTraining()
	}
	return nil
}

func (e *EarlyStopping) OnTrainEnd(f *savedmodel.Fitting, _ savedmodel.Logs) error {
	if e.stopper.StoppedEpoch > 0 && e.Log != nil {
		fmt.Fprintf(e.Log, "Epoch %d: early stopping\n", e.stopper.StoppedEpoch+1)
	}
	if e.stopper.Config.RestoreBestWeights && e.best != nil {
		if e.Log != nil {
			fmt.Fprintf(e.Log, "Restoring model weights from the end of the best epoch: %d.\n", e.stopper.BestEpoch+1)
		}
		if err := f.Model.SetWeights(e.best); err != nil {
			return fmt.Errorf("early stopping: restoring the best weights: %w", err)
		}
	}
	return nil
}

const bestWeightsFile = "early_stopping.best.npz"

// StateKey implements Stateful.
func (e *EarlyStopping) StateKey() string { return "early_stopping" }

// SaveState implements Stateful: the counters in JSON, the best weights
// in dir/early_stopping.best.npz.
func (e *EarlyStopping) SaveState(dir string) (json.RawMessage, error) {
	if e.best != nil {
		if err := savedmodel.SaveWeights(filepath.Join(dir, bestWeightsFile), e.best); err != nil {
			return nil, err
		}
	}
	st := e.stopper.EarlyStopperState
	st.HaveBestWeights = e.best != nil
	return json.Marshal(st)
}

// LoadState implements Stateful; the next OnTrainBegin keeps the state.
func (e *EarlyStopping) LoadState(dir string, state json.RawMessage) error {
	var st EarlyStopperState
	if err := json.Unmarshal(state, &st); err != nil {
		return fmt.Errorf("early stopping state in %s: %w", dir, err)
	}
	e.best = nil
	if st.HaveBestWeights {
		w, err := savedmodel.LoadWeights(filepath.Join(dir, bestWeightsFile))
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("checkpoint %s: early stopping kept best weights, but %s is missing", dir, bestWeightsFile)
		}
		if err != nil {
			return err
		}
		e.best = w
	}
	e.stopper.EarlyStopperState = st
	e.resumed = true
	return nil
}

// modelWeightNames are Keras' model.weights: trainable then non-trainable
// variables (the description's order).
func modelWeightNames(m *savedmodel.Model) []string {
	var names []string
	if d := m.Description(); d != nil {
		for _, tv := range d.Trainable {
			names = append(names, tv.Name)
		}
		names = append(names, d.NonTrainable...)
		return names
	}
	for _, v := range m.Variables() {
		if v.Role == "trainable" || v.Role == "non_trainable" {
			names = append(names, v.Name)
		}
	}
	return names
}

func joinKeys(l savedmodel.Logs) string {
	keys := sortedKeys(l)
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += ","
		}
		s += k
	}
	return s
}
