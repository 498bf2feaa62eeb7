// Package h5convert moves model weights between HDF5 files and model
// variables: it lists HDF5 files, maps their datasets onto a model's
// variables (automatically for the layouts it knows, or through a mapping
// file), validates and transforms the values, and writes variables back
// into the layout they came from.
//
// It serves `tfrun h5 ls` ([List]), `tfrun convert WEIGHTS.h5 --model DIR`
// ([NewPlan], whose [Plan] the savedmodel package applies) and `tfrun
// convert --to-h5` ([WriteLayout]). It never imports TensorFlow: the model
// side is a list of [Variable] that the caller provides.
//
// # Flow
//
//	vars := ... // the model's variables, from savedmodel
//	m, err := h5convert.LoadMapping("map.yaml") // optional
//	plan, err := h5convert.NewPlan("weights.h5", vars, h5convert.Options{Mapping: m})
//	plan.WriteText(os.Stdout) // the --dry-run report (WriteJSON for --json)
//	for _, a := range plan.Assignments {
//		// assign a.Values (shape a.Shape, dtype a.DType) to variable a.Variable
//	}
//
// and back, after fine-tuning:
//
//	values := map[string]*h5convert.Values{...} // variable name -> value
//	_, err = h5convert.WriteLayout("new.h5", "weights.h5", vars, values, opts)
//
// # Layouts
//
// custom-layered: datasets /Weights/LayerN and /Bias/LayerN (or the
// reverse nesting /LayerN/Weights; group names Weights, Weight, W, Kernel,
// Kernels and Bias, Biases, B in any case; layer names Layer1, layer_1,
// layer-1, 1; all configurable in [Options]) map onto the model's Dense
// layers in order, N sorted numerically. A weight matrix stored (out, in)
// - as a reader sees MATLAB's column-major output of an out×in W - is
// transposed to Keras' (in, out) kernel; one stored (in, out) is taken as
// is; which one is read from the shapes, and a square matrix needs
// Options.Orientation or a mapping entry. Biases of shape (n, 1), (1, n)
// or (n,) are reshaped to (n,).
//
// keras-legacy: Keras' HDF5 format (save_weights('x.h5'),
// model.save('x.h5')): the layer_names attribute (also split into
// layer_names0, layer_names1, ...) and each layer's weight_names, with
// fixed- or variable-length strings. Layers are paired by name, or by
// order as Keras' load_weights does when the names differ; weights by
// name, else by position (trainable first).
//
// keras3: Keras 3 .weights.h5, layers/<name>/vars/<i>, where <name> is
// the snake_case class name (dense, dense_1, batch_normalization) and the
// vars group's name attribute is the layer name. Nested models
// (layers/functional/layers/...) and sharded weights are not mapped
// automatically; a mapping file maps them.
//
// Datasets no rule uses (optimizer state, metadata) are listed in
// [Plan].Skipped. Non-trainable variables the file lacks keep their values.
//
// # Mapping files
//
// A mapping file (YAML or JSON, [ParseMapping]) complements or replaces
// the automatic mapping:
//
//	version: 1                  # required
//	layout: auto                # auto | custom-layered | keras-legacy | keras3 | none (entries only)
//	orientation: out-in         # layered layouts: out-in | in-out
//	weights_groups: [Weights]   # layered layouts: replace the default names
//	bias_groups: [Bias]
//	layer_pattern: '^Layer(\d+)$'  # one group: the layer number
//	entries:
//	  - source: /Weights/Layer2            # dataset path
//	    variable: sequential/dense_1/kernel
//	    transpose: true                    # true = reverse all axes; or a permutation, [1, 0, 2]
//	    reshape: [100, 100]                # after the transpose; one -1 allowed
//	    cast: float32                      # the variable's dtype; needed for int<->float
//	  - source: /Meta/Version
//	    skip: true                         # dataset not used
//	  - variable: sequential/head/kernel
//	    skip: true                         # variable keeps its value
//
// Transforms apply in the order transpose, reshape, cast. An entry
// overrides the automatic mapping for every dataset and variable it names;
// skipped datasets and layers whose variables are all skipped leave the
// automatic layer pairing, so a model with an extra head or a file with an
// extra layer still maps by order. Float to float casts are implicit
// (and reported); unknown keys, two entries for one variable, or a
// dataset both mapped and skipped are errors ([*MappingError], with the
// YAML line).
//
// # Validation
//
// Before anything is assigned or written: every trainable variable gets a
// value or is skipped, every dataset named exists, shapes match after the
// transforms, no variable gets two datasets, and no value is NaN or
// infinite (also after a float64->float32 cast) unless
// Options.AllowNonfinite. Problems are collected into one
// [*ValidationError] whose [Problem]s name the file, the dataset, the
// variable and both shapes, and match errors.Is with [ErrShapeMismatch],
// [ErrAmbiguousOrientation], [ErrNonFinite], [ErrDuplicateTarget], ...
// Nothing panics on bad input.
//
// # Writing back
//
// [WriteLayout] copies the layout file to a temporary sibling of the
// destination, overwrites in place the datasets that map onto variables
// (transformed back: transposed, reshaped and cast to the stored dtype),
// syncs and renames. Attributes, other datasets, chunking and compression
// stay as they were, so the original tool reads the result.
//
// # Build and concurrency
//
// Only file_cgo.go needs cgo; it adapts the package's own libhdf5 binding
// in internal/hdf5 (pkg-config hdf5, Debian's libhdf5-dev). Without cgo
// the package builds and its pure parts - mapping files, transforms,
// planning, reports - work and are tested (CGO_ENABLED=0 go test), while
// opening a file returns [ErrNoHDF5Support]. The functions are safe for
// concurrent use; the HDF5 calls underneath run one at a time, since
// Debian's libhdf5 is not thread-safe. Files are opened read-only except
// the temporary copy that WriteLayout writes; every HDF5 handle is closed
// before a function returns.
package h5convert
