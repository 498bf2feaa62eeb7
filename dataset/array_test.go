package dataset

import (
	"fmt"
	"math"
	"reflect"
	"testing"
)

func TestNewArrayChecks(t *testing.T) {
	tests := []struct {
		name  string
		data  any
		shape []int
		err   error
	}{
		{"ok", []float32{1, 2, 3, 4, 5, 6}, []int{2, 3}, nil},
		{"rank0", []float64{1}, []int{}, nil},
		{"empty", []int64{}, []int{0, 3}, nil},
		{"short", []float32{1, 2}, []int{2, 3}, ErrShape},
		{"negative", []float32{}, []int{-1}, ErrShape},
		{"unsupported", []uint32{1}, []int{1}, ErrDType},
		{"nil", nil, []int{1}, ErrDType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewArray(tt.data, tt.shape...)
			if tt.err == nil && err != nil {
				t.Fatalf("NewArray(%T, %v) = %v, want no error", tt.data, tt.shape, err)
			}
			if tt.err != nil {
				wantErr(t, fmt.Sprintf("NewArray(%T, %v)", tt.data, tt.shape), err, tt.err)
			}
		})
	}
}

func TestArrayShapes(t *testing.T) {
	tests := []struct {
		a           *Array
		dtype       string
		n, rs, size int
		sample      []int
	}{
		{&Array{Shape: []int{4, 2, 3}, Data: make([]uint8, 24)}, Uint8, 4, 6, 24, []int{2, 3}},
		{&Array{Shape: []int{5}, Data: make([]bool, 5)}, Bool, 5, 1, 5, []int{}},
		{&Array{Shape: []int{}, Data: []string{"a"}}, String, 0, 1, 1, []int{}},
		{&Array{Shape: []int{0, 7}, Data: []int16{}}, Int16, 0, 7, 0, []int{7}},
	}
	for _, tt := range tests {
		t.Run(tt.a.String(), func(t *testing.T) {
			if got := tt.a.DType(); got != tt.dtype {
				t.Errorf("DType() = %q, want %q", got, tt.dtype)
			}
			if got := tt.a.Len(); got != tt.n {
				t.Errorf("Len() = %d, want %d", got, tt.n)
			}
			if got := tt.a.RowSize(); got != tt.rs {
				t.Errorf("RowSize() = %d, want %d", got, tt.rs)
			}
			if got := tt.a.Size(); got != tt.size {
				t.Errorf("Size() = %d, want %d", got, tt.size)
			}
			if got := tt.a.SampleShape(); !reflect.DeepEqual(got, tt.sample) {
				t.Errorf("SampleShape() = %v, want %v", got, tt.sample)
			}
		})
	}
}

func TestZerosAllDTypes(t *testing.T) {
	for _, dt := range DTypes {
		a, err := Zeros(dt, 2, 3)
		if err != nil || a.DType() != dt || a.Size() != 6 || a.Check() != nil {
			t.Errorf("Zeros(%s, 2, 3) = %v, %v, want a valid %s[2 3]", dt, a, err, dt)
		}
	}
	_, err := Zeros("complex64", 1)
	wantErr(t, "Zeros(complex64)", err, ErrDType, "complex64")
}

