//go:build cgo

package hdf5

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// fixture returns the path of a file made by h5convert/testdata/gen_fixtures.py.
func fixture(name string) string {
	return filepath.Join("..", "..", "testdata", name)
}

func openFixture(tb testing.TB, name string) *File {
	tb.Helper()
	f, err := Open(fixture(name))
	if err != nil {
		tb.Fatalf("Open(%s) = %v", name, err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

func objectsByPath(tb testing.TB, f *File) map[string]*Object {
	tb.Helper()
	objs, err := f.Objects()
	if err != nil {
		tb.Fatalf("Objects() = %v", err)
	}
	m := map[string]*Object{}
	for _, o := range objs {
		m[o.Path] = o
	}
	return m
}

func attr(o *Object, name string) *Attribute {
	for i := range o.Attrs {
		if o.Attrs[i].Name == name {
			return &o.Attrs[i]
		}
	}
	return nil
}

func TestOpenErrors(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.h5")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		path     string
		is       error  // errors.Is target, or nil
		contains string // in the message
	}{
		{"not hdf5", fixture("not_hdf5.h5"), ErrNotHDF5, "not_hdf5.h5: not an HDF5 file"},
		{"empty file", empty, ErrNotHDF5, "not an HDF5 file"},
		{"missing", fixture("no-such-file.h5"), fs.ErrNotExist, "no-such-file.h5"},
		{"truncated", fixture("truncated.h5"), nil, "truncated file"},
		{"directory", t.TempDir(), nil, "hdf5: open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Open(tt.path)
			if err == nil {
				f.Close()
				t.Fatalf("Open(%s) = nil error, want one", tt.path)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Open(%s) = %v, want errors.Is %v", tt.path, err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("Open(%s) = %q, want it to contain %q", tt.path, err, tt.contains)
			}
			if strings.Contains(err.Error(), "-1") {
				t.Errorf("Open(%s) = %q, mentions a bare C return code", tt.path, err)
			}
		})
	}
}

func TestTruncatedErrorStack(t *testing.T) {
	_, err := Open(fixture("truncated.h5"))
	var he *Error
	if !errors.As(err, &he) {
		t.Fatalf("Open(truncated.h5) = %T %v, want *Error", err, err)
	}
	if len(he.Stack) < 2 {
		t.Fatalf("Open(truncated.h5).Stack = %v, want the HDF5 error stack", he.Stack)
	}
	if he.Stack[0].Func != "H5Fopen" {
		t.Errorf("Stack[0].Func = %q, want H5Fopen (outermost first)", he.Stack[0].Func)
	}
}

// TestNoAutomaticPrinting checks that libhdf5 prints nothing on stderr when
// a call fails: its error stack goes into the Go error instead.
func TestNoAutomaticPrinting(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved, err := syscall.Dup(2)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Dup2(int(w.Fd()), 2); err != nil {
		t.Fatal(err)
	}
	_, openErr := Open(fixture("truncated.h5"))
	f := openFixture(t, "types.h5")
	_, readErr := f.ReadDataset("/num") // a group, not a dataset
	syscall.Dup2(saved, 2)
	syscall.Close(saved)
	w.Close()
	buf := make([]byte, 4096)
	n, _ := r.Read(buf)
	r.Close()
	if openErr == nil || readErr == nil {
		t.Fatalf("Open(truncated) = %v, ReadDataset(/num) = %v; want two errors", openErr, readErr)
	}
	if n != 0 {
		t.Errorf("libhdf5 printed %q on stderr, want nothing", buf[:n])
	}
	if !strings.Contains(readErr.Error(), "H5Dopen2") {
		t.Errorf("ReadDataset(/num) = %q, want the H5Dopen2 record of the stack", readErr)
	}
}

func TestReadNumericTypes(t *testing.T) {
	f := openFixture(t, "types.h5")
	tests := []struct {
		path  string
		dtype string
		shape []int64
		want  any
	}{
		{"/num/f2", "float16", []int64{2, 3}, []float32{0, 1, 2, 3, 4, 5}},
		{"/num/f4", "float32", []int64{2, 3}, []float32{0, 1, 2, 3, 4, 5}},
		{"/num/f8", "float64", []int64{2, 3}, []float64{0, 1, 2, 3, 4, 5}},
		{"/num/be_f8", "float64be", []int64{2, 3}, []float64{0, 1, 2, 3, 4, 5}},
		{"/num/i1", "int8", []int64{2, 3}, []int8{0, 1, 2, 3, 4, 5}},
		{"/num/i2", "int16", []int64{2, 3}, []int16{0, 1, 2, 3, 4, 5}},
		{"/num/i4", "int32", []int64{2, 3}, []int32{0, 1, 2, 3, 4, 5}},
		{"/num/be_i4", "int32be", []int64{2, 3}, []int32{0, 1, 2, 3, 4, 5}},
		{"/num/i8", "int64", []int64{2, 3}, []int64{0, 1, 2, 3, 4, 5}},
		{"/num/u1", "uint8", []int64{2, 3}, []uint8{0, 1, 2, 3, 4, 5}},
		{"/num/u2", "uint16", []int64{2, 3}, []uint16{0, 1, 2, 3, 4, 5}},
		{"/num/u4", "uint32", []int64{2, 3}, []uint32{0, 1, 2, 3, 4, 5}},
		{"/num/u8", "uint64", []int64{2, 3}, []uint64{0, 1, 2, 3, 4, 5}},
		{"/num/scalar", "float64", []int64{}, []float64{2.5}},
		{"/num/empty", "float32", []int64{0, 3}, []float32{}},
		{"/num/chunked", "float32", []int64{3, 4}, []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{"/str/vlen", "string", []int64{3}, []string{"alpha", "béta", ""}},
		{"/str/fixed", "string[4]", []int64{3}, []string{"ab", "cde", ""}},
		{"/links/hard", "float32", []int64{2, 3}, []float32{0, 1, 2, 3, 4, 5}},
		{"/links/soft", "float64", []int64{2, 3}, []float64{0, 1, 2, 3, 4, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			a, err := f.ReadDataset(tt.path)
			if err != nil {
				t.Fatalf("ReadDataset(%s) = %v", tt.path, err)
			}
			if got := a.Type.String(); got != tt.dtype {
				t.Errorf("ReadDataset(%s).Type = %s, want %s", tt.path, got, tt.dtype)
			}
			if !reflect.DeepEqual(a.Shape, tt.shape) {
				t.Errorf("ReadDataset(%s).Shape = %v, want %v", tt.path, a.Shape, tt.shape)
			}
			if !reflect.DeepEqual(a.Data, tt.want) {
				t.Errorf("ReadDataset(%s).Data = %#v, want %#v", tt.path, a.Data, tt.want)
			}
		})
	}
	a, err := f.ReadDataset("/num/cube")
	if err != nil {
		t.Fatal(err)
	}
	if d := a.Data.([]float64); len(d) != 24 || d[23] != 23 || !reflect.DeepEqual(a.Shape, []int64{2, 3, 4}) {
		t.Errorf("ReadDataset(/num/cube) = %v %v, want 0..23 in [2 3 4]", a.Shape, a.Data)
	}
}

func TestReadErrors(t *testing.T) {
	f := openFixture(t, "types.h5")
	tests := []struct {
		path     string
		is       error
		contains string
	}{
		{"/num/missing", ErrNotFound, "types.h5:/num/missing: no such object"},
		{"/nope/deeper", ErrNotFound, "no such object"},
		{"/other/compound", nil, "unsupported datatype: compound"},
		{"/other/enum", nil, "unsupported datatype: enum"},
		{"/num", nil, "H5Dopen2"},
		{"num/f4", nil, "not absolute"},
		{"/num//f4", nil, "not absolute and clean"},
		{"/links/external", nil, "/links/external is an external or user-defined link, which is not followed"},
		{"/links/external/x", nil, "which is not followed"},
		{"/links/dangling/x", ErrNotFound, "no such object"},
		{"/links/dangling", nil, "H5Dopen2"},
		{"/num/huge", nil, "1099511627776 elements of float64 are more than this package reads"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := f.ReadDataset(tt.path)
			if err == nil {
				t.Fatalf("ReadDataset(%s) = nil error", tt.path)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("ReadDataset(%s) = %v, want errors.Is %v", tt.path, err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("ReadDataset(%s) = %q, want %q in it", tt.path, err, tt.contains)
			}
		})
	}
}

func TestObjectsAndAttributes(t *testing.T) {
	f := openFixture(t, "types.h5")
	m := objectsByPath(t, f)
	root := m["/"]
	if root == nil || root.Kind != KindGroup {
		t.Fatalf("Objects()[/] = %+v, want the root group", root)
	}
	attrTests := []struct {
		name  string
		dtype string
		shape []int64
		value any
	}{
		{"vlen_scalar", "string", []int64{}, []string{"héllo"}},
		{"vlen_array", "string", []int64{2}, []string{"dense", "dense_1"}},
		{"fixed_scalar", "string[5]", []int64{}, []string{"fixed"}},
		{"fixed_array", "string[19]", []int64{2}, []string{"dense", "batch_normalization"}},
		{"float_scalar", "float64", []int64{}, []float64{0.25}},
		{"int_array", "int64", []int64{3}, []int64{1, -2, 3}},
		{"empty_array", "float64", []int64{0}, []float64{}},
	}
	for _, tt := range attrTests {
		a := attr(root, tt.name)
		if a == nil {
			t.Errorf("root attribute %s missing", tt.name)
			continue
		}
		if a.Type.String() != tt.dtype || !reflect.DeepEqual(a.Shape, tt.shape) || !reflect.DeepEqual(a.Value, tt.value) {
			t.Errorf("attribute %s = %s %v %#v, want %s %v %#v", tt.name, a.Type, a.Shape, a.Value, tt.dtype, tt.shape, tt.value)
		}
	}
	if a := attr(root, "compound"); a == nil || a.Value != nil || a.Unreadable == "" {
		t.Errorf("attribute compound = %+v, want listed as unreadable", a)
	}
	kinds := map[string]Kind{
		"/num": KindGroup, "/num/f8": KindDataset, "/links/soft": KindSoftLink,
		"/links/external": KindExternalLink, "/links/hard": KindDataset, "/links/loop": KindGroup,
		"/links/dangling": KindSoftLink,
	}
	for p, k := range kinds {
		if o := m[p]; o == nil || o.Kind != k {
			t.Errorf("Objects()[%s] = %+v, want kind %s", p, o, k)
		}
	}
	if o := m["/links/soft"]; o.Target != "/num/f8" {
		t.Errorf("soft link target = %q, want /num/f8", o.Target)
	}
	if o := m["/links/external"]; o.Target != "elsewhere.h5:/x" {
		t.Errorf("external link target = %q, want elsewhere.h5:/x", o.Target)
	}
	// /links/hard is a second name of /num/f4; /links/loop points back to
	// /links. Both are listed once, marked, and the loop is not followed.
	if o := m["/links/hard"]; o.SeenAt != "" && o.SeenAt != "/num/f4" {
		t.Errorf("/links/hard SeenAt = %q", o.SeenAt)
	}
	if m["/num/f4"].SeenAt == "" && m["/links/hard"].SeenAt == "" {
		t.Errorf("one of /num/f4 and /links/hard should be marked as seen before")
	}
	if o := m["/links/loop"]; o.SeenAt != "/links" {
		t.Errorf("/links/loop SeenAt = %q, want /links", o.SeenAt)
	}
	for p := range m {
		if strings.HasPrefix(p, "/links/loop/") {
			t.Errorf("Objects() descended into the loop: %s", p)
		}
	}
	if o := m["/num/cube"]; !reflect.DeepEqual(o.Shape, []int64{2, 3, 4}) || o.Type.String() != "float64" {
		t.Errorf("Objects()[/num/cube] = %v %s, want [2 3 4] float64", o.Shape, o.Type)
	}
}

func TestKerasLegacyAttributes(t *testing.T) {
	tests := []struct {
		file, obj, attr string
		want            []string
		dtype           string
	}{
		{"small_legacy_weights.h5", "/", "layer_names", []string{"dense", "dropout", "batch_normalization", "dense_1"}, "string"},
		{"small_legacy_weights.h5", "/dense", "weight_names", []string{"sequential/dense/kernel", "sequential/dense/bias"}, "string"},
		{"small_legacy.h5", "/model_weights", "layer_names", []string{"dense", "dropout", "batch_normalization", "dense_1"}, "string"},
		{"tfkeras2.h5", "/", "layer_names0", []string{"dense", "dropout"}, "string[7]"},
		{"tfkeras2.h5", "/", "layer_names1", []string{"batch_normalization", "dense_1"}, "string[19]"},
		{"tfkeras2.h5", "/dense", "weight_names", []string{"dense/kernel:0", "dense/bias:0"}, "string[14]"},
		{"small.weights.h5", "/layers/dense/vars", "name", []string{"dense"}, "string"},
	}
	for _, tt := range tests {
		t.Run(tt.file+tt.obj+"@"+tt.attr, func(t *testing.T) {
			f := openFixture(t, tt.file)
			o, err := f.Stat(tt.obj)
			if err != nil {
				t.Fatalf("Stat(%s) = %v", tt.obj, err)
			}
			a := attr(o, tt.attr)
			if a == nil {
				t.Fatalf("Stat(%s) has no attribute %s", tt.obj, tt.attr)
			}
			if !reflect.DeepEqual(a.Value, tt.want) || a.Type.String() != tt.dtype {
				t.Errorf("%s@%s = %s %#v, want %s %#v", tt.obj, tt.attr, a.Type, a.Value, tt.dtype, tt.want)
			}
		})
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "go.h5")
	w, err := Create(path)
	if err != nil {
		t.Fatalf("Create = %v", err)
	}
	datasets := []struct {
		path  string
		typ   Type
		shape []int64
		data  any
		want  any // read back, when it differs from data
		dtype string
	}{
		{"/Weights/Layer1", Type{}, []int64{3, 2}, []float64{1, 2, 3, 4, 5, 6}, nil, "float64"},
		{"/Weights/Layer2", Float32, []int64{2}, []float64{0.5, -1}, []float32{0.5, -1}, "float32"},
		{"/be/f8", Type{Class: ClassFloat, Size: 8, Order: BigEndian}, []int64{2}, []float64{1.5, -2.25}, nil, "float64be"},
		{"/ints/i8", Type{}, []int64{2, 2}, []int8{-1, 2, -3, 4}, nil, "int8"},
		{"/ints/u16", Type{}, []int64{1}, []uint16{65535}, nil, "uint16"},
		{"/ints/i32", Type{}, []int64{1}, []int32{-7}, nil, "int32"},
		{"/ints/i64", Type{}, []int64{1}, []int64{1 << 40}, nil, "int64"},
		{"/ints/u64", Type{}, []int64{1}, []uint64{1 << 63}, nil, "uint64"},
		{"/ints/u8", Type{}, []int64{}, []uint8{200}, nil, "uint8"},
		{"/ints/u32", Type{}, []int64{0}, []uint32{}, nil, "uint32"},
		{"/ints/i16", Type{}, []int64{1, 1, 1}, []int16{-300}, nil, "int16"},
		{"/f32", Type{}, []int64{2}, []float32{1, 2}, nil, "float32"},
		{"/strings/vlen", Type{}, []int64{2}, []string{"a", "ünïcode"}, nil, "string"},
		{"/strings/fixed", FixedString(8), []int64{2}, []string{"kernel", "bias"}, nil, "string[8]"},
	}
	for _, d := range datasets {
		if err := w.CreateDataset(d.path, d.typ, d.shape, d.data); err != nil {
			t.Fatalf("CreateDataset(%s) = %v", d.path, err)
		}
	}
	attrs := []struct {
		obj, name string
		typ       Type
		shape     []int64
		data      any
		dtype     string
	}{
		{"/", "layer_names", Type{}, []int64{2}, []string{"dense", "dense_1"}, "string"},
		{"/", "keras_version", FixedString(5), []int64{}, []string{"3.1.0"}, "string[5]"},
		{"/", "padded", Type{Class: ClassString, Size: 6, Pad: SpacePad}, []int64{1}, []string{"ab"}, "string[6]"},
		{"/", "nullterm", Type{Class: ClassString, Size: 6, Pad: NullTerm}, []int64{1}, []string{"abcde"}, "string[6]"},
		{"/Weights", "count", Type{}, []int64{}, []int64{3}, "int64"},
		{"/Weights/Layer1", "scale", Type{}, []int64{2}, []float64{0.5, 2}, "float64"},
		{"/Weights/Layer1", "scale", Type{}, []int64{1}, []float32{4}, "float32"}, // replaces the one above
	}
	for _, a := range attrs {
		if err := w.WriteAttribute(a.obj, a.name, a.typ, a.shape, a.data); err != nil {
			t.Fatalf("WriteAttribute(%s@%s) = %v", a.obj, a.name, err)
		}
	}
	if err := w.CreateGroup("/empty/group"); err != nil {
		t.Fatalf("CreateGroup = %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}

	r, err := Open(path)
	if err != nil {
		t.Fatalf("Open(written file) = %v", err)
	}
	defer r.Close()
	for _, d := range datasets {
		a, err := r.ReadDataset(d.path)
		if err != nil {
			t.Fatalf("ReadDataset(%s) = %v", d.path, err)
		}
		want := d.want
		if want == nil {
			want = d.data
		}
		if !reflect.DeepEqual(a.Data, want) || !reflect.DeepEqual(a.Shape, d.shape) || a.Type.String() != d.dtype {
			t.Errorf("ReadDataset(%s) = %s %v %#v, want %s %v %#v", d.path, a.Type, a.Shape, a.Data, d.dtype, d.shape, want)
		}
	}
	m := objectsByPath(t, r)
	for i, a := range attrs {
		if i == len(attrs)-2 {
			continue // replaced
		}
		got := attr(m[a.obj], a.name)
		if got == nil {
			t.Errorf("attribute %s@%s missing", a.obj, a.name)
			continue
		}
		if !reflect.DeepEqual(got.Value, a.data) || got.Type.String() != a.dtype || !reflect.DeepEqual(got.Shape, a.shape) {
			t.Errorf("attribute %s@%s = %s %v %#v, want %s %v %#v", a.obj, a.name, got.Type, got.Shape, got.Value, a.dtype, a.shape, a.data)
		}
	}
	if o := m["/empty/group"]; o == nil || o.Kind != KindGroup {
		t.Errorf("Objects()[/empty/group] = %+v, want a group", o)
	}
}

func TestWriteErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.h5")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.CreateDataset("/a/b", Type{}, []int64{2, 2}, []float64{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		call     func() error
		contains string
	}{
		{"exists", func() error { return w.CreateDataset("/a/b", Type{}, []int64{1}, []float64{1}) }, "object exists"},
		{"too few values", func() error { return w.CreateDataset("/c", Type{}, []int64{2, 3}, []float64{1}) }, "1 values for shape [2 3]"},
		{"bad Go type", func() error { return w.CreateDataset("/c", Type{}, []int64{1}, []bool{true}) }, "unsupported datatype: Go data of type []bool"},
		{"parent is a dataset", func() error { return w.CreateDataset("/a/b/c", Type{}, []int64{1}, []float64{1}) }, "/a/b exists and is not a group"},
		{"overwrite wrong shape", func() error { return w.WriteDataset("/a/b", []int64{4}, []float64{1, 2, 3, 4}) }, "shape [4] does not match the dataset's shape [2 2]"},
		{"overwrite missing", func() error { return w.WriteDataset("/a/x", []int64{1}, []float64{1}) }, "no such object"},
		{"string too long", func() error { return w.CreateDataset("/s", FixedString(2), []int64{1}, []string{"abc"}) }, `string "abc" does not fit a string[2]`},
		{"strings into floats", func() error { return w.CreateDataset("/s2", Float32, []int64{1}, []string{"abc"}) }, "string data for type float32"},
		{"attribute on missing object", func() error { return w.WriteAttribute("/zz", "n", Type{}, []int64{}, []int64{1}) }, "no such object"},
		{"float16 not writable", func() error {
			return w.CreateDataset("/h", Type{Class: ClassFloat, Size: 2}, []int64{1}, []float32{1})
		}, "unsupported datatype for writing: float16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil || !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("got %v, want an error containing %q", err, tt.contains)
			}
		})
	}
	// Overwriting in place keeps the dataset and converts the values.
	if err := w.WriteDataset("/a/b", []int64{2, 2}, []float32{9, 8, 7, 6}); err != nil {
		t.Fatalf("WriteDataset = %v", err)
	}
	a, err := w.ReadDataset("/a/b")
	if err != nil || !reflect.DeepEqual(a.Data, []float64{9, 8, 7, 6}) {
		t.Errorf("ReadDataset after WriteDataset = %v, %v; want float64 9 8 7 6", a, err)
	}
	if _, err := Create(path); err == nil || !strings.Contains(err.Error(), "hdf5: create") {
		t.Errorf("Create(existing) = %v, want an error", err)
	}
}

