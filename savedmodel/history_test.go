package savedmodel_test

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/savedmodel"
)

func TestHistoryJSONRoundTrip(t *testing.T) {
	h := &savedmodel.History{}
	h.Append(0, savedmodel.Logs{"loss": 0.5, "accuracy": 0.75})
	h.Append(1, savedmodel.Logs{"loss": math.NaN(), "accuracy": math.Inf(1)})
	path := filepath.Join(t.TempDir(), "h.json")
	if err := h.WriteFile(path); err != nil {
		t.Fatalf("WriteFile with NaN: %v", err)
	}
	back, err := savedmodel.ReadHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Len() != 2 || back.Values["loss"][0] != 0.5 || !math.IsNaN(back.Values["loss"][1]) || !math.IsNaN(back.Values["accuracy"][1]) {
		t.Errorf("ReadHistory = %+v, want 0.5 then NaN (non-finite values are written as null)", back)
	}
	for _, bad := range []string{`{}`, `{"epoch":[1,0],"history":{}}`, `{"epoch":[0],"history":{"loss":[1,2]}}`, `[`} {
		if _, err := savedmodel.ParseHistory("h.json", []byte(bad)); err == nil || !strings.Contains(err.Error(), "h.json") {
			t.Errorf("ParseHistory(%s) = %v, want an error naming the file", bad, err)
		}
	}
	b, _ := json.Marshal(savedmodel.History{})
	if string(b) != `{"epoch":[],"history":{}}` {
		t.Errorf("Marshal(empty) = %s", b)
	}
}

func TestClassWeights(t *testing.T) {
	y, _ := dataset.NewArray([]int64{0, 1, 2, 1}, 4)
	x, _ := dataset.Zeros(dataset.Float32, 4, 2)
	ds := dataset.Dataset{Inputs: []dataset.Named{{Name: "x", Array: x}}, Targets: y, Source: "test"}
	got, err := savedmodel.ClassWeights(ds, map[int]float64{1: 2.5, 2: 0})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{1, 2.5, 0, 2.5}
	for i, w := range got.Weights.Data.([]float32) {
		if w != want[i] {
			t.Errorf("ClassWeights weight %d = %v, want %v", i, w, want[i])
		}
	}
	onehot, _ := dataset.NewArray([]float32{0, 1, 1, 0}, 2, 2)
	ds2 := dataset.Dataset{Inputs: ds.Inputs[:1], Targets: onehot}
	if got, err := savedmodel.ClassWeights(ds2, map[int]float64{0: 3}); err != nil || got.Weights.Data.([]float32)[1] != 3 {
		t.Errorf("ClassWeights(one-hot) = %v, %v; want sample 1 (class 0) weighing 3", got.Weights, err)
	}
	ds.Weights, _ = dataset.NewArray([]float32{1, 1, 1, 1}, 4)
	if _, err := savedmodel.ClassWeights(ds, map[int]float64{0: 1}); err == nil {
		t.Error("ClassWeights with sample weights = nil error, want one (Keras refuses both)")
	}
	ds.Weights = nil
	if _, err := savedmodel.ClassWeights(ds, map[int]float64{0: -1}); err == nil {
		t.Error("ClassWeights(negative weight) = nil error, want one")
	}
}