func TestSliceIsView(t *testing.T) {
	a := mustArray(t, []int32{0, 1, 2, 3, 4, 5, 6, 7}, 4, 2)
	s, err := a.Slice(1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int32{2, 3, 4, 5}; !reflect.DeepEqual(s.Data, want) || !reflect.DeepEqual(s.Shape, []int{2, 2}) {
		t.Fatalf("Slice(1, 3) = %v %v, want [2 2] %v", s.Shape, s.Data, want)
	}
	s.Data.([]int32)[0] = 99
	if a.Data.([]int32)[2] != 99 {
		t.Errorf("Slice(1, 3) copied the data, want a view")
	}
	for _, r := range [][2]int{{-1, 2}, {3, 2}, {0, 5}} {
		_, err := a.Slice(r[0], r[1])
		wantErr(t, fmt.Sprintf("Slice(%d, %d)", r[0], r[1]), err, ErrShape, "4 samples")
	}
}

func TestGather(t *testing.T) {
	a := mustArray(t, []float64{0, 1, 2, 3, 4, 5}, 3, 2)
	g, err := a.Gather([]int{2, 0, 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := mustArray(t, []float64{4, 5, 0, 1, 4, 5}, 3, 2); !equalArray(g, want) {
		t.Errorf("Gather([2 0 2]) = %v %v, want %v", g.Shape, g.Data, want.Data)
	}
	_, err = a.Gather([]int{0, 3})
	wantErr(t, "Gather([0 3])", err, ErrShape, "row 3", "[0, 3)")

	tests := []struct {
		name string
		dst  *Array
		err  error
	}{
		{"wrong count", &Array{Shape: []int{3, 2}, Data: make([]float64, 6)}, ErrShape},
		{"wrong sample shape", &Array{Shape: []int{2, 3}, Data: make([]float64, 6)}, ErrShape},
		{"wrong dtype", &Array{Shape: []int{2, 2}, Data: make([]float32, 4)}, ErrDType},
		{"malformed", &Array{Shape: []int{2, 2}, Data: make([]float64, 3)}, ErrShape},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, "GatherInto", a.GatherInto([]int{0, 1}, tt.dst), tt.err)
		})
	}
}

func TestGatherIntoAllocatesNothing(t *testing.T) {
	a := mustArray(t, make([]float32, 100*784), 100, 28, 28)
	dst, _ := Zeros(Float32, 32, 28, 28)
	rows := make([]int, 32)
	for i := range rows {
		rows[i] = 99 - 3*i
	}
	allocs := testing.AllocsPerRun(100, func() {
		if err := a.GatherInto(rows, dst); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("GatherInto allocates %v times per call, want 0", allocs)
	}
}

func TestConvert(t *testing.T) {
	tests := []struct {
		name  string
		in    *Array
		dtype string
		want  any
		err   string // a fragment of the error, "" for none
	}{
		{"uint8 to int64", &Array{Shape: []int{3}, Data: []uint8{0, 7, 255}}, Int64, []int64{0, 7, 255}, ""},
		{"int64 to uint8 overflow", &Array{Shape: []int{3}, Data: []int64{0, 256, 1}}, Uint8, nil, "element 1 = 256 is outside [0, 255]"},
		{"int32 to int8 underflow", &Array{Shape: []int{2}, Data: []int32{-128, -129}}, Int8, nil, "element 1 = -129"},
		{"float to int", &Array{Shape: []int{2}, Data: []float32{3, -2}}, Int32, []int32{3, -2}, ""},
		{"fraction to int", &Array{Shape: []int{2}, Data: []float64{1, 1.5}}, Int64, nil, "element 1 = 1.5 is not an integer"},
		{"nan to int", &Array{Shape: []int{1}, Data: []float32{float32(math.NaN())}}, Int16, nil, "NaN"},
		{"2^63 to int64", &Array{Shape: []int{1}, Data: []float64{9.223372036854775808e18}}, Int64, nil, "element 0"},
		{"float64 to float32", &Array{Shape: []int{2}, Data: []float64{0.1, math.Inf(1)}}, Float32, []float32{0.1, float32(math.Inf(1))}, ""},
		{"float64 overflows float32", &Array{Shape: []int{1}, Data: []float64{1e39}}, Float32, nil, "overflows float32"},
		{"bool to float", &Array{Shape: []int{2}, Data: []bool{true, false}}, Float32, []float32{1, 0}, ""},
		{"int to bool", &Array{Shape: []int{3}, Data: []int8{0, -1, 2}}, Bool, []bool{false, true, true}, ""},
		{"uint16 to int16", &Array{Shape: []int{2}, Data: []uint16{32767, 32768}}, Int16, nil, "32768"},
		{"string to string", &Array{Shape: []int{1}, Data: []string{"a"}}, String, []string{"a"}, ""},
		{"string to int", &Array{Shape: []int{1}, Data: []string{"1"}}, Int64, nil, "cannot convert string"},
		{"number to string", &Array{Shape: []int{1}, Data: []int64{1}}, String, nil, "cannot convert"},
		{"unknown dtype", &Array{Shape: []int{1}, Data: []int64{1}}, "float16", nil, "float16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Convert(tt.dtype)
			call := fmt.Sprintf("Convert(%v, %s)", tt.in.Data, tt.dtype)
			if tt.err != "" {
				wantErr(t, call, err, nil, tt.err)
				return
			}
			if err != nil {
				t.Fatalf("%s = %v", call, err)
			}
			if !reflect.DeepEqual(got.Data, tt.want) || !reflect.DeepEqual(got.Shape, tt.in.Shape) {
				t.Errorf("%s = %v, want %v", call, got.Data, tt.want)
			}
		})
	}
}

