package dataset

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadAutoMPGFixture(t *testing.T) {
	// The fixture's rows 1 (Horsepower missing) and 2 (MPG missing) are dropped.
	wantX := []float32{
		8, 307, 130, 3504, 12, 70, 0, 0, 1,
		4, 113, 95, 2372, 15, 70, 0, 1, 0,
		4, 97, 46, 1835, 20.5, 70, 1, 0, 0,
		4, 97, 88, 2130, 14.5, 71, 0, 1, 0,
	}
	wantY := []float32{18, 24, 26, 27}
	for _, file := range []string{"cars.json", "cars.csv"} {
		t.Run(file, func(t *testing.T) {
			td, err := LoadAutoMPG(filepath.Join("testdata", "table", file))
			if err != nil {
				t.Fatal(err)
			}
			if err := td.Validate(); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(td.Features, AutoMPGFeatures) {
				t.Errorf("Features = %v, want %v", td.Features, AutoMPGFeatures)
			}
			if !reflect.DeepEqual(td.Rows, []int{0, 3, 4, 5}) {
				t.Errorf("Rows = %v, want [0 3 4 5]", td.Rows)
			}
			if x := td.Input(InputName); !equalArray(x, &Array{Shape: []int{4, 9}, Data: wantX}) {
				t.Errorf("x = %v %v, want float32[4 9] %v", x, x.Data, wantX)
			}
			if !equalArray(td.Targets, &Array{Shape: []int{4}, Data: wantY}) {
				t.Errorf("targets = %v %v, want %v", td.Targets, td.Targets.Data, wantY)
			}
		})
	}
}

func TestTableOptions(t *testing.T) {
	csv := "a,b,c,cls\n1,2,x,u\n3,NA,y,v\n5,6,z,u\n7,8,w,\n"
	tab, err := ReadCSV(strings.NewReader(csv), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		opt      TableOptions
		features []string
		x        []float32
		y        []float32
		rows     []int
	}{
		{"columns and target", TableOptions{Features: []string{"b"}, Target: "a"},
			[]string{"b"}, []float32{2, 6, 8}, []float32{1, 5, 7}, []int{0, 2, 3}},
		{"one-hot sorted", TableOptions{Features: []string{"cls", "a"}, OneHot: []OneHot{{Column: "cls"}}},
			[]string{"u", "v", "a"}, []float32{1, 0, 1, 0, 1, 3, 1, 0, 5}, nil, []int{0, 1, 2}},
		{"one-hot named", TableOptions{Features: []string{"a", "cls"}, OneHot: []OneHot{{Column: "cls", Categories: []string{"v", "u"}, Names: []string{"V", "U"}}}},
			[]string{"a", "V", "U"}, []float32{1, 0, 1, 3, 1, 0, 5, 0, 1}, nil, []int{0, 1, 2}},
		{"parser", TableOptions{Features: []string{"c"}, Parse: map[string]func(string) (float64, error){
			"c": func(s string) (float64, error) { return float64(s[0]), nil }}},
			[]string{"c"}, []float32{'x', 'y', 'z', 'w'}, nil, []int{0, 1, 2, 3}},
		{"own missing marks", TableOptions{Features: []string{"b"}, Missing: []string{"6"}},
			[]string{"b"}, nil, nil, nil}, // "NA" is then not missing, and not a number
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			td, err := tab.Dataset(tt.opt)
			if tt.x == nil {
				wantErr(t, "Dataset", err, ErrFormat, "t.csv", "row 1", `column "b"`, `"NA" is not a number`)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(td.Features, tt.features) || !reflect.DeepEqual(td.Rows, tt.rows) {
				t.Errorf("Dataset(%+v) features %v rows %v, want %v %v", tt.opt, td.Features, td.Rows, tt.features, tt.rows)
			}
			if got := td.Inputs[0].Data; !reflect.DeepEqual(got, tt.x) {
				t.Errorf("Dataset(%+v) x = %v, want %v", tt.opt, got, tt.x)
			}
			if tt.y == nil && td.Targets != nil || tt.y != nil && !reflect.DeepEqual(td.Targets.Data, tt.y) {
				t.Errorf("Dataset(%+v) targets = %v, want %v", tt.opt, td.Targets, tt.y)
			}
		})
	}
}

func TestTableErrors(t *testing.T) {
	tab, err := ReadJSONRecords(strings.NewReader(`[{"a": 1, "b": "x", "o": "A"}, {"a": "two", "b": "y", "o": "B"}]`), "t.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		opt       TableOptions
		err       error
		fragments []string
	}{
		{"no column", TableOptions{Features: []string{"z"}}, ErrNotFound, []string{`column "z" (have a, b, o)`}},
		{"no target", TableOptions{Features: []string{"a"}, Target: "z"}, ErrNotFound, []string{`target column "z"`}},
		{"not a number", TableOptions{Features: []string{"a"}}, ErrFormat, []string{"t.json", "row 1", `column "a"`, `"two" is not a number`}},
		{"unknown category", TableOptions{Features: []string{"o"}, OneHot: []OneHot{{Column: "o", Categories: []string{"A"}}}}, ErrRange, []string{"row 1", `"B" is not one of the categories`}},
		{"one-hot not a feature", TableOptions{Features: []string{"o"}, OneHot: []OneHot{{Column: "b"}}}, ErrNotFound, []string{`one-hot column "b"`}},
		{"names count", TableOptions{Features: []string{"o"}, OneHot: []OneHot{{Column: "o", Names: []string{"x"}}}}, ErrShape, []string{"2 categories but 1 names"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tab.Dataset(tt.opt)
			wantErr(t, fmt.Sprintf("Dataset(%+v)", tt.opt), err, tt.err, tt.fragments...)
		})
	}
}

