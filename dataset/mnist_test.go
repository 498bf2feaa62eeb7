package dataset

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// checkMNISTFixture checks a dataset made from the MNIST-layout fixtures:
// n images with pixel[i, r, c] = (37*i + 28*r + c) % 256, labels (i+off)%10.
func checkMNISTFixture(tb testing.TB, ds Dataset, n, off int) {
	tb.Helper()
	if err := ds.Validate(); err != nil {
		tb.Fatal(err)
	}
	x := ds.Input(InputName)
	if x == nil || !reflect.DeepEqual(x.Shape, []int{n, 28, 28}) || x.DType() != Float32 {
		tb.Fatalf("input x = %v, want float32[%d 28 28]", x, n)
	}
	for i, p := range fixtureImages(n) {
		if got, want := x.Data.([]float32)[i], float32(float64(p)/255.0); got != want {
			tb.Fatalf("x element %d = %v, want %v", i, got, want)
		}
	}
	want := make([]int64, n)
	for i := range want {
		want[i] = int64((i + off) % 10)
	}
	if !equalArray(ds.Targets, &Array{Shape: []int{n}, Data: want}) {
		tb.Errorf("targets = %v %v, want int64[%d] %v", ds.Targets, ds.Targets.Data, n, want)
	}
}

func TestLoadMNIST(t *testing.T) {
	dir := filepath.Join("testdata", "mnist")
	train, err := LoadMNIST(dir, Train) // uncompressed files
	if err != nil {
		t.Fatal(err)
	}
	checkMNISTFixture(t, train, 5, 0)
	test, err := LoadMNIST(dir, Test) // .gz files
	if err != nil {
		t.Fatal(err)
	}
	checkMNISTFixture(t, test, 3, 3)
	if err := test.CheckLabels(MNISTClasses); err != nil {
		t.Errorf("CheckLabels(10) = %v", err)
	}
}

func TestLoadMNISTNPZ(t *testing.T) {
	for _, name := range []string{"mnist.npz", "mnist_compressed.npz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", "npz", name)
			train, err := LoadMNISTNPZ(path, Train)
			if err != nil {
				t.Fatal(err)
			}
			checkMNISTFixture(t, train, 6, 0)
			test, err := LoadMNISTNPZ(path, Test)
			if err != nil {
				t.Fatal(err)
			}
			checkMNISTFixture(t, test, 4, 3)
		})
	}
	_, err := LoadMNISTNPZ(filepath.Join("testdata", "npz", "pair.npz"), Train)
	wantErr(t, "LoadMNISTNPZ(pair.npz)", err, ErrNotFound, "x_train", "features, labels")
}

// mnistDir writes IDX image and label arrays as an MNIST-layout train split.
func mnistDir(tb testing.TB, images, labels *Array) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, a := range map[string]*Array{"train-images-idx3-ubyte": images, "train-labels-idx1-ubyte": labels} {
		var buf bytes.Buffer
		if err := WriteIDX(&buf, a); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

func TestLoadMNISTErrors(t *testing.T) {
	img := func(n int) *Array { return &Array{Shape: []int{n, 28, 28}, Data: make([]uint8, n*784)} }
	lbl := func(n int) *Array { return &Array{Shape: []int{n}, Data: make([]uint8, n)} }
	tests := []struct {
		name      string
		images    *Array
		labels    *Array
		err       error
		fragments []string
	}{
		{"label count", img(3), lbl(2), ErrShape, []string{"train-images-idx3-ubyte has 3 images (shape [3 28 28])", "train-labels-idx1-ubyte has 2 labels (shape [2])"}},
		{"image rank", &Array{Shape: []int{3, 784}, Data: make([]uint8, 3*784)}, lbl(3), ErrShape, []string{"images are uint8[3 784], want uint8[N rows cols]"}},
		{"label rank", img(2), &Array{Shape: []int{2, 1}, Data: make([]uint8, 2)}, ErrShape, []string{"labels are uint8[2 1]"}},
		{"image dtype", &Array{Shape: []int{1, 28, 28}, Data: make([]float32, 784)}, lbl(1), ErrShape, []string{"images are float32[1 28 28]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadMNIST(mnistDir(t, tt.images, tt.labels), Train)
			wantErr(t, "LoadMNIST", err, tt.err, tt.fragments...)
		})
	}
	_, err := LoadMNIST(t.TempDir(), Train)
	wantErr(t, "LoadMNIST(empty dir)", err, ErrNotFound, "train-images-idx3-ubyte")
	_, err = LoadMNIST(filepath.Join("testdata", "mnist"), "validation")
	wantErr(t, "LoadMNIST(validation)", err, ErrNotFound, `split "validation"`)

	dir := mnistDir(t, img(2), lbl(2))
	os.WriteFile(filepath.Join(dir, "train-labels-idx1-ubyte"), []byte{0, 0, 8, 1, 0, 0, 0, 2, 1}, 0o644)
	_, err = LoadMNIST(dir, Train)
	wantErr(t, "LoadMNIST(truncated labels)", err, ErrFormat, "train-labels-idx1-ubyte", "truncated")
}

func TestOpen(t *testing.T) {
	ds, err := Open(filepath.Join("testdata", "mnist"), Test)
	if err != nil {
		t.Fatal(err)
	}
	checkMNISTFixture(t, ds, 3, 3)
	ds, err = Open(filepath.Join("testdata", "npz", "mnist.npz"), Train)
	if err != nil {
		t.Fatal(err)
	}
	checkMNISTFixture(t, ds, 6, 0)

	t.Setenv(DataDirEnv, "testdata")
	ds, err = Open("mnist", Train) // testdata/mnist
	if err != nil {
		t.Fatal(err)
	}
	checkMNISTFixture(t, ds, 5, 0)

	_, err = Open("no-such-dataset", Train)
	wantErr(t, "Open(no-such-dataset)", err, ErrNotFound, "want mnist, fashion-mnist, autompg")
	_, err = Open(filepath.Join("testdata", "table", "cars.csv"), Train)
	wantErr(t, "Open(cars.csv)", err, ErrFormat, "cars.csv")
	_, err = Open("mnist", "all")
	wantErr(t, "Open(mnist, all)", err, ErrNotFound, `split "all"`)
}

func TestDataDir(t *testing.T) {
	t.Setenv(DataDirEnv, "/some/where")
	if got, err := DataDir(); got != "/some/where" || err != nil {
		t.Errorf("DataDir() with %s set = %q, %v, want /some/where", DataDirEnv, got, err)
	}
	t.Setenv(DataDirEnv, "")
	root := t.TempDir()
	sub := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(filepath.Join(root, ".cache", "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(sub, 0o755)
	t.Chdir(sub)
	got, err := DataDir()
	if want := filepath.Join(root, ".cache", "data"); err != nil || got != want {
		t.Errorf("DataDir() in %s = %q, %v, want %q", sub, got, err, want)
	}
}
