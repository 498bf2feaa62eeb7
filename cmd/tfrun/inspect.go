package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/tfgo"
)

type inspectOptions struct {
	json bool
}

func newInspectCommand() *cobra.Command {
	o := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect MODEL_DIR",
		Short: "Show a SavedModel's tag sets, signatures, variables and training contract",
		Long: `inspect shows what saved_model_cli show --all shows, without Python: every
MetaGraph's tags, each signature's input and output keys with dtypes, shapes
and graph tensors, the variables with dtypes, shapes and roles, and whether the
model carries tfrun's training contract (and what is missing if not).`,
		Args: exactArgs(1, "one SavedModel directory"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInspect(o, args[0], cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON")
	return cmd
}

func runInspect(o *inspectOptions, dir string, stdout io.Writer) error {
	r, err := savedmodel.Inspect(dir)
	if err != nil {
		return withCode(exitBadModel, err)
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	writeInspect(stdout, r)
	return nil
}

func shapeString(dims []int64) string {
	if dims == nil {
		return "<unknown>"
	}
	return tfgo.FormatDims(dims)
}

func writeInspect(w io.Writer, r *savedmodel.Report) {
	fmt.Fprintf(w, "SavedModel %s\n", r.Dir)
	for _, mg := range r.MetaGraphs {
		fmt.Fprintf(w, "\nMetaGraph with tags [%s]", strings.Join(mg.Tags, ", "))
		if mg.TensorFlowVersion != "" {
			fmt.Fprintf(w, " (written by TensorFlow %s)", mg.TensorFlowVersion)
		}
		fmt.Fprintln(w)
		for _, s := range mg.Signatures {
			fmt.Fprintf(w, "\nsignature %q (%s)\n", s.Key, s.Method)
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			for _, part := range []struct {
				name string
				ts   []savedmodel.TensorReport
			}{{"inputs", s.Inputs}, {"outputs", s.Outputs}} {
				fmt.Fprintf(tw, "  %s:\n", part.name)
				if len(part.ts) == 0 {
					fmt.Fprintf(tw, "    (none)\n")
				}
				for _, t := range part.ts {
					fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", t.Key, t.DType, shapeString(t.Shape), t.Tensor)
				}
			}
			tw.Flush()
		}
		fmt.Fprintf(w, "\nvariables (%d):\n", len(mg.Variables))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, v := range mg.Variables {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", v.Name, v.DType, shapeString(v.Shape), v.Role)
		}
		tw.Flush()
		if mg.Trainable {
			d := r.Description
			metrics := make([]string, len(d.Metrics))
			for i, m := range d.Metrics {
				metrics[i] = m.Name
			}
			fmt.Fprintf(w, "\ntraining contract: present (model %q, loss %s, metrics [%s], optimizer %s, learning rate %s)\n",
				d.Name, d.Loss.Name, strings.Join(metrics, ", "), d.Optimizer.Class, orNone(d.LearningRateVar))
		} else {
			fmt.Fprintf(w, "\ntraining contract: absent (missing %s); inspect, predict and serve work, train and evaluate need a model from scripts/export.py\n",
				strings.Join(mg.Missing, ", "))
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
