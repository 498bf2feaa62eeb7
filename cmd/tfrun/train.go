package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/savedmodel"
)

type trainOptions struct {
	session         sessionFlags
	data            string
	validationSplit float64
	validationData  string
	epochs          int
	batchSize       int
	learningRate    float64
	seed            uint64
	noShuffle       bool
	out             string
	verbose         int
	json            bool
}

func newTrainCommand() *cobra.Command {
	o := &trainOptions{}
	cmd := &cobra.Command{
		Use:   "train MODEL_DIR --data DATA --out OUT_DIR",
		Short: "Train a model (model.fit) and save the result as a new SavedModel",
		Long: `train runs the model's train_step signature over the training data for a number
of epochs, as Keras' model.fit does (shuffled batches, the last partial batch
kept, epoch values as weighted means of batch values), evaluates validation data
at each epoch end, and saves the trained model to --out as an ordinary SavedModel,
atomically (an existing model there is replaced only by a complete one).

DATA is mnist, fashion-mnist or autompg (from the data cache that
scripts/fetch-data.sh fills), a directory of MNIST-layout IDX files, or an .npz
in Keras' mnist.npz layout.`,
		Args: exactArgs(1, "one SavedModel directory"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Validate(cmd); err != nil {
				return err
			}
			return runTrain(cmd.Context(), o, args[0], cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *trainOptions) AddFlags(fs *pflag.FlagSet) {
	o.session.AddFlags(fs)
	fs.StringVar(&o.data, "data", "", "training data: mnist, fashion-mnist, autompg, an IDX directory or an .npz (required)")
	fs.Float64Var(&o.validationSplit, "validation-split", 0, "fraction of the training data (the last samples, before shuffling) held out for validation, as Keras' validation_split")
	fs.StringVar(&o.validationData, "validation-data", "", "validation data (same forms as --data; its test split is used)")
	fs.IntVar(&o.epochs, "epochs", 1, "number of epochs")
	fs.IntVar(&o.batchSize, "batch-size", 32, "samples per batch")
	fs.Float64Var(&o.learningRate, "learning-rate", 0, "set the optimizer's learning rate before training (0: keep the model's)")
	fs.Uint64Var(&o.seed, "seed", 0, "shuffle seed (epoch e visits a permutation that depends only on seed and e)")
	fs.BoolVar(&o.noShuffle, "no-shuffle", false, "visit samples in order instead of shuffling every epoch")
	fs.StringVar(&o.out, "out", "", "directory to save the trained SavedModel to (required)")
	fs.IntVar(&o.verbose, "verbose", 1, "progress on stderr: 0 silent, 1 progress bar, 2 one line per epoch")
	fs.BoolVar(&o.json, "json", false, "progress as one JSON object per epoch on stderr, the result as JSON on stdout")
}

func (o *trainOptions) Validate(cmd *cobra.Command) error {
	if err := o.session.Validate(); err != nil {
		return err
	}
	switch {
	case o.data == "":
		return usageErrorf("--data is required")
	case o.out == "":
		return usageErrorf("--out is required (the trained model is saved there)")
	case o.epochs < 1:
		return usageErrorf("--epochs %d: want at least 1", o.epochs)
	case o.batchSize < 1:
		return usageErrorf("--batch-size %d: want at least 1", o.batchSize)
	case o.validationSplit < 0 || o.validationSplit >= 1:
		return usageErrorf("--validation-split %g outside [0, 1)", o.validationSplit)
	case o.validationSplit > 0 && o.validationData != "":
		return usageErrorf("--validation-split and --validation-data exclude each other")
	case o.learningRate < 0:
		return usageErrorf("--learning-rate %g: want > 0", o.learningRate)
	case o.verbose < 0 || o.verbose > 2:
		return usageErrorf("--verbose %d: want 0, 1 or 2", o.verbose)
	}
	return nil
}

// trainResult is what train prints on stdout.
type trainResult struct {
	Model   string              `json:"model"`
	Epochs  int                 `json:"epochs"`
	Final   savedmodel.Logs     `json:"final"`
	History *savedmodel.History `json:"history"`
}

func runTrain(ctx context.Context, o *trainOptions, dir string, stdout, stderr io.Writer) error {
	m, err := o.session.loadModel(dir)
	if err != nil {
		return err
	}
	defer m.Close()
	if missing := m.Contract(); len(missing) > 0 {
		return withCode(exitBadModel, fmt.Errorf("saved model %s cannot be trained: missing %v; export it with scripts/export.py", dir, missing))
	}
	train, err := dataset.Open(o.data, dataset.Train)
	if err != nil {
		return withCode(exitBadData, err)
	}
	fit := savedmodel.FitOptions{Epochs: o.epochs, BatchSize: o.batchSize, Seed: o.seed, NoShuffle: o.noShuffle}
	switch {
	case o.validationSplit > 0:
		tr, val, err := train.SplitValidation(o.validationSplit)
		if err != nil {
			return withCode(exitBadData, err)
		}
		train, fit.Validation = tr, &val
	case o.validationData != "":
		val, err := dataset.Open(o.validationData, dataset.Test)
		if err != nil {
			return withCode(exitBadData, err)
		}
		fit.Validation = &val
	}
	if o.learningRate > 0 {
		if err := m.SetLearningRate(o.learningRate); err != nil {
			return withCode(exitBadModel, err)
		}
	}
	fit.Callbacks = append(fit.Callbacks, &savedmodel.Progress{W: stderr, Verbose: o.verbose, JSON: o.json, Color: isTerminal(stderr)})
	hist, err := m.Fit(ctx, train, fit)
	if err != nil {
		return trainError(err, len(hist.Epoch))
	}
	if err := m.Save(o.out); err != nil {
		return err
	}
	res := trainResult{Model: o.out, Epochs: len(hist.Epoch), History: hist, Final: savedmodel.Logs{}}
	for k := range hist.Values {
		res.Final[k], _ = hist.Last(k)
	}
	if o.json {
		return json.NewEncoder(stdout).Encode(res)
	}
	fmt.Fprintf(stdout, "trained %d epochs; saved %s\n", res.Epochs, o.out)
	return nil
}

// trainError maps a Fit error to an exit code and explains what was kept.
func trainError(err error, epochsDone int) error {
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("interrupted after %d complete epoch(s); nothing was saved: %w", epochsDone, err)
	case errors.Is(err, savedmodel.ErrNonFinite):
		return withCode(exitDiverged, err)
	case errors.Is(err, dataset.ErrShape), errors.Is(err, dataset.ErrRange), errors.Is(err, dataset.ErrNotFinite),
		errors.Is(err, dataset.ErrDType), errors.Is(err, dataset.ErrFormat):
		return withCode(exitBadData, err)
	}
	return err
}

// isTerminal reports whether w is a terminal (for colored progress bars).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
