//go:build cgo

package callbacks

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tfrun/tfrun/internal/atomicdir"
	"github.com/tfrun/tfrun/savedmodel"
)

// ModelCheckpoint saves the model at the end of every epoch, or only when a
// monitored quantity improves (SaveBestOnly), as Keras' ModelCheckpoint
// with save_freq="epoch". Path is a template (see FormatPath:
// "ckpt/model-{epoch:02d}-{val_loss:.3f}"). Each save is a complete
// SavedModel written atomically (Model.Save); with WeightsOnly it is a
// directory holding a TensorFlow checkpoint of every variable
// (PATH/variables.index, PATH/variables.data-*), also written atomically,
// which Model.RestoreVariables(PATH/variables) reads.
type ModelCheckpoint struct {
	savedmodel.NopCallback
	Path         string
	Monitor      string // default "val_loss"
	Mode         string // auto (default), min or max
	SaveBestOnly bool
	WeightsOnly  bool
	// InitialValueThreshold is the value to beat for the first save with
	// SaveBestOnly (Keras' initial_value_threshold).
	InitialValueThreshold *float64
	Log                   io.Writer // Keras' verbose messages when set

	mon   monitor
	ready bool
	best  *float64
	// Saved lists the paths written, in order.
	Saved []string
}

// Check reports a configuration error (no path, an unknown mode, a monitor
// whose direction auto mode cannot tell) before training starts.
func (c *ModelCheckpoint) Check() error { return c.init() }

func (c *ModelCheckpoint) init() error {
	if c.ready {
		return nil
	}
	if c.Path == "" {
		return fmt.Errorf("model checkpoint: no path")
	}
	if c.Monitor == "" {
		c.Monitor = "val_loss"
	}
	if c.SaveBestOnly {
		m, err := newMonitor("model checkpoint", c.Monitor, c.Mode, 0)
		if err != nil {
			return err
		}
		c.mon = m
	}
	c.ready = true
	if c.best == nil && c.InitialValueThreshold != nil {
		c.best = ptr(*c.InitialValueThreshold)
	}
	return nil
}

func (c *ModelCheckpoint) OnTrainBegin(*savedmodel.Fitting) error { return c.init() }

func (c *ModelCheckpoint) OnEpochEnd(f *savedmodel.Fitting, epoch int, logs savedmodel.Logs) error {
	if err := c.init(); err != nil {
		return err
	}
	path, err := FormatPath(c.Path, epoch, logs)
	if err != nil {
		return fmt.Errorf("model checkpoint: %w", err)
	}
	if c.SaveBestOnly {
		current, ok := logs[c.Monitor]
		switch {
		case !ok:
			if c.Log != nil {
				fmt.Fprintf(c.Log, "Can save best model only with %s available.\n", c.Monitor)
			}
		case c.mon.improved(current, c.best):
			if c.Log != nil {
				fmt.Fprintf(c.Log, "\nEpoch %d: %s improved from %s to %.5f, saving model to %s\n",
					epoch+1, c.Monitor, bestString(c.best), current, path)
			}
			c.best = ptr(current)
		default:
			if c.Log != nil {
				fmt.Fprintf(c.Log, "\nEpoch %d: %s did not improve from %s\n", epoch+1, c.Monitor, bestString(c.best))
			}
			return nil
		}
	} else if c.Log != nil {
		fmt.Fprintf(c.Log, "\nEpoch %d: saving model to %s\n", epoch+1, path)
	}
	if c.WeightsOnly {
		err = atomicdir.Write(path, func(tmp string) error {
			return f.Model.SaveVariables(filepath.Join(tmp, VariablesPrefix))
		})
	} else {
		err = f.Model.Save(path)
	}
	if err != nil {
		return fmt.Errorf("model checkpoint: %w", err)
	}
	c.Saved = append(c.Saved, path)
	return nil
}

func bestString(b *float64) string {
	if b == nil {
		return "None"
	}
	return fmt.Sprintf("%.5f", *b)
}

// StateKey implements Stateful.
func (c *ModelCheckpoint) StateKey() string { return "model_checkpoint" }

// SaveState implements Stateful: the best value so far.
func (c *ModelCheckpoint) SaveState(string) (json.RawMessage, error) {
	return json.Marshal(map[string]*float64{"best": c.best})
}

