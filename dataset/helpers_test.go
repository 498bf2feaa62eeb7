package dataset

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// mustArray builds an Array or fails the test.
func mustArray(tb testing.TB, data any, shape ...int) *Array {
	tb.Helper()
	a, err := NewArray(data, shape...)
	if err != nil {
		tb.Fatalf("NewArray(%T, %v) = %v", data, shape, err)
	}
	return a
}

// readFixture returns the bytes of a file under testdata.
func readFixture(tb testing.TB, parts ...string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"testdata"}, parts...)...))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// fixtures returns the paths of testdata/dir/*suffix.
func fixtures(tb testing.TB, dir, suffix string) []string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*"+suffix))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no fixtures testdata/%s/*%s (%v); run testdata/make_fixtures.py", dir, suffix, err)
	}
	return paths
}

// wantErr checks that err wraps target and mentions every fragment.
func wantErr(tb testing.TB, call string, err, target error, fragments ...string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("%s = nil error, want %v", call, target)
	}
	if target != nil && !errors.Is(err, target) {
		tb.Errorf("%s = %v, want an error wrapping %v", call, err, target)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			tb.Errorf("%s = %q, want it to mention %q", call, err, f)
		}
	}
}

// equalArray compares dtype, shape and data, NaN equal to NaN.
func equalArray(got, want *Array) bool {
	if got == nil || want == nil {
		return got == want
	}
	if got.DType() != want.DType() || !reflect.DeepEqual(got.Shape, want.Shape) {
		return false
	}
	return reflect.DeepEqual(got.Data, want.Data)
}

// images returns the MNIST-layout fixture images as make_fixtures.py writes
// them: pixel[i, r, c] = (37*i + 28*r + c) % 256.
func fixtureImages(n int) []uint8 {
	out := make([]uint8, 0, n*784)
	for i := range n {
		for p := range 784 {
			out = append(out, uint8((37*i+p)%256))
		}
	}
	return out
}

// realDataDir returns <TFRUN_DATA>/name for the tests on the real datasets.
// Without TFRUN_DATA they skip (make test sets it after fetching the data);
// with it, missing data is a failure.
func realDataDir(tb testing.TB, name string) string {
	tb.Helper()
	root := os.Getenv(DataDirEnv)
	if root == "" {
		tb.Skipf("%s is not set: make test fetches the real datasets and runs this test", DataDirEnv)
	}
	dir := filepath.Join(root, name)
	if _, err := os.Stat(filepath.Join(dir, ".tfrun-stamp")); err != nil {
		tb.Fatalf("%s=%s but %s is missing or incomplete (%v): run scripts/fetch-data.sh", DataDirEnv, root, name, err)
	}
	return dir
}