func TestReadOnlyAndClosed(t *testing.T) {
	f, err := Open(fixture("types.h5"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.WriteDataset("/num/f8", []int64{2, 3}, []float64{0, 0, 0, 0, 0, 0}); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("WriteDataset on a read-only file = %v, want a read-only error", err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if _, err := f.ReadDataset("/num/f8"); !errors.Is(err, ErrClosed) {
		t.Errorf("ReadDataset after Close = %v, want ErrClosed", err)
	}
	if _, err := f.Objects(); !errors.Is(err, ErrClosed) {
		t.Errorf("Objects after Close = %v, want ErrClosed", err)
	}
}

// TestConcurrentReads reads one file from several goroutines (run with
// -race): the package lock must keep libhdf5 single-threaded.
func TestConcurrentReads(t *testing.T) {
	f := openFixture(t, "inversion.h5")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 8; i++ {
				a, err := f.ReadDataset("/Weights/Layer2")
				if err != nil {
					errs <- err
					return
				}
				if len(a.Data.([]float64)) != 100*100 {
					errs <- errors.New("short read")
				}
				if _, err := f.Objects(); err != nil {
					errs <- err
				}
				if _, err := f.ReadDataset("/Weights/Missing"); err == nil {
					errs <- errors.New("missing dataset read without error")
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestVersion(t *testing.T) {
	if v := Version(); !strings.HasPrefix(v, "1.") {
		t.Errorf("Version() = %q, want 1.x.y", v)
	}
}