// LoadState implements Stateful.
func (c *ModelCheckpoint) LoadState(dir string, state json.RawMessage) error {
	var st map[string]*float64
	if err := json.Unmarshal(state, &st); err != nil {
		return fmt.Errorf("model checkpoint state in %s: %w", dir, err)
	}
	c.best = st["best"]
	return nil
}

// Checkpoint writes the complete training state after every epoch into
// Dir (the layout is described at CheckpointFormat): every variable through
// the model's saver, the history, Fingerprint, and the state of every
// callback of the Fit that implements Stateful. Put it last in
// FitOptions.Callbacks, so it sees the others' state after the epoch. Resume
// continues from what it wrote.
type Checkpoint struct {
	savedmodel.NopCallback
	Dir         string
	Keep        int               // checkpoints kept, newest first; default 2
	Fingerprint map[string]string // options a resumed run must match
	// Written is the last checkpoint directory written.
	Written string
}

func (c *Checkpoint) OnTrainBegin(*savedmodel.Fitting) error {
	if c.Dir == "" {
		return fmt.Errorf("checkpoint: no directory")
	}
	return os.MkdirAll(c.Dir, 0o755)
}

func (c *Checkpoint) OnEpochEnd(f *savedmodel.Fitting, epoch int, _ savedmodel.Logs) error {
	st := State{Format: CheckpointFormat, Epoch: epoch + 1, Stopped: f.Stopped(), Model: f.Model.Dir(),
		Fingerprint: c.Fingerprint, History: f.History, Callbacks: map[string]json.RawMessage{}}
	path := filepath.Join(c.Dir, CheckpointName(epoch+1))
	err := atomicdir.Write(path, func(tmp string) error {
		if err := f.Model.SaveVariables(filepath.Join(tmp, VariablesPrefix)); err != nil {
			return err
		}
		for _, cb := range f.Options.Callbacks {
			s, ok := cb.(Stateful)
			if !ok {
				continue
			}
			if _, dup := st.Callbacks[s.StateKey()]; dup {
				return fmt.Errorf("two callbacks keep state under %q", s.StateKey())
			}
			raw, err := s.SaveState(tmp)
			if err != nil {
				return fmt.Errorf("%s: %w", s.StateKey(), err)
			}
			st.Callbacks[s.StateKey()] = raw
		}
		b, err := json.MarshalIndent(st, "", " ")
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(tmp, StateFile), append(b, '\n'), 0o644)
	})
	if err != nil {
		return fmt.Errorf("checkpoint after epoch %d in %s: %w", epoch+1, c.Dir, err)
	}
	c.Written = path
	keep := c.Keep
	if keep <= 0 {
		keep = 2
	}
	return prune(c.Dir, keep)
}

// Resume prepares opts to continue the run whose checkpoints are in dir:
// it restores every variable of m from the latest complete checkpoint, the
// state of each Stateful callback in opts.Callbacks that the checkpoint
// holds, and sets opts.InitialEpoch and opts.History. fingerprint must equal
// the one the checkpoint was written with (nil skips the check). When the
// run had stopped (early stopping), opts.Epochs is set to the epochs done,
// so Fit trains no further but still runs OnTrainEnd (restoring best weights
// as the uninterrupted run did). It returns the checkpoint's state, or an
// error wrapping ErrNoCheckpoint when dir holds none.
func Resume(m *savedmodel.Model, dir string, opts *savedmodel.FitOptions, fingerprint map[string]string) (*State, error) {
	path, st, err := Latest(dir)
	if err != nil {
		return nil, err
	}
	if fingerprint != nil {
		if err := CheckFingerprint(path, st.Fingerprint, fingerprint); err != nil {
			return nil, err
		}
	}
	epochs := max(opts.Epochs, 1)
	if st.Epoch > epochs {
		return nil, fmt.Errorf("checkpoint %s holds %d epochs, more than the %d to train", path, st.Epoch, epochs)
	}
	if err := m.RestoreVariables(filepath.Join(path, VariablesPrefix)); err != nil {
		return nil, err
	}
	for _, cb := range opts.Callbacks {
		s, ok := cb.(Stateful)
		if !ok {
			continue
		}
		raw, ok := st.Callbacks[s.StateKey()]
		if !ok {
			continue // a callback the interrupted run did not have starts afresh
		}
		if err := s.LoadState(path, raw); err != nil {
			return nil, err
		}
	}
	opts.InitialEpoch = st.Epoch
	opts.History = st.History
	if st.Stopped {
		opts.Epochs = st.Epoch
	}
	return st, nil
}
