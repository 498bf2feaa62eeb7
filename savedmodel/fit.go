//go:build cgo

package savedmodel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/tfgo"
)

// FitOptions say how Fit trains. The zero value of a field means the Keras
// default noted beside it.
type FitOptions struct {
	Epochs       int    // default 1
	InitialEpoch int    // first epoch to run (resume); epochs before it are skipped
	BatchSize    int    // default 32
	NoShuffle    bool   // visit samples in order (default: shuffle every epoch)
	Seed         uint64 // shuffle seed: epoch e visits dataset.Permutation(N, Seed, e)
	// Validation data, evaluated at the end of every epoch ("val_" logs).
	// Use dataset.Dataset.SplitValidation for Keras' validation_split.
	Validation          *dataset.Dataset
	ValidationBatchSize int // default BatchSize
	Callbacks           []Callback
	Prefetch            int // batches prepared ahead by a goroutine; default 2, -1 for none
	// History holds the epochs before InitialEpoch when training resumes:
	// Fit continues a copy of it, so the History it returns (and callbacks
	// see) covers the whole run. Its epochs must all lie before InitialEpoch.
	History *History
	// LogLearningRate adds the optimizer's learning rate at each epoch's end
	// to the epoch logs as "learning_rate" (Keras' ReduceLROnPlateau and
	// LearningRateScheduler do the same), so it reaches the history and
	// every callback. The model must have a learning-rate variable.
	LogLearningRate bool
}

// Fitting is the state of a Fit call that callbacks see and steer.
type Fitting struct {
	Model   *Model
	Options FitOptions
	History *History
	Steps   int // batches per epoch
	Samples int // training samples
	// Epoch is the epoch running (or just finished).
	Epoch int
	// BatchLogs holds the values of the last batch alone (OnBatchEnd's logs
	// are the epoch's running means). Valid during OnBatchEnd.
	BatchLogs Logs
	stop      bool
}

// NonFiniteHandler is a Callback that deals with a non-finite loss itself,
// as TerminateOnNaN in package callbacks does. When a train step returns
// ErrNonFinite, Fit calls OnNonFinite of each callback implementing it, in
// order. If one reports handled, Fit ends training cleanly after that step:
// the broken epoch is not recorded and OnEpochEnd does not run for it,
// OnTrainEnd runs with the last complete epoch's logs, and Fit returns the
// history and no error. Otherwise Fit returns the step's error, as it does
// without such a callback. err is the step's error (wrapping ErrNonFinite);
// epoch and batch are 0-based.
type NonFiniteHandler interface {
	OnNonFinite(f *Fitting, epoch, batch int, err error) (handled bool, herr error)
}

// errHandled tells Fit that a NonFiniteHandler dealt with a non-finite loss.
var errHandled = errors.New("non-finite loss handled by a callback")

// StopTraining asks Fit to stop after the current epoch (after the current
// batch when called from OnBatchEnd), as Keras' model.stop_training.
func (f *Fitting) StopTraining() { f.stop = true }

// Stopped reports whether a callback asked training to stop.
func (f *Fitting) Stopped() bool { return f.stop }

// prepared is a dataset converted to the signature's dtypes and checked.
type prepared struct {
	ds dataset.Dataset
}

// prepare checks a dataset against signature key and converts its arrays to
// the dtypes the signature wants, before TensorFlow sees any of it: input
// names, sample shapes and dtypes, label range (sparse categorical targets),
// NaN/Inf. Errors name the data source, the input and both shapes.
func (m *Model) prepare(key string, ds dataset.Dataset, needTargets bool) (dataset.Dataset, error) {
	sig := m.sigs[key]
	src := ds.Source
	if src == "" {
		src = "data"
	}
	if err := ds.Validate(); err != nil {
		return ds, withSource(src, err)
	}
	if ds.Len() == 0 {
		return ds, fmt.Errorf("%s: no samples", src)
	}
	out := dataset.Dataset{Source: ds.Source}
	for _, in := range ds.Inputs {
		spec, ok := sig.Input(in.Name)
		if !ok || in.Name == "y" || in.Name == "sample_weight" {
			return ds, fmt.Errorf("%s: input %q is not an input of signature %q (model inputs: %s)",
				src, in.Name, key, modelInputs(sig))
		}
		a, err := conformArray(src, in.Name, in.Array, spec)
		if err != nil {
			return ds, err
		}
		out.Inputs = append(out.Inputs, dataset.Named{Name: in.Name, Array: a})
	}
	for _, spec := range sig.Inputs {
		if spec.Key != "y" && spec.Key != "sample_weight" && ds.Input(spec.Key) == nil {
			return ds, fmt.Errorf("%s: no data for model input %q", src, spec.Key)
		}
	}
	if ds.Targets == nil {
		if needTargets {
			return ds, fmt.Errorf("%s: no targets (labels) to train or evaluate on", src)
		}
	} else {
		spec, _ := sig.Input("y")
		if m.desc != nil && m.desc.Target.SparseClasses > 0 {
			// Check labels before converting, so a float label like 3.5 is
			// reported as a label, not as a conversion.
			if err := ds.CheckLabels(m.desc.Target.SparseClasses); err != nil {
				return ds, fmt.Errorf("%w (the model has %d classes)", withSource(src, err), m.desc.Target.SparseClasses)
			}
		}
		y, err := conformArray(src, "y", ds.Targets, spec)
		if err != nil {
			return ds, err
		}
		out.Targets = y
	}
	if ds.Weights != nil {
		if _, ok := sig.Input("sample_weight"); !ok {
			return ds, fmt.Errorf("%s: sample weights given but signature %q takes none", src, key)
		}
		out.Weights = ds.Weights
	}
	if err := out.CheckFinite(); err != nil {
		return ds, withSource(src, err)
	}
	return out, nil
}

