//go:build cgo

package h5convert

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tfrun/tfrun/h5convert/internal/hdf5"
)

// readAll reads every object of a file and the content of every dataset
// it can read, for comparing two files.
func readAll(tb testing.TB, path string) ([]*hdf5.Object, map[string]*hdf5.Array) {
	tb.Helper()
	f, err := hdf5.Open(path)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	objs, err := f.Objects()
	if err != nil {
		tb.Fatal(err)
	}
	data := map[string]*hdf5.Array{}
	for _, o := range objs {
		if o.Kind == hdf5.KindDataset {
			a, err := f.ReadDataset(o.Path)
			if err != nil {
				tb.Fatalf("read %s:%s: %v", path, o.Path, err)
			}
			data[o.Path] = a
		}
	}
	return objs, data
}

// tempFiles lists what a failed write may have left in dir.
func tempFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestWriteLayoutRoundTrip reads each fixture into variables, writes them
// back into the fixture's layout with the Go writer and reads the result:
// every object, attribute and dataset must be identical, and planning the
// new file must give identical values.
func TestWriteLayoutRoundTrip(t *testing.T) {
	for _, c := range planCases {
		if c.name == "nan_allowed" {
			continue // TestWriteLayoutNonFinite covers it: NaN needs AllowNonfinite on the way back too
		}
		t.Run(c.name, func(t *testing.T) {
			src := filepath.Join("testdata", c.file)
			vars := loadVars(t, c.vars)
			opts := c.options(t)
			p, err := NewPlan(src, vars, opts)
			if err != nil {
				t.Fatal(err)
			}
			vals := valuesOf(p) // "assigned" to an in-memory model
			dst := filepath.Join(t.TempDir(), "back.h5")
			wp, err := WriteLayout(dst, src, vars, vals, opts)
			if err != nil {
				t.Fatalf("WriteLayout = %v", err)
			}
			if len(wp.Assignments) != len(p.Assignments) {
				t.Errorf("WriteLayout wrote %d datasets, want %d", len(wp.Assignments), len(p.Assignments))
			}
			srcObjs, srcData := readAll(t, src)
			dstObjs, dstData := readAll(t, dst)
			if !reflect.DeepEqual(srcObjs, dstObjs) {
				t.Errorf("the tree of %s differs from its source", dst)
			}
			if !reflect.DeepEqual(srcData, dstData) {
				for path, a := range srcData {
					if !reflect.DeepEqual(a, dstData[path]) {
						t.Errorf("dataset %s differs after the round trip", path)
					}
				}
			}
			again, err := NewPlan(dst, vars, opts)
			if err != nil {
				t.Fatalf("NewPlan(written file) = %v", err)
			}
			for name, v := range valuesOf(again) {
				if !v.Equal(vals[name]) {
					t.Errorf("%s read back differs", name)
				}
			}
		})
	}
}

