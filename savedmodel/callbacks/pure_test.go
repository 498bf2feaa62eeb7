package callbacks

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tfrun/tfrun/savedmodel"
)

type kerasExtras struct {
	CSV map[string]struct {
		Epochs []map[string]float64 `json:"epochs"`
		CSV    string               `json:"csv"`
	} `json:"csv"`
	Schedules map[string][]float64 `json:"schedules"`
}

func readExtras(tb testing.TB) kerasExtras {
	tb.Helper()
	b, err := os.ReadFile("testdata/keras_callbacks.json")
	if err != nil {
		tb.Fatal(err)
	}
	var x kerasExtras
	if err := json.Unmarshal(b, &x); err != nil {
		tb.Fatal(err)
	}
	return x
}

// TestCSVMatchesKeras: CSV writes byte for byte what Keras' CSVLogger
// wrote for the same epochs.
func TestCSVMatchesKeras(t *testing.T) {
	for name, c := range readExtras(t).CSV {
		h := &savedmodel.History{}
		for i, l := range c.Epochs {
			h.Append(i, l)
		}
		if got := string(CSV(h, ",", true)); got != c.CSV {
			t.Errorf("CSV(%s) = %q, want %q", name, got, c.CSV)
		}
	}
}

// TestSchedulesMatchKeras: the schedules give Keras' values (computed in
// float32 there) epoch by epoch.
func TestSchedulesMatchKeras(t *testing.T) {
	for spec, want := range readExtras(t).Schedules {
		s, err := ParseSchedule(spec)
		if err != nil {
			t.Fatal(err)
		}
		for epoch, w := range want {
			got := s.LearningRate(epoch, 1)
			if math.Abs(got-w) > 1e-7 { // Keras computes in float32
				t.Errorf("ParseSchedule(%q).LearningRate(%d) = %v, want %v", spec, epoch, got, w)
			}
		}
	}
}

func TestSchedules(t *testing.T) {
	tests := []struct {
		spec    string
		current float64
		want    []float64 // epochs 0, 1, ...
	}{
		{"step:initial=0.1,factor=0.5,every=2", 9, []float64{0.1, 0.1, 0.05, 0.05, 0.025}},
		{"table:2=0.01,0=0.1,5=0.001", 9, []float64{0.1, 0.1, 0.01, 0.01, 0.01, 0.001}},
		{"table:3=0.5", 0.25, []float64{0.25, 0.25, 0.25, 0.5}},
		{"exponential:initial=1,rate=0.5", 0, []float64{1, 0.5, 0.25}},
	}
	for _, tc := range tests {
		s, err := ParseSchedule(tc.spec)
		if err != nil {
			t.Fatalf("ParseSchedule(%q): %v", tc.spec, err)
		}
		for e, w := range tc.want {
			if got := s.LearningRate(e, tc.current); math.Abs(got-w) > 1e-12 {
				t.Errorf("ParseSchedule(%q).LearningRate(%d, %v) = %v, want %v", tc.spec, e, tc.current, got, w)
			}
		}
	}
}

func TestParseScheduleErrors(t *testing.T) {
	for _, spec := range []string{
		"", "step", "step:initial=0.1", "step:initial=0.1,factor=0.5,every=0", "step:initial=x,factor=1,every=1",
		"linear:initial=1", "cosine:initial=1,epochs=2.5", "table:a=1", "table:-1=0.1", "table:0=-1",
		"step:initial=0.1,factor=0.5,every=2,extra=1", "exponential:initial=1,rate=0.5,staircase=maybe",
		"step:initial=0.1,initial=0.2,factor=1,every=1", "cosine:initial=NaN,epochs=3",
	} {
		if _, err := ParseSchedule(spec); err == nil {
			t.Errorf("ParseSchedule(%q) = nil error, want one", spec)
		}
	}
}

func TestFormatPath(t *testing.T) {
	logs := savedmodel.Logs{"loss": 0.25, "val_loss": 0.123456, "val_accuracy": 0.9}
	tests := []struct {
		tmpl  string
		epoch int
		want  string
	}{
		{"ckpt/model-{epoch}", 0, "ckpt/model-1"},
		{"ckpt/{epoch:02d}-{val_loss:.2f}", 4, "ckpt/05-0.12"},
		{"{epoch:03}_{val_accuracy:.1%}_{loss}", 9, "010_90.0%_0.25"},
		{"m-{val_loss:.3e}", 0, "m-1.235e-01"},
		{"{{literal}}-{epoch:>4d}", 0, ""}, // unsupported alignment: error below
	}
	for _, tc := range tests[:4] {
		got, err := FormatPath(tc.tmpl, tc.epoch, logs)
		if err != nil || got != tc.want {
			t.Errorf("FormatPath(%q, %d) = %q, %v, want %q", tc.tmpl, tc.epoch, got, err, tc.want)
		}
	}
	got, err := FormatPath("{{x}}-{epoch}", 1, logs)
	if err != nil || got != "{x}-2" {
		t.Errorf("FormatPath({{x}}-{epoch}) = %q, %v, want {x}-2", got, err)
	}
	for _, bad := range []string{"{val_mae}", "{epoch", "x}", "{epoch:>4d}", "{loss:d}", "{loss:.xf}"} {
		if _, err := FormatPath(bad, 0, logs); err == nil {
			t.Errorf("FormatPath(%q) = nil error, want one", bad)
		}
	}
}

