package h5convert

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestTransposeSlice(t *testing.T) {
	tests := []struct {
		name  string
		src   []int
		shape []int64
		perm  []int
		want  []int
	}{
		{"2-D", []int{1, 2, 3, 4, 5, 6}, []int64{2, 3}, []int{1, 0}, []int{1, 4, 2, 5, 3, 6}},
		{"identity", []int{1, 2, 3, 4, 5, 6}, []int64{2, 3}, []int{0, 1}, []int{1, 2, 3, 4, 5, 6}},
		{"row vector", []int{1, 2, 3}, []int64{1, 3}, []int{1, 0}, []int{1, 2, 3}},
		{"1-D", []int{7, 8}, []int64{2}, []int{0}, []int{7, 8}},
		{"scalar", []int{9}, []int64{}, []int{}, []int{9}},
		{"empty", []int{}, []int64{0, 3}, []int{1, 0}, []int{}},
		// a[i][j][k] = 100i+10j+k, shape (2,3,2); result (k, i, j).
		{"3-D", []int{0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121}, []int64{2, 3, 2}, []int{2, 0, 1},
			[]int{0, 10, 20, 100, 110, 120, 1, 11, 21, 101, 111, 121}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := transposeSlice(tt.src, tt.shape, tt.perm); !slices.Equal(got, tt.want) {
				t.Errorf("transposeSlice(%v, %v, %v) = %v, want %v", tt.src, tt.shape, tt.perm, got, tt.want)
			}
		})
	}
}

// TestApplyInvert runs transforms forward and back for every element type.
func TestApplyInvert(t *testing.T) {
	datas := []any{
		[]float32{1, 2, 3, 4, 5, 6}, []float64{1, 2, 3, 4, 5, 6}, []int8{1, 2, 3, 4, 5, 6}, []int16{1, 2, 3, 4, 5, 6},
		[]int32{1, 2, 3, 4, 5, 6}, []int64{1, 2, 3, 4, 5, 6}, []uint8{1, 2, 3, 4, 5, 6}, []uint16{1, 2, 3, 4, 5, 6},
		[]uint32{1, 2, 3, 4, 5, 6}, []uint64{1, 2, 3, 4, 5, 6},
	}
	for _, data := range datas {
		dtype := dtypeOf(data)
		src := &Values{DType: dtype, Shape: []int64{1, 2, 3}, Data: data}
		ts := []Transform{
			{Op: "transpose", Perm: []int{2, 0, 1}},
			{Op: "reshape", Shape: []int64{3, 2}},
			{Op: "cast", From: dtype, To: "float32"},
		}
		out, err := apply(ts, src)
		if err != nil {
			t.Fatalf("apply(%s) = %v", dtype, err)
		}
		if want := []float32{1, 4, 2, 5, 3, 6}; !slices.Equal(out.Data.([]float32), want) || !slices.Equal(out.Shape, []int64{3, 2}) {
			t.Errorf("apply(%s) = %v %v, want [3 2] %v", dtype, out.Shape, out.Data, want)
		}
		if shape, err := shapeAfter(ts, src.Shape); err != nil || !slices.Equal(shape, out.Shape) {
			t.Errorf("shapeAfter(%s) = %v, %v; want %v", dtype, shape, err, out.Shape)
		}
		back, err := invert(ts, out, src.Shape)
		if err != nil {
			t.Fatalf("invert(%s) = %v", dtype, err)
		}
		if !back.Equal(src) {
			t.Errorf("invert(apply(%s)) = %+v, want %+v", dtype, back, src)
		}
	}
}

func TestInvertFloat16(t *testing.T) {
	// A float16 dataset is held as float32; writing back gives float32
	// data that libhdf5 converts to the stored float16.
	ts := []Transform{{Op: "cast", From: "float16", To: "float64"}}
	back, err := invert(ts, &Values{DType: "float64", Shape: []int64{2}, Data: []float64{0.5, 2}}, []int64{2})
	if err != nil || back.DType != "float32" || !slices.Equal(back.Data.([]float32), []float32{0.5, 2}) {
		t.Errorf("invert(float16 cast) = %+v, %v; want float32 [0.5 2]", back, err)
	}
	if _, err := invert(ts, &Values{DType: "float64", Shape: []int64{3}, Data: []float64{1, 2, 3}}, []int64{2}); err == nil {
		t.Errorf("invert with the wrong shape = nil error")
	}
}

