// Command tfrun trains, evaluates, inspects and serves TensorFlow
// SavedModels from Go, without Python at run time. See the README for a
// tour; `tfrun help COMMAND` documents each command and its flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes, documented in `tfrun help exit-codes` and the README.
const (
	exitOK          = 0
	exitFailure     = 1   // anything not listed below
	exitUsage       = 2   // bad command line: unknown flag, missing argument, invalid value
	exitBadModel    = 3   // the model: missing or corrupt SavedModel, missing signature or contract
	exitBadData     = 4   // the data: unreadable file, wrong dtype/shape, labels out of range, NaN inputs
	exitDiverged    = 5   // training stopped on a non-finite loss
	exitInterrupted = 130 // SIGINT/SIGTERM: stopped cleanly after the current step
)

// codedError carries an exit code chosen where the error's cause is known.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	var ce *codedError
	if errors.As(err, &ce) {
		return err
	}
	return &codedError{code: code, err: err}
}

func usageErrorf(format string, args ...any) error {
	return &codedError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// exitCode maps an error to the process exit code, in one place.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, context.Canceled) {
		return exitInterrupted
	}
	var ce *codedError
	if errors.As(err, &ce) {
		return ce.code
	}
	return exitFailure
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCommand(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "tfrun: %v\n", err)
	}
	return exitCode(err)
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "tfrun",
		Short: "Train, evaluate, inspect and serve TensorFlow SavedModels from Go",
		Long: `tfrun trains, fine-tunes, evaluates, serves and inspects TensorFlow SavedModels
through the TensorFlow C API, with no Python at run time. Models with training
signatures (train_step, evaluate, predict) come from scripts/export.py.

Exit codes: 0 ok, 1 failure, 2 usage, 3 bad model, 4 bad data,
5 training diverged (non-finite loss), 130 interrupted.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErrorf("%v", err) })
	root.AddCommand(
		newVersionCommand(),
		newInspectCommand(),
		newTrainCommand(),
		newEvaluateCommand(),
		newPredictCommand(),
		newConvertCommand(),
		newH5Command(),
		newPlotCommand(),
		newDataCommand(),
	)
	return root
}

// exactArgs is cobra.ExactArgs with a usage exit code.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("want %s, got %d argument(s)", what, len(args))
		}
		return nil
	}
}
