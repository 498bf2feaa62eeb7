package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Splits of the datasets with a fixed train/test split.
const (
	Train = "train"
	Test  = "test"
)

// MNISTClasses is the number of classes of MNIST and Fashion-MNIST.
const MNISTClasses = 10

// mnistPrefix returns the IDX file prefix of a split.
func mnistPrefix(split string) (string, error) {
	switch split {
	case Train:
		return "train", nil
	case Test:
		return "t10k", nil
	}
	return "", fmt.Errorf("%w: split %q (want %q or %q)", ErrNotFound, split, Train, Test)
}

// findFile returns the first of names that exists in dir.
func findFile(dir string, names ...string) (string, error) {
	for _, n := range names {
		p := filepath.Join(dir, n)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s: %w: none of %s", dir, ErrNotFound, strings.Join(names, ", "))
}

// LoadMNIST loads a split ("train" or "test") of MNIST, or of any dataset in
// MNIST's IDX layout (Fashion-MNIST's original files, EMNIST), from dir:
// <prefix>-images-idx3-ubyte and <prefix>-labels-idx1-ubyte with prefix
// "train" or "t10k", each possibly with a .gz suffix (gzip is detected from
// the content) and with "-idx" spelled ".idx".
//
// The result is what the Keras quickstart feeds: input "x" float32
// [N, 28, 28] holding x / 255.0, targets int64 [N]. Images must be uint8 of
// rank 3 and labels uint8 of rank 1, with as many labels as images.
func LoadMNIST(dir, split string) (Dataset, error) {
	prefix, err := mnistPrefix(split)
	if err != nil {
		return Dataset{}, fmt.Errorf("load mnist %s: %w", dir, err)
	}
	names := func(kind string, rank int) []string {
		var out []string
		for _, sep := range []string{"-", "."} {
			base := fmt.Sprintf("%s-%s%sidx%d-ubyte", prefix, kind, sep, rank)
			out = append(out, base, base+".gz")
		}
		return out
	}
	imgPath, err := findFile(dir, names("images", 3)...)
	if err != nil {
		return Dataset{}, fmt.Errorf("load mnist %s: %w", split, err)
	}
	lblPath, err := findFile(dir, names("labels", 1)...)
	if err != nil {
		return Dataset{}, fmt.Errorf("load mnist %s: %w", split, err)
	}
	images, err := LoadIDX(imgPath)
	if err != nil {
		return Dataset{}, err
	}
	labels, err := LoadIDX(lblPath)
	if err != nil {
		return Dataset{}, err
	}
	return imageDataset(imgPath, images, lblPath, labels, dir+" "+split)
}

// imageDataset checks MNIST-style images and labels and turns them into the
// Keras quickstart's Dataset.
func imageDataset(imgName string, images *Array, lblName string, labels *Array, source string) (Dataset, error) {
	if images.DType() != Uint8 || len(images.Shape) != 3 {
		return Dataset{}, fmt.Errorf("%s: %w: images are %s, want uint8[N rows cols]", imgName, ErrShape, images)
	}
	if labels.DType() != Uint8 || len(labels.Shape) != 1 {
		return Dataset{}, fmt.Errorf("%s: %w: labels are %s, want uint8[N]", lblName, ErrShape, labels)
	}
	if images.Len() != labels.Len() {
		return Dataset{}, fmt.Errorf("%w: %s has %d images (shape %v) but %s has %d labels (shape %v)",
			ErrShape, imgName, images.Len(), images.Shape, lblName, labels.Len(), labels.Shape)
	}
	x := &Array{Shape: images.Shape, Data: unitFloat32(images.Data.([]uint8))}
	y, err := labels.Convert(Int64)
	if err != nil {
		return Dataset{}, fmt.Errorf("%s: %w", lblName, err)
	}
	return Dataset{Inputs: []Named{{Name: InputName, Array: x}}, Targets: y, Source: source}, nil
}

// unitFloat32 returns float32(v / 255.0) for each byte: the same bits as
// NumPy's uint8_array / 255.0 cast to float32.
func unitFloat32(b []uint8) []float32 {
	var table [256]float32
	for i := range table {
		table[i] = float32(float64(i) / 255.0)
	}
	out := make([]float32, len(b))
	for i, v := range b {
		out[i] = table[v]
	}
	return out
}

// LoadMNISTNPZ loads a split ("train" or "test") of MNIST from Keras' own
// mnist.npz (the file keras.datasets.mnist.load_data caches): arrays x_train,
// y_train, x_test, y_test, all uint8. The result is the same as LoadMNIST's.
func LoadMNISTNPZ(path, split string) (Dataset, error) {
	if _, err := mnistPrefix(split); err != nil {
		return Dataset{}, fmt.Errorf("load mnist npz %s: %w", path, err)
	}
	arrays, err := LoadNPZArrays(path)
	if err != nil {
		return Dataset{}, err
	}
	xKey, yKey := "x_"+split, "y_"+split
	x, y := lookup(arrays, xKey), lookup(arrays, yKey)
	if x == nil || y == nil {
		return Dataset{}, fmt.Errorf("load mnist npz %s: %w: want arrays %s and %s, have %s",
			path, ErrNotFound, xKey, yKey, names(arrays))
	}
	return imageDataset(path+" "+xKey, x, path+" "+yKey, y, path+" "+split)
}

func lookup(arrays []Named, name string) *Array {
	for _, a := range arrays {
		if a.Name == name {
			return a.Array
		}
	}
	return nil
}

func names(arrays []Named) string {
	var s []string
	for _, a := range arrays {
		s = append(s, a.Name)
	}
	return strings.Join(s, ", ")
}
