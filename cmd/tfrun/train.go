package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/internal/flagconfig"
	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/savedmodel/callbacks"
)

type trainOptions struct {
	session         sessionFlags
	config          string
	data            string
	validationSplit float64
	validationData  string
	sampleWeight    string
	classWeight     string
	epochs          int
	batchSize       int
	learningRate    float64
	seed            uint64
	noShuffle       bool
	out             string
	verbose         int
	json            bool

	history string
	curves  string
	csv     string
	logdir  string
	tbFreq  int

	checkpointDir string
	keep          int
	resume        bool

	earlyStopping bool
	es            callbacks.EarlyStoppingConfig
	esBaseline    string

	reduceLR bool
	rlr      callbacks.ReduceLROnPlateauConfig
	rlrDelta float64

	lrSchedule string

	terminateOnNaN bool
	nanEvery       int

	saveTemplate    string
	saveBestOnly    bool
	saveMonitor     string
	saveMode        string
	saveWeightsOnly bool

	sel            dataSelection
	freeze         string
	trainable      string
	freezeRE       *regexp.Regexp
	trainableRE    *regexp.Regexp
	adaptNorm      bool
	resetOptimizer bool
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
scripts/fetch-data.sh fills; autompg:Horsepower keeps only the named
features), a directory of MNIST-layout IDX files, or an .npz with x_train,
y_train, x_test, y_test (Keras' mnist.npz, or what tfrun data --out writes).
--classes 5-9 keeps the samples of those classes (in the training and the
validation data) relabelled 0..4; --take N then keeps the first N training
samples, before --validation-split takes its share.

Freezing (transfer learning): --freeze REGEX freezes every trainable variable
whose name (base/conv1/kernel) or Keras layer name (conv1, or an enclosing
layer such as a nested model "base") the pattern matches; --trainable REGEX
keeps those trainable and, alone, freezes all others. train_step leaves a
frozen variable and its optimizer slots bitwise unchanged, whatever the
optimizer. The choice is stored in the saved model (as Keras keeps
layer.trainable): a later train without these flags keeps it, and says so.
--reset-optimizer starts the optimizer afresh (slots and step count zero),
as compiling a Keras model again does.

--adapt-normalization computes the mean and variance of every Normalization
layer fed by a model input from the training data (after --validation-split,
i.e. the samples trained on) before training, as the layer's adapt() does, so
the saved model carries them.

Outputs beside the model: the history as JSON (OUT.history.json) and the
training curves as PNG (OUT.curves.png), both rewritten after every epoch;
optionally a CSV log (--csv), TensorBoard event files (--logdir DIR, runs
DIR/train and DIR/validation, tags epoch_loss, epoch_<metric>,
epoch_learning_rate) and models saved by epoch (--save-model).

Callbacks follow Keras 3: --early-stopping (EarlyStopping), --reduce-lr-on-plateau
(ReduceLROnPlateau), --lr-schedule (LearningRateScheduler), --save-model
(ModelCheckpoint), --csv (CSVLogger), --logdir (TensorBoard) and
--terminate-on-nan (TerminateOnNaN, which here also rolls the weights back to
the last finite state; the model is then saved and train exits with code 5).
Monitored names are loss, the model's metrics, their val_ forms (with
validation data) and learning_rate.

Crash-safe training: with --checkpoint-dir, the complete state after every
epoch (weights, optimizer slots, learning rate, RNG state, history, callback
state) is written there atomically; after a crash, kill or Ctrl-C, the same
command with --resume continues from the last complete epoch and ends with the
same weights as an uninterrupted run (bit for bit on CPU). --resume with no
complete checkpoint yet starts from the beginning.

