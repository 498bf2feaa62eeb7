package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tfrun/tfrun/internal/plot"
	"github.com/tfrun/tfrun/savedmodel"
)

type plotOptions struct {
	out           string
	names         []string
	labels        []string
	width, height int
	title         string
}

func newPlotCommand() *cobra.Command {
	o := &plotOptions{}
	cmd := &cobra.Command{
		Use:   "plot HISTORY.json [HISTORY.json...] --out curves.png",
		Short: "Draw training curves of one or more runs (history JSON from train) as a PNG",
		Long: `plot draws the per-epoch curves of the histories tfrun train writes
(OUT.history.json): one panel per quantity (loss, each metric, learning rate),
training values solid and validation values dashed, each run in its own color,
so several runs (model sizes, regularisation) can be compared for over- and
underfitting. Runs are labelled by file name (without .history.json) unless
--label is given.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("want at least one history JSON file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Validate(len(args)); err != nil {
				return err
			}
			return runPlot(o, args, cmd.OutOrStdout())
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *plotOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.out, "out", "", "PNG file to write (required)")
	fs.StringSliceVar(&o.names, "metrics", nil, "panels to draw, e.g. loss,accuracy (default: every quantity, the loss first)")
	fs.StringSliceVar(&o.labels, "label", nil, "run labels, one per file, in order (default: the file names)")
	fs.IntVar(&o.width, "width", 0, "image width in pixels (default 480 per panel column)")
	fs.IntVar(&o.height, "height", 0, "image height in pixels (default 360 per panel row)")
	fs.StringVar(&o.title, "title", "", "title before each panel's name (default: none)")
}

func (o *plotOptions) Validate(files int) error {
	switch {
	case o.out == "":
		return usageErrorf("--out is required")
	case len(o.labels) > 0 && len(o.labels) != files:
		return usageErrorf("--label: %d labels for %d files", len(o.labels), files)
	case o.width < 0 || o.height < 0 || o.width > 16384 || o.height > 16384:
		return usageErrorf("--width and --height must lie in [0, 16384]")
	}
	return nil
}

func runPlot(o *plotOptions, files []string, stdout io.Writer) error {
	runs := make([]plot.Run, len(files))
	for i, f := range files {
		h, err := savedmodel.ReadHistory(f)
		if err != nil {
			return withCode(exitBadData, err)
		}
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(f), ".json"), ".history")
		if len(o.labels) > 0 {
			name = o.labels[i]
		} else if len(files) == 1 {
			name = ""
		}
		runs[i] = plot.Run{Name: name, Epoch: h.Epoch, Values: h.Values}
	}
	opts := plot.Options{Width: o.width, Height: o.height, Title: o.title, Names: o.names}
	if err := plot.WriteFile(o.out, runs, opts); err != nil {
		return withCode(exitBadData, err)
	}
	w, h := plot.Size(runs, opts)
	fmt.Fprintf(stdout, "wrote %s (%dx%d, %d run(s))\n", o.out, w, h, len(runs))
	return nil
}
