package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Named is an Array with the name of the model input it feeds.
type Named struct {
	Name string
	*Array
}

// Dataset is a set of named inputs plus targets and optional per-sample
// weights, all with the same number of samples.
//
// A single-input model's input is named "x" (InputName). Arrays are shared,
// not copied, by Slice, SplitValidation and the batch iterator; Gather and
// TrainTestSplit copy.
type Dataset struct {
	Inputs  []Named
	Targets *Array // nil for predict
	Weights *Array // float32 [N]; nil means every sample weighs 1
	// Source says where the data came from (a file, a directory, "mnist
	// train"); errors about the data name it. It may be empty.
	Source string
}

// InputName is the name of a single-input model's input.
const InputName = "x"

// Len returns the number of samples: the length of the first input, or of
// the targets when there are no inputs. Validate checks the others agree.
func (d Dataset) Len() int {
	if len(d.Inputs) > 0 && d.Inputs[0].Array != nil {
		return d.Inputs[0].Len()
	}
	if d.Targets != nil {
		return d.Targets.Len()
	}
	return 0
}

// Input returns the input with the given name, or nil.
func (d Dataset) Input(name string) *Array {
	for _, in := range d.Inputs {
		if in.Name == name {
			return in.Array
		}
	}
	return nil
}

// where prefixes an error message with the dataset's source.
func (d Dataset) where() string {
	if d.Source == "" {
		return "dataset"
	}
	return "dataset " + d.Source
}