--config FILE reads flags from a YAML file (keys are flag names without
dashes; flags on the command line win), e.g.:

  data: mnist
  epochs: 20
  validation-split: 0.2
  early-stopping: true
  early-stopping-patience: 3
  class-weight: {0: 1, 1: 2.5}`,
		Args: exactArgs(1, "one SavedModel directory"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.config != "" {
				if err := flagconfig.Apply(cmd.Flags(), o.config, "config"); err != nil {
					return usageErrorf("--config: %v", err)
				}
			}
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
	fs.StringVar(&o.config, "config", "", "read flags from a YAML file (keys are flag names; the command line wins)")
	fs.StringVar(&o.data, "data", "", "training data: mnist, fashion-mnist, autompg, an IDX directory or an .npz (required)")
	fs.Float64Var(&o.validationSplit, "validation-split", 0, "fraction of the training data (the last samples, before shuffling) held out for validation, as Keras' validation_split (default 0: none)")
	fs.StringVar(&o.validationData, "validation-data", "", "validation data (same forms as --data; its test split is used) (default: none)")
	fs.StringVar(&o.sampleWeight, "sample-weight", "", "per-sample weights of the training data: an .npy of N numbers, fed as sample_weight (default: all 1)")
	fs.StringVar(&o.classWeight, "class-weight", "", `weights by class, as Keras' class_weight: "0=1,1=2.5" (classes not named weigh 1) (default: none)`)
	fs.IntVar(&o.epochs, "epochs", 1, "number of epochs")
	fs.IntVar(&o.batchSize, "batch-size", 32, "samples per batch")
	fs.Float64Var(&o.learningRate, "learning-rate", 0, "set the optimizer's learning rate before training (default 0: keep the model's)")
	fs.Uint64Var(&o.seed, "seed", 0, "shuffle seed (epoch e visits a permutation that depends only on seed and e) (default 0)")
	fs.BoolVar(&o.noShuffle, "no-shuffle", false, "visit samples in order instead of shuffling every epoch")
	fs.StringVar(&o.out, "out", "", "directory to save the trained SavedModel to (required)")
	fs.IntVar(&o.verbose, "verbose", 1, "progress on stderr: 0 silent, 1 progress bar, 2 one line per epoch")
	fs.BoolVar(&o.json, "json", false, "progress as one JSON object per epoch on stderr, the result as JSON on stdout")

	fs.StringVar(&o.history, "history", "", `history JSON, rewritten after every epoch (default OUT.history.json; "none" for no file)`)
	fs.StringVar(&o.curves, "curves", "", `training curves PNG (loss and each metric per epoch, train vs validation) (default OUT.curves.png; "none" for no file)`)
	fs.StringVar(&o.csv, "csv", "", "CSV log of every epoch, as Keras' CSVLogger (default: none)")
	fs.StringVar(&o.logdir, "logdir", "", "TensorBoard log directory: event files in DIR/train and DIR/validation (default: none)")
	fs.IntVar(&o.tbFreq, "tensorboard-update-freq", 0, "also log batch_<name> scalars every N batches (default 0: epochs only)")

	fs.StringVar(&o.checkpointDir, "checkpoint-dir", "", "write the complete training state after every epoch here, atomically, for --resume (default: none)")
	fs.IntVar(&o.keep, "keep-checkpoints", 2, "checkpoints kept in --checkpoint-dir (the newest)")
	fs.BoolVar(&o.resume, "resume", false, "continue from the last complete checkpoint in --checkpoint-dir (start afresh when there is none)")

	fs.BoolVar(&o.earlyStopping, "early-stopping", false, "stop when --early-stopping-monitor stops improving (Keras' EarlyStopping)")
	fs.StringVar(&o.es.Monitor, "early-stopping-monitor", "val_loss", "quantity early stopping watches")
	fs.StringVar(&o.es.Mode, "early-stopping-mode", "auto", "auto, min or max")
	fs.IntVar(&o.es.Patience, "early-stopping-patience", 0, "epochs without improvement before stopping (default 0)")
	fs.Float64Var(&o.es.MinDelta, "early-stopping-min-delta", 0, "smallest change that counts as an improvement (default 0)")
	fs.StringVar(&o.esBaseline, "early-stopping-baseline", "", "value the monitored quantity must beat to reset the patience (default: none)")
	fs.IntVar(&o.es.StartFromEpoch, "early-stopping-start-from-epoch", 0, "epochs to train before watching (default 0)")
	fs.BoolVar(&o.es.RestoreBestWeights, "early-stopping-restore-best-weights", false, "end with the weights of the best epoch (even without an early stop, as Keras 3)")

	fs.BoolVar(&o.reduceLR, "reduce-lr-on-plateau", false, "lower the learning rate when --reduce-lr-monitor stops improving (Keras' ReduceLROnPlateau)")
	fs.StringVar(&o.rlr.Monitor, "reduce-lr-monitor", "val_loss", "quantity ReduceLROnPlateau watches")
	fs.StringVar(&o.rlr.Mode, "reduce-lr-mode", "auto", "auto, min or max")
	fs.Float64Var(&o.rlr.Factor, "reduce-lr-factor", 0.1, "new rate = rate * factor (< 1)")
	fs.IntVar(&o.rlr.Patience, "reduce-lr-patience", 10, "epochs without improvement before lowering")
	fs.Float64Var(&o.rlrDelta, "reduce-lr-min-delta", 1e-4, "smallest change that counts as an improvement")
	fs.IntVar(&o.rlr.Cooldown, "reduce-lr-cooldown", 0, "epochs to wait after a reduction before counting again (default 0)")
	fs.Float64Var(&o.rlr.MinLR, "reduce-lr-min-lr", 0, "lower bound on the learning rate (default 0)")

	fs.StringVar(&o.lrSchedule, "lr-schedule", "", `learning rate per epoch (Keras' LearningRateScheduler): "step:initial=1e-3,factor=0.5,every=10", "exponential:initial=1e-3,rate=0.96[,steps=1][,staircase=true]", "cosine:initial=1e-3,epochs=50[,alpha=0]" or "table:0=1e-3,10=1e-4" (epochs 0-based) (default: none)`)

	fs.BoolVar(&o.terminateOnNaN, "terminate-on-nan", true, "on a NaN/Inf loss, stop, roll the weights back to the last finite state and save them (false: fail without saving)")
	fs.IntVar(&o.nanEvery, "nan-snapshot-every", 0, "also snapshot the state for that rollback every N batches (default 0: at epoch ends only)")

	fs.StringVar(&o.saveTemplate, "save-model", "", `save the model after each epoch (Keras' ModelCheckpoint) to this path template: {epoch} and log values with Python formats, e.g. "ckpt/model-{epoch:02d}-{val_loss:.3f}" (default: none)`)
	fs.BoolVar(&o.saveBestOnly, "save-best-only", false, "with --save-model, save only when --save-monitor improves")
	fs.StringVar(&o.saveMonitor, "save-monitor", "val_loss", "quantity --save-best-only watches")
	fs.StringVar(&o.saveMode, "save-mode", "auto", "auto, min or max")
	fs.BoolVar(&o.saveWeightsOnly, "save-weights-only", false, "with --save-model, save a TensorFlow checkpoint of the variables (PATH/variables.*) instead of a SavedModel")

	o.sel.AddFlags(fs, "keep the first N training samples, after --classes and before --validation-split (default 0: all)")
	fs.StringVar(&o.freeze, "freeze", "", "freeze the trainable variables whose name or Keras layer (or enclosing layer) this regular expression matches (default: none)")
	fs.StringVar(&o.trainable, "trainable", "", "keep these variables trainable (by name or layer, as --freeze); alone, freeze every other one (default: all)")
	fs.BoolVar(&o.adaptNorm, "adapt-normalization", false, "adapt every input-fed Normalization layer (mean, variance) on the training data before training")
	fs.BoolVar(&o.resetOptimizer, "reset-optimizer", false, "zero the optimizer's state (slots, step count) before training, as a Keras recompile does")
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
	case o.sampleWeight != "" && o.classWeight != "":
		return usageErrorf("--sample-weight and --class-weight exclude each other (as in Keras)")
	case o.learningRate < 0:
		return usageErrorf("--learning-rate %g: want > 0", o.learningRate)
	case o.verbose < 0 || o.verbose > 2:
		return usageErrorf("--verbose %d: want 0, 1 or 2", o.verbose)
	case o.resume && o.checkpointDir == "":
		return usageErrorf("--resume needs --checkpoint-dir")
	case o.keep < 1:
		return usageErrorf("--keep-checkpoints %d: want at least 1", o.keep)
	case o.tbFreq < 0 || o.nanEvery < 0:
		return usageErrorf("--tensorboard-update-freq and --nan-snapshot-every must be >= 0")
	case o.lrSchedule != "" && o.reduceLR:
		return usageErrorf("--lr-schedule and --reduce-lr-on-plateau both set the learning rate: choose one")
	}
	if _, err := parseClassWeight(o.classWeight); err != nil {
		return usageErrorf("--class-weight: %v", err)
	}
	if err := o.sel.Validate(); err != nil {
		return err
	}
	var err error
	if o.freeze != "" {
		if o.freezeRE, err = regexp.Compile(o.freeze); err != nil {
			return usageErrorf("--freeze: %v", err)
		}
	}
	if o.trainable != "" {
		if o.trainableRE, err = regexp.Compile(o.trainable); err != nil {
			return usageErrorf("--trainable: %v", err)
		}
	}
	if o.esBaseline != "" {
		b, err := strconv.ParseFloat(o.esBaseline, 64)
		if err != nil {
			return usageErrorf("--early-stopping-baseline %q: not a number", o.esBaseline)
		}
		o.es.Baseline = &b
	}
	o.rlr.MinDelta = &o.rlrDelta
	if o.earlyStopping {
		if _, err := callbacks.NewEarlyStopper(o.es); err != nil {
			return usageErrorf("%v", err)
		}
	}
	if o.reduceLR {
		if _, err := callbacks.NewPlateau(o.rlr); err != nil {
			return usageErrorf("%v", err)
		}
	}
	if o.lrSchedule != "" {
		if _, err := callbacks.ParseSchedule(o.lrSchedule); err != nil {
			return usageErrorf("--lr-schedule: %v", err)
		}
	}
	if o.saveTemplate != "" && o.saveBestOnly {
		if err := (&callbacks.ModelCheckpoint{Path: o.saveTemplate, Monitor: o.saveMonitor, Mode: o.saveMode, SaveBestOnly: true}).Check(); err != nil {
			return usageErrorf("--save-model: %v", err)
		}
	}
	return nil
}

