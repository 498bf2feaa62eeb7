package tfgo_test

import (
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/tfgo"
)

func readPB(tb testing.TB, model string) []byte {
	tb.Helper()
	b, err := os.ReadFile(fixture.Model(tb, model) + "/saved_model.pb")
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestParseSavedModelMNIST(t *testing.T) {
	mgs, err := tfgo.ParseSavedModel(readPB(t, "mnist_mlp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(mgs) != 1 {
		t.Fatalf("ParseSavedModel: %d MetaGraphs, want 1", len(mgs))
	}
	mg := mgs[0]
	if !reflect.DeepEqual(mg.Tags, []string{"serve"}) {
		t.Errorf("Tags = %v, want [serve]", mg.Tags)
	}
	if got, want := mg.SignatureKeys(), []string{"evaluate", "predict", "serving_default", "train_step"}; !reflect.DeepEqual(got, want) {
		t.Errorf("SignatureKeys() = %v, want %v", got, want)
	}
	ts := mg.Signatures["train_step"]
	if got := ts.InputKeys(); !reflect.DeepEqual(got, []string{"sample_weight", "x", "y"}) {
		t.Errorf("train_step inputs = %v", got)
	}
	x := ts.Inputs["x"]
	if x.Name != "train_step_x:0" || x.DType != tfgo.Float || x.Shape.String() != "(-1, 28, 28)" {
		t.Errorf("train_step x = %+v, want train_step_x:0 float32 (-1, 28, 28)", x)
	}
	if y := ts.Inputs["y"]; y.DType != tfgo.Int64 || y.Shape.String() != "(-1,)" {
		t.Errorf("train_step y = %+v, want int64 (-1,)", y)
	}
	if loss := ts.Outputs["loss"]; loss.DType != tfgo.Float || loss.Shape.Rank() != 0 {
		t.Errorf("train_step loss = %+v, want a float32 scalar", loss)
	}
	if mg.Saver.FilenameTensorName != "saver_filename:0" || mg.Saver.SaveTensorName == "" || mg.Saver.RestoreOpName == "" {
		t.Errorf("Saver = %+v", mg.Saver)
	}
	vars := map[string]tfgo.VariableInfo{}
	for _, v := range mg.Variables {
		vars[v.Name] = v
	}
	if k := vars["mnist_mlp/dense/kernel"]; k.DType != tfgo.Float || k.Shape.String() != "(784, 128)" {
		t.Errorf("variable mnist_mlp/dense/kernel = %+v", k)
	}
	if _, ok := mg.Signatures[tfgo.InitOpSignatureKey]; ok {
		t.Error("the init-op pseudo signature is listed")
	}
	if !mg.HasObjectGraph {
		t.Error("HasObjectGraph = false for a TF2 SavedModel")
	}
}

func TestParseSavedModelPlain(t *testing.T) {
	mgs, err := tfgo.ParseSavedModel(readPB(t, "plain_module"))
	if err != nil {
		t.Fatal(err)
	}
	lk := mgs[0].Signatures["lookup"]
	if w := lk.Inputs["words"]; w.DType != tfgo.String {
		t.Errorf("lookup words dtype = %v, want string", w.DType)
	}
	if ids := lk.Inputs["ids"]; ids.DType != tfgo.Int64 || ids.Shape.String() != "(-1, 3)" {
		t.Errorf("lookup ids = %+v", ids)
	}
	if sq := mgs[0].Signatures["square"]; sq.Outputs["output_0"].DType != tfgo.Double {
		t.Errorf("square outputs = %+v, want output_0 float64", sq.Outputs)
	}
}

func TestParseSavedModelCorrupt(t *testing.T) {
	good := readPB(t, "mnist_mlp")
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "no MetaGraphDef"},
		{"truncated", good[:len(good)/2], "corrupt"},
		{"garbage", []byte("this is not a protobuf at all, just text"), "corrupt"},
		{"bad length", []byte{0x12, 0xff, 0xff, 0xff, 0x0f, 1, 2}, "corrupt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tfgo.ParseSavedModel(tc.b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseSavedModel(%s) error = %v, want it to mention %q", tc.name, err, tc.want)
			}
		})
	}
}

func FuzzParseSavedModel(f *testing.F) {
	f.Add(readPB(f, "plain_module"))
	f.Add([]byte{0x12, 0x02, 0x0a, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		mgs, err := tfgo.ParseSavedModel(b)
		if err == nil && len(mgs) == 0 {
			t.Fatal("no error and no MetaGraph")
		}
	})
}

func TestReadMetaGraphErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, dir, want string
	}{
		{"missing", dir + "/nope", "no such directory"},
		{"no pb", dir, "no saved_model.pb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tfgo.ReadMetaGraph(tc.dir, []string{"serve"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadMetaGraph(%s) error = %v, want %q", tc.dir, err, tc.want)
			}
		})
	}
}

