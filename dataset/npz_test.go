package dataset

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestReadNPZ(t *testing.T) {
	arrays, err := LoadNPZArrays(filepath.Join("testdata", "npz", "mnist_compressed.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(arrays), "x_train, y_train, x_test, y_test"; got != want {
		t.Errorf("LoadNPZArrays(mnist_compressed.npz) names = %s, want %s", got, want)
	}
	if x := lookup(arrays, "x_test"); !equalArray(x, &Array{Shape: []int{4, 28, 28}, Data: fixtureImages(4)}) {
		t.Errorf("x_test = %v, want the fixture images", x)
	}
}

func TestLoadNPZPair(t *testing.T) {
	ds, err := LoadNPZ(filepath.Join("testdata", "npz", "pair.npz"), "features", "labels")
	if err != nil {
		t.Fatal(err)
	}
	x := ds.Input(InputName)
	if x.DType() != Float32 || !reflect.DeepEqual(x.Shape, []int{5, 3}) || ds.Targets.DType() != Int64 || ds.Targets.Len() != 5 {
		t.Errorf("LoadNPZ(pair.npz) = x %v, y %v, want float32[5 3], int64[5]", x, ds.Targets)
	}
	ds, err = LoadNPZ(filepath.Join("testdata", "npz", "pair.npz"), "features", "")
	if err != nil || ds.Targets != nil {
		t.Errorf("LoadNPZ(pair.npz, no targets) = %v, %v, want no targets", ds.Targets, err)
	}
	_, err = LoadNPZ(filepath.Join("testdata", "npz", "pair.npz"), "features", "y")
	wantErr(t, "LoadNPZ(pair.npz, y)", err, ErrNotFound, `no array "y"`, "features, labels")
}

func TestLoadNPYPair(t *testing.T) {
	dir := filepath.Join("testdata", "npy")
	ds, err := LoadNPYPair(filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 5 || ds.Targets.DType() != Int64 {
		t.Errorf("LoadNPYPair(x, y) = %d samples, targets %v", ds.Len(), ds.Targets)
	}
	_, err = LoadNPYPair(filepath.Join(dir, "x.npy"), filepath.Join(dir, "y4.npy"))
	wantErr(t, "LoadNPYPair(x, y4)", err, ErrShape, "x.npy and", "y4.npy", "targets has 4 samples", `input "x" has 5`)
}

// zipOf builds a zip archive with the given entries, stored.
func zipOf(tb testing.TB, entries ...[2]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e[0], Method: zip.Store})
		if err != nil {
			tb.Fatal(err)
		}
		w.Write([]byte(e[1]))
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadNPZErrors(t *testing.T) {
	npy := string(readFixture(t, "npy", "u1.npy"))
	tests := []struct {
		name      string
		in        []byte
		err       error
		fragments []string
	}{
		{"not a zip", []byte("hello"), ErrFormat, []string{"npz"}},
		{"not npy", zipOf(t, [2]string{"a.txt", "x"}), ErrFormat, []string{`entry "a.txt" is not a .npy file`}},
		{"twice", zipOf(t, [2]string{"a.npy", npy}, [2]string{"a.npy", npy}), ErrFormat, []string{`"a.npy" appears twice`}},
		{"bad npy", zipOf(t, [2]string{"a.npy", npy[:len(npy)-1]}), ErrFormat, []string{"array a", "needs 6 bytes", "have 5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadNPZ(bytes.NewReader(tt.in), int64(len(tt.in)))
			wantErr(t, "ReadNPZ", err, tt.err, tt.fragments...)
		})
	}
}

func TestWriteNPZRoundTrip(t *testing.T) {
	arrays := []Named{
		{Name: "x", Array: &Array{Shape: []int{2, 3}, Data: fixtureValues(Float32)}},
		{Name: "y", Array: &Array{Shape: []int{2}, Data: []int64{1, 0}}},
		{Name: "names", Array: &Array{Shape: []int{2}, Data: []string{"a", "b"}}},
	}
	for _, compress := range []bool{false, true} {
		var buf bytes.Buffer
		if err := WriteNPZ(&buf, arrays, compress); err != nil {
			t.Fatal(err)
		}
		got, err := ReadNPZ(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(arrays) {
			t.Fatalf("ReadNPZ(WriteNPZ(compress=%v)) has %d arrays, want %d", compress, len(got), len(arrays))
		}
		for i := range got {
			if got[i].Name != arrays[i].Name || !equalArray(got[i].Array, arrays[i].Array) {
				t.Errorf("array %d = %s %v, want %s %v", i, got[i].Name, got[i].Array, arrays[i].Name, arrays[i].Array)
			}
		}
	}
	err := WriteNPZ(&bytes.Buffer{}, []Named{arrays[0], arrays[0]}, false)
	wantErr(t, "WriteNPZ(twice)", err, ErrShape, `"x"`)

	path := filepath.Join(t.TempDir(), "out.npz")
	if err := SaveNPZ(path, arrays, true); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadNPZArrays(path); err != nil {
		t.Errorf("LoadNPZArrays(SaveNPZ output) = %v", err)
	}
}

func FuzzReadNPZ(f *testing.F) {
	for _, p := range fixtures(f, "npz", ".npz") {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		arrays, err := ReadNPZ(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		for _, a := range arrays {
			if err := a.Check(); err != nil {
				t.Fatalf("ReadNPZ returned a malformed array %s: %v", a.Name, err)
			}
		}
	})
}
