package dataset

import (
	"reflect"
	"testing"
)

func TestParseClasses(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		err  error
	}{
		{"0-4", []int{0, 1, 2, 3, 4}, nil},
		{"5,7,9", []int{5, 7, 9}, nil},
		{"0-2, 7", []int{0, 1, 2, 7}, nil},
		{"9,3", []int{9, 3}, nil},
		{"4-4", []int{4}, nil},
		{"", nil, ErrFormat},
		{"a", nil, ErrFormat},
		{"4-2", nil, ErrFormat},
		{"-1", nil, ErrFormat},
		{"1,1", nil, ErrFormat},
		{"0-3,2", nil, ErrFormat},
		{"0-99999999", nil, ErrRange},
		{"0-65536", nil, ErrRange},
	}
	for _, tt := range tests {
		got, err := ParseClasses(tt.in)
		if tt.err != nil {
			wantErr(t, "ParseClasses("+tt.in+")", err, tt.err, tt.in)
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseClasses(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
		}
		if back := FormatClasses(got); back != tt.in && tt.in != "0-2, 7" && tt.in != "4-4" {
			t.Errorf("FormatClasses(%v) = %q, want %q", got, back, tt.in)
		}
	}
}

func TestSelectClasses(t *testing.T) {
	x := []float32{0, 1, 2, 3, 4, 5, 6, 7}
	tests := []struct {
		name    string
		targets *Array
		classes []int
		x       []float32
		labels  any
		err     error
	}{
		{"int64 range", mustArray(t, []int64{5, 0, 9, 6, 1, 5, 7, 2}, 8), []int{5, 6, 7, 8, 9},
			[]float32{0, 2, 3, 5, 6}, []int64{0, 4, 1, 0, 2}, nil},
		{"uint8 listed order", mustArray(t, []uint8{3, 1, 3, 2, 1, 0, 0, 0}, 8), []int{3, 1},
			[]float32{0, 1, 2, 4}, []uint8{0, 1, 0, 1}, nil},
		{"float [N 1]", mustArray(t, []float32{1, 2, 1, 2, 1, 2, 1, 0}, 8, 1), []int{0},
			[]float32{7}, []float32{0}, nil},
		{"none left", mustArray(t, []int64{0, 1, 2, 3, 0, 1, 2, 3}, 8), []int{7}, nil, nil, ErrNotFound},
		{"not integer", mustArray(t, []float32{0, 0.5, 0, 0, 0, 0, 0, 0}, 8), []int{0}, nil, nil, ErrRange},
		{"one-hot targets", mustArray(t, make([]float32, 16), 8, 2), []int{0}, nil, nil, ErrShape},
		{"no classes", mustArray(t, []int64{0, 1, 2, 3, 0, 1, 2, 3}, 8), nil, nil, nil, ErrRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := Dataset{Inputs: []Named{{Name: "x", Array: mustArray(t, append([]float32(nil), x...), 8, 1)}},
				Targets: tt.targets, Source: "toy"}
			got, err := ds.SelectClasses(tt.classes)
			if tt.err != nil {
				wantErr(t, "SelectClasses", err, tt.err, "toy")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if gx := got.Input("x").Data; !reflect.DeepEqual(gx, tt.x) {
				t.Errorf("SelectClasses(%v) x = %v, want %v", tt.classes, gx, tt.x)
			}
			if gl := got.Targets.Data; !reflect.DeepEqual(gl, tt.labels) {
				t.Errorf("SelectClasses(%v) labels = %v, want %v", tt.classes, gl, tt.labels)
			}
			if got.Source != "toy [classes "+FormatClasses(tt.classes)+"]" {
				t.Errorf("SelectClasses source = %q", got.Source)
			}
		})
	}
	// The original is untouched (the result is a copy).
	orig := mustArray(t, []int64{5, 6}, 2)
	ds := Dataset{Inputs: []Named{{Name: "x", Array: mustArray(t, []float32{1, 2}, 2)}}, Targets: orig}
	if _, err := ds.SelectClasses([]int{5, 6}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(orig.Data, []int64{5, 6}) {
		t.Errorf("SelectClasses changed its input's labels to %v", orig.Data)
	}
}

func TestTake(t *testing.T) {
	ds := Dataset{Inputs: []Named{{Name: "x", Array: mustArray(t, []float32{1, 2, 3, 4}, 4)}},
		Targets: mustArray(t, []int64{0, 1, 0, 1}, 4), Source: "toy"}
	tests := []struct {
		n    int
		want []float32
	}{{1, []float32{1}}, {3, []float32{1, 2, 3}}, {4, []float32{1, 2, 3, 4}}, {10, []float32{1, 2, 3, 4}}}
	for _, tt := range tests {
		got, err := ds.Take(tt.n)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Input("x").Data, tt.want) || got.Targets.Len() != len(tt.want) {
			t.Errorf("Take(%d) = %v, want %v", tt.n, got.Input("x").Data, tt.want)
		}
	}
	if _, err := ds.Take(0); err == nil {
		t.Errorf("Take(0) = nil error, want one")
	}
}

// FuzzParseClasses: no panic, and whatever parses formats back to a list
// that parses to the same classes.
func FuzzParseClasses(f *testing.F) {
	for _, s := range []string{"0-4", "5,7,9", "0-2,7", "9,3", "1,1", "4-2", "", "-", "0-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseClasses(s)
		if err != nil {
			return
		}
		back, err := ParseClasses(FormatClasses(got))
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("ParseClasses(FormatClasses(%v)) = %v, %v", got, back, err)
		}
	})
}
