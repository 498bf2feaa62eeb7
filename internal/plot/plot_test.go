package plot

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func run(name string, n int, withVal bool) Run {
	r := Run{Name: name, Values: map[string][]float64{}}
	for e := range n {
		r.Epoch = append(r.Epoch, e)
		r.Values["loss"] = append(r.Values["loss"], 1/float64(e+1))
		r.Values["accuracy"] = append(r.Values["accuracy"], 1-0.5/float64(e+1))
		if withVal {
			r.Values["val_loss"] = append(r.Values["val_loss"], 1.2/float64(e+1)+0.02*float64(e))
			r.Values["val_accuracy"] = append(r.Values["val_accuracy"], 0.9-0.5/float64(e+1))
		}
	}
	return r
}

func TestCurvesSize(t *testing.T) {
	lr := run("", 5, true)
	lr.Values["learning_rate"] = []float64{1e-3, 1e-3, 1e-4, 1e-4, 1e-5}
	nan := run("nan", 4, false)
	nan.Values["loss"][2] = math.NaN()
	tests := []struct {
		name   string
		runs   []Run
		opts   Options
		w, h   int
		panels []string
	}{
		{"one run, two panels", []Run{run("", 5, true)}, Options{}, 960, 360, []string{"loss", "accuracy"}},
		{"learning rate panel", []Run{lr}, Options{}, 960, 720, []string{"loss", "accuracy", "learning_rate"}},
		{"overlay, fixed size", []Run{run("small", 5, true), run("large", 8, true)}, Options{Width: 800, Height: 300}, 800, 300, []string{"loss", "accuracy"}},
		{"NaN skipped", []Run{nan}, Options{Names: []string{"loss"}}, 480, 360, []string{"loss"}},
		{"single epoch", []Run{run("", 1, true)}, Options{}, 960, 360, []string{"loss", "accuracy"}},
		{"one learning rate", []Run{{Epoch: []int{0}, Values: map[string][]float64{"learning_rate": {1e-3}}}}, Options{}, 480, 360, []string{"learning_rate"}},
		{"constant learning rate", []Run{{Epoch: []int{0, 1}, Values: map[string][]float64{"learning_rate": {1e-3, 1e-3}}}}, Options{}, 480, 360, []string{"learning_rate"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Panels(tc.runs); tc.opts.Names == nil && !slices.Equal(got, tc.panels) {
				t.Errorf("Panels = %v, want %v", got, tc.panels)
			}
			b, err := Curves(tc.runs, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("Curves: not a PNG: %v", err)
			}
			if got := img.Bounds().Size(); got.X != tc.w || got.Y != tc.h {
				t.Errorf("Curves size = %dx%d, want %dx%d", got.X, got.Y, tc.w, tc.h)
			}
			if os.Getenv("PLOT_KEEP") != "" {
				os.WriteFile(filepath.Join(os.Getenv("PLOT_KEEP"), tc.name+".png"), b, 0o644)
			}
		})
	}
}

func TestCurvesErrors(t *testing.T) {
	bad := run("bad", 3, false)
	bad.Epoch = bad.Epoch[:1]
	tests := []struct {
		name string
		runs []Run
		opts Options
	}{
		{"no runs", nil, Options{}},
		{"empty run", []Run{{Name: "x", Values: map[string][]float64{}}}, Options{}},
		{"more values than epochs", []Run{bad}, Options{}},
		{"unknown panel", []Run{run("", 2, false)}, Options{Names: []string{"mae"}}},
		{"all NaN", []Run{{Epoch: []int{0}, Values: map[string][]float64{"loss": {math.NaN()}}}}, Options{}},
		{"huge", []Run{run("", 2, false)}, Options{Width: 1 << 20, Height: 10}},
	}
	for _, tc := range tests {
		if _, err := Curves(tc.runs, tc.opts); err == nil {
			t.Errorf("Curves(%s) = nil error, want one", tc.name)
		}
	}
}

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "curves.png")
	if err := WriteFile(path, []Run{run("", 3, true)}, Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.DecodeConfig(f); err != nil {
		t.Errorf("WriteFile wrote no PNG: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("WriteFile left %d files, want 1 (no temporaries)", len(entries))
	}
}
