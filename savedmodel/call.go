//go:build cgo

package savedmodel

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tfrun/tfrun/tfgo"
)

// Outputs are the tensors a call returned, by output key. The caller owns
// them: Close releases them all.
type Outputs map[string]*tfgo.Tensor

// Close closes every tensor.
func (o Outputs) Close() {
	for _, t := range o {
		t.Close()
	}
}

// Call runs signature key with inputs by key (every input of the signature,
// no other) and returns every output by key. Inputs are checked in Go
// first: a missing or unknown key, a wrong dtype, rank or size gets an error
// naming the signature, the key and both shapes. Safe for concurrent use.
func (m *Model) Call(key string, inputs map[string]*tfgo.Tensor) (Outputs, error) {
	sig, err := m.Signature(key)
	if err != nil {
		return nil, err
	}
	return m.call(sig, inputs, nil)
}

// call runs sig; fetch selects output keys (nil: all).
func (m *Model) call(sig *Signature, inputs map[string]*tfgo.Tensor, fetch []string) (Outputs, error) {
	feeds, err := sig.feeds(inputs)
	if err != nil {
		return nil, fmt.Errorf("saved model %s: %w", m.dir, err)
	}
	specs := sig.Outputs
	if fetch != nil {
		specs = make([]TensorSpec, 0, len(fetch))
		for _, k := range fetch {
			s, ok := sig.Output(k)
			if !ok {
				return nil, fmt.Errorf("saved model %s: signature %q has no output %q (outputs: %s)",
					m.dir, sig.Key, k, strings.Join(keysOf(sig.Outputs), ", "))
			}
			specs = append(specs, s)
		}
	}
	fetches := make([]tfgo.Output, len(specs))
	for i, s := range specs {
		fetches[i] = s.output
	}
	res, err := m.sm.Session.Run(feeds, fetches, nil)
	if err != nil {
		return nil, fmt.Errorf("saved model %s: signature %q: %w", m.dir, sig.Key, err)
	}
	out := make(Outputs, len(res))
	for i, t := range res {
		out[specs[i].Key] = t
	}
	return out, nil
}

// InputError reports inputs that do not fit a signature: a missing or
// unknown key, a wrong dtype, rank or size. It is the caller's data that is
// wrong, not the model.
type InputError struct {
	Signature string
	Msg       string
}

func (e *InputError) Error() string { return fmt.Sprintf("signature %q: %s", e.Signature, e.Msg) }

// feeds checks inputs against the signature and pairs them with its
// placeholders.
func (s *Signature) feeds(inputs map[string]*tfgo.Tensor) ([]tfgo.Feed, error) {
	for k := range inputs {
		if _, ok := s.Input(k); !ok {
			return nil, &InputError{s.Key, fmt.Sprintf("no input %q (inputs: %s)", k, strings.Join(keysOf(s.Inputs), ", "))}
		}
	}
	feeds := make([]tfgo.Feed, len(s.Inputs))
	for i, spec := range s.Inputs {
		t, ok := inputs[spec.Key]
		if !ok || t == nil {
			return nil, &InputError{s.Key, fmt.Sprintf("input %q is missing (inputs: %s)", spec.Key, strings.Join(keysOf(s.Inputs), ", "))}
		}
		if err := spec.Check(t.DataType(), t.Shape()); err != nil {
			return nil, &InputError{s.Key, err.Error()}
		}
		feeds[i] = tfgo.Feed{Output: spec.output, Tensor: t}
	}
	return feeds, nil
}

// Check reports whether a tensor of dtype dt and shape dims fits the spec.
func (t TensorSpec) Check(dt tfgo.DataType, dims []int64) error {
	if dt != t.DType {
		return fmt.Errorf("input %q: got a %s tensor, want %s", t.Key, dt, t.DType)
	}
	if !t.Shape.Compatible(dims) {
		if r := t.Shape.Rank(); r >= 0 && r != len(dims) {
			return fmt.Errorf("input %q: got shape %s (rank %d), want %s (rank %d)", t.Key, tfgo.FormatDims(dims), len(dims), t.Shape, r)
		}
		return fmt.Errorf("input %q: got shape %s, want %s", t.Key, tfgo.FormatDims(dims), t.Shape)
	}
	return nil
}

// PredictSignature returns the signature Predict uses: serving_default,
// else predict, else the only signature.
func (m *Model) PredictSignature() (*Signature, error) {
	for _, k := range []string{ServingDefault, PredictKey} {
		if s, ok := m.sigs[k]; ok {
			return s, nil
		}
	}
	if len(m.sigs) == 1 {
		for _, s := range m.sigs {
			return s, nil
		}
	}
	return nil, fmt.Errorf("saved model %s has no serving_default or predict signature; pick one of: %s",
		m.dir, strings.Join(m.sm.MetaGraph.SignatureKeys(), ", "))
}

// Predict runs the model's predict signature (see PredictSignature) on
// inputs given as tensors or as Go values tfgo.NewTensor accepts
// ([][]float32, …). Go values are converted and released here; the
// returned Outputs belong to the caller. Safe for concurrent use.
func (m *Model) Predict(inputs map[string]any) (Outputs, error) {
	sig, err := m.PredictSignature()
	if err != nil {
		return nil, err
	}
	tensors := make(map[string]*tfgo.Tensor, len(inputs))
	var owned []*tfgo.Tensor
	defer func() {
		for _, t := range owned {
			t.Close()
		}
	}()
	keys := make([]string, 0, len(inputs))
	for k := range inputs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch v := inputs[k].(type) {
		case *tfgo.Tensor:
			tensors[k] = v
		default:
			t, err := tfgo.NewTensor(v)
			if err != nil {
				return nil, fmt.Errorf("saved model %s: signature %q input %q: %w", m.dir, sig.Key, k, err)
			}
			owned = append(owned, t)
			tensors[k] = t
		}
	}
	return m.call(sig, tensors, nil)
}
