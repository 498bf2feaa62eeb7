//go:build cgo

package savedmodel

import (
	"fmt"
	"math"
	"sync"

	"github.com/tfrun/tfrun/tfgo"
)

// Batch is one batch fed to train_step or evaluate: the model inputs by
// key, the targets and optional per-sample weights (float32 [batch]; all
// ones when nil). The caller keeps ownership of the tensors.
type Batch struct {
	Inputs       map[string]*tfgo.Tensor
	Y            *tfgo.Tensor
	SampleWeight *tfgo.Tensor
}

// size returns the batch size (dimension 0 of the first input).
func (b Batch) size() (int, error) {
	if b.Y == nil {
		return 0, fmt.Errorf("batch has no targets (y)")
	}
	dims := b.Y.Shape()
	if len(dims) == 0 {
		return 0, fmt.Errorf("targets y are a scalar; want a batch")
	}
	return int(dims[0]), nil
}

// MetricNames returns the names of the values TrainStep and EvaluateStep
// return: "loss" first, then the compiled metrics in the exporter's order.
func (m *Model) MetricNames() []string {
	if m.desc == nil {
		return []string{"loss"}
	}
	names := []string{"loss"}
	for _, md := range m.desc.Metrics {
		names = append(names, md.Name)
	}
	return names
}

// stepper runs train_step or evaluate with a cached fetch list.
type stepper struct {
	sig     *Signature
	fetches []string
	mu      sync.Mutex
	ones    map[int]*tfgo.Tensor // all-ones sample weights by batch size
}

func (m *Model) stepper(key string) (*stepper, error) {
	if err := m.requireContract("run " + key); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.steppers == nil {
		m.steppers = map[string]*stepper{}
	}
	if s, ok := m.steppers[key]; ok {
		return s, nil
	}
	sig := m.sigs[key]
	names := m.MetricNames()
	for _, n := range names {
		if _, ok := sig.Output(n); !ok {
			return nil, fmt.Errorf("saved model %s: signature %q has no output %q named by %s", m.dir, key, n, DescriptionFile)
		}
	}
	s := &stepper{sig: sig, fetches: names, ones: map[int]*tfgo.Tensor{}}
	m.steppers[key] = s
	return s, nil
}

func (s *stepper) onesFor(n int) (*tfgo.Tensor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.ones[n]; ok {
		return t, nil
	}
	w := make([]float32, n)
	for i := range w {
		w[i] = 1
	}
	t, err := tfgo.FromFlat([]int64{int64(n)}, w)
	if err != nil {
		return nil, err
	}
	s.ones[n] = t
	return t, nil
}

func (s *stepper) close() {
	for _, t := range s.ones {
		t.Close()
	}
}

func (m *Model) runStep(key string, b Batch) ([]float64, error) {
	s, err := m.stepper(key)
	if err != nil {
		return nil, err
	}
	n, err := b.size()
	if err != nil {
		return nil, fmt.Errorf("saved model %s: %s: %w", m.dir, key, err)
	}
	inputs := make(map[string]*tfgo.Tensor, len(b.Inputs)+2)
	for k, t := range b.Inputs {
		inputs[k] = t
	}
	inputs["y"] = b.Y
	if _, ok := s.sig.Input("sample_weight"); ok {
		sw := b.SampleWeight
		if sw == nil {
			if sw, err = s.onesFor(n); err != nil {
				return nil, err
			}
		}
		inputs["sample_weight"] = sw
	} else if b.SampleWeight != nil {
		return nil, fmt.Errorf("saved model %s: signature %q takes no sample_weight", m.dir, key)
	}
	out, err := m.call(s.sig, inputs, s.fetches)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	vals := make([]float64, len(s.fetches))
	for i, k := range s.fetches {
		if vals[i], err = scalarFloat(out[k]); err != nil {
			return nil, fmt.Errorf("saved model %s: %s output %q: %w", m.dir, key, k, err)
		}
	}
	return vals, nil
}

// TrainStep runs one optimizer update (train_step, dropout on) on the
// batch and returns the batch's loss and metrics (see MetricNames). A
// non-finite loss is returned as ErrNonFinite, with the values.
func (m *Model) TrainStep(b Batch) ([]float64, error) {
	vals, err := m.runStep(TrainStepKey, b)
	if err != nil {
		return nil, err
	}
	if math.IsNaN(vals[0]) || math.IsInf(vals[0], 0) {
		return vals, fmt.Errorf("saved model %s: train_step: loss is %v: %w", m.dir, vals[0], ErrNonFinite)
	}
	return vals, nil
}

// EvaluateStep computes the batch's loss and metrics without changing the
// model (evaluate signature, training=False).
func (m *Model) EvaluateStep(b Batch) ([]float64, error) {
	return m.runStep(EvaluateKey, b)
}

// ErrNonFinite reports a NaN or infinite loss.
var ErrNonFinite = fmt.Errorf("non-finite loss")
