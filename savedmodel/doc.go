// Package savedmodel is the life of a loaded SavedModel: its signatures,
// its variables, predictions, training and evaluation steps, Keras-style
// Fit, and saving a new SavedModel.
//
// # Models and the training contract
//
// Load opens any SavedModel: Signatures, Call and Predict work on all of
// them, with inputs checked in Go (keys, dtypes, shapes) before TensorFlow
// sees them. A model made by scripts/export.py also carries tfrun's
// training contract — signatures train_step and evaluate beside
// serving_default/predict, and a Description (assets.extra/tfrun.json) of
// its inputs, loss, metrics, learning-rate variable, layers and variables —
// and then TrainStep, EvaluateStep, Fit, Evaluate, SetLearningRate,
// SetTrainable (run-time freezing through the exporter's trainable masks)
// and AdaptNormalization work; without it they say what is missing.
//
// # Variables
//
// Every variable of the graph can be read and assigned by name
// (ReadVariables, AssignVariables), through ops added to the loaded graph
// once per variable. SaveVariables/RestoreVariables write and read a
// TensorFlow checkpoint through the MetaGraphDef's saver, and Save writes a
// complete, ordinary SavedModel (graph and assets copied, variables saved)
// into a temporary sibling that is swapped into place, so an existing model
// is only ever replaced by a complete one; TensorFlow's Python loader reads
// it too.
//
// # Training
//
// Fit follows Keras' model.fit: shuffled batches whose order depends only
// on a seed and the epoch, the last partial batch kept, epoch values as the
// weighted means of the per-batch signature values (the loss by batch size,
// metrics by sample count or sample weight), validation at each epoch end,
// and Callback hooks; package savedmodel/callbacks holds Keras' callbacks
// and crash-safe checkpoints. The data is checked and converted before the
// first step (dtypes, shapes, label range, NaN). Fit stops between steps
// when its context is cancelled.
//
// # Lifecycle and concurrency
//
// A Model must be closed; Close waits for calls in flight. Call, Predict
// and variable reads are safe for concurrent use; training is meant to be
// driven by one goroutine (callbacks run on it, between steps). Tensors a
// call returns (Outputs) belong to the caller.
//
// # Build
//
// Most of the package needs cgo (it drives TensorFlow through tfgo); the
// description, contract check, inspection report and history types are
// pure Go and are tested with CGO_ENABLED=0.
package savedmodel
