package main

import (
	"errors"
	"io"

	"github.com/spf13/cobra"
	"github.com/tfrun/tfrun/h5convert"
)

type h5lsOptions struct {
	stats bool
	json  bool
}

func newH5Command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "h5",
		Short: "Work with HDF5 weight files",
	}
	o := &h5lsOptions{}
	ls := &cobra.Command{
		Use:   "ls FILE.h5",
		Short: "List an HDF5 file: groups, datasets with shapes and dtypes, attributes",
		Long: `ls lists an HDF5 file's tree as h5ls -r does: every group and dataset with its
shape, dtype and attributes (strings and numbers, including Keras' layer_names and
weight_names), and the layout tfrun detects for weights (custom-layered, keras-legacy,
keras3). --stats adds min, max and the NaN count of every numeric dataset.`,
		Args: exactArgs(1, "one HDF5 file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runH5ls(o, args[0], cmd.OutOrStdout())
		},
	}
	ls.Flags().BoolVar(&o.stats, "stats", false, "add min, max and NaN count per numeric dataset")
	ls.Flags().BoolVar(&o.json, "json", false, "print JSON")
	cmd.AddCommand(ls)
	return cmd
}

func runH5ls(o *h5lsOptions, path string, stdout io.Writer) error {
	l, err := h5convert.List(path, h5convert.ListOptions{Stats: o.stats})
	if err != nil {
		return withCode(exitBadData, err)
	}
	if o.json {
		return l.WriteJSON(stdout)
	}
	return l.WriteText(stdout)
}

// h5Code maps h5convert errors to exit codes: problems with the weights
// file or its mapping are bad data.
func h5Code(err error) error {
	var ve *h5convert.ValidationError
	var me *h5convert.MappingError
	switch {
	case errors.As(err, &ve), errors.As(err, &me),
		errors.Is(err, h5convert.ErrNotHDF5), errors.Is(err, h5convert.ErrLayout):
		return withCode(exitBadData, err)
	}
	return err
}
