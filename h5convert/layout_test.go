package h5convert

import (
	"testing"
)

func TestClassify(t *testing.T) {
	names, err := newLayeredNames(nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path   string
		isBias bool
		n      int
		ok     bool
	}{
		{"/Weights/Layer1", false, 1, true},
		{"/Bias/Layer12", true, 12, true},
		{"/W/layer_3", false, 3, true},
		{"/b/2", true, 2, true},
		{"/kernel/1", false, 1, true},
		{"/BIASES/layer-4", true, 4, true},
		{"/model/Layer2/Weights", false, 2, true},
		{"/Layer2/bias", true, 2, true},
		{"/Weights/LayerA", false, 0, false},
		{"/Weights", false, 0, false},
		{"/Other/Layer1", false, 0, false},
		{"/Weights/Layer1/extra", false, 0, false},
	}
	for _, tt := range tests {
		isBias, n, ok := names.classify(tt.path)
		if isBias != tt.isBias || n != tt.n || ok != tt.ok {
			t.Errorf("classify(%s) = %v, %d, %v; want %v, %d, %v", tt.path, isBias, n, ok, tt.isBias, tt.n, tt.ok)
		}
	}
}

func TestSnakeCase(t *testing.T) {
	tests := map[string]string{
		"Dense":              "dense",
		"BatchNormalization": "batch_normalization",
		"Conv2D":             "conv2d",
		"LSTM":               "lstm",
		"GRUCell":            "gru_cell",
		"MultiHeadAttention": "multi_head_attention",
		"My-Layer":           "my_layer",
	}
	for in, want := range tests {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
	vars := append(denseVars(3, 2, 2), Variable{Name: "bn/gamma", DType: "float32", Shape: []int64{2}, Layer: "bn", LayerClass: "BatchNormalization"})
	got := kerasNames(layersOf(vars))
	want := map[string]string{"dense": "dense", "dense_1": "dense_1", "bn": "batch_normalization"}
	for l, g := range want {
		if got[l] != g {
			t.Errorf("kerasNames()[%s] = %q, want %q", l, got[l], g)
		}
	}
}

func TestParseLayoutAndOrientation(t *testing.T) {
	for in, want := range map[string]Layout{"": LayoutAuto, "auto": LayoutAuto, "keras3": LayoutKeras3, " none ": LayoutNone, "keras-legacy": LayoutKerasLegacy, "custom-layered": LayoutCustomLayered} {
		if got, err := ParseLayout(in); err != nil || got != want {
			t.Errorf("ParseLayout(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseLayout("unknown"); err == nil {
		t.Errorf(`ParseLayout("unknown") = nil error; detection's answer is not a choice`)
	}
	for in, want := range map[string]Orientation{"": OrientationAuto, "auto": OrientationAuto, "out-in": OutIn, "in-out": InOut} {
		if got, err := ParseOrientation(in); err != nil || got != want {
			t.Errorf("ParseOrientation(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseOrientation("transposed"); err == nil {
		t.Errorf(`ParseOrientation("transposed") = nil error`)
	}
}

func TestDetectLayout(t *testing.T) {
	names, _ := newLayeredNames(nil, nil, "")
	tests := []struct {
		name string
		src  *memSource
		want Layout
	}{
		{"layered", seedFile(), LayoutCustomLayered},
		{"keras3", newMem(memDS{path: "/layers/dense/vars/0", dtype: "float32", shape: []int64{2, 2}}), LayoutKeras3},
		{"keras legacy", newMem(memDS{path: "/dense/k", dtype: "float32", shape: []int64{1}}).withAttr("/", "layer_names", "dense"), LayoutKerasLegacy},
		{"keras legacy chunked", newMem(memDS{path: "/model_weights/dense/k", dtype: "float32", shape: []int64{1}}).withAttr("/model_weights", "layer_names0", "dense").withAttr("/model_weights", "layer_names1", "dense_1"), LayoutKerasLegacy},
		{"unknown", newMem(memDS{path: "/net/W", dtype: "float32", shape: []int64{2, 2}}), LayoutUnknown},
		{"string datasets only", newMem(memDS{path: "/Weights/Layer1", dtype: "string", shape: []int64{1}}), LayoutUnknown},
	}
	for _, tt := range tests {
		if got := detectLayout(newTree("x", tt.src.objects()), names); got != tt.want {
			t.Errorf("detectLayout(%s) = %s, want %s", tt.name, got, tt.want)
		}
	}
	m := newMem(memDS{path: "/a/x", dtype: "float32", shape: []int64{1}}).
		withAttr("/", "names1", "c").withAttr("/", "names0", "a", "b").withAttr("/", "names3", "skipped after a gap")
	if got, ok := newTree("x", m.objects()).kerasList("/", "names"); !ok || len(got) != 3 || got[2] != "c" {
		t.Errorf("kerasList(chunks) = %q, %v; want [a b c]", got, ok)
	}
}
