package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/internal/atomicdir"
	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/tfgo"
)

type predictOptions struct {
	session   sessionFlags
	inputs    []string
	output    string
	signature string
	batchSize int
}

func newPredictCommand() *cobra.Command {
	o := &predictOptions{}
	cmd := &cobra.Command{
		Use:   "predict MODEL_DIR --input FILE --output FILE",
		Short: "Run a signature of any SavedModel on inputs from .npy, .npz or JSON",
		Long: `predict feeds inputs from files to a signature (serving_default by default) and
writes its outputs.

Inputs (--input, repeatable):
  FILE.npy            the signature's only input
  KEY=FILE.npy        the input KEY
  FILE.npz            arrays named after the input keys
  FILE.json           {"KEY": nested list, ...}, {"inputs": {...}}, or, for a single
                      input, a bare nested list or {"instances": [...]}
Arrays are converted to the dtype the signature wants when every value fits
(e.g. float64 to float32); a value that does not fit is an error.

Output (--output): FILE.json ({"outputs": {KEY: nested list}}), FILE.npz (every
output) or FILE.npy (the only output); "-" writes JSON to stdout. The file is
written to a temporary sibling and renamed.`,
		Args: exactArgs(1, "one SavedModel directory"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Validate(); err != nil {
				return err
			}
			return runPredict(o, args[0], cmd.OutOrStdout())
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *predictOptions) AddFlags(fs *pflag.FlagSet) {
	o.session.AddFlags(fs)
	fs.StringArrayVar(&o.inputs, "input", nil, "input file: FILE.npy, KEY=FILE.npy, FILE.npz or FILE.json (repeatable; required)")
	fs.StringVar(&o.output, "output", "-", "output file: .json, .npz, .npy, or - for JSON on stdout")
	fs.StringVar(&o.signature, "signature", "", "signature key (default: serving_default, else predict)")
	fs.IntVar(&o.batchSize, "batch-size", 0, "split the inputs along dimension 0 into batches of this size (0: one call)")
}

func (o *predictOptions) Validate() error {
	if err := o.session.Validate(); err != nil {
		return err
	}
	if len(o.inputs) == 0 {
		return usageErrorf("--input is required")
	}
	if o.batchSize < 0 {
		return usageErrorf("--batch-size %d: want >= 0", o.batchSize)
	}
	switch ext := strings.ToLower(filepath.Ext(o.output)); {
	case o.output == "-", ext == ".json", ext == ".npz", ext == ".npy":
	default:
		return usageErrorf("--output %s: want a .json, .npz or .npy file, or -", o.output)
	}
	return nil
}

func runPredict(o *predictOptions, dir string, stdout io.Writer) error {
	m, err := o.session.loadModel(dir)
	if err != nil {
		return err
	}
	defer m.Close()
	var sig *savedmodel.Signature
	if o.signature != "" {
		sig, err = m.Signature(o.signature)
	} else {
		sig, err = m.PredictSignature()
	}
	if err != nil {
		return withCode(exitBadModel, err)
	}
	arrays, err := readInputs(o.inputs, sig)
	if err != nil {
		return withCode(exitBadData, err)
	}
	outputs, err := callBatched(m, sig, arrays, o.batchSize)
	if err != nil {
		return err
	}
	return writeOutputs(o.output, sig, outputs, stdout)
}

// readInputs reads every --input into arrays of the signature's dtypes.
func readInputs(specs []string, sig *savedmodel.Signature) (map[string]*dataset.Array, error) {
	out := map[string]*dataset.Array{}
	add := func(src, key string, a *dataset.Array) error {
		spec, ok := sig.Input(key)
		if !ok {
			return fmt.Errorf("%s: signature %q has no input %q (inputs: %s)", src, sig.Key, key, inputKeys(sig))
		}
		if _, dup := out[key]; dup {
			return fmt.Errorf("%s: input %q given twice", src, key)
		}
		if want := spec.DType.String(); a.DType() != want {
			c, err := a.Convert(want)
			if err != nil {
				return fmt.Errorf("%s: input %q holds %s, the signature wants %s: %w", src, key, a.DType(), want, err)
			}
			a = c
		}
		out[key] = a
		return nil
	}
	onlyKey := func(src string) (string, error) {
		if len(sig.Inputs) != 1 {
			return "", fmt.Errorf("%s: signature %q has %d inputs (%s); name it with KEY=%s", src, sig.Key, len(sig.Inputs), inputKeys(sig), src)
		}
		return sig.Inputs[0].Key, nil
	}
	for _, s := range specs {
		key, path, named := strings.Cut(s, "=")
		if !named {
			key, path = "", s
		}
		switch ext := strings.ToLower(filepath.Ext(path)); ext {
		case ".npy":
			a, err := dataset.LoadNPY(path)
			if err != nil {
				return nil, err
			}
			if key == "" {
				if key, err = onlyKey(path); err != nil {
					return nil, err
				}
			}
			if err := add(path, key, a); err != nil {
				return nil, err
			}
		case ".npz":
			arrays, err := dataset.LoadNPZArrays(path)
			if err != nil {
				return nil, err
			}
			for _, n := range arrays {
				if err := add(path+":"+n.Name, n.Name, n.Array); err != nil {
					return nil, err
				}
			}
		case ".json":
			values, err := readJSONInputs(path, sig, key, onlyKey)
			if err != nil {
				return nil, err
			}
			for _, k := range sortedMapKeys(values) {
				if err := add(path, k, values[k]); err != nil {
					return nil, err
				}
			}
		default:
			return nil, fmt.Errorf("--input %s: want a .npy, .npz or .json file", s)
		}
	}
	for _, spec := range sig.Inputs {
		if _, ok := out[spec.Key]; !ok {
			return nil, fmt.Errorf("no data for input %q of signature %q (inputs: %s)", spec.Key, sig.Key, inputKeys(sig))
		}
	}
	return out, nil
}

func inputKeys(sig *savedmodel.Signature) string {
	keys := make([]string, len(sig.Inputs))
	for i, s := range sig.Inputs {
		keys[i] = s.Key
	}
	return strings.Join(keys, ", ")
}

func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// readJSONInputs parses the JSON input forms into arrays by key.
func readJSONInputs(path string, sig *savedmodel.Signature, key string, onlyKey func(string) (string, error)) (map[string]*dataset.Array, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	raw := map[string]any{}
	switch v := doc.(type) {
	case map[string]any:
		if in, ok := v["inputs"].(map[string]any); ok && len(v) == 1 {
			raw = in
		} else if inst, ok := v["instances"].([]any); ok && len(v) == 1 {
			k := key
			if k == "" {
				if k, err = onlyKey(path); err != nil {
					return nil, err
				}
			}
			raw[k] = inst
		} else {
			raw = v
		}
	default:
		k := key
		if k == "" {
			if k, err = onlyKey(path); err != nil {
				return nil, err
			}
		}
		raw[k] = v
	}
	out := map[string]*dataset.Array{}
	for k, v := range raw {
		spec, ok := sig.Input(k)
		if !ok {
			return nil, fmt.Errorf("%s: signature %q has no input %q (inputs: %s)", path, sig.Key, k, inputKeys(sig))
		}
		a, err := jsonArray(v, spec.DType)
		if err != nil {
			return nil, fmt.Errorf("%s: input %q: %w", path, k, err)
		}
		out[k] = a
	}
	return out, nil
}

// jsonArray turns a nested JSON value into an array (numbers as float64 or
// int64, strings, bools), checking that the nesting is rectangular.
func jsonArray(v any, want tfgo.DataType) (*dataset.Array, error) {
	var shape []int
	for x := v; ; {
		l, ok := x.([]any)
		if !ok {
			break
		}
		shape = append(shape, len(l))
		if len(l) == 0 {
			break
		}
		x = l[0]
	}
	var floats []float64
	var ints []int64
	var strs []string
	var bools []bool
	var walk func(x any, depth int) error
	walk = func(x any, depth int) error {
		if depth < len(shape) {
			l, ok := x.([]any)
			if !ok || len(l) != shape[depth] {
				return fmt.Errorf("ragged nesting at depth %d: want a list of %d", depth, shape[depth])
			}
			for _, e := range l {
				if err := walk(e, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		switch e := x.(type) {
		case json.Number:
			if want.String() == "int64" || want.String() == "int32" || want.String() == "int16" || want.String() == "int8" || want.String() == "uint8" || want.String() == "uint16" {
				i, err := e.Int64()
				if err != nil {
					return fmt.Errorf("%s is not an integer, the input wants %s", e, want)
				}
				ints = append(ints, i)
				return nil
			}
			f, err := e.Float64()
			if err != nil {
				return err
			}
			floats = append(floats, f)
		case string:
			strs = append(strs, e)
		case bool:
			bools = append(bools, e)
		case []any:
			return fmt.Errorf("ragged nesting: a list at depth %d", depth)
		default:
			return fmt.Errorf("unsupported JSON value %v (want numbers, strings or booleans)", x)
		}
		return nil
	}
	if err := walk(v, 0); err != nil {
		return nil, err
	}
	kinds := 0
	var data any
	for _, d := range []any{floats, ints, strs, bools} {
		if reflect.ValueOf(d).Len() > 0 {
			kinds++
			data = d
		}
	}
	if kinds > 1 {
		return nil, errors.New("mixed value types")
	}
	if data == nil {
		data = []float64{}
	}
	if shape == nil {
		shape = []int{}
	}
	return dataset.NewArray(data, shape...)
}

// callBatched runs sig on arrays, in batches along dimension 0 when asked,
// and concatenates the outputs.
func callBatched(m *savedmodel.Model, sig *savedmodel.Signature, arrays map[string]*dataset.Array, batch int) (map[string]*dataset.Array, error) {
	n := -1
	for _, a := range arrays {
		if len(a.Shape) == 0 {
			batch = 0 // scalars cannot be split
			break
		}
		if n >= 0 && a.Len() != n {
			batch = 0
		}
		n = a.Len()
	}
	if batch <= 0 || n <= batch {
		return callOnce(m, sig, arrays)
	}
	var parts []map[string]*dataset.Array
	for lo := 0; lo < n; lo += batch {
		sub := map[string]*dataset.Array{}
		for k, a := range arrays {
			s, err := a.Slice(lo, min(lo+batch, n))
			if err != nil {
				return nil, err
			}
			sub[k] = s
		}
		out, err := callOnce(m, sig, sub)
		if err != nil {
			return nil, fmt.Errorf("samples %d..%d: %w", lo, min(lo+batch, n)-1, err)
		}
		parts = append(parts, out)
	}
	return concat(parts)
}

func callOnce(m *savedmodel.Model, sig *savedmodel.Signature, arrays map[string]*dataset.Array) (map[string]*dataset.Array, error) {
	inputs := map[string]*tfgo.Tensor{}
	defer func() {
		for _, t := range inputs {
			t.Close()
		}
	}()
	for k, a := range arrays {
		t, err := tfgo.FromFlat(int64s(a.Shape), a.Data)
		if err != nil {
			return nil, withCode(exitBadData, fmt.Errorf("input %q: %w", k, err))
		}
		inputs[k] = t
	}
	out, err := m.Call(sig.Key, inputs)
	if err != nil {
		var ie *savedmodel.InputError
		if errors.As(err, &ie) {
			return nil, withCode(exitBadData, err)
		}
		return nil, err
	}
	defer out.Close()
	res := map[string]*dataset.Array{}
	for k, t := range out {
		flat, err := t.Flat()
		if err != nil {
			return nil, fmt.Errorf("output %q: %w", k, err)
		}
		a, err := dataset.NewArray(flat, ints(t.Shape())...)
		if err != nil {
			return nil, fmt.Errorf("output %q (%s): %w", k, t.DataType(), err)
		}
		res[k] = a
	}
	return res, nil
}

func concat(parts []map[string]*dataset.Array) (map[string]*dataset.Array, error) {
	out := map[string]*dataset.Array{}
	for k := range parts[0] {
		first := parts[0][k]
		data := reflect.MakeSlice(reflect.TypeOf(first.Data), 0, 0)
		n := 0
		for _, p := range parts {
			a := p[k]
			if len(a.Shape) == 0 {
				return nil, fmt.Errorf("output %q is a scalar per call; run without --batch-size", k)
			}
			data = reflect.AppendSlice(data, reflect.ValueOf(a.Data))
			n += a.Shape[0]
		}
		shape := append([]int{n}, first.Shape[1:]...)
		a, err := dataset.NewArray(data.Interface(), shape...)
		if err != nil {
			return nil, err
		}
		out[k] = a
	}
	return out, nil
}

func int64s(s []int) []int64 {
	out := make([]int64, len(s))
	for i, d := range s {
		out[i] = int64(d)
	}
	return out
}

func ints(s []int64) []int {
	out := make([]int, len(s))
	for i, d := range s {
		out[i] = int(d)
	}
	return out
}

func writeOutputs(path string, sig *savedmodel.Signature, outputs map[string]*dataset.Array, stdout io.Writer) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		if len(outputs) != 1 {
			return usageErrorf("--output %s: signature %q has %d outputs; write them to an .npz or .json", path, sig.Key, len(outputs))
		}
		for _, a := range outputs {
			return dataset.SaveNPY(path, a)
		}
	case ".npz":
		var named []dataset.Named
		for _, k := range sortedMapKeys(outputs) {
			named = append(named, dataset.Named{Name: k, Array: outputs[k]})
		}
		return dataset.SaveNPZ(path, named, false)
	}
	doc := map[string]any{}
	for k, a := range outputs {
		v, err := nested(a)
		if err != nil {
			return fmt.Errorf("output %q: %w", k, err)
		}
		doc[k] = v
	}
	b, err := json.Marshal(map[string]any{"outputs": doc})
	if err != nil {
		return fmt.Errorf("writing JSON: %w (use an .npy or .npz output for NaN or infinite values)", err)
	}
	b = append(b, '\n')
	if path == "-" {
		_, err := stdout.Write(b)
		return err
	}
	return atomicdir.WriteFile(path, b, 0o644)
}

// nested reshapes an array's flat data into nested slices for JSON.
func nested(a *dataset.Array) (any, error) {
	v := reflect.ValueOf(a.Data)
	if f, ok := a.Data.([]float32); ok {
		for _, x := range f {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return nil, fmt.Errorf("holds %v, which JSON cannot represent; write an .npy or .npz", x)
			}
		}
	}
	if len(a.Shape) == 0 {
		return v.Index(0).Interface(), nil
	}
	var build func(v reflect.Value, shape []int) any
	build = func(v reflect.Value, shape []int) any {
		if len(shape) == 1 {
			return v.Interface()
		}
		n := shape[0]
		stride := v.Len() / max(n, 1)
		out := make([]any, n)
		for i := range n {
			out[i] = build(v.Slice(i*stride, (i+1)*stride), shape[1:])
		}
		return out
	}
	return build(v, a.Shape), nil
}
