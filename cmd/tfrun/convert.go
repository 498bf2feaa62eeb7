package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tfrun/tfrun/h5convert"
	"github.com/tfrun/tfrun/savedmodel"
)

type convertOptions struct {
	session        sessionFlags
	model          string
	out            string
	mapFile        string
	layout         string
	orientation    string
	weightsGroups  []string
	biasGroups     []string
	layerPattern   string
	allowNonfinite bool
	dryRun         bool
	json           bool
	toH5           string
	layoutOf       string
	vars           string
	varsRE         *regexp.Regexp
	optimizerState bool
}

func newConvertCommand() *cobra.Command {
	o := &convertOptions{}
	cmd := &cobra.Command{
		Use:   "convert WEIGHTS.h5|SRC_MODEL_DIR --model MODEL_DIR --out OUT_DIR | convert --to-h5 MODEL_DIR --layout-of WEIGHTS.h5 --out NEW.h5",
		Short: "Load weights into a model from an HDF5 file or another SavedModel (or write a model's weights back in an HDF5 layout)",
		Long: `convert maps the datasets of an HDF5 weights file onto a model's variables,
checks everything before anything is written, assigns the values and saves the
result as a new SavedModel (atomically). Layouts mapped automatically:

  custom-layered  /Weights/LayerN, /Bias/LayerN (N in numeric order; group and layer
                  names configurable), onto the model's Dense layers in order; the
                  orientation of each matrix (out x in, as column-major writers such
                  as MATLAB produce, or in x out) is read from its shape, a square
                  matrix needs --orientation; (n x 1) biases are flattened
  keras-legacy    Keras' save_weights('x.h5') / model.save('x.h5')
  keras3          Keras 3 .weights.h5

Anything else: a mapping file (--map, YAML or JSON; see h5convert's package doc):
H5 path -> variable, with transpose, reshape, cast and skip. Validation: every trainable
variable covered or skipped, every dataset present, shapes equal after transforms (the
error names the dataset, the variable and both shapes), float64->float32 casts reported,
NaN/Inf refused unless --allow-nonfinite. --dry-run prints the plan (--json for JSON).

--to-h5 MODEL_DIR writes the model's variables back in the layout of --layout-of (same
paths, orientation, dtypes and attributes), to --out, atomically.

From another SavedModel (SRC_MODEL_DIR, e.g. for transfer learning: a trained
base into a model with a new head): every model variable that both models have
under the same name, with the same dtype and shape, is copied bit for bit;
--vars REGEX restricts the copy to variables whose name (base/conv1/kernel) or
Keras layer name (conv1, or an enclosing layer such as a nested model "base")
it matches. A selected variable whose shape or dtype differs stops the copy,
naming both shapes. Optimizer slots and the step count are copied only with
--optimizer-state. Names are Keras paths, so build the shared part as a named
sub-model (keras.Sequential([...], name="base")) in both models. The plan
(copied, kept, only in the source) is printed; --dry-run writes nothing.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if o.toH5 != "" {
				return exactArgs(0, "no positional argument with --to-h5")(cmd, args)
			}
			return exactArgs(1, "one HDF5 weights file or SavedModel directory")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Validate(); err != nil {
				return err
			}
			if o.toH5 != "" {
				return runToH5(o, cmd.OutOrStdout())
			}
			if isSavedModelDir(args[0]) {
				for _, f := range []string{"map", "layout", "orientation", "weights-group", "bias-group", "layer-pattern", "allow-nonfinite"} {
					if cmd.Flags().Changed(f) {
						return usageErrorf("--%s applies to HDF5 weights; %s is a SavedModel", f, args[0])
					}
				}
				return runCopy(o, args[0], cmd.OutOrStdout())
			}
			if o.vars != "" || o.optimizerState {
				return usageErrorf("--vars and --optimizer-state apply to a SavedModel source; %s is not a SavedModel directory", args[0])
			}
			return runConvert(o, args[0], cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *convertOptions) AddFlags(fs *pflag.FlagSet) {
	o.session.AddFlags(fs)
	fs.StringVar(&o.model, "model", "", "SavedModel whose variables receive the weights")
	fs.StringVar(&o.out, "out", "", "where to write: the new SavedModel, or with --to-h5 the new .h5 file")
	fs.StringVar(&o.mapFile, "map", "", "mapping file (YAML or JSON)")
	fs.StringVar(&o.layout, "layout", "auto", "layout of the weights file: auto, custom-layered, keras-legacy, keras3, none")
	fs.StringVar(&o.orientation, "orientation", "", "orientation of layered weight matrices: out-in or in-out (needed for square matrices)")
	fs.StringSliceVar(&o.weightsGroups, "weights-group", nil, "group name(s) of the weight matrices in a layered layout (default Weights, W, Kernel, …)")
	fs.StringSliceVar(&o.biasGroups, "bias-group", nil, "group name(s) of the biases in a layered layout (default Bias, B, …)")
	fs.StringVar(&o.layerPattern, "layer-pattern", "", `regular expression with one group, the layer number, for layered layouts (default matches Layer1, layer_1, 1)`)
	fs.BoolVar(&o.allowNonfinite, "allow-nonfinite", false, "accept NaN and infinite weights (reported as warnings)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print what would be assigned from where, write nothing")
	fs.BoolVar(&o.json, "json", false, "print the plan as JSON")
	fs.StringVar(&o.toH5, "to-h5", "", "write this SavedModel's variables back in an HDF5 layout (with --layout-of and --out)")
	fs.StringVar(&o.layoutOf, "layout-of", "", "with --to-h5: the HDF5 file whose layout to reproduce")
	fs.StringVar(&o.vars, "vars", "", "from a SavedModel: copy only the variables whose name or Keras layer (or enclosing layer) this regular expression matches (default: all in common)")
	fs.BoolVar(&o.optimizerState, "optimizer-state", false, "from a SavedModel: also copy the copied variables' optimizer slots and the step count")
}

func (o *convertOptions) Validate() error {
	if err := o.session.Validate(); err != nil {
		return err
	}
	if o.toH5 != "" {
		switch {
		case o.layoutOf == "":
			return usageErrorf("--to-h5 needs --layout-of WEIGHTS.h5")
		case o.out == "" && !o.dryRun:
			return usageErrorf("--to-h5 needs --out NEW.h5")
		case o.model != "":
			return usageErrorf("--to-h5 takes the model as its value; drop --model")
		}
	} else {
		switch {
		case o.model == "":
			return usageErrorf("--model is required")
		case o.out == "" && !o.dryRun:
			return usageErrorf("--out is required (or --dry-run)")
		case o.layoutOf != "":
			return usageErrorf("--layout-of goes with --to-h5")
		}
	}
	if o.vars != "" {
		re, err := regexp.Compile(o.vars)
		if err != nil {
			return usageErrorf("--vars: %v", err)
		}
		o.varsRE = re
	}
	if _, err := o.options(); err != nil {
		return err
	}
	return nil
}

// isSavedModelDir reports whether dir holds a saved_model.pb.
func isSavedModelDir(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "saved_model.pb"))
	return err == nil && st.Mode().IsRegular()
}

// runCopy copies variables from one SavedModel into another and saves the
// result.
func runCopy(o *convertOptions, srcDir string, stdout io.Writer) error {
	src, err := o.session.loadModel(srcDir)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := o.session.loadModel(o.model)
	if err != nil {
		return err
	}
	defer dst.Close()
	plan, err := savedmodel.PlanCopy(src, dst, savedmodel.CopySpec{Vars: o.varsRE, OptimizerState: o.optimizerState})
	if err != nil {
		if o.dryRun {
			writeCopyPlan(plan, o.json, stdout)
		}
		if errors.Is(err, savedmodel.ErrNoMatch) {
			return withCode(exitUsage, err)
		}
		return withCode(exitBadData, err)
	}
	if o.dryRun {
		return writeCopyPlan(plan, o.json, stdout)
	}
	if err := dst.CopyVariables(src, plan); err != nil {
		return err
	}
	if err := dst.Save(o.out); err != nil {
		return err
	}
	if o.json {
		return writeCopyPlan(plan, true, stdout)
	}
	if err := writeCopyPlan(plan, false, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "copied %d variables from %s into %s; saved %s\n", len(plan.Copied), srcDir, o.model, o.out)
	return nil
}

func writeCopyPlan(p *savedmodel.CopyPlan, asJSON bool, w io.Writer) error {
	if p == nil {
		return nil
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(p)
	}
	return p.WriteText(w)
}

// options builds h5convert's options; usage errors for bad values.
func (o *convertOptions) options() (h5convert.Options, error) {
	var opts h5convert.Options
	var err error
	if opts.Layout, err = h5convert.ParseLayout(o.layout); err != nil {
		return opts, usageErrorf("--layout: %v", err)
	}
	if o.orientation != "" {
		if opts.Orientation, err = h5convert.ParseOrientation(o.orientation); err != nil {
			return opts, usageErrorf("--orientation: %v", err)
		}
	}
	opts.WeightsGroups, opts.BiasGroups, opts.LayerPattern = o.weightsGroups, o.biasGroups, o.layerPattern
	opts.AllowNonfinite = o.allowNonfinite
	if err := opts.Validate(); err != nil {
		return opts, usageErrorf("%v", err)
	}
	return opts, nil
}

func (o *convertOptions) loadMapping(opts *h5convert.Options) error {
	if o.mapFile == "" {
		return nil
	}
	m, err := h5convert.LoadMapping(o.mapFile)
	if err != nil {
		return withCode(exitBadData, err)
	}
	opts.Mapping = m
	return nil
}

func writePlan(p *h5convert.Plan, asJSON bool, w io.Writer) error {
	if asJSON {
		return p.WriteJSON(w)
	}
	return p.WriteText(w)
}

// openH5Job reads the mapping options, checks that the HDF5 file exists and
// loads the model with its variables as h5convert sees them. The caller
// closes the model.
func (o *convertOptions) openH5Job(h5file, modelDir string) (h5convert.Options, *savedmodel.Model, []h5convert.Variable, error) {
	opts, _ := o.options()
	if err := o.loadMapping(&opts); err != nil {
		return opts, nil, nil, err
	}
	if _, err := os.Stat(h5file); err != nil {
		return opts, nil, nil, withCode(exitBadData, err)
	}
	m, err := o.session.loadModel(modelDir)
	if err != nil {
		return opts, nil, nil, err
	}
	vars, err := h5convert.ModelVariables(m)
	if err != nil {
		m.Close()
		return opts, nil, nil, withCode(exitBadModel, err)
	}
	return opts, m, vars, nil
}

func runConvert(o *convertOptions, weights string, stdout, stderr io.Writer) error {
	opts, m, vars, err := o.openH5Job(weights, o.model)
	if err != nil {
		return err
	}
	defer m.Close()
	plan, err := h5convert.NewPlan(weights, vars, opts)
	if err != nil {
		if plan != nil && o.dryRun {
			writePlan(plan, o.json, stdout)
		}
		// Everything NewPlan reads is the weights file and the mapping.
		return withCode(exitBadData, err)
	}
	if o.dryRun {
		return writePlan(plan, o.json, stdout)
	}
	if err := h5convert.Apply(m, plan); err != nil {
		return err
	}
	if err := m.Save(o.out); err != nil {
		return err
	}
	for _, w := range plan.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if o.json {
		return plan.WriteJSON(stdout)
	}
	fmt.Fprintf(stdout, "assigned %d variables from %s (%s layout); saved %s\n", len(plan.Assignments), weights, plan.Layout, o.out)
	return nil
}

func runToH5(o *convertOptions, stdout io.Writer) error {
	opts, m, vars, err := o.openH5Job(o.layoutOf, o.toH5)
	if err != nil {
		return err
	}
	defer m.Close()
	values, err := h5convert.ModelValues(m, vars)
	if err != nil {
		return err
	}
	if o.dryRun {
		plan, err := h5convert.NewPlan(o.layoutOf, vars, opts)
		if plan != nil {
			writePlan(plan, o.json, stdout)
		}
		if err != nil {
			return withCode(exitBadData, err)
		}
		return nil
	}
	plan, err := h5convert.WriteLayout(o.out, o.layoutOf, vars, values, opts)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return err
		}
		return h5Code(err)
	}
	if o.json {
		return plan.WriteJSON(stdout)
	}
	fmt.Fprintf(stdout, "wrote %d variables of %s to %s in the layout of %s\n", len(plan.Assignments), o.toH5, o.out, o.layoutOf)
	return nil
}
