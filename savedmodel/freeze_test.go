//go:build cgo

package savedmodel_test

import (
	"context"
	"math"
	"reflect"
	"regexp"
	"testing"

	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/savedmodel"
)

// TestFreezeIsExact: after steps of Adam, the frozen layer's variables and
// their optimizer slots are bitwise what they were, while the others moved.
func TestFreezeIsExact(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	frozen, err := m.SetTrainable(savedmodel.FreezeSpec{Freeze: regexp.MustCompile(`^dense$`)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"mnist_mlp/dense/kernel", "mnist_mlp/dense/bias"}
	if !reflect.DeepEqual(frozen, want) {
		t.Fatalf("SetTrainable(freeze layer dense) froze %v, want %v", frozen, want)
	}
	if got, _ := m.Frozen(); !reflect.DeepEqual(got, want) {
		t.Errorf("Frozen() = %v, want %v", got, want)
	}
	kept := []string{"mnist_mlp/dense/kernel", "mnist_mlp/dense/bias",
		"adam/mnist_mlp_dense_kernel_momentum", "adam/mnist_mlp_dense_kernel_velocity",
		"adam/mnist_mlp_dense_bias_momentum", "adam/mnist_mlp_dense_bias_velocity"}
	moved := []string{"mnist_mlp/dense_1/kernel", "mnist_mlp/dense_1/bias",
		"adam/mnist_mlp_dense_1_kernel_momentum", "adam/mnist_mlp_dense_1_bias_velocity"}
	before := readAll(t, m, append(kept, moved...))
	sub, _ := mnist(t, dataset.Train).Slice(0, 320)
	if _, err := m.Fit(context.Background(), sub, savedmodel.FitOptions{Epochs: 2, BatchSize: 32}); err != nil {
		t.Fatal(err)
	}
	after := readAll(t, m, append(kept, moved...))
	for i, n := range append(kept, moved...) {
		same := true
		for j := range before[i] {
			if math.Float32bits(before[i][j]) != math.Float32bits(after[i][j]) {
				same = false
				break
			}
		}
		if i < len(kept) && !same {
			t.Errorf("frozen %s changed after 20 Adam steps", n)
		}
		if i >= len(kept) && same {
			t.Errorf("trainable %s did not change after 20 Adam steps", n)
		}
	}
	// Unfreezing: only Trainable set freezes everything else.
	frozen, err = m.SetTrainable(savedmodel.FreezeSpec{Trainable: regexp.MustCompile(`dense_1`)})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(frozen, want) {
		t.Errorf("SetTrainable(trainable dense_1) froze %v, want %v", frozen, want)
	}
	if frozen, _ = m.SetTrainable(savedmodel.FreezeSpec{}); len(frozen) != 0 {
		t.Errorf("SetTrainable(empty spec) froze %v, want none", frozen)
	}
}
