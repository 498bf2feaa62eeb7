package dataset

// Tests on the real datasets scripts/fetch-data.sh puts in $TFRUN_DATA. make
// test fetches them and sets TFRUN_DATA; without it these tests skip, and
// with it missing data is a failure (see realDataDir).

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

// classCounts counts int64 labels per class.
func classCounts(y *Array) []int {
	counts := make([]int, MNISTClasses)
	for _, v := range y.Data.([]int64) {
		counts[v]++
	}
	return counts
}

func TestRealMNIST(t *testing.T) {
	dir := realDataDir(t, "mnist")
	tests := []struct {
		split  string
		n      int
		counts []int // the well-known class counts of MNIST
		first  []int64
	}{
		{Train, 60000, []int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, []int64{5, 0, 4, 1, 9, 2, 1, 3, 1, 4}},
		{Test, 10000, []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, []int64{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}},
	}
	for _, tt := range tests {
		t.Run(tt.split, func(t *testing.T) {
			ds, err := LoadMNIST(dir, tt.split)
			if err != nil {
				t.Fatal(err)
			}
			if err := ds.Validate(); err != nil {
				t.Fatal(err)
			}
			x := ds.Input(InputName)
			if x.DType() != Float32 || !reflect.DeepEqual(x.Shape, []int{tt.n, 28, 28}) {
				t.Errorf("x = %v, want float32[%d 28 28]", x, tt.n)
			}
			if err := ds.CheckFinite(); err != nil {
				t.Error(err)
			}
			if err := ds.CheckLabels(MNISTClasses); err != nil {
				t.Error(err)
			}
			if got := classCounts(ds.Targets); !reflect.DeepEqual(got, tt.counts) {
				t.Errorf("class counts = %v, want %v", got, tt.counts)
			}
			if got := ds.Targets.Data.([]int64)[:10]; !reflect.DeepEqual(got, tt.first) {
				t.Errorf("first labels = %v, want %v", got, tt.first)
			}
			mean, _, err := Moments(&Array{Shape: []int{x.Size()}, Data: x.Data})
			if err != nil || mean[0] < 0.12 || mean[0] > 0.14 {
				t.Errorf("mean pixel = %v, %v, want about 0.13", mean, err)
			}
		})
	}
}

func TestRealMNISTOpenAndBatches(t *testing.T) {
	root := filepath.Dir(realDataDir(t, "mnist"))
	t.Setenv(DataDirEnv, root)
	ds, err := Open("mnist", Train)
	if err != nil {
		t.Fatal(err)
	}
	train, val, err := ds.SplitValidation(0.2)
	if err != nil || train.Len() != 48000 || val.Len() != 12000 {
		t.Fatalf("SplitValidation(0.2) = %d, %d, %v, want 48000, 12000", train.Len(), val.Len(), err)
	}
	it, err := Batches(context.Background(), train, BatchOptions{BatchSize: 32, Shuffle: true, Seed: 1, Prefetch: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	seen := 0
	for {
		b, err := it.Next()
		if err != nil {
			break
		}
		seen += b.Size
	}
	if seen != 48000 || it.NumBatches() != 1500 {
		t.Errorf("an epoch gave %d samples in %d batches, want 48000 in 1500", seen, it.NumBatches())
	}
}

func TestRealFashionMNIST(t *testing.T) {
	dir := realDataDir(t, "fashion-mnist")
	for _, tt := range []struct {
		split    string
		perClass int
	}{{Train, 6000}, {Test, 1000}} {
		t.Run(tt.split, func(t *testing.T) {
			ds, err := LoadFashionMNIST(dir, tt.split)
			if err != nil {
				t.Fatal(err)
			}
			n := 10 * tt.perClass
			if x := ds.Input(InputName); !reflect.DeepEqual(x.Shape, []int{n, 28, 28}) {
				t.Errorf("x = %v, want float32[%d 28 28]", x, n)
			}
			if err := ds.CheckLabels(MNISTClasses); err != nil {
				t.Error(err)
			}
			want := []int{tt.perClass, tt.perClass, tt.perClass, tt.perClass, tt.perClass,
				tt.perClass, tt.perClass, tt.perClass, tt.perClass, tt.perClass}
			if got := classCounts(ds.Targets); !reflect.DeepEqual(got, want) {
				t.Errorf("class counts = %v, want %v", got, want)
			}
			// Interleaved by class, so Keras' validation tail is balanced.
			_, val, err := ds.SplitValidation(0.1)
			if err != nil {
				t.Fatal(err)
			}
			if got := classCounts(val.Targets); got[0] != n/100 || got[9] != n/100 {
				t.Errorf("validation tail class counts = %v, want %d each", got, n/100)
			}
		})
	}
}

func TestRealAutoMPG(t *testing.T) {
	dir := realDataDir(t, "autompg")
	td, err := LoadAutoMPG(filepath.Join(dir, "cars.json"))
	if err != nil {
		t.Fatal(err)
	}
	// 406 records; 8 lack MPG and 6 Horsepower: 392 remain, as in the tutorial.
	if td.Len() != 392 || !reflect.DeepEqual(td.Input(InputName).Shape, []int{392, 9}) {
		t.Fatalf("LoadAutoMPG = %d samples, x %v, want 392, [392 9]", td.Len(), td.Input(InputName))
	}
	if err := td.CheckFinite(); err != nil {
		t.Error(err)
	}
	x := td.Input(InputName).Data.([]float32)
	if got := x[:9]; !reflect.DeepEqual(got, []float32{8, 307, 130, 3504, 12, 70, 0, 0, 1}) {
		t.Errorf("first sample = %v, want the chevrolet chevelle malibu", got)
	}
	origin := map[string]int{}
	for i := range td.Len() {
		for j, name := range []string{"Europe", "Japan", "USA"} {
			origin[name] += int(x[9*i+6+j])
		}
	}
	if want := map[string]int{"USA": 245, "Europe": 68, "Japan": 79}; !reflect.DeepEqual(origin, want) {
		t.Errorf("origins = %v, want %v", origin, want)
	}
	train, test, err := td.TrainTestSplit(0.8, AutoMPGSeed)
	if err != nil || train.Len() != 314 || test.Len() != 78 {
		t.Errorf("TrainTestSplit(0.8) = %d, %d, %v, want 314, 78 as in the tutorial", train.Len(), test.Len(), err)
	}
}

func TestOpenAutoMPGColumns(t *testing.T) {
	realDataDir(t, "autompg")
	ds, err := Open("autompg:Horsepower", Train)
	if err != nil {
		t.Fatal(err)
	}
	all, err := Open("autompg", Train)
	if err != nil {
		t.Fatal(err)
	}
	if got := ds.Inputs[0].Shape; len(got) != 2 || got[0] != all.Len() || got[1] != 1 {
		t.Fatalf("Open(autompg:Horsepower) x shape = %v, want [%d 1]", got, all.Len())
	}
	hp := all.Inputs[0].Data.([]float32)
	for r, v := range ds.Inputs[0].Data.([]float32) {
		if v != hp[r*9+2] {
			t.Fatalf("row %d: Horsepower %v, want %v", r, v, hp[r*9+2])
		}
	}
	if _, err := Open("autompg:Colour", Train); err == nil || !errors.Is(err, ErrNotFound) {
		t.Errorf("Open(autompg:Colour) error = %v, want ErrNotFound", err)
	}
}
