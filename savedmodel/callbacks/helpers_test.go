package callbacks_test

import (
	"encoding/json"
	"image/png"
	"os"
	"testing"
)

func checkPNG(tb testing.TB, path string, w, h int) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		tb.Fatalf("%s: not a PNG: %v", path, err)
	}
	if s := img.Bounds().Size(); s.X != w || s.Y != h {
		tb.Errorf("%s is %dx%d, want %dx%d", path, s.X, s.Y, w, h)
	}
}

func parseScalars(tb testing.TB, raw []byte) map[string]map[string][][2]float64 {
	tb.Helper()
	var out map[string]map[string][][2]float64
	if err := json.Unmarshal(raw, &out); err != nil {
		tb.Fatalf("EventAccumulator output %q: %v", raw, err)
	}
	return out
}