// arrays calls f for each array with a description such as `input "x"`.
func (d Dataset) arrays(f func(what string, a *Array) error) error {
	for _, in := range d.Inputs {
		if err := f(fmt.Sprintf("input %q", in.Name), in.Array); err != nil {
			return err
		}
	}
	if d.Targets != nil {
		if err := f("targets", d.Targets); err != nil {
			return err
		}
	}
	if d.Weights != nil {
		if err := f("weights", d.Weights); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks that the dataset is well formed: at least one input, input
// names unique and not empty, every array well formed with a sample
// dimension, all arrays with the same number of samples, and weights (when
// present) float32 of shape [N].
func (d Dataset) Validate() error {
	if len(d.Inputs) == 0 {
		return fmt.Errorf("%s: %w: no inputs", d.where(), ErrShape)
	}
	seen := make(map[string]bool, len(d.Inputs))
	for i, in := range d.Inputs {
		if in.Name == "" {
			return fmt.Errorf("%s: %w: input %d has no name", d.where(), ErrShape, i)
		}
		if seen[in.Name] {
			return fmt.Errorf("%s: %w: two inputs are named %q", d.where(), ErrShape, in.Name)
		}
		seen[in.Name] = true
	}
	n := -1
	first := ""
	err := d.arrays(func(what string, a *Array) error {
		if err := a.Check(); err != nil {
			return fmt.Errorf("%s: %s: %w", d.where(), what, err)
		}
		if len(a.Shape) == 0 {
			return fmt.Errorf("%s: %s: %w: rank-0 array has no sample dimension", d.where(), what, ErrShape)
		}
		if n < 0 {
			n, first = a.Len(), what
		} else if a.Len() != n {
			return fmt.Errorf("%s: %w: %s has %d samples (shape %v), %s has %d", d.where(), ErrShape, what, a.Len(), a.Shape, first, n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if w := d.Weights; w != nil {
		if w.DType() != Float32 || len(w.Shape) != 1 {
			return fmt.Errorf("%s: %w: weights are %s, want float32[%d]", d.where(), ErrShape, w, n)
		}
	}
	return nil
}

// CheckFinite reports the first NaN or infinity in a float input, the
// targets or the weights, naming the array, the sample and the element
// within it. The error wraps ErrNotFinite.
func (d Dataset) CheckFinite() error {
	return d.arrays(func(what string, a *Array) error {
		if a == nil {
			return nil
		}
		i := -1
		var v float64
		switch x := a.Data.(type) {
		case []float32:
			i = firstNonFinite(x)
			if i >= 0 {
				v = float64(x[i])
			}
		case []float64:
			i = firstNonFinite(x)
			if i >= 0 {
				v = x[i]
			}
		}
		if i < 0 {
			return nil
		}
		rs := a.RowSize()
		if rs == 0 || len(a.Shape) == 0 {
			return fmt.Errorf("%s: %s: %w: element %d is %v", d.where(), what, ErrNotFinite, i, v)
		}
		return fmt.Errorf("%s: %s: %w: sample %d, element %d of shape %v is %v",
			d.where(), what, ErrNotFinite, i/rs, i%rs, a.SampleShape(), v)
	})
}

func firstNonFinite[T float](x []T) int {
	for i, v := range x {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return i
		}
	}
	return -1
}

// CheckLabels checks that the targets are class indices for sparse
// categorical losses: integers (or integral floats) in [0, numClasses), one
// per sample (shape [N] or [N, 1]). The error for the first bad label names
// its sample index and value and wraps ErrRange.
func (d Dataset) CheckLabels(numClasses int) error {
	t := d.Targets
	if t == nil {
		return fmt.Errorf("%s: %w: no targets to check", d.where(), ErrShape)
	}
	if numClasses <= 0 {
		return fmt.Errorf("%s: %w: number of classes %d must be positive", d.where(), ErrRange, numClasses)
	}
	if err := t.Check(); err != nil {
		return fmt.Errorf("%s: targets: %w", d.where(), err)
	}
	if len(t.Shape) == 0 || t.RowSize() != 1 {
		return fmt.Errorf("%s: %w: labels have shape %v, want [N] or [N 1]", d.where(), ErrShape, t.Shape)
	}
	var (
		i int
		v string
	)
	switch x := t.Data.(type) {
	case []int64:
		i, v = firstBadLabel(x, numClasses)
	case []int32:
		i, v = firstBadLabel(x, numClasses)
	case []int16:
		i, v = firstBadLabel(x, numClasses)
	case []int8:
		i, v = firstBadLabel(x, numClasses)
	case []uint8:
		i, v = firstBadLabel(x, numClasses)
	case []uint16:
		i, v = firstBadLabel(x, numClasses)
	case []float32:
		i, v = firstBadLabel(x, numClasses)
	case []float64:
		i, v = firstBadLabel(x, numClasses)
	default:
		return fmt.Errorf("%s: targets: %w: labels are %s, want integers", d.where(), ErrDType, t.DType())
	}
	if i < 0 {
		return nil
	}
	return fmt.Errorf("%s: targets: %w: label %s at sample %d is outside [0, %d)", d.where(), ErrRange, v, i, numClasses)
}

// firstBadLabel returns the index and value of the first label that is not
// an integer in [0, n), or -1.
func firstBadLabel[T number](x []T, n int) (int, string) {
	for i, v := range x {
		f := float64(v)
		if !(f >= 0 && f < float64(n)) || f != math.Trunc(f) {
			return i, formatNum(v)
		}
	}
	return -1, ""
}

// Slice returns samples [lo, hi) of every array as views.
func (d Dataset) Slice(lo, hi int) (Dataset, error) {
	out := Dataset{Source: d.Source, Inputs: make([]Named, len(d.Inputs))}
	var err error
	for i, in := range d.Inputs {
		out.Inputs[i].Name = in.Name
		if out.Inputs[i].Array, err = in.Slice(lo, hi); err != nil {
			return Dataset{}, fmt.Errorf("%s: input %q: %w", d.where(), in.Name, err)
		}
	}
	if d.Targets != nil {
		if out.Targets, err = d.Targets.Slice(lo, hi); err != nil {
			return Dataset{}, fmt.Errorf("%s: targets: %w", d.where(), err)
		}
	}
	if d.Weights != nil {
		if out.Weights, err = d.Weights.Slice(lo, hi); err != nil {
			return Dataset{}, fmt.Errorf("%s: weights: %w", d.where(), err)
		}
	}
	return out, nil
}

// Gather returns a new dataset holding copies of the given samples, in order.
func (d Dataset) Gather(rows []int) (Dataset, error) {
	out := Dataset{Source: d.Source, Inputs: make([]Named, len(d.Inputs))}
	var err error
	for i, in := range d.Inputs {
		out.Inputs[i].Name = in.Name
		if out.Inputs[i].Array, err = in.Gather(rows); err != nil {
			return Dataset{}, fmt.Errorf("%s: input %q: %w", d.where(), in.Name, err)
		}
	}
	if d.Targets != nil {
		if out.Targets, err = d.Targets.Gather(rows); err != nil {
			return Dataset{}, fmt.Errorf("%s: targets: %w", d.where(), err)
		}
	}
	if d.Weights != nil {
		if out.Weights, err = d.Weights.Gather(rows); err != nil {
			return Dataset{}, fmt.Errorf("%s: weights: %w", d.where(), err)
		}
	}
	return out, nil
}

// ValidationSplitIndex returns the number of training samples that Keras
// keeps for validation_split=frac out of n samples:
// floor(n * (1.0 - frac)) computed in float64, exactly as Keras 3 does in
// train_validation_split (keras/src/trainers/data_adapters/array_slicing.py).
// The float64 rounding is kept on purpose: for n=10 and frac=0.8 it gives 1,
// not 2, and so does Keras. It fails, as Keras does, when frac is not in
// (0, 1) or when either part would be empty.
func ValidationSplitIndex(n int, frac float64) (int, error) {
	if !(frac > 0 && frac < 1) {
		return 0, fmt.Errorf("%w: validation split %v must be in (0, 1)", ErrRange, frac)
	}
	at := int(math.Floor(float64(n) * (1.0 - frac)))
	if at <= 0 || at >= n {
		return 0, fmt.Errorf("%w: %d samples are not enough to split off a validation set with validation split %v",
			ErrShape, n, frac)
	}
	return at, nil
}

// SplitValidation splits off the last frac of the samples, in their current
// order and before any shuffling, as validation data: Keras' validation_split
// semantics (see ValidationSplitIndex for the exact rounding). Both parts are
// views of d.
func (d Dataset) SplitValidation(frac float64) (train, val Dataset, err error) {
	if err := d.Validate(); err != nil {
		return Dataset{}, Dataset{}, err
	}
	n := d.Len()
	at, err := ValidationSplitIndex(n, frac)
	if err != nil {
		return Dataset{}, Dataset{}, fmt.Errorf("%s: %w", d.where(), err)
	}
	if train, err = d.Slice(0, at); err != nil {
		return Dataset{}, Dataset{}, err
	}
	if val, err = d.Slice(at, n); err != nil {
		return Dataset{}, Dataset{}, err
	}
	return train, val, nil
}

// TrainTestSplit splits the samples at random: round(trainFrac * N) samples
// (rounding half to even, as pandas' DataFrame.sample(frac=…) does) go to
// train, in random order, and the rest to test, in their original order —
// the Auto MPG tutorial's sample(frac=0.8) / drop split. The choice depends
// only on seed and N (PCG from math/rand/v2). Both parts are copies.
func (d Dataset) TrainTestSplit(trainFrac float64, seed uint64) (train, test Dataset, err error) {
	if err := d.Validate(); err != nil {
		return Dataset{}, Dataset{}, err
	}
	if !(trainFrac > 0 && trainFrac < 1) {
		return Dataset{}, Dataset{}, fmt.Errorf("%s: %w: train fraction %v must be in (0, 1)", d.where(), ErrRange, trainFrac)
	}
	n := d.Len()
	k := int(math.RoundToEven(trainFrac * float64(n)))
	if k <= 0 || k >= n {
		return Dataset{}, Dataset{}, fmt.Errorf("%s: %w: %d samples are not enough for a train fraction of %v",
			d.where(), ErrShape, n, trainFrac)
	}
	perm := rand.New(rand.NewPCG(seed, splitMix64(uint64(n)))).Perm(n)
	rest := slices.Clone(perm[k:])
	slices.Sort(rest)
	if train, err = d.Gather(perm[:k]); err != nil {
		return Dataset{}, Dataset{}, err
	}
	if test, err = d.Gather(rest); err != nil {
		return Dataset{}, Dataset{}, err
	}
	return train, test, nil
}

// splitMix64 is SplitMix64's output function: it spreads consecutive values
// (epochs, sizes) into unrelated PCG seeds.
func splitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