// withSource prefixes err with the data source unless it names it already.
func withSource(src string, err error) error {
	if strings.Contains(err.Error(), src) {
		return err
	}
	return fmt.Errorf("%s: %w", src, err)
}

func modelInputs(sig *Signature) string {
	var keys []string
	for _, s := range sig.Inputs {
		if s.Key != "y" && s.Key != "sample_weight" {
			keys = append(keys, s.Key)
		}
	}
	return fmt.Sprint(keys)
}

// conformArray checks a's sample shape against spec and converts its dtype.
func conformArray(src, name string, a *dataset.Array, spec TensorSpec) (*dataset.Array, error) {
	dims := make([]int64, len(a.Shape))
	for i, d := range a.Shape {
		dims[i] = int64(d)
	}
	if !spec.Shape.Compatible(dims) {
		// (N,1) where (N,) is wanted, or the reverse, is the common case:
		// reshape, as Keras does.
		if r := spec.Shape.Rank(); r == len(dims)-1 && dims[len(dims)-1] == 1 {
			v, err := a.Reshape(a.Shape[:len(a.Shape)-1]...)
			if err == nil && spec.Shape.Compatible(dims[:len(dims)-1]) {
				return conformArray(src, name, v, spec)
			}
		} else if r == len(dims)+1 && spec.Shape.Dims[r-1] == 1 {
			v, err := a.Reshape(append(append([]int{}, a.Shape...), 1)...)
			if err == nil && spec.Shape.Compatible(append(dims, 1)) {
				return conformArray(src, name, v, spec)
			}
		}
		return nil, fmt.Errorf("%s: %s has shape %s, the model wants %s", src, name, tfgo.FormatDims(dims), spec.Shape)
	}
	want := spec.DType.String()
	if a.DType() == want {
		return a, nil
	}
	c, err := a.Convert(want)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: converting %s to the model's %s: %w", src, name, a.DType(), want, err)
	}
	return c, nil
}

// batchTensors turns a batch into tensors; the caller closes them.
func batchTensors(b *dataset.Batch) (Batch, []*tfgo.Tensor, error) {
	var owned []*tfgo.Tensor
	mk := func(a *dataset.Array) (*tfgo.Tensor, error) {
		dims := make([]int64, len(a.Shape))
		for i, d := range a.Shape {
			dims[i] = int64(d)
		}
		t, err := tfgo.FromFlat(dims, a.Data)
		if err == nil {
			owned = append(owned, t)
		}
		return t, err
	}
	out := Batch{Inputs: make(map[string]*tfgo.Tensor, len(b.Inputs))}
	for _, in := range b.Inputs {
		t, err := mk(in.Array)
		if err != nil {
			tfgo.CloseAll(owned)
			return Batch{}, nil, err
		}
		out.Inputs[in.Name] = t
	}
	var err error
	if b.Targets != nil {
		if out.Y, err = mk(b.Targets); err != nil {
			tfgo.CloseAll(owned)
			return Batch{}, nil, err
		}
	}
	if b.Weights != nil {
		if out.SampleWeight, err = mk(b.Weights); err != nil {
			tfgo.CloseAll(owned)
			return Batch{}, nil, err
		}
	}
	return out, owned, nil
}

// meanTracker keeps Keras-style weighted means of per-batch values.
type meanTracker struct {
	names     []string
	weighting []string // "samples" or "sample_weight", per name
	sum, wsum []float64
}