func TestPyRepr(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0.5, "0.5"}, {1, "1.0"}, {1e-05, "1e-05"}, {0.0001, "0.0001"}, {1.5e-07, "1.5e-07"},
		{123456789012345, "123456789012345.0"}, {1e16, "1e+16"}, {-2.5e20, "-2.5e+20"},
		{0.30000001192092896, "0.30000001192092896"}, {math.NaN(), "nan"}, {math.Inf(-1), "-inf"}, {0, "0.0"},
	}
	for _, tc := range tests {
		if got := PyRepr(tc.in); got != tc.want {
			t.Errorf("PyRepr(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMonitorModes(t *testing.T) {
	tests := []struct {
		name, mode string
		less       bool
		ok         bool
	}{
		{"val_loss", ModeAuto, true, true},
		{"accuracy", ModeAuto, false, true},
		{"val_mae", "", true, true},
		{"val_custom", ModeAuto, false, false},
		{"val_custom", ModeMax, false, true},
		{"loss", "sideways", false, false},
	}
	for _, tc := range tests {
		m, err := newMonitor("test", tc.name, tc.mode, 0.1)
		if (err == nil) != tc.ok || (err == nil && m.less != tc.less) {
			t.Errorf("newMonitor(%q, %q) = less %v, err %v; want less %v, ok %v", tc.name, tc.mode, m.less, err, tc.less, tc.ok)
		}
		if err == nil && (m.minDelta < 0) != tc.less {
			t.Errorf("newMonitor(%q, %q): min_delta %v, want negative in min mode only", tc.name, tc.mode, m.minDelta)
		}
	}
}

func writeState(tb testing.TB, dir string, epochs int, st *State) {
	tb.Helper()
	ck := filepath.Join(dir, CheckpointName(epochs))
	if err := os.MkdirAll(ck, 0o755); err != nil {
		tb.Fatal(err)
	}
	if st != nil {
		b, _ := json.Marshal(st)
		os.WriteFile(filepath.Join(ck, StateFile), b, 0o644)
	}
	os.WriteFile(filepath.Join(ck, VariablesPrefix+".index"), []byte("x"), 0o644)
}

func state(epochs int) *State {
	h := &savedmodel.History{}
	for e := range epochs {
		h.Append(e, savedmodel.Logs{"loss": 1 / float64(e+1)})
	}
	return &State{Format: CheckpointFormat, Epoch: epochs, History: h}
}

// TestLatest: the newest readable checkpoint wins; broken or foreign
// directories are skipped; none at all is ErrNoCheckpoint.
func TestLatest(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := Latest(filepath.Join(dir, "missing")); !errors.Is(err, ErrNoCheckpoint) {
		t.Errorf("Latest(missing dir) = %v, want ErrNoCheckpoint", err)
	}
	writeState(t, dir, 1, state(1))
	writeState(t, dir, 2, state(2))
	writeState(t, dir, 3, nil)                                                                   // no state.json: incomplete
	writeState(t, dir, 4, &State{Format: "other", Epoch: 4})                                     // foreign format
	writeState(t, dir, 5, &State{Format: CheckpointFormat, Epoch: 1, History: state(5).History}) // history beyond epoch
	os.MkdirAll(filepath.Join(dir, ".ckpt-000009.tmp-123"), 0o755)
	os.MkdirAll(filepath.Join(dir, "ckpt-7"), 0o755)
	path, st, err := Latest(dir)
	if err != nil || filepath.Base(path) != "ckpt-000002" || st.Epoch != 2 || st.History.Len() != 2 {
		t.Fatalf("Latest = %s, %+v, %v; want ckpt-000002 with 2 epochs", path, st, err)
	}
	if err := prune(dir, 2); err != nil {
		t.Fatal(err)
	}
	epochs, _ := ListCheckpoints(dir)
	if len(epochs) != 2 || epochs[0] != 4 || epochs[1] != 5 {
		t.Errorf("after prune(keep 2): %v, want [4 5]", epochs)
	}
	if _, _, err := Latest(dir); !errors.Is(err, ErrNoCheckpoint) || !strings.Contains(err.Error(), "format") {
		t.Errorf("Latest(only broken) = %v, want ErrNoCheckpoint naming the problems", err)
	}
}

func TestCheckFingerprint(t *testing.T) {
	a := map[string]string{"batch_size": "32", "seed": "1"}
	if err := CheckFingerprint("ck", a, map[string]string{"seed": "1", "batch_size": "32"}); err != nil {
		t.Errorf("CheckFingerprint(same) = %v", err)
	}
	err := CheckFingerprint("ck", a, map[string]string{"batch_size": "64", "seed": "1", "data": "x"})
	if err == nil || !strings.Contains(err.Error(), `batch_size was "32", now "64"`) || !strings.Contains(err.Error(), "data") {
		t.Errorf("CheckFingerprint(different) = %v, want batch_size and data named", err)
	}
}

// TestEarlyStopperMissingAndErrors covers what Keras warns about and the
// configurations refused.
func TestEarlyStopperMissingAndErrors(t *testing.T) {
	e, err := NewEarlyStopper(EarlyStoppingConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if d := e.Step(0, savedmodel.Logs{"loss": 1}); !d.Missing || e.Wait != 0 {
		t.Errorf("Step without val_loss = %+v, wait %d; want Missing and no count", d, e.Wait)
	}
	for _, c := range []EarlyStoppingConfig{{Patience: -1}, {Monitor: "val_thing"}, {Mode: "up"}} {
		if _, err := NewEarlyStopper(c); err == nil {
			t.Errorf("NewEarlyStopper(%+v) = nil error, want one", c)
		}
	}
	for _, c := range []ReduceLROnPlateauConfig{{Factor: 1}, {Factor: 2}, {Patience: -1}, {MinLR: -1}, {Monitor: "x"}} {
		if _, err := NewPlateau(c); err == nil {
			t.Errorf("NewPlateau(%+v) = nil error, want one", c)
		}
	}
}
