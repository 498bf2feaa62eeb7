package dataset

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
)

// seqDataset returns n samples: x float32 [n, 2] = (i, -i), y int64 [n] = i.
func seqDataset(tb testing.TB, n int) Dataset {
	tb.Helper()
	x := make([]float32, 2*n)
	y := make([]int64, n)
	for i := range n {
		x[2*i], x[2*i+1], y[i] = float32(i), -float32(i), int64(i)
	}
	return Dataset{
		Inputs:  []Named{{Name: InputName, Array: mustArray(tb, x, n, 2)}},
		Targets: mustArray(tb, y, n),
		Source:  "seq",
	}
}

func TestValidate(t *testing.T) {
	ok := seqDataset(t, 4)
	tests := []struct {
		name      string
		ds        Dataset
		fragments []string
	}{
		{"no inputs", Dataset{Targets: ok.Targets}, []string{"no inputs"}},
		{"unnamed", Dataset{Inputs: []Named{{Array: ok.Inputs[0].Array}}}, []string{"input 0 has no name"}},
		{"duplicate", Dataset{Inputs: []Named{ok.Inputs[0], ok.Inputs[0]}}, []string{`two inputs are named "x"`}},
		{"length", Dataset{Inputs: ok.Inputs, Targets: mustArray(t, []int64{1, 2, 3}, 3), Source: "f.npz"},
			[]string{"dataset f.npz", "targets has 3 samples (shape [3])", `input "x" has 4`}},
		{"weights dtype", Dataset{Inputs: ok.Inputs, Weights: mustArray(t, []float64{1, 1, 1, 1}, 4)},
			[]string{"weights are float64[4], want float32[4]"}},
		{"rank 0", Dataset{Inputs: []Named{{Name: "x", Array: mustArray(t, []float32{1})}}}, []string{"rank-0"}},
		{"malformed", Dataset{Inputs: []Named{{Name: "x", Array: &Array{Shape: []int{2}, Data: []float32{1}}}}},
			[]string{`input "x"`, "needs 2 elements, data has 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, "Validate()", tt.ds.Validate(), ErrShape, tt.fragments...)
		})
	}
	ok.Weights = mustArray(t, []float32{1, 2, 3, 4}, 4)
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate() = %v, want nil", err)
	}
}

func TestCheckFinite(t *testing.T) {
	ds := seqDataset(t, 3)
	if err := ds.CheckFinite(); err != nil {
		t.Fatalf("CheckFinite() = %v, want nil", err)
	}
	ds.Inputs[0].Data.([]float32)[5] = float32(math.Inf(-1))
	wantErr(t, "CheckFinite()", ds.CheckFinite(), ErrNotFinite, "dataset seq", `input "x"`, "sample 2, element 1", "-Inf")

	ds = seqDataset(t, 3)
	ds.Targets = mustArray(t, []float64{0, math.NaN(), 1}, 3)
	wantErr(t, "CheckFinite()", ds.CheckFinite(), ErrNotFinite, "targets", "sample 1", "NaN")
}

func TestCheckLabels(t *testing.T) {
	tests := []struct {
		name      string
		y         *Array
		err       error
		fragments []string
	}{
		{"ok int64", &Array{Shape: []int{3}, Data: []int64{0, 9, 4}}, nil, nil},
		{"ok column", &Array{Shape: []int{3, 1}, Data: []uint8{0, 9, 4}}, nil, nil},
		{"ok float", &Array{Shape: []int{3}, Data: []float32{0, 9, 4}}, nil, nil},
		{"too big", &Array{Shape: []int{3}, Data: []int64{0, 10, 4}}, ErrRange, []string{"label 10 at sample 1 is outside [0, 10)"}},
		{"negative", &Array{Shape: []int{3}, Data: []int32{0, 1, -1}}, ErrRange, []string{"label -1 at sample 2"}},
		{"fraction", &Array{Shape: []int{3}, Data: []float64{0.5, 1, 1}}, ErrRange, []string{"label 0.5 at sample 0"}},
		{"nan", &Array{Shape: []int{3}, Data: []float32{1, float32(math.NaN()), 1}}, ErrRange, []string{"label NaN at sample 1"}},
		{"one-hot", &Array{Shape: []int{3, 2}, Data: make([]float32, 6)}, ErrShape, []string{"[3 2]", "want [N] or [N 1]"}},
		{"strings", &Array{Shape: []int{3}, Data: []string{"a", "b", "c"}}, ErrDType, []string{"labels are string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := seqDataset(t, 3)
			ds.Targets = tt.y
			err := ds.CheckLabels(10)
			if tt.err == nil {
				if err != nil {
					t.Errorf("CheckLabels(10) = %v, want nil", err)
				}
				return
			}
			wantErr(t, "CheckLabels(10)", err, tt.err, tt.fragments...)
		})
	}
}

