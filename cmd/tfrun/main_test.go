//go:build cgo

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tfrun/tfrun/internal/fixture"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"tfrun": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: each command
// with its outputs and error paths (exit codes, messages). $REPO is the
// repository root; $MNIST the MNIST cache. Run with -update to rewrite
// the golden outputs the scripts compare against.
func TestScripts(t *testing.T) {
	root := fixture.Root(t)
	mnist := fixture.MNIST(t)
	python := fixture.Python(t)
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPO", root)
			env.Setenv("MNIST", mnist)
			env.Setenv("PYTHON", python)
			env.Setenv("TF_CPP_MIN_LOG_LEVEL", "2")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": exitsCmd,
		},
	})
}

// exitsCmd is the script command "exits CODE PROGRAM ARGS...": it runs the
// program and checks its exit status, keeping stdout and stderr for the
// stdout/stderr commands that follow.
func exitsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}
