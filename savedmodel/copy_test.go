//go:build cgo

package savedmodel_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/savedmodel"
)

var (
	baseVars = []string{"base/conv1/kernel", "base/conv1/bias", "base/conv2/kernel", "base/conv2/bias"}
	headVars = []string{"head/kernel", "head/bias"}
)

// slotsOf returns the optimizer slots of the named trainable variables.
func slotsOf(tb testing.TB, m *savedmodel.Model, names []string) []string {
	tb.Helper()
	var out []string
	for _, tv := range m.Description().Trainable {
		if slices.Contains(names, tv.Name) {
			out = append(out, tv.Slots...)
		}
	}
	if len(out) != 2*len(names) {
		tb.Fatalf("%s: %d Adam slots for %v, want %d", m.Dir(), len(out), names, 2*len(names))
	}
	return out
}

// sameBits reports the first variable whose float32 bits differ, or "".
func sameBits(a, b [][]float32, names []string) string {
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return names[i]
		}
		for j := range a[i] {
			if math.Float32bits(a[i][j]) != math.Float32bits(b[i][j]) {
				return names[i]
			}
		}
	}
	return ""
}

func iteration(tb testing.TB, m *savedmodel.Model) int64 {
	tb.Helper()
	t, err := m.ReadVariable(m.Description().IterationsVar)
	if err != nil {
		tb.Fatal(err)
	}
	defer t.Close()
	v, _ := t.Value()
	return v.(int64)
}

// TestCopyHeadSwap trains a conv base with one head, copies the base into a
// model with another head, and checks that the base arrives bit for bit
// (also after saving and loading), that the new head and the optimizer
// state are untouched unless asked for, and that copying everything is
// refused because the heads differ in shape.
func TestCopyHeadSwap(t *testing.T) {
	src := fixture.Load(t, fixture.Model(t, "transfer_src"))
	sub, _ := mnist(t, dataset.Train).Slice(0, 256)
	if _, err := src.Fit(context.Background(), sub, savedmodel.FitOptions{Epochs: 1, BatchSize: 32}); err != nil {
		t.Fatal(err)
	}
	_, err := savedmodel.PlanCopy(src, fixture.Load(t, fixture.Model(t, "transfer_dst")), savedmodel.CopySpec{})
	if !errors.Is(err, savedmodel.ErrCopyMismatch) || !strings.Contains(err.Error(), "head/kernel: source (8, 10) float32, destination (8, 5) float32") {
		t.Errorf("PlanCopy(every variable) = %v, want a mismatch naming head/kernel and both shapes", err)
	}
	_, err = savedmodel.PlanCopy(src, fixture.Load(t, fixture.Model(t, "transfer_dst")), savedmodel.CopySpec{Vars: regexp.MustCompile(`^nothing$`)})
	if !errors.Is(err, savedmodel.ErrNoMatch) {
		t.Errorf("PlanCopy(--vars ^nothing$) = %v, want ErrNoMatch", err)
	}

	tests := []struct {
		name      string
		spec      savedmodel.CopySpec
		copied    int
		optimizer bool
	}{
		{"base by layer name", savedmodel.CopySpec{Vars: regexp.MustCompile(`^base$`)}, 4, false},
		{"base by variable name, with optimizer state", savedmodel.CopySpec{Vars: regexp.MustCompile(`^base/`), OptimizerState: true}, 4 + 8 + 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := fixture.Load(t, fixture.Model(t, "transfer_dst"))
			dstSlots := slotsOf(t, dst, baseVars)
			headBefore := readAll(t, dst, headVars)
			slotsBefore := readAll(t, dst, dstSlots)
			plan, err := savedmodel.PlanCopy(src, dst, tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Copied) != tt.copied {
				t.Fatalf("PlanCopy copies %d variables, want %d: %+v", len(plan.Copied), tt.copied, plan.Copied)
			}
			if err := dst.CopyVariables(src, plan); err != nil {
				t.Fatal(err)
			}
			saved := filepath.Join(t.TempDir(), "swapped")
			if err := dst.Save(saved); err != nil {
				t.Fatal(err)
			}
			reloaded := fixture.Load(t, saved)
			want := readAll(t, src, baseVars)
			for _, m := range []*savedmodel.Model{dst, reloaded} {
				if n := sameBits(readAll(t, m, baseVars), want, baseVars); n != "" {
					t.Errorf("%s: base variable %s differs from the source's", m.Dir(), n)
				}
				if n := sameBits(readAll(t, m, headVars), headBefore, headVars); n != "" {
					t.Errorf("%s: head variable %s changed", m.Dir(), n)
				}
				slots := readAll(t, m, dstSlots)
				if tt.optimizer {
					if n := sameBits(slots, readAll(t, src, slotsOf(t, src, baseVars)), dstSlots); n != "" {
						t.Errorf("%s: slot %s differs from the source's", m.Dir(), n)
					}
					if got, want := iteration(t, m), iteration(t, src); got != want {
						t.Errorf("%s: iteration = %d, want the source's %d", m.Dir(), got, want)
					}
				} else {
					if n := sameBits(slots, slotsBefore, dstSlots); n != "" {
						t.Errorf("%s: slot %s changed though the optimizer state was not asked for", m.Dir(), n)
					}
					if got := iteration(t, m); got != 0 {
						t.Errorf("%s: iteration = %d, want 0", m.Dir(), got)
					}
				}
			}
		})
	}
}

// TestResetOptimizer: after training, every slot and the iteration count
// are zero again and the learning rate is kept.
func TestResetOptimizer(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "transfer_dst"))
	if err := m.SetLearningRate(0.0025); err != nil {
		t.Fatal(err)
	}
	x, _ := mnist(t, dataset.Train).Slice(0, 64)
	five, err := x.SelectClasses([]int{0, 1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(context.Background(), five, savedmodel.FitOptions{Epochs: 1, BatchSize: 16}); err != nil {
		t.Fatal(err)
	}
	slots := slotsOf(t, m, append(baseVars, headVars...))
	reset, err := m.ResetOptimizer()
	if err != nil {
		t.Fatal(err)
	}
	if len(reset) != len(slots)+1 {
		t.Errorf("ResetOptimizer reset %d variables, want %d slots and the iteration count", len(reset), len(slots))
	}
	for i, v := range readAll(t, m, slots) {
		for _, x := range v {
			if math.Float32bits(x) != 0 {
				t.Fatalf("slot %s holds %v after ResetOptimizer, want zeros", slots[i], x)
			}
		}
	}
	if it := iteration(t, m); it != 0 {
		t.Errorf("iteration = %d after ResetOptimizer, want 0", it)
	}
	if lr, _ := m.LearningRate(); float32(lr) != 0.0025 {
		t.Errorf("learning rate = %v after ResetOptimizer, want 0.0025 kept", lr)
	}
}