func (m *Model) newTracker() *meanTracker {
	names := m.MetricNames()
	t := &meanTracker{names: names, weighting: make([]string, len(names)),
		sum: make([]float64, len(names)), wsum: make([]float64, len(names))}
	t.weighting[0] = "samples"
	if m.desc != nil {
		t.weighting[0] = m.desc.Loss.Weighting
		for i, md := range m.desc.Metrics {
			t.weighting[i+1] = md.Weighting
		}
	}
	return t
}

func (t *meanTracker) add(vals []float64, b *dataset.Batch) {
	n := float64(b.Size)
	sw := n
	if b.Weights != nil {
		sw = 0
		for _, w := range b.Weights.Data.([]float32) {
			sw += float64(w)
		}
	}
	for i, v := range vals {
		w := n
		if t.weighting[i] == "sample_weight" {
			w = sw
		}
		t.sum[i] += v * w
		t.wsum[i] += w
	}
}

func (t *meanTracker) logs(prefix string, into Logs) Logs {
	if into == nil {
		into = Logs{}
	}
	for i, n := range t.names {
		if t.wsum[i] > 0 {
			into[prefix+n] = t.sum[i] / t.wsum[i]
		} else {
			into[prefix+n] = 0
		}
	}
	return into
}

// Evaluate computes the loss and metrics of the model on ds (evaluate
// signature, training=False), aggregated over batches as Keras'
// model.evaluate reports them. It checks the data first (see Fit).
func (m *Model) Evaluate(ctx context.Context, ds dataset.Dataset, batchSize int) (Logs, error) {
	if err := m.requireContract("evaluate"); err != nil {
		return nil, err
	}
	ds, err := m.prepare(EvaluateKey, ds, true)
	if err != nil {
		return nil, err
	}
	return m.evaluate(ctx, ds, batchSize, "")
}