func TestValidationSplitIndex(t *testing.T) {
	// Expected values from Keras 3's int(math.floor(n * (1.0 - frac))).
	tests := []struct {
		n    int
		frac float64
		want int
	}{
		{60000, 0.2, 48000},
		{10, 0.3, 7},
		{7, 0.1, 6},
		{49, 0.3, 34},
		{10, 0.8, 1}, // 10 * 0.19999999999999996 = 1.9999999999999996
		{20, 0.9, 1}, // not 2
		{25, 0.56, 10},
		{100, 0.57, 43},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_%v", tt.n, tt.frac), func(t *testing.T) {
			got, err := ValidationSplitIndex(tt.n, tt.frac)
			if err != nil || got != tt.want {
				t.Errorf("ValidationSplitIndex(%d, %v) = %d, %v, want %d", tt.n, tt.frac, got, err, tt.want)
			}
		})
	}
	for _, bad := range []struct {
		n    int
		frac float64
	}{{10, 0}, {10, 1}, {10, -0.1}, {10, math.NaN()}, {5, 0.8}, {1, 0.5}, {10, 1e-17}} {
		_, err := ValidationSplitIndex(bad.n, bad.frac)
		if err == nil {
			t.Errorf("ValidationSplitIndex(%d, %v) = nil error, want one", bad.n, bad.frac)
		}
	}
}

func TestSplitValidationTakesTheTail(t *testing.T) {
	ds := seqDataset(t, 10)
	train, val, err := ds.SplitValidation(0.3)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 7 || val.Len() != 3 {
		t.Fatalf("SplitValidation(0.3) lengths = %d, %d, want 7, 3", train.Len(), val.Len())
	}
	if got := val.Targets.Data; !reflect.DeepEqual(got, []int64{7, 8, 9}) {
		t.Errorf("SplitValidation(0.3) val targets = %v, want [7 8 9]", got)
	}
	if got := val.Inputs[0].Data; !reflect.DeepEqual(got, []float32{7, -7, 8, -8, 9, -9}) {
		t.Errorf("SplitValidation(0.3) val x = %v, want the last 3 samples", got)
	}
	_, _, err = seqDataset(t, 4).SplitValidation(0.8)
	wantErr(t, "SplitValidation(0.8) of 4", err, ErrShape, "4 samples", "validation split 0.8")
}

func TestTrainTestSplit(t *testing.T) {
	ds := seqDataset(t, 392)
	ds.Weights = mustArray(t, make([]float32, 392), 392)
	train, test, err := ds.TrainTestSplit(0.8, 0)
	if err != nil {
		t.Fatal(err)
	}
	// pandas: round(0.8 * 392) = round(313.6) = 314, as in the tutorial.
	if train.Len() != 314 || test.Len() != 78 {
		t.Fatalf("TrainTestSplit(0.8) lengths = %d, %d, want 314, 78", train.Len(), test.Len())
	}
	if err := train.Validate(); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, part := range []Dataset{train, test} {
		for i, v := range part.Targets.Data.([]int64) {
			if seen[v] {
				t.Fatalf("sample %d appears twice", v)
			}
			seen[v] = true
			if x := part.Inputs[0].Data.([]float32)[2*i]; x != float32(v) {
				t.Fatalf("inputs and targets out of step: x %v, y %v", x, v)
			}
		}
	}
	if len(seen) != 392 {
		t.Errorf("train and test hold %d distinct samples, want 392", len(seen))
	}
	if !slices.IsSorted(test.Targets.Data.([]int64)) {
		t.Errorf("test samples are not in their original order")
	}
	again, _, _ := ds.TrainTestSplit(0.8, 0)
	if !equalArray(again.Targets, train.Targets) {
		t.Errorf("TrainTestSplit(0.8, 0) differs between calls")
	}
	other, _, _ := ds.TrainTestSplit(0.8, 1)
	if equalArray(other.Targets, train.Targets) {
		t.Errorf("TrainTestSplit(0.8, 1) = TrainTestSplit(0.8, 0), want another draw")
	}
	_, _, err = ds.TrainTestSplit(1.2, 0)
	wantErr(t, "TrainTestSplit(1.2)", err, ErrRange, "1.2")
}

func TestMomentsAndNormalize(t *testing.T) {
	x := mustArray(t, []float32{1, 10, 3, 10, 5, 10}, 3, 2)
	mean, variance, err := Moments(x)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(mean, []float64{3, 10}) || !reflect.DeepEqual(variance, []float64{8.0 / 3, 0}) {
		t.Fatalf("Moments = %v, %v, want [3 10], [2.667 0]", mean, variance)
	}
	if err := x.Normalize(mean, variance); err != nil {
		t.Fatal(err)
	}
	s := math.Sqrt(8.0 / 3)
	want := []float32{float32(-2 / s), 0, 0, 0, float32(2 / s), 0}
	if !reflect.DeepEqual(x.Data, want) {
		t.Errorf("Normalize = %v, want %v", x.Data, want)
	}
	wantErr(t, "Normalize(short)", x.Normalize(mean[:1], variance), ErrShape, "1 means and 2 variances")
	_, _, err = Moments(mustArray(t, []int64{1}, 1))
	wantErr(t, "Moments(int64)", err, ErrDType, "int64")
}

func ExampleDataset_SplitValidation() {
	x := &Array{Shape: []int{10, 1}, Data: []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}}
	ds := Dataset{Inputs: []Named{{Name: "x", Array: x}}}
	train, val, _ := ds.SplitValidation(0.2)
	fmt.Println(train.Len(), val.Len(), val.Inputs[0].Data)
	// Output: 8 2 [8 9]
}
