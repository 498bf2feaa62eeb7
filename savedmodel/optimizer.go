//go:build cgo

package savedmodel

import (
	"fmt"
	"slices"

	"github.com/tfrun/tfrun/tfgo"
)

// zeroStateOptimizers are the Keras optimizers whose state (slots and
// iteration count) starts at zero, so that zeroing it is a fresh optimizer.
// Adagrad and Ftrl start their accumulators at initial_accumulator_value.
var zeroStateOptimizers = []string{"Adam", "AdamW", "Adamax", "Nadam", "SGD", "RMSprop", "Lion", "Adadelta", "Lamb"}

// ResetOptimizer sets the optimizer's state — every slot and the iteration
// count, not the learning rate — back to its initial zeros, as compiling a
// Keras model with a new optimizer of the same kind does (the fine-tuning
// recipe recompiles after unfreezing). It returns the variables reset and
// fails for optimizers whose state does not start at zero.
func (m *Model) ResetOptimizer() ([]string, error) {
	if m.desc == nil {
		return nil, fmt.Errorf("saved model %s has no %s: its optimizer variables are unknown", m.dir, DescriptionFile)
	}
	if class := m.desc.Optimizer.Class; !slices.Contains(zeroStateOptimizers, class) {
		return nil, fmt.Errorf("saved model %s: resetting a %s optimizer is not supported (its state does not start at zero); supported: %v",
			m.dir, class, zeroStateOptimizers)
	}
	values := map[string]*tfgo.Tensor{}
	defer func() {
		for _, t := range values {
			t.Close()
		}
	}()
	var names []string
	for _, n := range m.desc.OptimizerVars {
		if n == m.desc.LearningRateVar {
			continue
		}
		v, err := m.lookup(n)
		if err != nil {
			return nil, err
		}
		t, err := zeros(v.DType, v.Shape.Dims)
		if err != nil {
			return nil, fmt.Errorf("saved model %s: optimizer variable %s: %w", m.dir, n, err)
		}
		values[n] = t
		names = append(names, n)
	}
	if err := m.AssignVariables(values); err != nil {
		return nil, err
	}
	return names, nil
}

// zeros makes a tensor of zeros of a numeric dtype.
func zeros(dt tfgo.DataType, dims []int64) (*tfgo.Tensor, error) {
	n, err := tfgo.NumElements(dims)
	if err != nil {
		return nil, err
	}
	switch dt {
	case tfgo.Float, tfgo.Double:
		return floatTensor(dt, dims, make([]float64, n))
	case tfgo.Half:
		return tfgo.FromFlat(dims, make([]tfgo.Float16, n))
	case tfgo.Bfloat16:
		return tfgo.FromFlat(dims, make([]tfgo.BFloat16, n))
	case tfgo.Int64:
		return tfgo.FromFlat(dims, make([]int64, n))
	case tfgo.Int32:
		return tfgo.FromFlat(dims, make([]int32, n))
	}
	return nil, fmt.Errorf("dtype %s is not a float or integer type", dt)
}
