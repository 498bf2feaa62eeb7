//go:build cgo

package savedmodel

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/tfrun/tfrun/tfgo"
)

// ErrClosed is returned by methods of a closed Model.
var ErrClosed = errors.New("savedmodel: model is closed")

// Options tune Load. The zero value loads the "serve" MetaGraph with
// TensorFlow's default session settings.
type Options struct {
	Tags    []string
	Session tfgo.SessionOptions
}

// Model is a loaded SavedModel: its signatures, its variables and, for a
// model made by tfrun's exporter, its description and training contract.
//
// Predict and Call are safe for concurrent use. Variable reads and
// assigns, train and evaluate steps may run concurrently as TensorFlow
// allows, but training is meant to be driven by one goroutine. Close waits
// for calls in flight. A Model must be closed.
type Model struct {
	dir  string
	tags []string
	sm   *tfgo.SavedModel
	desc *Description
	sigs map[string]*Signature

	mu       sync.Mutex // guards vars, steppers and the graph ops added for them
	vars     map[string]*variable
	list     []Variable
	steppers map[string]*stepper
}

// Load loads the SavedModel in dir. It checks the directory in Go first
// (missing dir, missing or corrupt saved_model.pb, missing variables),
// so bad input gets an error naming the file rather than a TensorFlow
// failure.
func Load(dir string, opts *Options) (*Model, error) {
	if opts == nil {
		opts = &Options{}
	}
	tags := opts.Tags
	if len(tags) == 0 {
		tags = []string{"serve"}
	}
	desc, err := ReadDescription(dir)
	if err != nil {
		return nil, err
	}
	sm, err := tfgo.LoadSavedModel(dir, tags, &opts.Session)
	if err != nil {
		return nil, err
	}
	m := &Model{dir: dir, tags: tags, sm: sm, desc: desc, sigs: map[string]*Signature{}}
	for key, s := range sm.MetaGraph.Signatures {
		sig, err := newSignature(sm.Graph, key, s)
		if err != nil {
			sm.Close()
			return nil, fmt.Errorf("saved model %s: %w", dir, err)
		}
		m.sigs[key] = sig
	}
	if err := m.initVariables(); err != nil {
		sm.Close()
		return nil, fmt.Errorf("saved model %s: %w", dir, err)
	}
	return m, nil
}

// Close releases the session and graph, waiting for calls in flight.
// Idempotent.
func (m *Model) Close() error {
	if m == nil {
		return nil
	}
	err := m.sm.Close()
	m.mu.Lock()
	for _, s := range m.steppers {
		s.close()
	}
	m.steppers = nil
	m.mu.Unlock()
	return err
}

// Dir returns the directory the model was loaded from.
func (m *Model) Dir() string { return m.dir }

// Tags returns the MetaGraph tags the model was loaded with.
func (m *Model) Tags() []string { return slices.Clone(m.tags) }

// MetaGraph returns the parsed MetaGraphDef.
func (m *Model) MetaGraph() *tfgo.MetaGraph { return m.sm.MetaGraph }

// Description returns the exporter's description, nil for a SavedModel
// tfrun's exporter did not make.
func (m *Model) Description() *Description { return m.desc }

// Session returns the underlying session (for advanced use; it is closed
// with the model).
func (m *Model) Session() *tfgo.Session { return m.sm.Session }

// Graph returns the underlying graph.
func (m *Model) Graph() *tfgo.Graph { return m.sm.Graph }

// Signatures returns the model's signatures sorted by key.
func (m *Model) Signatures() []*Signature {
	out := make([]*Signature, 0, len(m.sigs))
	for _, k := range m.sm.MetaGraph.SignatureKeys() {
		out = append(out, m.sigs[k])
	}
	return out
}

// Signature returns the signature with this key; the error lists the keys
// the model has.
func (m *Model) Signature(key string) (*Signature, error) {
	if s, ok := m.sigs[key]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("saved model %s has no signature %q (it has: %s)",
		m.dir, key, strings.Join(m.sm.MetaGraph.SignatureKeys(), ", "))
}

// Contract reports which parts of tfrun's training contract the model
// lacks; an empty result means train and evaluate work.
func (m *Model) Contract() (missing []string) {
	return CheckContract(m.sm.MetaGraph, m.desc)
}

// requireContract returns an error naming what is missing for what.
func (m *Model) requireContract(what string) error {
	if missing := m.Contract(); len(missing) > 0 {
		return fmt.Errorf("saved model %s cannot %s: it lacks tfrun's training contract (missing %s); export it with scripts/export.py",
			m.dir, what, strings.Join(missing, ", "))
	}
	return nil
}

// Signature is one signature of a model, with its inputs and outputs
// resolved to graph tensors.
type Signature struct {
	Key        string
	MethodName string
	Inputs     []TensorSpec // sorted by key
	Outputs    []TensorSpec // sorted by key
}

// TensorSpec is one named input or output of a signature.
type TensorSpec struct {
	Key    string
	DType  tfgo.DataType
	Shape  tfgo.Shape
	Tensor string // the graph tensor, e.g. "serving_default_x:0"
	output tfgo.Output
}

func newSignature(g *tfgo.Graph, key string, s tfgo.Signature) (*Signature, error) {
	sig := &Signature{Key: key, MethodName: s.MethodName}
	resolve := func(kind string, infos map[string]tfgo.TensorInfo) ([]TensorSpec, error) {
		specs := make([]TensorSpec, 0, len(infos))
		keys := make([]string, 0, len(infos))
		for k := range infos {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			info := infos[k]
			if info.Composite {
				return nil, fmt.Errorf("signature %q %s %q is a composite (sparse/ragged) tensor, which tfrun cannot feed", key, kind, k)
			}
			out, err := g.Output(info.Name)
			if err != nil {
				return nil, fmt.Errorf("signature %q %s %q: %w", key, kind, k, err)
			}
			specs = append(specs, TensorSpec{Key: k, DType: info.DType, Shape: info.Shape, Tensor: info.Name, output: out})
		}
		return specs, nil
	}
	var err error
	if sig.Inputs, err = resolve("input", s.Inputs); err != nil {
		return nil, err
	}
	if sig.Outputs, err = resolve("output", s.Outputs); err != nil {
		return nil, err
	}
	return sig, nil
}

// Input returns the input spec with this key.
func (s *Signature) Input(key string) (TensorSpec, bool) { return find(s.Inputs, key) }

// Output returns the output spec with this key.
func (s *Signature) Output(key string) (TensorSpec, bool) { return find(s.Outputs, key) }

func find(specs []TensorSpec, key string) (TensorSpec, bool) {
	for _, s := range specs {
		if s.Key == key {
			return s, true
		}
	}
	return TensorSpec{}, false
}

func keysOf(specs []TensorSpec) []string {
	keys := make([]string, len(specs))
	for i, s := range specs {
		keys[i] = s.Key
	}
	return keys
}
