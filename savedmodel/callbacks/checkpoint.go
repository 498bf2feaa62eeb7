package callbacks

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/tfrun/tfrun/savedmodel"
)

// Checkpoint directory layout (format CheckpointFormat):
//
//	DIR/ckpt-000003/            state after 3 complete epochs
//	    variables.index         every variable of the model (weights, optimizer
//	    variables.data-*        slots and iteration, learning rate, RNG state),
//	                            a TensorFlow checkpoint written by the model's saver
//	    state.json              epochs done, options fingerprint, history, and
//	                            the state of each stateful callback
//	    early_stopping.best.npz best weights of EarlyStopping, when it keeps them
//
// Each ckpt-N directory is built in a temporary sibling and renamed into
// place (internal/atomicdir), so a ckpt-N name only ever names a complete
// checkpoint; older ones are renamed away before they are deleted. The
// latest checkpoint is the complete one with the largest N.
const (
	CheckpointFormat = "tfrun.checkpoint/1"
	StateFile        = "state.json"
	VariablesPrefix  = "variables" // the TF checkpoint's prefix inside ckpt-N
	checkpointPrefix = "ckpt-"
)

// ErrNoCheckpoint reports a checkpoint directory without a complete
// checkpoint (a run killed before its first epoch ended).
var ErrNoCheckpoint = errors.New("no complete checkpoint")

// State is a checkpoint's state.json.
type State struct {
	Format string `json:"format"`
	// Epoch is the number of complete epochs: training resumes at this
	// (0-based) epoch.
	Epoch int `json:"epoch"`
	// Stopped says a callback (early stopping) ended training at Epoch:
	// a resumed run trains no further.
	Stopped bool   `json:"stopped"`
	Model   string `json:"model,omitempty"`
	// Fingerprint holds the options a resumed run must share with the
	// interrupted one to continue it exactly (data, batch size, seed...).
	Fingerprint map[string]string          `json:"fingerprint"`
	History     *savedmodel.History        `json:"history"`
	Callbacks   map[string]json.RawMessage `json:"callbacks,omitempty"`
}

// Stateful is a callback whose state a checkpoint keeps, so a resumed run
// continues as the uninterrupted one would (EarlyStopping, ReduceLROnPlateau,
// ModelCheckpoint). The Checkpoint callback calls SaveState with the
// checkpoint directory being written (for files, e.g. weights) and Resume
// calls LoadState with the complete checkpoint directory.
type Stateful interface {
	StateKey() string
	SaveState(dir string) (json.RawMessage, error)
	LoadState(dir string, state json.RawMessage) error
}

// CheckpointName returns the directory name of the checkpoint after epochs
// complete epochs.
func CheckpointName(epochs int) string { return fmt.Sprintf("%s%06d", checkpointPrefix, epochs) }

// ListCheckpoints returns the epochs of the ckpt-N directories in dir,
// ascending, without checking them.
func ListCheckpoints(dir string) ([]int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var epochs []int
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, checkpointPrefix) {
			continue
		}
		n, err := strconv.Atoi(name[len(checkpointPrefix):])
		if err != nil || n < 0 || CheckpointName(n) != name {
			continue
		}
		epochs = append(epochs, n)
	}
	slices.Sort(epochs)
	return epochs, nil
}

// ReadState reads and checks ckpt/state.json and the presence of the
// variables checkpoint. Errors name the file.
func ReadState(ckpt string) (*State, error) {
	path := filepath.Join(ckpt, StateFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.Format != CheckpointFormat {
		return nil, fmt.Errorf("%s: format %q, this tfrun reads %q", path, s.Format, CheckpointFormat)
	}
	if s.Epoch < 0 {
		return nil, fmt.Errorf("%s: epoch %d", path, s.Epoch)
	}
	if s.History == nil {
		s.History = &savedmodel.History{Values: map[string][]float64{}}
	}
	if err := s.History.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if n := len(s.History.Epoch); n > 0 && s.History.Epoch[n-1] >= s.Epoch {
		return nil, fmt.Errorf("%s: history reaches epoch %d beyond the %d complete", path, s.History.Epoch[n-1]+1, s.Epoch)
	}
	if _, err := os.Stat(filepath.Join(ckpt, VariablesPrefix+".index")); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", ckpt, err)
	}
	return &s, nil
}

// Latest returns the newest complete checkpoint in dir: its path and
// state. Checkpoints that fail to read are skipped (and reported in the
// error only when none reads). It returns an error wrapping
// ErrNoCheckpoint when dir has none (or does not exist).
func Latest(dir string) (string, *State, error) {
	epochs, err := ListCheckpoints(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", nil, err
	}
	var errs []error
	for i := len(epochs) - 1; i >= 0; i-- {
		path := filepath.Join(dir, CheckpointName(epochs[i]))
		s, err := ReadState(path)
		if err == nil {
			return path, s, nil
		}
		errs = append(errs, err)
	}
	return "", nil, fmt.Errorf("%s: %w%s", dir, ErrNoCheckpoint, joinErrs(errs))
}

func joinErrs(errs []error) string {
	if len(errs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(" (unreadable:")
	for _, e := range errs {
		b.WriteString(" " + e.Error() + ";")
	}
	b.WriteString(")")
	return b.String()
}

// CheckFingerprint compares a checkpoint's fingerprint with this run's:
// the error lists every option that differs.
func CheckFingerprint(ckpt string, saved, now map[string]string) error {
	var diffs []string
	keys := map[string]bool{}
	for k := range saved {
		keys[k] = true
	}
	for k := range now {
		keys[k] = true
	}
	var sorted []string
	for k := range keys {
		sorted = append(sorted, k)
	}
	slices.Sort(sorted)
	for _, k := range sorted {
		a, okA := saved[k]
		b, okB := now[k]
		if a != b || okA != okB {
			diffs = append(diffs, fmt.Sprintf("%s was %q, now %q", k, a, b))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("checkpoint %s was made with other options, so resuming would not continue that run: %s",
			ckpt, strings.Join(diffs, "; "))
	}
	return nil
}

// prune removes checkpoints older than the newest keep ones. Each is first
// renamed to a hidden name, so a ckpt-N name never names a half-deleted
// checkpoint.
func prune(dir string, keep int) error {
	if keep <= 0 {
		return nil
	}
	epochs, err := ListCheckpoints(dir)
	if err != nil {
		return err
	}
	var errs []error
	for i := 0; i < len(epochs)-keep; i++ {
		path := filepath.Join(dir, CheckpointName(epochs[i]))
		gone := filepath.Join(dir, "."+CheckpointName(epochs[i])+".deleting")
		os.RemoveAll(gone)
		if err := os.Rename(path, gone); err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, os.RemoveAll(gone))
	}
	return errors.Join(errs...)
}