// decodeConfig reads back the fields ConfigProto wrote.
func decodeConfig(t *testing.T, b []byte) map[string]any {
	t.Helper()
	out := map[string]any{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatal("bad tag")
		}
		b = b[n:]
		switch typ {
		case protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			out[string(rune('0'+num))] = v
			b = b[n:]
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			key := string(rune('0' + num))
			if prev, ok := out[key].([]byte); ok {
				v = append(append([]byte{}, prev...), v...)
			}
			out[key] = v
			b = b[n:]
		default:
			t.Fatalf("unexpected wire type %v", typ)
		}
	}
	return out
}

func TestConfigProto(t *testing.T) {
	zero := decodeConfig(t, (&tfgo.SessionOptions{}).ConfigProto())
	exp, ok := zero[string(rune('0'+16))].([]byte)
	if !ok || len(zero) != 1 {
		t.Fatalf("zero options encode %v, want only the experimental message", zero)
	}
	// experimental.disable_optimize_for_static_graph (24) = true
	if num, typ, n := protowire.ConsumeTag(exp); num != 24 || typ != protowire.VarintType || exp[n] != 1 {
		t.Errorf("experimental = %x, want field 24 = 1", exp)
	}
	got := decodeConfig(t, (&tfgo.SessionOptions{IntraOpThreads: 3, InterOpThreads: 2, AllowSoftPlacement: true}).ConfigProto())
	if got["2"] != uint64(3) || got["5"] != uint64(2) || got["7"] != uint64(1) {
		t.Errorf("ConfigProto fields = %v, want intra=3 (2), inter=2 (5), soft placement (7)", got)
	}
}

func TestFloat16(t *testing.T) {
	tests := []struct {
		f    float32
		bits uint16
	}{
		{0, 0}, {1, 0x3c00}, {-2, 0xc000}, {65504, 0x7bff}, {1e6, 0x7c00},
		{float32(math.Inf(-1)), 0xfc00}, {5.960464477539063e-08, 0x0001}, {0.333251953125, 0x3555},
	}
	for _, tc := range tests {
		if got := tfgo.NewFloat16(tc.f); uint16(got) != tc.bits {
			t.Errorf("NewFloat16(%g) = %#04x, want %#04x", tc.f, uint16(got), tc.bits)
		}
		if tc.f != 1e6 {
			if got := tfgo.Float16(tc.bits).Float32(); got != tc.f {
				t.Errorf("Float16(%#04x).Float32() = %g, want %g", tc.bits, got, tc.f)
			}
		}
	}
	if !math.IsNaN(float64(tfgo.NewFloat16(float32(math.NaN())).Float32())) {
		t.Error("NaN does not round-trip through Float16")
	}
	for i := range 1 << 16 { // every finite half round-trips exactly
		h := tfgo.Float16(i)
		f := h.Float32()
		if math.IsNaN(float64(f)) {
			continue
		}
		if back := tfgo.NewFloat16(f); back != h {
			t.Fatalf("NewFloat16(Float16(%#04x).Float32() = %g) = %#04x", i, f, uint16(back))
		}
	}
	if got := tfgo.NewBFloat16(1.5).Float32(); got != 1.5 {
		t.Errorf("BFloat16 round trip of 1.5 = %g", got)
	}
}

func TestDataTypeNames(t *testing.T) {
	for _, name := range []string{"float32", "float64", "float16", "int8", "int16", "int32", "int64", "uint8", "uint16", "bool", "string"} {
		dt, err := tfgo.ParseDataType(name)
		if err != nil {
			t.Fatalf("ParseDataType(%q) error %v", name, err)
		}
		if dt.String() != name {
			t.Errorf("ParseDataType(%q).String() = %q", name, dt.String())
		}
	}
	if _, err := tfgo.ParseDataType("float128"); err == nil {
		t.Error("ParseDataType(float128) = nil error")
	}
}

func TestShape(t *testing.T) {
	s := tfgo.MakeShape(-1, 28, 28)
	if !s.Compatible([]int64{5, 28, 28}) || s.Compatible([]int64{5, 28}) || s.Compatible([]int64{5, 28, 27}) {
		t.Error("Compatible gives wrong answers for (-1, 28, 28)")
	}
	if got := tfgo.FormatDims([]int64{3}); got != "(3,)" {
		t.Errorf("FormatDims([3]) = %q, want (3,)", got)
	}
	if _, err := tfgo.NumElements([]int64{1 << 40, 1 << 40}); err == nil {
		t.Error("NumElements of an overflowing shape = nil error")
	}
}
