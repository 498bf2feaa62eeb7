package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tfrun/tfrun/dataset"
)

type evaluateOptions struct {
	session   sessionFlags
	data      string
	split     string
	batchSize int
	json      bool
	sel       dataSelection
}

func newEvaluateCommand() *cobra.Command {
	o := &evaluateOptions{}
	cmd := &cobra.Command{
		Use:   "evaluate MODEL_DIR --data DATA [--split test]",
		Short: "Compute a model's loss and metrics on a dataset (model.evaluate)",
		Args:  exactArgs(1, "one SavedModel directory"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Validate(); err != nil {
				return err
			}
			return runEvaluate(cmd.Context(), o, args[0], cmd.OutOrStdout())
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *evaluateOptions) AddFlags(fs *pflag.FlagSet) {
	o.session.AddFlags(fs)
	fs.StringVar(&o.data, "data", "", "data: mnist, fashion-mnist, autompg, an IDX directory or an .npz (required)")
	fs.StringVar(&o.split, "split", dataset.Test, "split of the data: train or test")
	fs.IntVar(&o.batchSize, "batch-size", 32, "samples per batch")
	fs.BoolVar(&o.json, "json", false, "print JSON")
	o.sel.AddFlags(fs, "evaluate the first N samples of the split, after --classes (default 0: all)")
}

func (o *evaluateOptions) Validate() error {
	if err := o.session.Validate(); err != nil {
		return err
	}
	switch {
	case o.data == "":
		return usageErrorf("--data is required")
	case o.split != dataset.Train && o.split != dataset.Test:
		return usageErrorf("--split %q: want train or test", o.split)
	case o.batchSize < 1:
		return usageErrorf("--batch-size %d: want at least 1", o.batchSize)
	}
	return o.sel.Validate()
}

func runEvaluate(ctx context.Context, o *evaluateOptions, dir string, stdout io.Writer) error {
	m, err := o.session.loadModel(dir)
	if err != nil {
		return err
	}
	defer m.Close()
	if missing := m.Contract(); len(missing) > 0 {
		return withCode(exitBadModel, fmt.Errorf("saved model %s cannot be evaluated: missing %v; export it with scripts/export.py", dir, missing))
	}
	ds, err := o.sel.open(o.data, o.split, o.sel.take)
	if err != nil {
		return err
	}
	logs, err := m.Evaluate(ctx, ds, o.batchSize)
	if err != nil {
		return trainError(err, 0)
	}
	if o.json {
		res := map[string]any{"model": dir, "data": o.data, "split": o.split, "samples": ds.Len(), "metrics": logs}
		if o.sel.classes != "" {
			res["classes"] = o.sel.classes
		}
		return json.NewEncoder(stdout).Encode(res)
	}
	names := make([]string, 0, len(logs))
	for k := range logs {
		names = append(names, k)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s: %.4f", k, logs[k])
	}
	what := o.data
	if o.sel.classes != "" {
		what += " classes " + o.sel.classes
	}
	fmt.Fprintf(stdout, "%s on %s %s (%d samples): %s\n", dir, what, o.split, ds.Len(), strings.Join(parts, " - "))
	return nil
}