// TestWriteLayoutChangedValues writes fine-tuned values back in the seed's
// layout: transposed, (n x 1) biases, float64, as the other tool wants.
func TestWriteLayoutChangedValues(t *testing.T) {
	src := "testdata/inversion.h5"
	vars := loadVars(t, "inversion")
	opts := Options{Orientation: OutIn}
	vals := valuesOf(mustPlan(t, src, "inversion", opts))
	for _, v := range vals {
		d := v.Data.([]float32)
		for i := range d {
			d[i] = d[i]*2 + 0.25
		}
	}
	dir := t.TempDir()
	dst := filepath.Join(dir, "tuned.h5")
	if err := os.WriteFile(dst, []byte("an older file that gets replaced"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := WriteLayout(dst, src, vars, vals, opts)
	if err != nil {
		t.Fatalf("WriteLayout = %v", err)
	}
	if len(p.Warnings) == 0 {
		t.Errorf("plan warnings = none, want the casts reported")
	}
	_, data := readAll(t, dst)
	w := data["/Weights/Layer1"]
	k := vals["sequential/dense/kernel"]
	if w.Type.String() != "float64" || !reflect.DeepEqual(w.Shape, []int64{100, 7}) {
		t.Fatalf("/Weights/Layer1 = %s %v, want float64 [100 7]", w.Type, w.Shape)
	}
	for o := 0; o < 100; o++ {
		for i := 0; i < 7; i++ {
			if got, want := w.Data.([]float64)[o*7+i], k.At(i*100+o); got != want {
				t.Fatalf("W[%d][%d] = %g, want kernel[%d][%d] = %g", o, i, got, i, o, want)
			}
		}
	}
	if b := data["/Bias/Layer3"]; !reflect.DeepEqual(b.Shape, []int64{3, 1}) || b.Data.([]float64)[2] != vals["sequential/dense_2/bias"].At(2) {
		t.Errorf("/Bias/Layer3 = %v %v, want (3, 1) holding the new bias", b.Shape, b.Data)
	}
	again := valuesOf(mustPlan(t, dst, "inversion", opts))
	for name, v := range vals {
		if !v.Equal(again[name]) {
			t.Errorf("%s read back differs from what was written", name)
		}
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// Writing over the layout file itself is allowed.
	self := filepath.Join(dir, "self.h5")
	copyTo(t, src, self)
	if _, err := WriteLayout(self, self, vars, vals, opts); err != nil {
		t.Fatalf("WriteLayout(self) = %v", err)
	}
	if again := valuesOf(mustPlan(t, self, "inversion", opts)); !again["sequential/dense_1/kernel"].Equal(vals["sequential/dense_1/kernel"]) {
		t.Errorf("WriteLayout(self) did not write the values")
	}
}

func copyTo(tb testing.TB, src, dst string) {
	tb.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestWriteLayoutFailures: no failure leaves a partial file or harms an
// existing one.
func TestWriteLayoutFailures(t *testing.T) {
	vars := loadVars(t, "inversion")
	opts := Options{Orientation: OutIn}
	good := func() map[string]*Values { return valuesOf(mustPlan(t, "testdata/inversion.h5", "inversion", opts)) }
	const old = "the good file that was there before"
	tests := []struct {
		name   string
		layout string
		vals   func() map[string]*Values
		opts   Options
		hook   func(string) error
		kind   error
		text   string
	}{
		{"missing values", "testdata/inversion.h5", func() map[string]*Values {
			v := good()
			delete(v, "sequential/dense_2/bias")
			return v
		}, opts, nil, ErrMissingValues, "no values for variable sequential/dense_2/bias [3], which dataset /Bias/Layer3 needs"},
		{"wrong shape", "testdata/inversion.h5", func() map[string]*Values {
			v := good()
			v["sequential/dense/kernel"] = &Values{DType: "float32", Shape: []int64{100, 7}, Data: make([]float32, 700)}
			return v
		}, opts, nil, ErrShapeMismatch, "values for variable sequential/dense/kernel have shape [100 7], but the variable is [7 100] (dataset /Weights/Layer1 [100 7])"},
		{"NaN values", "testdata/inversion.h5", func() map[string]*Values {
			v := good()
			v["sequential/dense_1/kernel"].Data.([]float32)[3] = float32(math.NaN())
			return v
		}, opts, nil, ErrNonFinite, "refusing to write them to /Weights/Layer2"},
		{"square ambiguity", "testdata/inversion.h5", good, Options{}, nil, ErrAmbiguousOrientation, "is square"},
		{"truncated layout file", "testdata/truncated.h5", good, opts, nil, nil, "truncated file"},
		{"not an HDF5 layout file", "testdata/not_hdf5.h5", good, opts, nil, ErrNotHDF5, "is not an HDF5 file"},
		{"failure before the rename", "testdata/inversion.h5", good, opts, func(string) error { return errors.New("disk full (simulated)") }, nil, "disk full (simulated)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			dst := filepath.Join(dir, "out.h5")
			if err := os.WriteFile(dst, []byte(old), 0o644); err != nil {
				t.Fatal(err)
			}
			testHookBeforeRename = tt.hook
			defer func() { testHookBeforeRename = nil }()
			_, err := WriteLayout(dst, tt.layout, vars, tt.vals(), tt.opts)
			kinds := []error{}
			if tt.kind != nil {
				kinds = append(kinds, tt.kind)
			}
			checkErr(t, err, kinds, []string{tt.text})
			if got, _ := os.ReadFile(dst); !bytes.Equal(got, []byte(old)) {
				t.Errorf("the existing %s was changed", dst)
			}
			if left := tempFiles(t, dir); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
	t.Run("no destination directory", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "missing", "out.h5")
		if _, err := WriteLayout(dst, "testdata/inversion.h5", vars, good(), opts); err == nil {
			t.Errorf("WriteLayout into a missing directory = nil error")
		}
		if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Stat(%s) = %v, want it absent", dst, err)
		}
	})
	t.Run("destination is a directory", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := WriteLayout(dir, "testdata/inversion.h5", vars, good(), opts); err == nil || !strings.Contains(err.Error(), "is a directory") {
			t.Errorf("WriteLayout onto a directory = %v, want an error", err)
		}
	})
	t.Run("values the layout does not need", func(t *testing.T) {
		v := good()
		v["sequential/extra/kernel"] = &Values{DType: "float32", Shape: []int64{1}, Data: []float32{1}}
		p, err := WriteLayout(filepath.Join(t.TempDir(), "out.h5"), "testdata/inversion.h5", vars, v, opts)
		if err != nil || !strings.Contains(strings.Join(p.Warnings, "\n"), "values for sequential/extra/kernel not written") {
			t.Errorf("WriteLayout = %v, warnings %q; want a warning about the extra values", err, p.Warnings)
		}
	})
}

// TestWriteLayoutNonFinite writes NaN back when allowed, bit for bit.
func TestWriteLayoutNonFinite(t *testing.T) {
	opts := Options{AllowNonfinite: true}
	vars := loadVars(t, "nan")
	vals := valuesOf(mustPlan(t, "testdata/nan.h5", "nan", opts))
	dst := filepath.Join(t.TempDir(), "nan_back.h5")
	if _, err := WriteLayout(dst, "testdata/nan.h5", vars, vals, opts); err != nil {
		t.Fatalf("WriteLayout = %v", err)
	}
	for name, v := range valuesOf(mustPlan(t, dst, "nan", opts)) {
		if !v.Equal(vals[name]) {
			t.Errorf("%s read back differs", name)
		}
	}
	if _, err := WriteLayout(dst, "testdata/nan.h5", vars, vals, Options{}); !errors.Is(err, ErrNonFinite) {
		t.Errorf("WriteLayout(NaN values, not allowed) = %v, want ErrNonFinite", err)
	}
}
