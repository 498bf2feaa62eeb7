package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tfrun/tfrun/dataset"
)

// dataSelection is the --classes and --take flags: which samples of a
// dataset a command uses.
type dataSelection struct {
	classes string
	take    int
	parsed  []int
}

func (s *dataSelection) AddFlags(fs *pflag.FlagSet, takeUsage string) {
	fs.StringVar(&s.classes, "classes", "", `keep only the samples of these classes, relabelled 0..k-1 in the order given: "0-4", "5-9", "3,1" (3 becomes 0, 1 becomes 1) (default: all)`)
	fs.IntVar(&s.take, "take", 0, takeUsage)
}

func (s *dataSelection) Validate() error {
	if s.take < 0 {
		return usageErrorf("--take %d: want a positive number of samples (0: all)", s.take)
	}
	if s.classes != "" {
		c, err := dataset.ParseClasses(s.classes)
		if err != nil {
			return usageErrorf("--classes: %v", err)
		}
		s.parsed = c
	}
	return nil
}

// selectClasses applies --classes.
func (s *dataSelection) selectClasses(ds dataset.Dataset) (dataset.Dataset, error) {
	if s.parsed == nil {
		return ds, nil
	}
	out, err := ds.SelectClasses(s.parsed)
	if err != nil {
		return dataset.Dataset{}, withCode(exitBadData, err)
	}
	return out, nil
}

// apply applies --classes, then takes the first n samples (0: all).
func (s *dataSelection) apply(ds dataset.Dataset, n int) (dataset.Dataset, error) {
	ds, err := s.selectClasses(ds)
	if err != nil || n == 0 {
		return ds, err
	}
	if ds, err = ds.Take(n); err != nil {
		return dataset.Dataset{}, withCode(exitBadData, err)
	}
	return ds, nil
}

// openData opens a split of --data and applies the selection.
func (s *dataSelection) open(spec, split string, take int) (dataset.Dataset, error) {
	ds, err := dataset.Open(spec, split)
	if err != nil {
		return dataset.Dataset{}, withCode(exitBadData, err)
	}
	// Loading leaves the raw file bytes behind (47 MB for MNIST's images);
	// give them back now rather than keep them for the whole run.
	debug.FreeOSMemory()
	return s.apply(ds, take)
}

type dataOptions struct {
	sel      dataSelection
	takeTest int
	out      string
	json     bool
}

func newDataCommand() *cobra.Command {
	o := &dataOptions{}
	cmd := &cobra.Command{
		Use:   "data DATA [--classes C] [--take N] [--out FILE.npz]",
		Short: "Describe a dataset as tfrun reads it, or write its train/test splits to an .npz",
		Long: `data loads both splits of DATA (the forms --data takes: mnist, fashion-mnist,
autompg, autompg:FEATURES, an IDX directory or an .npz), applies --classes and
--take as train and evaluate do, and prints the number of samples, the shapes
and dtypes and, for class labels, the samples per class.

With --out it writes x_train, y_train, x_test and y_test to an .npz
(compressed, atomically): exactly the arrays tfrun trains and evaluates on
(Auto MPG's seeded 80/20 split, the selected classes, pixels scaled to
[0, 1]), so a Python script can run the same data through Keras with
numpy.load, and tfrun can read the file back as --data FILE.npz.`,
		Args: exactArgs(1, "one dataset"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.sel.Validate(); err != nil {
				return err
			}
			if o.takeTest < 0 {
				return usageErrorf("--take-test %d: want a positive number of samples (0: all)", o.takeTest)
			}
			return runData(o, args[0], cmd.OutOrStdout())
		},
	}
	o.sel.AddFlags(cmd.Flags(), "keep the first N samples of the training split, after --classes (default 0: all)")
	cmd.Flags().IntVar(&o.takeTest, "take-test", 0, "keep the first N samples of the test split, after --classes (default 0: all)")
	cmd.Flags().StringVar(&o.out, "out", "", "write x_train, y_train, x_test, y_test to this .npz (default: describe only)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON")
	return cmd
}