func TestCastData(t *testing.T) {
	tests := []struct {
		data  any
		dtype string
		want  any
		err   string
	}{
		{[]float64{1.5, -2.5, 3}, "float32", []float32{1.5, -2.5, 3}, ""},
		{[]float64{1.4, -2.6, 3}, "int8", []int8{1, -3, 3}, ""},
		{[]float64{127.4}, "int8", []int8{127}, ""},
		{[]float64{128}, "int8", nil, "value 128 at index 0 does not fit int8"},
		{[]float64{-1}, "uint8", nil, "does not fit uint8"},
		{[]float64{math.NaN()}, "int32", nil, "value NaN at index 0 does not fit int32"},
		{[]float64{math.Inf(1)}, "int64", nil, "does not fit int64"},
		{[]float64{9.3e18}, "int64", nil, "does not fit int64"},
		{[]int64{-1}, "uint64", nil, "value -1 at index 0 does not fit uint64"},
		{[]int64{300}, "uint8", nil, "does not fit uint8"},
		{[]int64{math.MaxInt64}, "int64", []int64{math.MaxInt64}, ""},
		{[]uint64{math.MaxUint64}, "int64", nil, "does not fit int64"},
		{[]uint64{math.MaxUint64}, "float64", []float64{math.MaxUint64}, ""},
		{[]int32{-5, 7}, "float64", []float64{-5, 7}, ""},
		{[]int32{-5, 7}, "int16", []int16{-5, 7}, ""},
		{[]uint8{255}, "int8", nil, "does not fit int8"},
		{[]float32{1}, "complex64", nil, `cannot cast to "complex64"`},
		{[]bool{true}, "float32", nil, "cannot cast data of type []bool"},
	}
	for _, tt := range tests {
		got, err := castData(tt.data, tt.dtype)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("castData(%v, %s) = %v, %v; want error %q", tt.data, tt.dtype, got, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("castData(%v, %s) = %v, %v; want %v", tt.data, tt.dtype, got, err, tt.want)
		}
	}
}

func TestResolveReshape(t *testing.T) {
	tests := []struct {
		want []int64
		n    int
		out  []int64
		err  string
	}{
		{[]int64{-1}, 6, []int64{6}, ""},
		{[]int64{2, -1}, 6, []int64{2, 3}, ""},
		{[]int64{4, -1}, 6, nil, "cannot reshape 6 elements into [4 -1]"},
		{[]int64{0, -1}, 0, nil, "cannot reshape 0 elements"},
		{[]int64{2, 3}, 6, []int64{2, 3}, ""},
		{[]int64{2, 2}, 6, nil, "cannot reshape 6 elements into [2 2]"},
		{[]int64{-1, -1}, 6, nil, "more than one -1"},
		{[]int64{-3}, 6, nil, "negative dimension"},
		{[]int64{1 << 62, 1 << 62}, 6, nil, "too large"},
	}
	for _, tt := range tests {
		out, err := resolveReshape(tt.want, tt.n)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("resolveReshape(%v, %d) = %v, %v; want error %q", tt.want, tt.n, out, err, tt.err)
			}
			continue
		}
		if err != nil || !slices.Equal(out, tt.out) {
			t.Errorf("resolveReshape(%v, %d) = %v, %v; want %v", tt.want, tt.n, out, err, tt.out)
		}
	}
}

func TestTransformString(t *testing.T) {
	tests := []struct {
		t    Transform
		want string
	}{
		{transposeT(2), "transpose"},
		{transposeT(3), "transpose"},
		{Transform{Op: "transpose", Perm: []int{0, 2, 1}}, "transpose [0 2 1]"},
		{Transform{Op: "reshape", Shape: []int64{100}}, "reshape [100]"},
		{Transform{Op: "cast", From: "float64", To: "float32"}, "cast float64->float32"},
	}
	for _, tt := range tests {
		if got := tt.t.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestValues(t *testing.T) {
	if _, err := NewValues("float32", []int64{2, 2}, []float32{1, 2, 3}); err == nil || !strings.Contains(err.Error(), "3 values for shape [2 2] (4 elements)") {
		t.Errorf("NewValues(short) = %v", err)
	}
	if _, err := NewValues("float64", []int64{1}, []float32{1}); err == nil || !strings.Contains(err.Error(), `dtype "float64" does not match data of type []float32`) {
		t.Errorf("NewValues(wrong dtype) = %v", err)
	}
	if _, err := NewValues("bool", []int64{1}, []bool{true}); err == nil {
		t.Errorf("NewValues([]bool) = nil error")
	}
	v, err := NewValues("float32", []int64{}, []float32{math.Float32frombits(0x7fc00001)})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := NewValues("float32", nil, []float32{math.Float32frombits(0x7fc00001)})
	if !v.Equal(w) {
		t.Errorf("Equal: identical NaN bits should be equal")
	}
	u, _ := NewValues("float32", nil, []float32{math.Float32frombits(0x7fc00002)})
	if v.Equal(u) {
		t.Errorf("Equal: different NaN bits should differ")
	}
	if v.Equal(nil) || !(*Values)(nil).Equal(nil) {
		t.Errorf("Equal with nil is wrong")
	}
	if got := unravel(7, []int64{2, 3, 2}); !slices.Equal(got, []int64{1, 0, 1}) {
		t.Errorf("unravel(7, [2 3 2]) = %v, want [1 0 1]", got)
	}
	nan, inf, first := nonFinite([]float64{1, math.Inf(-1), math.NaN(), math.NaN()})
	if nan != 2 || inf != 1 || first != 1 {
		t.Errorf("nonFinite = %d, %d, %d; want 2, 1, 1", nan, inf, first)
	}
}
