package savedmodel

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/tfrun/tfrun/tfgo"
)

// Report is what `tfrun inspect` shows of a SavedModel: every MetaGraph
// with its signatures and variables, and the training contract. Building it
// needs no TensorFlow session (pure Go parsing of saved_model.pb).
type Report struct {
	Dir        string            `json:"dir"`
	MetaGraphs []MetaGraphReport `json:"meta_graphs"`
	// Description is the exporter's description, when present.
	Description *Description `json:"description,omitempty"`
}

// MetaGraphReport describes one MetaGraph.
type MetaGraphReport struct {
	Tags              []string          `json:"tags"`
	TensorFlowVersion string            `json:"tensorflow_version,omitempty"`
	Signatures        []SignatureReport `json:"signatures"`
	Variables         []VariableReport  `json:"variables"`
	// Trainable reports whether tfrun can train and evaluate the model;
	// Missing says what is missing when not.
	Trainable bool     `json:"trainable"`
	Missing   []string `json:"missing,omitempty"`
}

// SignatureReport is one signature.
type SignatureReport struct {
	Key     string         `json:"key"`
	Method  string         `json:"method"`
	Inputs  []TensorReport `json:"inputs"`
	Outputs []TensorReport `json:"outputs"`
}

// TensorReport is one signature input or output.
type TensorReport struct {
	Key    string  `json:"key"`
	DType  string  `json:"dtype"`
	Shape  []int64 `json:"shape"` // nil for unknown rank, -1 for unknown sizes
	Tensor string  `json:"tensor"`
}

// VariableReport is one variable.
type VariableReport struct {
	Name  string  `json:"name"`
	DType string  `json:"dtype"`
	Shape []int64 `json:"shape"`
	Role  string  `json:"role,omitempty"`
	Layer string  `json:"layer,omitempty"`
}

// Inspect reads the SavedModel in dir without loading it into TensorFlow.
func Inspect(dir string) (*Report, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		if err == nil {
			return nil, fmt.Errorf("saved model %s: not a directory", dir)
		}
		return nil, fmt.Errorf("saved model %s: no such directory", dir)
	}
	pb := filepath.Join(dir, "saved_model.pb")
	b, err := os.ReadFile(pb)
	if err != nil {
		return nil, fmt.Errorf("saved model %s: %w", dir, err)
	}
	mgs, err := tfgo.ParseSavedModel(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pb, err)
	}
	desc, err := ReadDescription(dir)
	if err != nil {
		return nil, err
	}
	r := &Report{Dir: dir, Description: desc}
	roles := descriptionRoles(desc)
	for _, mg := range mgs {
		mr := MetaGraphReport{Tags: mg.Tags, TensorFlowVersion: mg.TensorFlowVersion}
		for _, k := range mg.SignatureKeys() {
			s := mg.Signatures[k]
			sr := SignatureReport{Key: k, Method: s.MethodName}
			for _, ik := range s.InputKeys() {
				sr.Inputs = append(sr.Inputs, tensorReport(ik, s.Inputs[ik]))
			}
			for _, ok := range s.OutputKeys() {
				sr.Outputs = append(sr.Outputs, tensorReport(ok, s.Outputs[ok]))
			}
			mr.Signatures = append(mr.Signatures, sr)
		}
		for _, v := range mg.Variables {
			vr := VariableReport{Name: v.Name, DType: v.DType.String(), Shape: v.Shape.Dims, Role: roles[v.Name]}
			if desc != nil {
				vr.Layer = desc.LayerOf(v.Name)
			}
			mr.Variables = append(mr.Variables, vr)
		}
		slices.SortFunc(mr.Variables, func(a, b VariableReport) int {
			if a.Name < b.Name {
				return -1
			}
			if a.Name > b.Name {
				return 1
			}
			return 0
		})
		mr.Missing = CheckContract(mg, desc)
		mr.Trainable = len(mr.Missing) == 0
		r.MetaGraphs = append(r.MetaGraphs, mr)
	}
	return r, nil
}

func tensorReport(key string, t tfgo.TensorInfo) TensorReport {
	dt := t.DType.String()
	if t.Composite {
		dt += " (composite)"
	}
	return TensorReport{Key: key, DType: dt, Shape: t.Shape.Dims, Tensor: t.Name}
}

// descriptionRoles maps variable names to their roles.
func descriptionRoles(d *Description) map[string]string {
	roles := map[string]string{}
	if d == nil {
		return roles
	}
	for _, v := range d.Trainable {
		roles[v.Name] = RoleTrainable
		roles[v.Mask] = RoleMask
	}
	for _, n := range d.NonTrainable {
		roles[n] = RoleNonTrainable
	}
	for _, n := range d.OptimizerVars {
		roles[n] = RoleOptimizer
	}
	for _, n := range d.MetricVars {
		roles[n] = RoleMetric
	}
	return roles
}
