package dataset_test

import (
	"fmt"

	"github.com/tfrun/tfrun/dataset"
)

func ExampleLoadMNIST() {
	// testdata/mnist holds a 5-image train split in MNIST's IDX layout; the
	// real one is in the data cache (dataset.Open("mnist", "train")).
	ds, err := dataset.LoadMNIST("testdata/mnist", dataset.Train)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := ds.Input(dataset.InputName)
	fmt.Println(x, ds.Targets, ds.Targets.Data)
	if err := ds.CheckLabels(dataset.MNISTClasses); err != nil {
		fmt.Println(err)
	}
	// Output: float32[5 28 28] int64[5] [0 1 2 3 4]
}

func ExampleLoadAutoMPG() {
	td, err := dataset.LoadAutoMPG("testdata/table/cars.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(td.Features)
	fmt.Println(td.Input(dataset.InputName), "from table rows", td.Rows)
	// Output:
	// [Cylinders Displacement Horsepower Weight Acceleration Model Year Europe Japan USA]
	// float32[4 9] from table rows [0 3 4 5]
}

func ExampleDataset_CheckLabels() {
	ds := dataset.Dataset{
		Inputs:  []dataset.Named{{Name: "x", Array: &dataset.Array{Shape: []int{3, 1}, Data: []float32{0, 1, 2}}}},
		Targets: &dataset.Array{Shape: []int{3}, Data: []int64{3, 10, 1}},
		Source:  "labels.npz",
	}
	fmt.Println(ds.CheckLabels(10))
	// Output: dataset labels.npz: targets: value out of range: label 10 at sample 1 is outside [0, 10)
}
