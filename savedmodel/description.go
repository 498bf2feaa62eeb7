package savedmodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// DescriptionFile is where the exporter writes a trainable model's
// description, relative to the SavedModel directory.
const DescriptionFile = "assets.extra/tfrun.json"

// DescriptionFormat is the format tag this version of tfrun reads.
const DescriptionFormat = "tfrun.trainable/1"

// Description is what scripts/export.py records about a trainable model
// beside its signatures (assets.extra/tfrun.json). Pure data, no cgo.
type Description struct {
	Format            string         `json:"format"`
	Name              string         `json:"name"`
	TensorFlowVersion string         `json:"tensorflow_version"`
	KerasVersion      string         `json:"keras_version"`
	Inputs            []TensorDesc   `json:"inputs"`
	Outputs           []TensorDesc   `json:"outputs"`
	Target            TargetDesc     `json:"target"`
	SampleWeight      bool           `json:"sample_weight"`
	Loss              MetricDesc     `json:"loss"`
	Metrics           []MetricDesc   `json:"metrics"`
	Optimizer         OptimizerDesc  `json:"optimizer"`
	LearningRateVar   string         `json:"learning_rate_variable"`
	IterationsVar     string         `json:"iterations_variable"`
	Layers            []LayerDesc    `json:"layers"`
	Trainable         []TrainableVar `json:"trainable_variables"`
	NonTrainable      []string       `json:"non_trainable_variables"`
	Normalization     []NormDesc     `json:"normalization"`
	OptimizerVars     []string       `json:"optimizer_variables"`
	MetricVars        []string       `json:"metric_variables"`
}

// TensorDesc names a model input or output with its dtype and shape (nil
// entries in Shape are unknown sizes, the batch dimension first).
type TensorDesc struct {
	Name      string   `json:"name"`
	KerasName string   `json:"keras_name,omitempty"`
	DType     string   `json:"dtype"`
	Shape     []*int64 `json:"shape"`
}

// TargetDesc describes the y input of train_step and evaluate.
type TargetDesc struct {
	Name  string   `json:"name"`
	DType string   `json:"dtype"`
	Shape []*int64 `json:"shape"`
	// SparseClasses is the number of classes of a sparse categorical target
	// (labels must lie in [0, SparseClasses)); 0 otherwise.
	SparseClasses int `json:"sparse_classes"`
}

// MetricDesc is the loss or a metric, and how its per-batch values are
// weighted into an epoch value: "samples" (by batch size) or
// "sample_weight" (by the batch's sum of sample weights), as Keras does.
type MetricDesc struct {
	Name      string `json:"name"`
	Weighting string `json:"weighting"`
}

// OptimizerDesc is the Keras optimizer's class and config.
type OptimizerDesc struct {
	Class  string         `json:"class"`
	Config map[string]any `json:"config"`
}

// LayerDesc is one Keras layer (depth first; nested models included) and
// its variables in layer.weights order.
type LayerDesc struct {
	Name      string   `json:"name"`
	Class     string   `json:"class"`
	Parent    string   `json:"parent"`
	Depth     int      `json:"depth"`
	Trainable bool     `json:"trainable"`
	Leaf      bool     `json:"leaf"`
	Variables []string `json:"variables"`
}

// NormDesc is a Keras Normalization layer fed directly by a model input,
// whose statistics tfrun can adapt from data (Model.AdaptNormalization).
// KeepAxes are the input's axes (0 is the batch) that keep their own
// statistics; the mean and variance are taken over all the others.
type NormDesc struct {
	Layer    string `json:"layer"`
	Input    string `json:"input"`
	Mean     string `json:"mean"`
	Variance string `json:"variance"`
	KeepAxes []int  `json:"keep_axes"`
}

// TrainableVar is a trainable variable with its run-time trainable mask
// (a bool variable train_step respects) and its optimizer slots.
type TrainableVar struct {
	Name  string   `json:"name"`
	Mask  string   `json:"mask"`
	Slots []string `json:"slots"`
}

// ReadDescription reads dir/assets.extra/tfrun.json. It returns
// (nil, nil) when the model has none (a SavedModel not made by the
// exporter), and an error naming the file when it is unreadable.
func ReadDescription(dir string) (*Description, error) {
	path := filepath.Join(dir, DescriptionFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseDescription(path, b)
}

// ParseDescription parses and checks a description; path is for messages.
func ParseDescription(path string, b []byte) (*Description, error) {
	var d Description
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if d.Format != DescriptionFormat {
		return nil, fmt.Errorf("%s: format %q, this tfrun reads %q", path, d.Format, DescriptionFormat)
	}
	for _, m := range append([]MetricDesc{d.Loss}, d.Metrics...) {
		if m.Weighting != "samples" && m.Weighting != "sample_weight" {
			return nil, fmt.Errorf("%s: %s: unknown weighting %q", path, m.Name, m.Weighting)
		}
	}
	return &d, nil
}

// layersOf returns the names of every layer that lists the variable
// (nested models included), innermost last.
func (d *Description) layersOf(variable string) []string {
	var out []string
	for _, l := range d.Layers {
		for _, v := range l.Variables {
			if v == variable {
				out = append(out, l.Name)
				break
			}
		}
	}
	return out
}

// matches reports whether re matches the variable's name or the name of a
// layer that lists it.
func (d *Description) matches(re *regexp.Regexp, variable string) bool {
	if re.MatchString(variable) {
		return true
	}
	for _, l := range d.layersOf(variable) {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}

// LayerOf returns the innermost layer that lists the variable, or "".
func (d *Description) LayerOf(variable string) string {
	layer, depth := "", -1
	for _, l := range d.Layers {
		for _, v := range l.Variables {
			if v == variable && l.Depth > depth {
				layer, depth = l.Name, l.Depth
			}
		}
	}
	return layer
}
