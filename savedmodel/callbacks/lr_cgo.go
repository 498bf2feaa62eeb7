//go:build cgo

package callbacks

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/tfrun/tfrun/savedmodel"
)

// ReduceLROnPlateau lowers the optimizer's learning rate when a monitored
// quantity stops improving, as Keras' ReduceLROnPlateau does (see
// Plateau.Step). It acts on the model's learning-rate variable, which the
// next train step reads.
type ReduceLROnPlateau struct {
	savedmodel.NopCallback
	Log     io.Writer // Keras' verbose messages when set
	plateau *Plateau
	resumed bool
}

// NewReduceLROnPlateau checks c and returns the callback.
func NewReduceLROnPlateau(c ReduceLROnPlateauConfig) (*ReduceLROnPlateau, error) {
	p, err := NewPlateau(c)
	if err != nil {
		return nil, err
	}
	return &ReduceLROnPlateau{plateau: p}, nil
}

// Plateau returns the decision logic and its state.
func (r *ReduceLROnPlateau) Plateau() *Plateau { return r.plateau }

func (r *ReduceLROnPlateau) OnTrainBegin(f *savedmodel.Fitting) error {
	if !r.resumed {
		r.plateau.Reset()
	}
	r.resumed = false
	_, err := f.Model.LearningRate()
	return err
}

func (r *ReduceLROnPlateau) OnEpochEnd(f *savedmodel.Fitting, epoch int, logs savedmodel.Logs) error {
	lr, err := f.Model.LearningRate()
	if err != nil {
		return err
	}
	newLR, reduced, missing := r.plateau.Step(logs, lr)
	if missing && r.Log != nil {
		fmt.Fprintf(r.Log, "Learning rate reduction is conditioned on metric `%s` which is not available. Available metrics are: %s.\n",
			r.plateau.Config.Monitor, joinKeys(logs))
	}
	if !reduced {
		return nil
	}
	if err := f.Model.SetLearningRate(newLR); err != nil {
		return err
	}
	if r.Log != nil {
		fmt.Fprintf(r.Log, "\nEpoch %d: ReduceLROnPlateau reducing learning rate to %s.\n", epoch+1, PyRepr(newLR))
	}
	return nil
}

// StateKey implements Stateful.
func (r *ReduceLROnPlateau) StateKey() string { return "reduce_lr_on_plateau" }

// SaveState implements Stateful.
func (r *ReduceLROnPlateau) SaveState(string) (json.RawMessage, error) {
	return json.Marshal(r.plateau.PlateauState)
}

// LoadState implements Stateful.
func (r *ReduceLROnPlateau) LoadState(dir string, state json.RawMessage) error {
	var st PlateauState
	if err := json.Unmarshal(state, &st); err != nil {
		return fmt.Errorf("reduce_lr_on_plateau state in %s: %w", dir, err)
	}
	r.plateau.PlateauState = st
	r.resumed = true
	return nil
}

// LearningRateScheduler sets the learning rate at the start of every epoch
// from a Schedule, as Keras' LearningRateScheduler does. A schedule depends
// only on the epoch and the current rate, so it needs no checkpoint state.
type LearningRateScheduler struct {
	savedmodel.NopCallback
	Schedule Schedule
	Log      io.Writer // Keras' verbose messages when set
}

func (s *LearningRateScheduler) OnEpochBegin(f *savedmodel.Fitting, epoch int) error {
	cur, err := f.Model.LearningRate()
	if err != nil {
		return err
	}
	lr := s.Schedule.LearningRate(epoch, cur)
	if math.IsNaN(lr) || math.IsInf(lr, 0) || lr < 0 {
		return fmt.Errorf("learning-rate schedule gave %v for epoch %d: want a finite rate >= 0", lr, epoch+1)
	}
	if err := f.Model.SetLearningRate(lr); err != nil {
		return err
	}
	if s.Log != nil {
		fmt.Fprintf(s.Log, "\nEpoch %d: LearningRateScheduler setting learning rate to %s.\n", epoch+1, PyRepr(lr))
	}
	return nil
}