func TestReadJSONRecords(t *testing.T) {
	tab, err := ReadJSONRecords(strings.NewReader(`[{"a": 1}, {"b": true, "a": null}, {}]`), "r.json")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tab.Columns, []string{"a", "b"}) || tab.NumRows() != 3 {
		t.Fatalf("ReadJSONRecords columns %v rows %d, want [a b] 3", tab.Columns, tab.NumRows())
	}
	td, err := tab.Dataset(TableOptions{Features: []string{"b"}})
	if err != nil || !reflect.DeepEqual(td.Inputs[0].Data, []float32{1}) {
		t.Errorf("bool column = %v, %v, want [1]", td.Inputs[0].Data, err)
	}
	bad := []struct{ name, in, fragment string }{
		{"not array", `{"a": 1}`, "want an array of records"},
		{"not object", `[1]`, "record 0 is not an object"},
		{"nested", `[{"a": [1]}]`, `record 0, key "a": nested arrays and objects`},
		{"twice", `[{"a": 1, "a": 2}]`, `key "a" twice`},
		{"truncated", `[{"a": 1}`, "r.json"},
		{"trailing", `[] []`, "text after the array"},
		{"empty", ``, "r.json"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSONRecords(strings.NewReader(tt.in), "r.json")
			wantErr(t, "ReadJSONRecords", err, ErrFormat, tt.fragment)
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	bad := []struct{ name, in, fragment string }{
		{"empty", "", "csv has no header row"},
		{"field count", "a,b\n1,2\n3\n", "wrong number of fields"},
		{"duplicate header", "a,a\n1,2\n", `column 2 "a" is empty or repeated`},
		{"empty header", "a,\n1,2\n", `column 2 "" is empty or repeated`},
		{"quote", "a,b\n\"1,2\n", "c.csv"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(tt.in), "c.csv")
			wantErr(t, "ReadCSV", err, ErrFormat, "c.csv", tt.fragment)
		})
	}
	if _, err := LoadTable("x.parquet"); err == nil {
		t.Errorf("LoadTable(x.parquet) = nil error")
	}
}

// checkTable checks what every table a reader returns must give:
// rectangular rows, and a valid dataset (or an error) from every column.
func checkTable(t *testing.T, tab *Table) {
	t.Helper()
	for i, row := range tab.rows {
		if len(row) != len(tab.Columns) {
			t.Fatalf("row %d has %d cells for %d columns", i, len(row), len(tab.Columns))
		}
	}
	td, err := tab.Dataset(TableOptions{})
	if err != nil {
		return
	}
	if err := td.Validate(); err != nil {
		t.Fatalf("Dataset() of a table = invalid dataset: %v", err)
	}
	if len(td.Features) != len(tab.Columns) || td.Len() != len(td.Rows) {
		t.Fatalf("Dataset() = %d features, %d samples for %d columns, %d rows kept", len(td.Features), td.Len(), len(tab.Columns), len(td.Rows))
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add(readFixture(f, "table", "cars.csv"))
	f.Add([]byte("a,b\n1,?\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := ReadCSV(strings.NewReader(string(b)), "fuzz.csv")
		if err != nil {
			return
		}
		checkTable(t, tab)
	})
}

func FuzzReadJSONRecords(f *testing.F) {
	f.Add(readFixture(f, "table", "cars.json"))
	f.Add([]byte(`[{"a": 1, "b": null}, {"b": "x"}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := ReadJSONRecords(strings.NewReader(string(b)), "fuzz.json")
		if err != nil {
			return
		}
		checkTable(t, tab)
	})
}

func ExampleTable_Dataset() {
	tab, _ := ReadCSV(strings.NewReader("mpg,hp,origin\n18,130,USA\n25,?,Japan\n27,88,Japan\n"), "cars.csv")
	td, _ := tab.Dataset(TableOptions{
		Features: []string{"hp", "origin"},
		Target:   "mpg",
		OneHot:   []OneHot{{Column: "origin"}},
	})
	fmt.Println(td.Features, td.Rows)
	fmt.Println(td.Inputs[0].Array, td.Inputs[0].Data, td.Targets.Data)
	// Output:
	// [hp Japan USA] [0 2]
	// float32[2 3] [130 0 1 88 1 0] [18 27]
}