// parseClassWeight parses "0=1,1=2.5".
func parseClassWeight(s string) (map[int]float64, error) {
	if s == "" {
		return nil, nil
	}
	out := map[int]float64{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		c, err1 := strconv.Atoi(strings.TrimSpace(k))
		w, err2 := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || err1 != nil || err2 != nil || c < 0 || w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("%q: want CLASS=WEIGHT pairs like 0=1,1=2.5 (class >= 0, weight >= 0)", part)
		}
		if _, dup := out[c]; dup {
			return nil, fmt.Errorf("class %d given twice", c)
		}
		out[c] = w
	}
	return out, nil
}

// sidePath returns a flag's path, its default beside OUT, or "" for none.
func sidePath(flag, out, suffix string) string {
	switch flag {
	case "none":
		return ""
	case "":
		return strings.TrimRight(out, "/") + suffix
	}
	return flag
}

// trainResult is what train prints on stdout.
type trainResult struct {
	Model       string              `json:"model"`
	Epochs      int                 `json:"epochs"`
	Resumed     int                 `json:"resumed_at_epoch,omitempty"`
	Final       savedmodel.Logs     `json:"final"`
	History     *savedmodel.History `json:"history"`
	HistoryFile string              `json:"history_file,omitempty"`
	CurvesFile  string              `json:"curves_file,omitempty"`
	Checkpoint  string              `json:"checkpoint,omitempty"`
	Stopped     string              `json:"stopped,omitempty"`
	Frozen      []string            `json:"frozen,omitempty"`
}

