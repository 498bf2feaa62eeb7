package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fashionPixel is the fixture's pixel p of class k's record j (empty records
// not counted).
func fashionPixel(k, j, p int) uint8 { return uint8((31*k + 7*j + p) % 256) }

func TestLoadFashionFixture(t *testing.T) {
	dir := filepath.Join("testdata", "fashion")
	tests := []struct {
		split   string
		records []int // per sample in order: the record index within its class
	}{
		// 3 images per class, 2 for train: interleaved by class.
		{Train, []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{Test, []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.split, func(t *testing.T) {
			ds, err := loadFashion(dir, tt.split, 2)
			if err != nil {
				t.Fatal(err)
			}
			n := len(tt.records)
			if err := ds.Validate(); err != nil || ds.Len() != n {
				t.Fatalf("loadFashion(%s) = %d samples, %v, want %d", tt.split, ds.Len(), err, n)
			}
			if err := ds.CheckLabels(10); err != nil {
				t.Error(err)
			}
			x := ds.Inputs[0]
			if x.Name != InputName || x.DType() != Float32 || fmt.Sprint(x.Shape) != fmt.Sprintf("[%d 28 28]", n) {
				t.Fatalf("input = %s %v, want x float32[%d 28 28]", x.Name, x.Array, n)
			}
			y := ds.Targets.Data.([]int64)
			for i, j := range tt.records {
				k := i % 10
				if y[i] != int64(k) {
					t.Fatalf("label %d = %d, want %d", i, y[i], k)
				}
				for p := range 784 {
					if got, want := x.Data.([]float32)[i*784+p], float32(float64(fashionPixel(k, j, p))/255.0); got != want {
						t.Fatalf("sample %d (class %d, record %d) pixel %d = %v, want %v", i, k, j, p, got, want)
					}
				}
			}
		})
	}
}

func TestLoadFashionErrors(t *testing.T) {
	_, err := loadFashion(filepath.Join("testdata", "fashion"), Train, 3)
	wantErr(t, "loadFashion(train 3)", err, ErrShape, "class 0 (0.json) has 3 images, want more than 3")

	_, err = LoadFashionMNIST(t.TempDir(), Train)
	wantErr(t, "LoadFashionMNIST(empty dir)", err, os.ErrNotExist, "0.json")

	dir := t.TempDir()
	for k := range 10 {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.json", k)), readFixture(t, "fashion", fmt.Sprintf("%d.json", k)), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "7.json"), []byte(`{"data":[[1,2,3]]}`), 0o644)
	_, err = loadFashion(dir, Test, 2)
	wantErr(t, "loadFashion(bad 7.json)", err, ErrFormat, "7.json", "record 0 has 3 values, want 784")
}

func TestParseFashionJSON(t *testing.T) {
	row := strings.TrimSuffix(strings.Repeat("1,", 784), ",")
	tests := []struct {
		name string
		in   string
		n    int    // pixels
		err  string // fragment; "" for none
	}{
		{"one", `{"data":[[` + row + `]]}`, 784, ""},
		{"spaces and empty", " {\n \"data\" : [ [" + row + "] , [ ] ]\n} \n", 784, ""},
		{"no records", `{"data":[]}`, 0, ""},
		{"short record", `{"data":[[1,2]]}`, 0, "record 0 has 2 values, want 784"},
		{"too big", `{"data":[[1,256]]}`, 0, "record 0, value 1: 256 is outside [0, 255]"},
		{"negative", `{"data":[[-1]]}`, 0, "record 0, value 0: want an integer"},
		{"float", `{"data":[[0.5]]}`, 0, "want an integer"},
		{"other key", `{"labels":[]}`, 0, `want the key "data"`},
		{"extra key", `{"data":[],"x":1}`, 0, `no keys other than "data"`},
		{"trailing", `{"data":[]} x`, 0, "text after the object"},
		{"unclosed", `{"data":[[1,2`, 0, "want ',' or ']'"},
		{"empty", ``, 0, "want '{'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFashionJSON([]byte(tt.in))
			if tt.err != "" {
				wantErr(t, "ParseFashionJSON", err, ErrFormat, tt.err)
				return
			}
			if err != nil || len(got) != tt.n {
				t.Errorf("ParseFashionJSON = %d pixels, %v, want %d", len(got), err, tt.n)
			}
		})
	}
}

func FuzzParseFashionJSON(f *testing.F) {
	for _, p := range fixtures(f, "fashion", ".json") {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte(`{"data":[[1,2],[]]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		px, err := ParseFashionJSON(b)
		if err == nil && len(px)%784 != 0 {
			t.Fatalf("ParseFashionJSON returned %d pixels, not whole images", len(px))
		}
	})
}
