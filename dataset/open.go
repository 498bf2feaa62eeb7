package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DataDirEnv is the environment variable that names the data cache
// scripts/fetch-data.sh fills.
const DataDirEnv = "TFRUN_DATA"

// DataDir returns the data cache: $TFRUN_DATA when set, otherwise the first
// ".cache/data" found in the working directory or one of its parents (the
// repository's default cache). It fails when neither exists.
func DataDir() (string, error) {
	if d := os.Getenv(DataDirEnv); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		p := filepath.Join(dir, ".cache", "data")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", fmt.Errorf("%w: no data cache: set %s or run scripts/fetch-data.sh in the repository", ErrNotFound, DataDirEnv)
}

// AutoMPGSeed is the seed Open uses for Auto MPG's 80/20 train/test split.
const AutoMPGSeed = 0

// Open loads a split ("train" or "test") of the dataset spec names; it is
// what the CLI's --data flag takes:
//
//	mnist          MNIST from the data cache (DataDir()/mnist)
//	fashion-mnist  Fashion-MNIST from the data cache (see LoadFashionMNIST)
//	autompg        Auto MPG from the data cache, split 80/20 by
//	               TrainTestSplit(0.8, AutoMPGSeed)
//	autompg:A,B    the same with only the named features (of AutoMPGFeatures),
//	               e.g. autompg:Horsepower for the tutorial's one-feature model
//	DIR            a directory of MNIST-layout IDX files (see LoadMNIST)
//	FILE.npz       an .npz with x_train, y_train, x_test, y_test (see LoadSplitNPZ)
func Open(spec, split string) (Dataset, error) {
	if _, err := mnistPrefix(split); err != nil {
		return Dataset{}, fmt.Errorf("open %s: %w", spec, err)
	}
	cached := func(name string) (string, error) {
		dir, err := DataDir()
		if err != nil {
			return "", fmt.Errorf("open %s: %w", spec, err)
		}
		return filepath.Join(dir, name), nil
	}
	switch spec {
	case "mnist":
		dir, err := cached("mnist")
		if err != nil {
			return Dataset{}, err
		}
		return LoadMNIST(dir, split)
	case "fashion-mnist":
		dir, err := cached("fashion-mnist")
		if err != nil {
			return Dataset{}, err
		}
		return LoadFashionMNIST(dir, split)
	case "autompg":
		return openAutoMPG(spec, "", split, cached)
	}
	if cols, ok := strings.CutPrefix(spec, "autompg:"); ok {
		return openAutoMPG(spec, cols, split, cached)
	}
	st, err := os.Stat(spec)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Dataset{}, fmt.Errorf("open %s: %w: want mnist, fashion-mnist, autompg, a directory of IDX files or an .npz file", spec, ErrNotFound)
	case err != nil:
		return Dataset{}, err
	case st.IsDir():
		return LoadMNIST(spec, split)
	case strings.EqualFold(filepath.Ext(spec), ".npz"):
		return LoadSplitNPZ(spec, split)
	}
	return Dataset{}, fmt.Errorf("open %s: %w: want mnist, fashion-mnist, autompg, a directory of IDX files or an .npz file", spec, ErrFormat)
}

// LoadSplitNPZ loads a split ("train" or "test") from an .npz holding
// x_<split> and y_<split> (and optionally w_<split>, float32 per-sample
// weights). Keras' mnist.npz (uint8 images of rank 3) is read as
// LoadMNISTNPZ reads it (scaled by 1/255); any other arrays are used as
// stored, with input "x" and the targets, so a regression or any other
// problem can be saved with numpy.savez and trained on.
func LoadSplitNPZ(path, split string) (Dataset, error) {
	if _, err := mnistPrefix(split); err != nil {
		return Dataset{}, fmt.Errorf("load npz %s: %w", path, err)
	}
	arrays, err := LoadNPZArrays(path)
	if err != nil {
		return Dataset{}, err
	}
	xKey, yKey, wKey := "x_"+split, "y_"+split, "w_"+split
	x, y := lookup(arrays, xKey), lookup(arrays, yKey)
	if x == nil || y == nil {
		return Dataset{}, fmt.Errorf("load npz %s: %w: want arrays %s and %s, have %s",
			path, ErrNotFound, xKey, yKey, names(arrays))
	}
	if x.DType() == Uint8 && len(x.Shape) == 3 {
		return LoadMNISTNPZ(path, split)
	}
	ds := Dataset{Inputs: []Named{{Name: InputName, Array: x}}, Targets: y,
		Weights: lookup(arrays, wKey), Source: path + " " + split}
	if err := ds.Validate(); err != nil {
		return Dataset{}, fmt.Errorf("load npz %s: %w", path, err)
	}
	return ds, nil
}

// openAutoMPG loads a split of Auto MPG, keeping only the comma-separated
// features cols (all when empty).
func openAutoMPG(spec, cols, split string, cached func(string) (string, error)) (Dataset, error) {
	dir, err := cached("autompg")
	if err != nil {
		return Dataset{}, err
	}
	td, err := LoadAutoMPG(filepath.Join(dir, "cars.json"))
	if err != nil {
		return Dataset{}, err
	}
	train, test, err := td.TrainTestSplit(0.8, AutoMPGSeed)
	if err != nil {
		return Dataset{}, err
	}
	ds := train
	if split == Test {
		ds = test
	}
	if cols == "" {
		return ds, nil
	}
	var idx []int
	for _, c := range strings.Split(cols, ",") {
		i := slices.Index(AutoMPGFeatures, strings.TrimSpace(c))
		if i < 0 {
			return Dataset{}, fmt.Errorf("open %s: %w: no feature %q (features: %s)", spec, ErrNotFound, c, strings.Join(AutoMPGFeatures, ", "))
		}
		idx = append(idx, i)
	}
	x := ds.Inputs[0].Array
	f := x.Shape[1]
	src := x.Data.([]float32)
	out := make([]float32, 0, x.Len()*len(idx))
	for r := range x.Len() {
		for _, i := range idx {
			out = append(out, src[r*f+i])
		}
	}
	sel, err := NewArray(out, x.Len(), len(idx))
	if err != nil {
		return Dataset{}, err
	}
	ds.Inputs = []Named{{Name: InputName, Array: sel}}
	ds.Source = spec + " " + split
	return ds, nil
}