// splitSummary describes one split.
type splitSummary struct {
	Samples     int            `json:"samples"`
	Inputs      map[string]any `json:"inputs"`
	Targets     any            `json:"targets"`
	ClassCounts []int          `json:"class_counts,omitempty"`
}

func arrayDesc(a *dataset.Array) map[string]any {
	return map[string]any{"dtype": a.DType(), "shape": a.Shape}
}

func runData(o *dataOptions, spec string, stdout io.Writer) error {
	splits := map[string]dataset.Dataset{}
	summary := map[string]splitSummary{}
	for _, sp := range []struct {
		split string
		take  int
	}{{dataset.Train, o.sel.take}, {dataset.Test, o.takeTest}} {
		split, take := sp.split, sp.take
		ds, err := o.sel.open(spec, split, take)
		if err != nil {
			return err
		}
		splits[split] = ds
		s := splitSummary{Samples: ds.Len(), Inputs: map[string]any{}}
		for _, in := range ds.Inputs {
			s.Inputs[in.Name] = arrayDesc(in.Array)
		}
		if ds.Targets != nil {
			s.Targets = arrayDesc(ds.Targets)
			s.ClassCounts = classCounts(ds.Targets)
		}
		summary[split] = s
	}
	if o.out != "" {
		var arrays []dataset.Named
		for _, split := range []string{dataset.Train, dataset.Test} {
			ds := splits[split]
			x := ds.Input(dataset.InputName)
			if len(ds.Inputs) != 1 || x == nil || ds.Targets == nil {
				return withCode(exitBadData, fmt.Errorf("%s: writing an .npz needs one input %q and targets", ds.Source, dataset.InputName))
			}
			arrays = append(arrays, dataset.Named{Name: "x_" + split, Array: x}, dataset.Named{Name: "y_" + split, Array: ds.Targets})
		}
		if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
			return err
		}
		if err := dataset.SaveNPZ(o.out, arrays, true); err != nil {
			return err
		}
	}
	if o.json {
		return json.NewEncoder(stdout).Encode(map[string]any{"data": spec, "splits": summary, "out": o.out})
	}
	for _, split := range []string{dataset.Train, dataset.Test} {
		s, ds := summary[split], splits[split]
		var parts []string
		for _, in := range ds.Inputs {
			parts = append(parts, fmt.Sprintf("%s %s %v", in.Name, in.DType(), in.Shape))
		}
		if ds.Targets != nil {
			parts = append(parts, fmt.Sprintf("targets %s %v", ds.Targets.DType(), ds.Targets.Shape))
		}
		fmt.Fprintf(stdout, "%s: %d samples: %s\n", ds.Source, s.Samples, strings.Join(parts, ", "))
		if s.ClassCounts != nil {
			counts := make([]string, len(s.ClassCounts))
			for c, n := range s.ClassCounts {
				counts[c] = fmt.Sprintf("%d:%d", c, n)
			}
			fmt.Fprintf(stdout, "  samples per class: %s\n", strings.Join(counts, " "))
		}
	}
	if o.out != "" {
		fmt.Fprintf(stdout, "wrote %s (x_train, y_train, x_test, y_test)\n", o.out)
	}
	return nil
}

// classCounts counts integer class labels below 1000 (shape [N] or [N 1]);
// nil for anything else (regression targets).
func classCounts(t *dataset.Array) []int {
	if t.RowSize() != 1 || t.DType() == dataset.Float32 || t.DType() == dataset.Float64 {
		return nil
	}
	f, err := t.Convert(dataset.Float64)
	if err != nil {
		return nil
	}
	var counts []int
	for _, v := range f.Data.([]float64) {
		if v < 0 || v >= 1000 || v != math.Trunc(v) {
			return nil
		}
		for int(v) >= len(counts) {
			counts = append(counts, 0)
		}
		counts[int(v)]++
	}
	return counts
}
