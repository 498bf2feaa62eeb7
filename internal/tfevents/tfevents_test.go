package tfevents

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tfrun/tfrun/internal/fixture"
)

func TestMaskedCRC(t *testing.T) {
	tests := []struct {
		in   string
		want uint32
	}{
		// CRC32C("123456789") = 0xe3069283 (the Castagnoli check value),
		// masked: rotate right 15, add 0xa282ead8 (computed by hand).
		{"123456789", 0xc78ab0e5},
		{"", 0xa282ead8},
	}
	for _, tc := range tests {
		if got := MaskedCRC([]byte(tc.in)); got != tc.want {
			t.Errorf("MaskedCRC(%q) = %#x, want %#x", tc.in, got, tc.want)
		}
	}
}

func TestEventRoundTrip(t *testing.T) {
	tests := []Event{
		{WallTime: 1.5, FileVersion: FileVersion},
		{WallTime: 2, Step: 3, Scalars: []Scalar{{"epoch_loss", 0.25}, {"epoch_accuracy", 0.875}}},
		{WallTime: 3, Step: 7, SessionStart: true, SessionMsg: "resumed"},
		{WallTime: 4, Step: -1},
	}
	for _, want := range tests {
		var got Event
		if err := got.Unmarshal(want.Marshal()); err != nil {
			t.Fatalf("Unmarshal(Marshal(%+v)): %v", want, err)
		}
		if !equal(got, want) {
			t.Errorf("Unmarshal(Marshal(%+v)) = %+v", want, got)
		}
	}
}

func equal(a, b Event) bool {
	if a.WallTime != b.WallTime || a.Step != b.Step || a.FileVersion != b.FileVersion ||
		a.SessionStart != b.SessionStart || a.SessionMsg != b.SessionMsg || len(a.Scalars) != len(b.Scalars) {
		return false
	}
	for i := range a.Scalars {
		if a.Scalars[i] != b.Scalars[i] {
			return false
		}
	}
	return true
}

func writeSome(tb testing.TB, dir string, n int) *Writer {
	tb.Helper()
	w, err := Create(dir)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		if err := w.WriteScalars(int64(i), time.Unix(1700000000+int64(i), 0), Scalar{"epoch_loss", float32(1) / float32(i+1)}); err != nil {
			tb.Fatal(err)
		}
	}
	return w
}

func TestWriterReadBack(t *testing.T) {
	w := writeSome(t, t.TempDir(), 5)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
	if err := w.WriteScalars(9, time.Now()); !errors.Is(err, ErrClosed) {
		t.Errorf("WriteScalars after Close = %v, want ErrClosed", err)
	}
	events, err := ReadFile(w.Path())
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 6 || events[0].FileVersion != FileVersion {
		t.Fatalf("ReadFile = %d events (first %+v), want 6 starting with the file version", len(events), events[0])
	}
	for i, e := range events[1:] {
		if e.Step != int64(i) || len(e.Scalars) != 1 || e.Scalars[0].Value != float32(1)/float32(i+1) {
			t.Errorf("event %d = %+v", i+1, e)
		}
	}
	if !strings.HasPrefix(filepath.Base(w.Path()), "events.out.tfevents.") {
		t.Errorf("file name %s, want events.out.tfevents.*", filepath.Base(w.Path()))
	}
}

// TestTornTail: a file cut anywhere reads back every complete record and
// reports the torn one as ErrTruncated; a flipped byte is ErrCorrupt.
func TestTornTail(t *testing.T) {
	w := writeSome(t, t.TempDir(), 3)
	w.Close()
	full, err := os.ReadFile(w.Path())
	if err != nil {
		t.Fatal(err)
	}
	// Record boundaries.
	var ends []int
	r := bytes.NewReader(full)
	for {
		if _, err := ReadRecord(r); err != nil {
			break
		}
		ends = append(ends, len(full)-r.Len())
	}
	for cut := 0; cut <= len(full); cut++ {
		got, err := Read(bytes.NewReader(full[:cut]), "cut")
		complete := 0
		for _, e := range ends {
			if e <= cut {
				complete++
			}
		}
		if len(got) != complete {
			t.Fatalf("Read(first %d bytes) = %d events, want %d", cut, len(got), complete)
		}
		atBoundary := cut == 0 || (complete > 0 && ends[complete-1] == cut)
		if atBoundary && err != nil || !atBoundary && !errors.Is(err, ErrTruncated) {
			t.Fatalf("Read(first %d bytes) error = %v, want nil at a boundary, ErrTruncated inside a record", cut, err)
		}
	}
	bad := bytes.Clone(full)
	bad[len(bad)-6] ^= 1
	if _, err := Read(bytes.NewReader(bad), "bad"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Read(flipped byte) = %v, want ErrCorrupt", err)
	}
}

func FuzzRead(f *testing.F) {
	w := writeSome(f, f.TempDir(), 2)
	w.Close()
	seed, _ := os.ReadFile(w.Path())
	f.Add(seed)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		Read(bytes.NewReader(b), "fuzz")
	})
}

// TestTensorBoardReadsEvents is a cross-check: TensorBoard's own
// EventAccumulator reads a file this package wrote, including a restarted
// run whose orphaned steps it must drop.
func TestTensorBoardReadsEvents(t *testing.T) {
	py := fixture.Python(t)
	dir := t.TempDir()
	w := writeSome(t, dir, 4) // steps 0..3, loss 1/(i+1)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// A resumed run: restarts at step 2 and logs steps 2 and 3 again.
	w2, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	w2.Restart(2, time.Unix(1700000100, 0), "resumed")
	w2.WriteScalars(2, time.Unix(1700000101, 0), Scalar{"epoch_loss", 20})
	w2.WriteScalars(3, time.Unix(1700000102, 0), Scalar{"epoch_loss", 30})
	w2.Close()
	script := `
import sys, json
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
acc = EventAccumulator(sys.argv[1])
acc.Reload()
print(json.dumps([[e.step, e.value] for e in acc.Scalars("epoch_loss")]))
`
	cmd := exec.Command(py, "-c", script, dir)
	cmd.Env = append(os.Environ(), "TF_CPP_MIN_LOG_LEVEL=3")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderrOf(err))
	}
	got := strings.TrimSpace(string(out))
	want := "[[0, 1.0], [1, 0.5], [2, 20.0], [3, 30.0]]"
	if got != want {
		t.Errorf("EventAccumulator.Scalars(epoch_loss) = %s, want %s", got, want)
	}
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}
