// Package plot draws training curves as PNG images: one panel per quantity
// (the loss, each metric, the learning rate), epochs on the x axis, training
// values as solid lines and validation values ("val_" names) as dashed lines
// of the same color, several runs overlaid in different colors. It uses
// gonum.org/v1/plot and is pure Go.
package plot

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/tfrun/tfrun/internal/atomicdir"
)

// Run is one training run's per-epoch values, as a savedmodel.History
// holds them: Epoch[i] is the 0-based epoch of the i-th value of each name.
type Run struct {
	Name   string // legend label; may be empty for a single run
	Epoch  []int
	Values map[string][]float64
}

// Options size the image. Zero values take the defaults.
type Options struct {
	Width, Height int    // pixels; default 480 per panel column, 360 per panel row
	Title         string // drawn above each panel's own title when set
	// Names limits and orders the panels (base names: "loss",
	// "accuracy"); default every name the runs have, the loss first.
	Names []string
}

// Panels returns the base names (without "val_") the runs hold, the loss
// first, then the others sorted, the learning rate last.
func Panels(runs []Run) []string {
	seen := map[string]bool{}
	for _, r := range runs {
		for k := range r.Values {
			seen[strings.TrimPrefix(k, "val_")] = true
		}
	}
	var names []string
	for k := range seen {
		names = append(names, k)
	}
	rank := func(s string) int {
		switch s {
		case "loss":
			return 0
		case "learning_rate":
			return 2
		}
		return 1
	}
	slices.SortFunc(names, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return names
}

// Layout returns the panel grid for n panels: up to 2 columns.
func Layout(n int) (rows, cols int) {
	cols = min(n, 2)
	if cols == 0 {
		return 0, 0
	}
	return (n + cols - 1) / cols, cols
}

// Size returns the image size Curves draws for runs and opts.
func Size(runs []Run, opts Options) (w, h int) {
	names := opts.Names
	if len(names) == 0 {
		names = Panels(runs)
	}
	rows, cols := Layout(len(names))
	w, h = opts.Width, opts.Height
	if w <= 0 {
		w = 480 * cols
	}
	if h <= 0 {
		h = 360 * rows
	}
	return w, h
}

// Curves draws the runs and returns the PNG bytes. It fails when the runs
// hold no values or a run's values outnumber its epochs.
func Curves(runs []Run, opts Options) (_ []byte, err error) {
	// gonum/plot panics on some degenerate axes; a picture is never worth
	// a crash of the training that asked for it.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plot: %v", r)
		}
	}()
	names := opts.Names
	if len(names) == 0 {
		names = Panels(runs)
	}
	if len(names) == 0 {
		return nil, errors.New("plot: no values to draw")
	}
	for _, r := range runs {
		for k, v := range r.Values {
			if len(v) > len(r.Epoch) {
				return nil, fmt.Errorf("plot: run %q: %s has %d values for %d epochs", r.Name, k, len(v), len(r.Epoch))
			}
		}
	}
	rows, cols := Layout(len(names))
	w, h := Size(runs, opts)
	if w > 16384 || h > 16384 {
		return nil, fmt.Errorf("plot: image %dx%d too large", w, h)
	}
	plots := make([][]*plot.Plot, rows)
	for i := range plots {
		plots[i] = make([]*plot.Plot, cols)
	}
	for i, name := range names {
		p, err := panel(runs, name, opts.Title)
		if err != nil {
			return nil, err
		}
		plots[i/cols][i%cols] = p
	}
	const dpi = 96
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(w)*vg.Inch/dpi, vg.Length(h)*vg.Inch/dpi), vgimg.UseDPI(dpi),
		vgimg.UseBackgroundColor(color.White))
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4}
	canvases := plot.Align(plots, tiles, dc)
	for j := range rows {
		for i := range cols {
			if plots[j][i] != nil {
				plots[j][i].Draw(canvases[j][i])
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, c.Image()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteFile draws the runs into a PNG file at path, atomically.
func WriteFile(path string, runs []Run, opts Options) error {
	b, err := Curves(runs, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicdir.WriteFile(path, b, 0o644)
}

func panel(runs []Run, name, title string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = name
	if title != "" {
		p.Title.Text = title + ": " + name
	}
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = name
	p.Legend.Top = name != "loss" && name != "learning_rate" && !strings.Contains(name, "error")
	p.Add(plotter.NewGrid())
	drawn := 0
	for i, r := range runs {
		col := plotutil.Color(i)
		for _, key := range []string{name, "val_" + name} {
			pts := points(r, key)
			if len(pts) == 0 {
				continue
			}
			l, err := plotter.NewLine(pts)
			if err != nil {
				return nil, fmt.Errorf("plot: run %q %s: %w", r.Name, key, err)
			}
			l.Color = col
			l.Width = vg.Points(1.5)
			label := "train"
			if strings.HasPrefix(key, "val_") {
				l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
				label = "validation"
			}
			if r.Name != "" {
				label = r.Name + " " + label
			}
			p.Add(l)
			if len(pts) == 1 {
				s, err := plotter.NewScatter(pts)
				if err == nil {
					s.Color = col
					p.Add(s)
				}
			}
			p.Legend.Add(label, l)
			drawn++
		}
	}
	if drawn == 0 {
		return nil, fmt.Errorf("plot: no run has values for %s", name)
	}
	if lo, hi, ok := positiveRange(runs, name); ok && name == "learning_rate" {
		if lo == hi {
			lo, hi = lo/2, hi*2
		}
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Min, p.Y.Max = lo, hi
	}
	return p, nil
}

// points returns the finite values of key by 1-based epoch.
func points(r Run, key string) plotter.XYs {
	v := r.Values[key]
	var pts plotter.XYs
	for i, y := range v {
		if math.IsNaN(y) || math.IsInf(y, 0) {
			continue
		}
		pts = append(pts, plotter.XY{X: float64(r.Epoch[i] + 1), Y: y})
	}
	return pts
}

// positiveRange returns the range of name's finite values and whether all
// are > 0 (a log scale can show them).
func positiveRange(runs []Run, name string) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, r := range runs {
		for _, p := range points(r, name) {
			if p.Y <= 0 {
				return 0, 0, false
			}
			lo, hi = math.Min(lo, p.Y), math.Max(hi, p.Y)
		}
	}
	return lo, hi, lo <= hi
}
