package h5convert

import (
	"errors"
	"testing"
)

// FuzzPlan builds small trees, models and options from arbitrary bytes and
// plans them: whatever the input, the planner must not panic, and it must
// return a plan or an error (a plan with problems comes with a
// *ValidationError).
func FuzzPlan(f *testing.F) {
	f.Add([]byte{6, 0, 1, 2, 3, 1, 4, 2, 1, 1, 3, 4, 4, 3, 2, 4, 0, 0, 3, 7, 4, 4, 2})
	f.Add([]byte{4, 5, 2, 2, 2, 3, 6, 2, 1, 3, 7, 1, 2, 8, 2, 2, 9, 3, 3, 1, 1})
	f.Add([]byte{8, 10, 1, 1, 0, 11, 2, 2, 2, 12, 0, 13, 3, 1, 2, 3, 0, 1, 2, 3, 4, 5})
	paths := []string{
		"/Weights/Layer1", "/Bias/Layer1", "/Weights/Layer2", "/Bias/Layer2", "/W/10",
		"/layers/dense/vars/0", "/layers/dense/vars/1", "/layers/dense_1/vars/0", "/dense/seq/dense/kernel",
		"/dense/seq/dense/bias", "/net/x", "/Layer3/Weights", "/layers/dense/vars/3", "/b/layer_1",
	}
	dtypes := []string{"float32", "float64", "int32", "float16", "string", "uint8"}
	mappings := []string{
		"",
		"version: 1\norientation: out-in\n",
		"version: 1\nentries:\n  - {source: /net/x, variable: sequential/dense/kernel, transpose: true, reshape: [-1, 2]}\n",
		"version: 1\nlayout: none\nentries:\n  - {source: /Weights/Layer1, variable: sequential/dense/bias, cast: float32}\n  - {variable: sequential/dense_1/bias, skip: true}\n",
		"version: 1\nlayout: keras3\nentries:\n  - {source: /W/10, skip: true}\n",
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		next := func() int {
			if len(data) == 0 {
				return 0
			}
			b := int(data[0])
			data = data[1:]
			return b
		}
		n := next() % 9
		var ds []memDS
		seen := map[string]bool{}
		for i := 0; i < n; i++ {
			p := paths[next()%len(paths)]
			if seen[p] {
				continue
			}
			seen[p] = true
			rank := next() % 4
			shape := make([]int64, rank)
			for k := range shape {
				shape[k] = int64(next() % 6)
			}
			ds = append(ds, memDS{path: p, dtype: dtypes[next()%len(dtypes)], shape: shape})
		}
		src := newMem(ds...)
		if next()%2 == 1 && seen["/dense/seq/dense/kernel"] {
			src.withAttr("/", "layer_names", "dense").withAttr("/dense", "weight_names", "seq/dense/kernel", "seq/dense/bias", "missing")
		}
		sizes := []int64{}
		for i, k := 0, next()%4; i < k; i++ {
			sizes = append(sizes, int64(next()%5))
		}
		vars := denseVars(sizes...)
		if next()%3 == 0 && len(vars) > 0 {
			vars[0].LayerClass = "BatchNormalization"
			vars[len(vars)-1].Trainable = false
		}
		opts := Options{AllowNonfinite: next()%2 == 0}
		switch next() % 3 {
		case 1:
			opts.Orientation = OutIn
		case 2:
			opts.Orientation = InOut
		}
		if m := mappings[next()%len(mappings)]; m != "" {
			mp, err := ParseMapping([]byte(m), "fuzz.yaml")
			if err != nil {
				t.Fatalf("seed mapping: %v", err)
			}
			opts.Mapping = mp
		}
		readValues := next()%2 == 0
		p, err := planMem(t, src, vars, opts, readValues)
		if p == nil && err == nil {
			t.Fatalf("plan and error both nil")
		}
		var ve *ValidationError
		if p != nil && len(p.Problems) > 0 && !errors.As(err, &ve) {
			t.Fatalf("plan with problems but error %v", err)
		}
		if p != nil && err == nil && readValues {
			for _, a := range p.Assignments {
				if a.Values == nil || a.Values.check() != nil {
					t.Fatalf("assignment %s without valid values", a.Variable)
				}
			}
			if _, problems := layoutWrites(p, valuesOf(p), true); len(problems) > 0 {
				t.Fatalf("writing a plan's own values back: %v", problems)
			}
		}
	})
}

// valuesOf collects a plan's values by variable.
func valuesOf(p *Plan) map[string]*Values {
	m := map[string]*Values{}
	for _, a := range p.Assignments {
		m[a.Variable] = a.Values
	}
	return m
}