func (m *Model) evaluate(ctx context.Context, ds dataset.Dataset, batchSize int, prefix string) (Logs, error) {
	if batchSize <= 0 {
		batchSize = 32
	}
	tr := m.newTracker()
	err := eachBatch(ctx, ds, dataset.BatchOptions{BatchSize: batchSize, Prefetch: 2}, func(b *dataset.Batch, batch Batch) (bool, error) {
		vals, err := m.EvaluateStep(batch)
		if err != nil {
			return false, err
		}
		tr.add(vals, b)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	return tr.logs(prefix, nil), nil
}

// eachBatch runs step on every batch of one epoch of ds, as tensors that
// it closes after the step, checking ctx between steps. step returns true
// to stop early.
func eachBatch(ctx context.Context, ds dataset.Dataset, opts dataset.BatchOptions, step func(*dataset.Batch, Batch) (bool, error)) error {
	it, err := dataset.Batches(ctx, ds, opts)
	if err != nil {
		return err
	}
	defer it.Close()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := it.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		batch, owned, err := batchTensors(b)
		if err != nil {
			return err
		}
		stop, err := step(b, batch)
		tfgo.CloseAll(owned)
		if err != nil || stop {
			return err
		}
	}
}

// Fit trains the model on train as Keras' model.fit does: Epochs epochs of
// shuffled batches through train_step, epoch values as the weighted means of
// the batch values, validation at each epoch end, callbacks at every hook.
//
// Before the first step the data is checked against the signature (inputs,
// shapes, dtypes converted as the model wants, labels in range, no NaN), so
// bad data gets an error naming the source and the input. Fit stops between
// steps when ctx is cancelled and returns the history so far with ctx's
// error; a non-finite loss stops it with an error wrapping ErrNonFinite.
// The returned History is never nil.
func (m *Model) Fit(ctx context.Context, train dataset.Dataset, opts FitOptions) (*History, error) {
	hist := &History{Values: map[string][]float64{}}
	if err := m.requireContract("train"); err != nil {
		return hist, err
	}
	if opts.Epochs <= 0 {
		opts.Epochs = 1
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 32
	}
	if opts.ValidationBatchSize <= 0 {
		opts.ValidationBatchSize = opts.BatchSize
	}
	if opts.Prefetch == 0 {
		opts.Prefetch = 2
	} else if opts.Prefetch < 0 {
		opts.Prefetch = 0
	}
	if opts.InitialEpoch < 0 || opts.InitialEpoch > opts.Epochs {
		return hist, fmt.Errorf("initial epoch %d outside [0, %d]", opts.InitialEpoch, opts.Epochs)
	}
	train, err := m.prepare(TrainStepKey, train, true)
	if err != nil {
		return hist, err
	}
	var val dataset.Dataset
	if opts.Validation != nil {
		if val, err = m.prepare(EvaluateKey, *opts.Validation, true); err != nil {
			return hist, fmt.Errorf("validation data: %w", err)
		}
	}
	if opts.History != nil {
		if err := opts.History.Check(); err != nil {
			return hist, err
		}
		if n := len(opts.History.Epoch); n > 0 && opts.History.Epoch[n-1] >= opts.InitialEpoch {
			return hist, fmt.Errorf("history to continue ends with epoch %d, not before initial epoch %d",
				opts.History.Epoch[n-1]+1, opts.InitialEpoch+1)
		}
		hist = opts.History.Clone()
	}
	if opts.LogLearningRate {
		if _, err := m.LearningRate(); err != nil {
			return hist, err
		}
	}
	f := &Fitting{Model: m, Options: opts, History: hist,
		Steps: dataset.NumBatches(train.Len(), opts.BatchSize), Samples: train.Len(), Epoch: opts.InitialEpoch}
	for _, cb := range opts.Callbacks {
		if err := cb.OnTrainBegin(f); err != nil {
			return f.History, err
		}
	}
	var last Logs
	for epoch := opts.InitialEpoch; epoch < opts.Epochs && !f.stop; epoch++ {
		f.Epoch = epoch
		for _, cb := range opts.Callbacks {
			if err := cb.OnEpochBegin(f, epoch); err != nil {
				return f.History, err
			}
		}
		logs, err := m.fitEpoch(ctx, f, train, epoch)
		if errors.Is(err, errHandled) {
			break
		}
		if err != nil {
			return f.History, err
		}
		if opts.Validation != nil {
			vl, err := m.evaluate(ctx, val, opts.ValidationBatchSize, "val_")
			if err != nil {
				return f.History, fmt.Errorf("validation after epoch %d: %w", epoch+1, err)
			}
			for k, v := range vl {
				logs[k] = v
			}
		}
		if opts.LogLearningRate {
			lr, err := m.LearningRate()
			if err != nil {
				return f.History, err
			}
			logs["learning_rate"] = lr
		}
		f.History.Append(epoch, logs)
		last = logs
		for _, cb := range opts.Callbacks {
			if err := cb.OnEpochEnd(f, epoch, logs); err != nil {
				return f.History, err
			}
		}
	}
	for _, cb := range opts.Callbacks {
		if err := cb.OnTrainEnd(f, last); err != nil {
			return f.History, err
		}
	}
	return f.History, nil
}

func (m *Model) fitEpoch(ctx context.Context, f *Fitting, train dataset.Dataset, epoch int) (Logs, error) {
	opts := f.Options
	tr := m.newTracker()
	logs := Logs{}
	err := eachBatch(ctx, train, dataset.BatchOptions{
		BatchSize: opts.BatchSize, Shuffle: !opts.NoShuffle, Seed: opts.Seed, Epoch: epoch, Prefetch: opts.Prefetch},
		func(b *dataset.Batch, batch Batch) (bool, error) {
			vals, err := m.TrainStep(batch)
			if err != nil {
				err = fmt.Errorf("epoch %d, batch %d: %w", epoch+1, b.Index+1, err)
				if errors.Is(err, ErrNonFinite) {
					return false, handleNonFinite(f, epoch, b.Index, err)
				}
				return false, err
			}
			tr.add(vals, b)
			if len(opts.Callbacks) == 0 {
				return false, nil
			}
			logs = tr.logs("", logs)
			if f.BatchLogs == nil {
				f.BatchLogs = Logs{}
			}
			for i, n := range tr.names {
				f.BatchLogs[n] = vals[i]
			}
			for _, cb := range opts.Callbacks {
				if err := cb.OnBatchEnd(f, epoch, b.Index, logs); err != nil {
					return false, err
				}
			}
			return f.stop, nil
		})
	if err != nil {
		return nil, err
	}
	return tr.logs("", Logs{}), nil
}

// handleNonFinite offers a non-finite loss to the callbacks that handle
// one; it returns errHandled when one did, else err.
func handleNonFinite(f *Fitting, epoch, batch int, err error) error {
	for _, cb := range f.Options.Callbacks {
		h, ok := cb.(NonFiniteHandler)
		if !ok {
			continue
		}
		handled, herr := h.OnNonFinite(f, epoch, batch, err)
		if herr != nil {
			return errors.Join(err, herr)
		}
		if handled {
			f.stop = true
			return errHandled
		}
	}
	return err
}

// sortedNames returns the log names in display order: alphabetical, as
// Keras 3 prints them.
func sortedNames(l Logs) []string {
	names := make([]string, 0, len(l))
	for k := range l {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
