// Package tfrun trains, fine-tunes, evaluates, serves and embeds TensorFlow
// models from Go, through the TensorFlow C API, with no Python at run time.
//
// The flow, from export to use:
//
//   - scripts/export.py (Python, export time only) turns a compiled Keras
//     model into a trainable SavedModel: signatures serving_default/predict,
//     train_step and evaluate, plus a description in assets.extra/tfrun.json.
//   - tfgo is the cgo binding to the TensorFlow C API: tensors, graphs,
//     sessions, SavedModel loading, MetaGraphDef parsing (pure Go).
//   - savedmodel is the life of a model: signatures, variables, Predict,
//     TrainStep, Evaluate, Fit, and saving a new SavedModel atomically.
//   - dataset (loaders, batching) and h5convert (HDF5 weights) feed savedmodel.
//   - cmd/tfrun is the thin command-line wiring.
package tfrun

import (
	_ "embed"
	"strings"
)

// Version is tfrun's own version.
const Version = "0.1.0"

//go:embed TF_VERSION
var pinned string

// PinnedTensorFlow is the TensorFlow version the project pins (TF_VERSION):
// the C library, the export venv and the Dockerfile all use it.
var PinnedTensorFlow = strings.TrimSpace(pinned)
