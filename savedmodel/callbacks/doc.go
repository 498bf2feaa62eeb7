// Package callbacks holds Keras' training callbacks for savedmodel.Fit, in
// Go: EarlyStopping, ModelCheckpoint, LearningRateScheduler (step,
// exponential, cosine or table schedules), ReduceLROnPlateau, TerminateOnNaN
// (which also rolls the weights back to the last finite state), CSVLogger,
// HistoryFile (history JSON and a PNG of the curves) and TensorBoard (event
// files written directly, no summary ops) — plus Checkpoint and Resume for
// crash-safe, exactly resumable training.
//
// # Semantics
//
// The decisions follow Keras 3's callbacks line by line (keras/src/callbacks:
// monitor_callback.py _is_improvement, early_stopping.py on_epoch_end,
// reduce_lr_on_plateau.py on_epoch_end), including min_delta's sign by mode,
// the baseline only gating the reset of wait, start_from_epoch, and
// restore_best_weights restoring at the end of training even without an early
// stop. Those decisions live in pure types (EarlyStopper, Plateau, monitor),
// driven by epoch logs, so they are tested on recorded histories without
// TensorFlow; the callbacks wrap them and act on the model (weights, the
// learning-rate variable).
//
// # Resuming
//
// Checkpoint writes, after every epoch, a directory ckpt-N holding every
// variable of the model (weights, optimizer slots, iteration, learning rate,
// the dropout RNG state), the history and each Stateful callback's state,
// atomically; Resume restores them and sets FitOptions.InitialEpoch and
// History. Shuffling depends only on (seed, epoch) (dataset.Permutation), so
// a resumed run feeds the same batches and, on CPU, ends with the same
// weights, bit for bit, as the uninterrupted run.
//
// # Order
//
// Fit calls callbacks in order. Put Checkpoint last (it saves the others'
// state after they acted), and a LearningRateScheduler before anything that
// reads the learning rate at an epoch's start.
//
// # Build
//
// The decision logic, the schedules, the formats (CSV, path templates) and
// the checkpoint layout are pure Go; the callbacks themselves need cgo (they
// use savedmodel.Fitting).
package callbacks
