package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/tfrun/tfrun"
	"github.com/tfrun/tfrun/tfgo"
)

type versionOptions struct {
	json bool
}

func newVersionCommand() *cobra.Command {
	o := &versionOptions{}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print tfrun's version, the TensorFlow library's version and the devices it sees",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVersion(o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON")
	return cmd
}

func runVersion(o *versionOptions, stdout, stderr io.Writer) error {
	lib := tfgo.Version()
	devs, err := tfgo.Devices(nil)
	if err != nil {
		return err
	}
	if lib != tfrun.PinnedTensorFlow {
		fmt.Fprintf(stderr, "warning: linked against TensorFlow %s, but tfrun pins %s (TF_VERSION); results and exported models may differ\n",
			lib, tfrun.PinnedTensorFlow)
	}
	if o.json {
		type dev struct {
			Name        string `json:"name"`
			Type        string `json:"type"`
			MemoryBytes int64  `json:"memory_bytes"`
		}
		out := struct {
			Tfrun      string `json:"tfrun"`
			TensorFlow string `json:"tensorflow"`
			Pinned     string `json:"pinned_tensorflow"`
			Devices    []dev  `json:"devices"`
		}{Tfrun: tfrun.Version, TensorFlow: lib, Pinned: tfrun.PinnedTensorFlow}
		for _, d := range devs {
			out.Devices = append(out.Devices, dev{d.Name, d.Type, d.MemoryBytes})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(stdout, "tfrun %s\nTensorFlow %s (pinned %s)\n", tfrun.Version, lib, tfrun.PinnedTensorFlow)
	for _, d := range devs {
		fmt.Fprintf(stdout, "device %s (%s, %d MiB)\n", d.Name, d.Type, d.MemoryBytes>>20)
	}
	return nil
}
