package dataset

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadNPYFixtures(t *testing.T) {
	seq := func(n int) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(i)
		}
		return out
	}
	fortran := make([]float32, 24) // np.arange(24).reshape(2, 3, 4), stored column-major
	for i := range fortran {
		fortran[i] = float32(i)
	}
	tests := []struct {
		file string
		want *Array
	}{
		{"lef4.npy", &Array{Shape: []int{2, 3}, Data: fixtureValues(Float32)}},
		{"lef8.npy", &Array{Shape: []int{2, 3}, Data: fixtureValues(Float64)}},
		{"bef8.npy", &Array{Shape: []int{2, 3}, Data: fixtureValues(Float64)}},
		{"lei8.npy", &Array{Shape: []int{2, 3}, Data: fixtureValues(Int64)}},
		{"lei4.npy", &Array{Shape: []int{2, 3}, Data: fixtureValues(Int32)}},
		{"bei4.npy", &Array{Shape: []int{2, 3}, Data: fixtureValues(Int32)}},
		{"lei2.npy", &Array{Shape: []int{2, 3}, Data: fixtureValues(Int16)}},
		{"i1.npy", &Array{Shape: []int{2, 3}, Data: fixtureValues(Int8)}},
		{"u1.npy", &Array{Shape: []int{2, 3}, Data: fixtureValues(Uint8)}},
		{"leu2.npy", &Array{Shape: []int{2, 3}, Data: fixtureValues(Uint16)}},
		{"beu2.npy", &Array{Shape: []int{2, 3}, Data: fixtureValues(Uint16)}},
		{"b1.npy", &Array{Shape: []int{2, 3}, Data: fixtureValues(Bool)}},
		{"unicode.npy", &Array{Shape: []int{3}, Data: []string{"a", "héllo", ""}}},
		{"bytes.npy", &Array{Shape: []int{2}, Data: []string{"ab", "c"}}},
		{"fortran.npy", &Array{Shape: []int{2, 3, 4}, Data: fortran}},
		{"scalar.npy", &Array{Shape: []int{}, Data: []float64{2.5}}},
		{"empty.npy", &Array{Shape: []int{0, 3}, Data: []float32{}}},
		{"v2.npy", &Array{Shape: []int{2, 3}, Data: seq(6)}},
		{"v3.npy", &Array{Shape: []int{2, 3}, Data: seq(6)}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := LoadNPY(filepath.Join("testdata", "npy", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !equalArray(got, tt.want) {
				t.Errorf("LoadNPY(%s) = %v %v, want %v %v", tt.file, got, got.Data, tt.want, tt.want.Data)
			}
		})
	}
}

func TestWriteNPYRoundTrip(t *testing.T) {
	arrays := []*Array{
		{Shape: []int{2, 3}, Data: fixtureValues(Float32)},
		{Shape: []int{2, 3}, Data: fixtureValues(Float64)},
		{Shape: []int{3, 2}, Data: fixtureValues(Int64)},
		{Shape: []int{6}, Data: fixtureValues(Int32)},
		{Shape: []int{1, 2, 3}, Data: fixtureValues(Int16)},
		{Shape: []int{2, 3}, Data: fixtureValues(Int8)},
		{Shape: []int{2, 3}, Data: fixtureValues(Uint8)},
		{Shape: []int{2, 3}, Data: fixtureValues(Uint16)},
		{Shape: []int{2, 3}, Data: fixtureValues(Bool)},
		{Shape: []int{3}, Data: []string{"a", "héllo", ""}},
		{Shape: []int{}, Data: []float64{2.5}},
		{Shape: []int{0, 4}, Data: []float32{}},
	}
	for _, a := range arrays {
		t.Run(a.String(), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteNPY(&buf, a); err != nil {
				t.Fatal(err)
			}
			b := buf.Bytes()
			hlen := int(binary.LittleEndian.Uint16(b[8:]))
			if (10+hlen)%64 != 0 || b[9+hlen] != '\n' {
				t.Errorf("WriteNPY(%v): data starts at %d, want a multiple of 64 after a newline", a, 10+hlen)
			}
			got, err := ReadNPY(&buf)
			if err != nil || !equalArray(got, a) {
				t.Errorf("ReadNPY(WriteNPY(%v)) = %v, %v, want %v", a.Data, got, err, a.Data)
			}
		})
	}
}

// TestWriteNPYMatchesNumPy compares WriteNPY's header and data with what
// numpy.save wrote for the same array (NumPy pads its header differently).
func TestWriteNPYMatchesNumPy(t *testing.T) {
	for _, file := range []string{"x.npy", "lei8.npy", "u1.npy", "b1.npy", "scalar.npy", "unicode.npy"} {
		t.Run(file, func(t *testing.T) {
			fixture := readFixture(t, "npy", file)
			a, err := ReadNPY(bytes.NewReader(fixture))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := WriteNPY(&buf, a); err != nil {
				t.Fatal(err)
			}
			split := func(b []byte) (string, []byte) {
				n := int(binary.LittleEndian.Uint16(b[8:]))
				return strings.TrimSpace(string(b[10 : 10+n])), b[10+n:]
			}
			gotHdr, gotData := split(buf.Bytes())
			wantHdr, wantData := split(fixture)
			if gotHdr != wantHdr || !bytes.Equal(gotData, wantData) {
				t.Errorf("WriteNPY(%s) header %q, want NumPy's %q (data equal: %v)", file, gotHdr, wantHdr, bytes.Equal(gotData, wantData))
			}
		})
	}
}

