package dataset

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// fixtureValues returns the (2, 3) array make_fixtures.py's values() writes
// for a dtype.
func fixtureValues(dtype string) any {
	switch dtype {
	case Float32:
		return []float32{0.5, -1.25, 3, 1e-3, float32(math.Copysign(0, -1)), 255}
	case Float64:
		return []float64{0.5, -1.25, 3, 1e-3, math.Copysign(0, -1), 255}
	case Uint8:
		return []uint8{0, 1, 2, 100, 200, math.MaxUint8}
	case Uint16:
		return []uint16{0, 1, 2, 100, 200, math.MaxUint16}
	case Int8:
		return []int8{math.MinInt8, -1, 0, 1, 2, math.MaxInt8}
	case Int16:
		return []int16{math.MinInt16, -1, 0, 1, 2, math.MaxInt16}
	case Int32:
		return []int32{math.MinInt32, -1, 0, 1, 2, math.MaxInt32}
	case Int64:
		return []int64{math.MinInt64, -1, 0, 1, 2, math.MaxInt64}
	case Bool:
		return []bool{true, false, true, false, false, true}
	}
	return nil
}

func TestReadIDXFixtures(t *testing.T) {
	for _, dt := range []string{Uint8, Int8, Int16, Int32, Float32, Float64} {
		t.Run(dt, func(t *testing.T) {
			a, err := LoadIDX(filepath.Join("testdata", "idx", dt+".idx"))
			if err != nil {
				t.Fatal(err)
			}
			want := &Array{Shape: []int{2, 3}, Data: fixtureValues(dt)}
			if !equalArray(a, want) {
				t.Errorf("LoadIDX(%s.idx) = %v %v, want %v %v", dt, a, a.Data, want, want.Data)
			}
		})
	}
}

func TestWriteIDXRoundTrip(t *testing.T) {
	for _, dt := range []string{Uint8, Int8, Int16, Int32, Float32, Float64} {
		t.Run(dt, func(t *testing.T) {
			want := &Array{Shape: []int{2, 3}, Data: fixtureValues(dt)}
			var buf bytes.Buffer
			if err := WriteIDX(&buf, want); err != nil {
				t.Fatal(err)
			}
			if fixture := readFixture(t, "idx", dt+".idx"); !bytes.Equal(buf.Bytes(), fixture) {
				t.Errorf("WriteIDX(%s) = % x, want the fixture's % x", dt, buf.Bytes(), fixture)
			}
			got, err := ReadIDX(&buf)
			if err != nil || !equalArray(got, want) {
				t.Errorf("ReadIDX(WriteIDX(%v)) = %v, %v", want.Data, got, err)
			}
		})
	}
	err := WriteIDX(&bytes.Buffer{}, &Array{Shape: []int{1}, Data: []int64{1}})
	wantErr(t, "WriteIDX(int64)", err, ErrDType, "int64")
}

func gzipped(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadIDXErrors(t *testing.T) {
	good := readFixture(t, "idx", "int16.idx") // 00 00 0b 02, dims 2 3, 12 bytes
	tests := []struct {
		name      string
		in        []byte
		err       error
		fragments []string
	}{
		{"empty", nil, ErrFormat, []string{"header is truncated"}},
		{"bad magic", append([]byte{0x12, 0x34}, good[2:]...), ErrFormat, []string{"magic 12 34 0b 02"}},
		{"unsupported dtype", append([]byte{0, 0, 0x0a}, good[3:]...), ErrDType, []string{"type code 0x0a"}},
		{"truncated dims", good[:9], ErrFormat, []string{"2 dimensions are truncated"}},
		{"truncated data", good[:len(good)-1], ErrFormat, []string{"int16[2 3] data is truncated: want 12 bytes, got 11"}},
		{"trailing data", append(append([]byte{}, good...), 0), ErrFormat, []string{"int16[2 3] data has trailing data"}},
		{"wrong dims", append([]byte{0, 0, 0x0b, 2, 0, 0, 0, 3, 0, 0, 0, 3}, good[12:]...), ErrFormat, []string{"want 18 bytes, got 12"}},
		{"huge dims", []byte{0, 0, 0x08, 3, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff}, ErrFormat, []string{"too large"}},
		{"gzip truncated", gzipped(t, good)[:20], nil, []string{"idx"}},
		{"gzip bad header", []byte{0x1f, 0x8b, 0, 0}, ErrFormat, []string{"gzip"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadIDX(bytes.NewReader(tt.in))
			wantErr(t, "ReadIDX", err, tt.err, tt.fragments...)
		})
	}
}

func TestReadIDXGzip(t *testing.T) {
	want := &Array{Shape: []int{2, 3}, Data: fixtureValues(Float64)}
	got, err := ReadIDX(bytes.NewReader(gzipped(t, readFixture(t, "idx", "float64.idx"))))
	if err != nil || !equalArray(got, want) {
		t.Errorf("ReadIDX(gzip(float64.idx)) = %v, %v, want %v", got, err, want.Data)
	}
}

func TestLoadIDXNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.idx")
	if err := os.WriteFile(path, []byte{1, 2, 3, 4}, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadIDX(path)
	wantErr(t, "LoadIDX(bad.idx)", err, ErrFormat, path, "magic")
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != path {
		t.Errorf("LoadIDX(bad.idx) = %v, want an *fs.PathError for %s", err, path)
	}
	_, err = LoadIDX(filepath.Join(t.TempDir(), "missing.idx"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadIDX(missing.idx) = %v, want fs.ErrNotExist", err)
	}
}

func FuzzReadIDX(f *testing.F) {
	for _, p := range fixtures(f, "idx", ".idx") {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add(readFixture(f, "mnist", "t10k-labels-idx1-ubyte.gz"))
	f.Add(readFixture(f, "mnist", "train-labels-idx1-ubyte"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ReadIDX(bytes.NewReader(b))
		if err != nil {
			return
		}
		if err := a.Check(); err != nil {
			t.Fatalf("ReadIDX returned a malformed array: %v", err)
		}
		var buf bytes.Buffer
		if err := WriteIDX(&buf, a); err != nil {
			t.Fatalf("WriteIDX(ReadIDX(b)) = %v", err)
		}
		back, err := ReadIDX(&buf)
		if err != nil || !reflect.DeepEqual(back.Shape, a.Shape) || back.DType() != a.DType() {
			t.Fatalf("ReadIDX(WriteIDX(a)) = %v, %v, want %v", back, err, a)
		}
	})
}
