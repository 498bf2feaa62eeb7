package callbacks

import (
	"encoding/json"
	"fmt"

	"github.com/tfrun/tfrun/savedmodel"
)

// EarlyStoppingConfig are the arguments of Keras' EarlyStopping, with its
// defaults for zero values except Monitor ("val_loss" when empty).
type EarlyStoppingConfig struct {
	Monitor            string   // default "val_loss"
	Mode               string   // auto (default), min or max
	MinDelta           float64  // minimum change that counts as an improvement
	Patience           int      // epochs without improvement before stopping
	Baseline           *float64 // wait resets only for values better than this
	StartFromEpoch     int      // epochs to wait before monitoring at all
	RestoreBestWeights bool     // set the best epoch's weights when training ends
}

// EarlyStopper is EarlyStopping's decision logic alone, driven by epoch logs
// (a History replayed epoch by epoch gives the same decisions as Keras on the
// same values). The EarlyStopping callback wraps it for Fit. Pure Go.
type EarlyStopper struct {
	Config EarlyStoppingConfig
	EarlyStopperState
	mon monitor
}

// EarlyStopperState is what EarlyStopper carries from epoch to epoch (saved
// in checkpoints).
type EarlyStopperState struct {
	Wait         int      `json:"wait"`
	Best         *float64 `json:"best"`
	BestEpoch    int      `json:"best_epoch"`
	StoppedEpoch int      `json:"stopped_epoch"`
	// HaveBestWeights says best weights were captured (restore_best_weights).
	HaveBestWeights bool `json:"have_best_weights"`
}

// Decision is what EarlyStopper.Step asks of the training loop.
type Decision struct {
	Stop        bool // stop training after this epoch
	CaptureBest bool // keep the current weights as the best ones
	Missing     bool // the monitored quantity is not in the logs (Keras warns)
}

// NewEarlyStopper checks the configuration and returns a stopper in its
// initial state.
func NewEarlyStopper(c EarlyStoppingConfig) (*EarlyStopper, error) {
	if c.Monitor == "" {
		c.Monitor = "val_loss"
	}
	if c.Patience < 0 || c.StartFromEpoch < 0 {
		return nil, fmt.Errorf("early stopping: patience %d and start_from_epoch %d must be >= 0", c.Patience, c.StartFromEpoch)
	}
	mon, err := newMonitor("early stopping", c.Monitor, c.Mode, c.MinDelta)
	if err != nil {
		return nil, err
	}
	return &EarlyStopper{Config: c, mon: mon}, nil
}

// Reset is Keras' on_train_begin: every count and the best value cleared.
func (e *EarlyStopper) Reset() { e.EarlyStopperState = EarlyStopperState{} }

// Step is Keras' EarlyStopping.on_epoch_end for epoch (0-based) with the
// epoch's logs:
//
//	if the value is missing or epoch < start_from_epoch: nothing
//	if restoring and no best weights yet: capture them (best epoch = epoch)
//	wait += 1
//	if improved over best: best = value, best epoch = epoch, capture weights;
//	   wait = 0 unless a baseline is set and the value does not improve on it
//	else if wait >= patience and epoch > 0: stop
func (e *EarlyStopper) Step(epoch int, logs savedmodel.Logs) Decision {
	current, ok := logs[e.Config.Monitor]
	if !ok {
		return Decision{Missing: true}
	}
	if epoch < e.Config.StartFromEpoch {
		return Decision{}
	}
	var d Decision
	if e.Config.RestoreBestWeights && !e.HaveBestWeights {
		d.CaptureBest, e.HaveBestWeights = true, true
		e.BestEpoch = epoch
	}
	e.Wait++
	if e.mon.improved(current, e.Best) {
		e.Best, e.BestEpoch = ptr(current), epoch
		if e.Config.RestoreBestWeights {
			d.CaptureBest = true
		}
		if e.Config.Baseline == nil || e.mon.improved(current, e.Config.Baseline) {
			e.Wait = 0
		}
		return d
	}
	if e.Wait >= e.Config.Patience && epoch > 0 {
		e.StoppedEpoch = epoch
		d.Stop = true
	}
	return d
}

// Replay runs a fresh stopper over a history's epochs in order, as Fit
// would, and returns the 0-based epoch it stops at (-1: it does not stop)
// and the best epoch it would restore (-1: none).
func Replay(c EarlyStoppingConfig, h *savedmodel.History) (stopped, best int, err error) {
	e, err := NewEarlyStopper(c)
	if err != nil {
		return -1, -1, err
	}
	best = -1
	for i, epoch := range h.Epoch {
		d := e.Step(epoch, h.Logs(i))
		if d.CaptureBest {
			best = e.BestEpoch
		}
		if d.Stop {
			return epoch, best, nil
		}
	}
	return -1, best, nil
}

func (s EarlyStopperState) marshal() (json.RawMessage, error) { return json.Marshal(s) }