// npyWith returns an NPY v1.0 file with the given header dict and data.
func npyWith(dict string, data []byte) []byte {
	h := dict + "\n"
	b := append([]byte(npyMagic), 1, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(h)))
	return append(append(b, h...), data...)
}

func TestReadNPYErrors(t *testing.T) {
	hdr := func(descr, fortran, shape string) string {
		return fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, fortran, shape)
	}
	six := make([]byte, 6*4)
	tests := []struct {
		name      string
		in        []byte
		err       error
		fragments []string
	}{
		{"empty", nil, ErrFormat, []string{"magic is truncated"}},
		{"bad magic", []byte("\x93NUMPZ\x01\x00\x00\x00"), ErrFormat, []string{"magic"}},
		{"version", []byte("\x93NUMPY\x04\x00\x00\x00"), ErrFormat, []string{"version 4.0"}},
		{"truncated header", npyWith(hdr("<f4", "False", "(6,)"), nil)[:20], ErrFormat, []string{"header is truncated"}},
		{"not a dict", npyWith("[1, 2]", nil), ErrFormat, []string{"not a dict"}},
		{"garbage", npyWith("{'descr': <f4}", nil), ErrFormat, []string{"unexpected"}},
		{"missing key", npyWith("{'descr': '<f4', 'shape': (1,)}", nil), ErrFormat, []string{`no "fortran_order"`}},
		{"extra key", npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", nil), ErrFormat, []string{"keys other than"}},
		{"object dtype", npyWith(hdr("|O", "False", "(6,)"), six), ErrDType, []string{"object arrays"}},
		{"float16", npyWith(hdr("<f2", "False", "(6,)"), six), ErrDType, []string{`"<f2"`}},
		{"uint32", npyWith(hdr("<u4", "False", "(6,)"), six), ErrDType, []string{`"<u4"`}},
		{"complex", npyWith(hdr("<c8", "False", "(3,)"), six), ErrDType, []string{`"<c8"`}},
		{"structured", npyWith("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }", six), ErrDType, []string{"structured"}},
		{"shape list", npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': [6], }", six), ErrFormat, []string{"shape is not a tuple"}},
		{"fortran flag", npyWith(hdr("<f4", "1", "(6,)"), six), ErrFormat, []string{"fortran_order is not True or False"}},
		{"truncated data", npyWith(hdr("<f4", "False", "(2, 3)"), six[:23]), ErrFormat, []string{"data of shape [2 3] is truncated: want 24 bytes, got 23"}},
		{"trailing data", npyWith(hdr("<f4", "False", "(2, 3)"), append(six, 0)), ErrFormat, []string{"trailing data"}},
		{"huge shape", npyWith(hdr("<f8", "False", "(2147483647, 2147483647, 2147483647)"), nil), ErrFormat, []string{"too large"}},
		{"bool value", npyWith(hdr("|b1", "False", "(2,)"), []byte{1, 2}), ErrFormat, []string{"bool element 1 is 2"}},
		{"non-ascii v1", npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'é': 1}", nil), ErrFormat, []string{"not ASCII"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadNPY(bytes.NewReader(tt.in))
			wantErr(t, "ReadNPY", err, tt.err, tt.fragments...)
		})
	}
}

func TestLoadNPYChecksFileSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "short.npy")
	b := npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }", make([]byte, 8))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadNPY(path)
	wantErr(t, "LoadNPY(short.npy)", err, ErrFormat, path, "needs 8000000000 bytes", "have 8")
}

func TestWriteNPYErrors(t *testing.T) {
	err := WriteNPY(&bytes.Buffer{}, &Array{Shape: []int{2}, Data: []float32{1}})
	wantErr(t, "WriteNPY(malformed)", err, ErrShape)
	err = WriteNPY(&bytes.Buffer{}, &Array{Shape: []int{1}, Data: []string{"a\x00b"}})
	wantErr(t, "WriteNPY(NUL)", err, ErrRange, "U+0000")
}

func TestSaveNPYIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.npy")
	want := &Array{Shape: []int{2}, Data: []float32{1, 2}}
	if err := SaveNPY(path, want); err != nil {
		t.Fatal(err)
	}
	if err := SaveNPY(path, &Array{Shape: []int{3}, Data: []float32{1}}); err == nil {
		t.Fatal("SaveNPY(malformed) = nil error")
	}
	got, err := LoadNPY(path)
	if err != nil || !equalArray(got, want) {
		t.Errorf("after a failed SaveNPY, LoadNPY = %v, %v, want the first array kept", got, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("SaveNPY left %d files in the directory, want 1", len(entries))
	}
}

func FuzzReadNPY(f *testing.F) {
	for _, p := range fixtures(f, "npy", ".npy") {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ReadNPY(bytes.NewReader(b))
		if err != nil {
			return
		}
		if err := a.Check(); err != nil {
			t.Fatalf("ReadNPY returned a malformed array: %v", err)
		}
		var buf bytes.Buffer
		if err := WriteNPY(&buf, a); err != nil {
			if s, ok := a.Data.([]string); ok && strings.ContainsRune(strings.Join(s, ""), 0) {
				return // a byte string may hold NUL, which U strings cannot
			}
			t.Fatalf("WriteNPY(ReadNPY(b)) = %v", err)
		}
		back, err := ReadNPY(&buf)
		if err != nil || !reflect.DeepEqual(back.Shape, a.Shape) || back.DType() != a.DType() {
			t.Fatalf("ReadNPY(WriteNPY(a)) = %v, %v, want %v", back, err, a)
		}
	})
}