// fingerprint is what a resumed run must share with the interrupted one.
func (o *trainOptions) fingerprint(m *savedmodel.Model, train dataset.Dataset) map[string]string {
	fp := map[string]string{
		"data": o.data, "samples": strconv.Itoa(train.Len()), "batch_size": strconv.Itoa(o.batchSize),
		"seed": strconv.FormatUint(o.seed, 10), "shuffle": strconv.FormatBool(!o.noShuffle),
		"validation_split": strconv.FormatFloat(o.validationSplit, 'g', -1, 64), "validation_data": o.validationData,
		"sample_weight": o.sampleWeight, "class_weight": o.classWeight,
	}
	// Options added later are recorded only when set, so that checkpoints
	// written before they existed still resume.
	for k, v := range map[string]string{"classes": o.sel.classes, "freeze": o.freeze, "trainable": o.trainable} {
		if v != "" {
			fp[k] = v
		}
	}
	if o.sel.take > 0 {
		fp["take"] = strconv.Itoa(o.sel.take)
	}
	if o.adaptNorm {
		fp["adapt_normalization"] = "true"
	}
	if d := m.Description(); d != nil {
		fp["model"] = d.Name
	}
	return fp
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
	if o.adaptNorm && (m.Description() == nil || len(m.Description().Normalization) == 0) {
		return usageErrorf("--adapt-normalization: saved model %s has no Normalization layer fed by a model input", dir)
	}
	frozen, err := o.setTrainable(m)
	if err != nil {
		return err
	}
	train, err := o.sel.open(o.data, dataset.Train, o.sel.take)
	if err != nil {
		return err
	}
	if o.sampleWeight != "" {
		w, err := dataset.LoadNPY(o.sampleWeight)
		if err != nil {
			return withCode(exitBadData, err)
		}
		if w, err = w.Convert(dataset.Float32); err != nil || len(w.Shape) != 1 || w.Len() != train.Len() {
			return withCode(exitBadData, fmt.Errorf("--sample-weight %s: want %d numbers (one per training sample), have shape %v", o.sampleWeight, train.Len(), w.Shape))
		}
		train.Weights = w
	}
	if o.classWeight != "" {
		cw, _ := parseClassWeight(o.classWeight)
		if train, err = savedmodel.ClassWeights(train, cw); err != nil {
			return withCode(exitBadData, err)
		}
	}
	fit := savedmodel.FitOptions{Epochs: o.epochs, BatchSize: o.batchSize, Seed: o.seed, NoShuffle: o.noShuffle}
	fp := o.fingerprint(m, train)
	switch {
	case o.validationSplit > 0:
		tr, val, err := train.SplitValidation(o.validationSplit)
		if err != nil {
			return withCode(exitBadData, err)
		}
		train, fit.Validation = tr, &val
	case o.validationData != "":
		val, err := o.sel.open(o.validationData, dataset.Test, 0)
		if err != nil {
			return err
		}
		fit.Validation = &val
	}
	if o.adaptNorm {
		layers, err := m.AdaptNormalization(train)
		if err != nil {
			return withCode(exitBadData, err)
		}
		if o.verbose > 0 && !o.json {
			fmt.Fprintf(stderr, "adapted %s on %d training samples\n", strings.Join(layers, ", "), train.Len())
		}
	}
	if o.resetOptimizer {
		if _, err := m.ResetOptimizer(); err != nil {
			return withCode(exitBadModel, err)
		}
	}
	if len(frozen) > 0 && o.verbose > 0 && !o.json {
		how := "frozen"
		if o.freeze == "" && o.trainable == "" {
			how = "frozen (as saved in the model; --trainable . unfreezes)"
		}
		fmt.Fprintf(stderr, "%s: %d of %d trainable variables: %s\n", how, len(frozen), len(m.TrainableVariables()), strings.Join(frozen, ", "))
	}
	if o.learningRate > 0 {
		if err := m.SetLearningRate(o.learningRate); err != nil {
			return withCode(exitBadModel, err)
		}
	}
	_, lrErr := m.LearningRate()
	fit.LogLearningRate = lrErr == nil
	if err := o.checkMonitors(m, fit.Validation != nil, fit.LogLearningRate); err != nil {
		return err
	}

	var log io.Writer
	if o.verbose > 0 && !o.json {
		log = stderr
	}
	// The learning rate is in every epoch's logs and history; the progress
	// line shows it, as Keras does, only when a callback changes it.
	progress := &savedmodel.Progress{W: stderr, Verbose: o.verbose, JSON: o.json, Color: isTerminal(stderr),
		Dynamic: isTerminal(stderr)}
	if o.lrSchedule == "" && !o.reduceLR {
		progress.Hide = []string{"learning_rate"}
	}
	var cbs []savedmodel.Callback
	if o.verbose > 0 || o.json {
		cbs = append(cbs, progress)
	}
	if o.lrSchedule != "" {
		s, _ := callbacks.ParseSchedule(o.lrSchedule)
		cbs = append(cbs, &callbacks.LearningRateScheduler{Schedule: s, Log: log})
	}
	var nan *callbacks.TerminateOnNaN
	if o.terminateOnNaN {
		nan = &callbacks.TerminateOnNaN{Every: o.nanEvery, Log: stderr}
		cbs = append(cbs, nan)
	}
	if o.earlyStopping {
		es, _ := callbacks.NewEarlyStopping(o.es)
		es.Log = log
		cbs = append(cbs, es)
	}
	if o.reduceLR {
		r, _ := callbacks.NewReduceLROnPlateau(o.rlr)
		r.Log = log
		cbs = append(cbs, r)
	}
	if o.saveTemplate != "" {
		cbs = append(cbs, &callbacks.ModelCheckpoint{Path: o.saveTemplate, Monitor: o.saveMonitor, Mode: o.saveMode,
			SaveBestOnly: o.saveBestOnly, WeightsOnly: o.saveWeightsOnly, Log: log})
	}
	if o.csv != "" {
		cbs = append(cbs, &callbacks.CSVLogger{Path: o.csv})
	}
	hf := &callbacks.HistoryFile{JSON: sidePath(o.history, o.out, ".history.json"), PNG: sidePath(o.curves, o.out, ".curves.png")}
	cbs = append(cbs, hf)
	var tb *callbacks.TensorBoard
	if o.logdir != "" {
		tb = &callbacks.TensorBoard{LogDir: o.logdir, UpdateFreq: o.tbFreq}
		defer tb.Close()
		cbs = append(cbs, tb)
	}
	if o.checkpointDir != "" {
		cbs = append(cbs, &callbacks.Checkpoint{Dir: o.checkpointDir, Keep: o.keep, Fingerprint: fp})
	}
	fit.Callbacks = cbs

	resumedAt := 0
	if o.resume {
		st, err := callbacks.Resume(m, o.checkpointDir, &fit, fp)
		switch {
		case errors.Is(err, callbacks.ErrNoCheckpoint):
			fmt.Fprintf(stderr, "no complete checkpoint in %s: training from the beginning\n", o.checkpointDir)
		case err != nil:
			return withCode(exitUsage, err)
		default:
			resumedAt = st.Epoch
			if st.Stopped || st.Epoch >= fit.Epochs {
				fmt.Fprintf(stderr, "checkpoint %s: training had finished after %d epoch(s)\n", o.checkpointDir, st.Epoch)
			} else {
				fmt.Fprintf(stderr, "resuming from %s after %d complete epoch(s)\n", o.checkpointDir, st.Epoch)
			}
		}
	}

	hist, err := m.Fit(ctx, train, fit)
	if err != nil {
		if errors.Is(err, context.Canceled) && o.checkpointDir != "" {
			return fmt.Errorf("interrupted after %d complete epoch(s); continue with the same command and --resume: %w", hist.Len(), err)
		}
		return trainError(err, hist.Len())
	}
	if err := m.Save(o.out); err != nil {
		return err
	}
	if err := hf.Write(hist); err != nil {
		return err
	}
	res := trainResult{Model: o.out, Epochs: hist.Len(), Resumed: resumedAt, History: hist, Final: savedmodel.Logs{},
		HistoryFile: hf.JSON, CurvesFile: hf.PNG, Frozen: frozen}
	if len(hist.Epoch) > 0 {
		res.Final = hist.Logs(hist.Len() - 1)
	}
	if o.checkpointDir != "" {
		res.Checkpoint = o.checkpointDir
	}
	var diverged error
	if nan != nil && nan.Terminated != nil {
		ev := nan.Terminated
		res.Stopped = fmt.Sprintf("non-finite loss at epoch %d, batch %d; weights rolled back to the state after %d epoch(s)",
			ev.Epoch+1, ev.Batch+1, ev.RestoredEpochs)
		diverged = withCode(exitDiverged, fmt.Errorf("%w; saved %s with the weights of the last finite state", ev.Err, o.out))
	}
	if o.json {
		if err := json.NewEncoder(stdout).Encode(res); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "trained %d epochs; saved %s\n", res.Epochs, o.out)
	}
	return diverged
}