func TestConvertRangeErrorWraps(t *testing.T) {
	_, err := (&Array{Shape: []int{1}, Data: []int64{300}}).Convert(Uint8)
	wantErr(t, "Convert([300], uint8)", err, ErrRange, "int64[1]")
}

func TestScaleAndDiv(t *testing.T) {
	x := mustArray(t, []float32{0, 1, 128, 255}, 4)
	if err := x.Div(255); err != nil {
		t.Fatal(err)
	}
	for i, v := range []float64{0, 1, 128, 255} {
		// NumPy's uint8 / 255.0 divides in float64, then Keras casts to float32.
		if want := float32(v / 255.0); x.Data.([]float32)[i] != want {
			t.Errorf("Div(255)[%d] = %v, want %v", i, x.Data.([]float32)[i], want)
		}
	}
	y := mustArray(t, []float64{1, 2}, 2)
	if err := y.Scale(0.5); err != nil || !reflect.DeepEqual(y.Data, []float64{0.5, 1}) {
		t.Errorf("Scale(0.5) = %v, %v, want [0.5 1]", y.Data, err)
	}
	ints := mustArray(t, []uint8{1}, 1)
	wantErr(t, "Scale(uint8)", ints.Scale(2), ErrDType, "uint8")
	wantErr(t, "Div(uint8)", ints.Div(2), ErrDType, "uint8")
}

func TestReshapeAndClone(t *testing.T) {
	a := mustArray(t, []int64{1, 2, 3, 4, 5, 6}, 6)
	r, err := a.Reshape(2, 3)
	if err != nil || !reflect.DeepEqual(r.Shape, []int{2, 3}) {
		t.Fatalf("Reshape(2, 3) = %v, %v", r, err)
	}
	_, err = a.Reshape(4, 2)
	wantErr(t, "Reshape(4, 2)", err, ErrShape, "[6]", "[4 2]")
	c := a.Clone()
	c.Data.([]int64)[0] = 9
	if a.Data.([]int64)[0] != 1 {
		t.Errorf("Clone shares data, want a copy")
	}
}

func ExampleArray_Convert() {
	labels := &Array{Shape: []int{3}, Data: []uint8{7, 2, 1}}
	y, _ := labels.Convert(Int64)
	fmt.Println(y, y.Data)

	_, err := (&Array{Shape: []int{2}, Data: []int64{1, 300}}).Convert(Uint8)
	fmt.Println(err)
	// Output:
	// int64[3] [7 2 1]
	// convert int64[2] to uint8: value out of range: element 1 = 300 is outside [0, 255]
}

func ExampleArray_GatherInto() {
	x := &Array{Shape: []int{4, 2}, Data: []float32{0, 0, 1, 1, 2, 2, 3, 3}}
	batch, _ := Zeros(Float32, 2, 2) // reused for every batch
	for _, rows := range [][]int{{3, 1}, {0, 2}} {
		if err := x.GatherInto(rows, batch); err != nil {
			panic(err)
		}
		fmt.Println(batch.Data)
	}
	// Output:
	// [3 3 1 1]
	// [0 0 2 2]
}
