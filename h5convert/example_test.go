package h5convert_test

import (
	"fmt"

	"github.com/tfrun/tfrun/h5convert"
)

func ExampleParseMapping() {
	m, err := h5convert.ParseMapping([]byte(`
version: 1
orientation: out-in
entries:
  - source: /Weights/Layer2
    variable: sequential/dense_1/kernel
    transpose: true
  - source: /Meta/Version
    skip: true
`), "map.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range m.Entries {
		fmt.Printf("line %d: %s -> %q transpose=%v skip=%v\n", e.Line, e.Source, e.Variable, e.Transpose.Reverse, e.Skip)
	}
	_, err = h5convert.ParseMapping([]byte("version: 1\nentries:\n  - {source: /a, variable: v}\n  - {source: /b, variable: v}\n"), "dup.yaml")
	fmt.Println(err)
	// Output:
	// line 5: /Weights/Layer2 -> "sequential/dense_1/kernel" transpose=true skip=false
	// line 8: /Meta/Version -> "" transpose=false skip=true
	// h5convert: mapping dup.yaml:4: entry 2: duplicate mapping target v: entry 1 already maps or skips it
}

func ExampleParseOrientation() {
	o, err := h5convert.ParseOrientation("out-in")
	fmt.Println(o, err)
	_, err = h5convert.ParseOrientation("sideways")
	fmt.Println(err)
	// Output:
	// out-in <nil>
	// h5convert: unknown orientation "sideways" (want out-in or in-out)
}

func ExampleNewPlan() {
	vars := []h5convert.Variable{
		{Name: "sequential/dense/kernel", DType: "float32", Shape: []int64{7, 100}, Trainable: true, Layer: "dense", LayerClass: "Dense", Index: 0},
		{Name: "sequential/dense/bias", DType: "float32", Shape: []int64{100}, Trainable: true, Layer: "dense", LayerClass: "Dense", Index: 1},
	}
	plan, err := h5convert.NewPlan("weights.h5", vars, h5convert.Options{Orientation: h5convert.OutIn})
	if err != nil {
		fmt.Println(err) // a *ValidationError lists every problem
		return
	}
	for _, a := range plan.Assignments {
		fmt.Println(a.Variable, "<-", a.Source, a.Transforms)
		// assign a.Values to the variable a.Variable
	}
}