// setTrainable applies --freeze and --trainable (each must match a variable
// or layer) and returns the frozen variables; without them, those the
// saved model has frozen.
func (o *trainOptions) setTrainable(m *savedmodel.Model) ([]string, error) {
	if o.freezeRE == nil && o.trainableRE == nil {
		frozen, err := m.Frozen()
		if err != nil {
			return nil, withCode(exitBadModel, err)
		}
		return frozen, nil
	}
	if m.Description() == nil {
		return nil, usageErrorf("--freeze/--trainable: saved model %s has no %s (export it with scripts/export.py)", m.Dir(), savedmodel.DescriptionFile)
	}
	for _, p := range []struct {
		flag string
		re   *regexp.Regexp
	}{{"--freeze", o.freezeRE}, {"--trainable", o.trainableRE}} {
		if p.re != nil && len(m.MatchTrainable(p.re)) == 0 {
			var names []string
			for _, v := range m.TrainableVariables() {
				names = append(names, v.Name)
			}
			return nil, usageErrorf("%s %q matches no trainable variable or layer of %s; its trainable variables: %s",
				p.flag, p.re, m.Dir(), strings.Join(names, ", "))
		}
	}
	frozen, err := m.SetTrainable(savedmodel.FreezeSpec{Freeze: o.freezeRE, Trainable: o.trainableRE})
	if err != nil {
		return nil, withCode(exitBadModel, err)
	}
	return frozen, nil
}

// checkMonitors refuses monitored names the logs will not have: Keras only
// warns, each epoch, which on a command line is a silent typo.
func (o *trainOptions) checkMonitors(m *savedmodel.Model, val, lr bool) error {
	names := m.MetricNames()
	have := slices.Clone(names)
	if val {
		for _, n := range names {
			have = append(have, "val_"+n)
		}
	}
	if lr {
		have = append(have, "learning_rate")
	}
	check := func(on bool, flag, name string) error {
		if on && !slices.Contains(have, name) {
			hint := ""
			if strings.HasPrefix(name, "val_") && !val {
				hint = " (there is no validation data: add --validation-split or --validation-data)"
			}
			return usageErrorf("%s %q: the logs have %s%s", flag, name, strings.Join(have, ", "), hint)
		}
		return nil
	}
	return errors.Join(
		check(o.earlyStopping, "--early-stopping-monitor", o.es.Monitor),
		check(o.reduceLR, "--reduce-lr-monitor", o.rlr.Monitor),
		check(o.saveTemplate != "" && o.saveBestOnly, "--save-monitor", o.saveMonitor),
	)
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
