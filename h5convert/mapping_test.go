package h5convert

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseMapping(t *testing.T) {
	tests := []struct {
		name string
		file string
		data string
		want string // error text; "" for success
		line int    // MappingError.Line wanted
	}{
		{"minimal yaml", "m.yaml", "version: 1\n", "", 0},
		{"minimal json", "m.json", `{"version": 1}`, "", 0},
		{"json by content", "mapping", ` {"version": 1, "entries": []}`, "", 0},
		{"empty", "m.yaml", " \n", "empty mapping", 0},
		{"no version", "m.yaml", "entries: []\n", "version is 0; want 1", 0},
		{"version 2", "m.json", `{"version": 2}`, "version is 2; want 1", 0},
		{"unknown key yaml", "m.yaml", "version: 1\nentires: []\n", "field entires not found", 0},
		{"unknown entry key", "m.yaml", "version: 1\nentries:\n  - {source: /a, variable: v, tranpose: true}\n", "field tranpose not found", 0},
		{"unknown key json", "m.json", `{"version": 1, "layuot": "none"}`, `unknown field "layuot"`, 0},
		{"trailing json", "m.json", `{"version": 1} {}`, "data after the JSON object", 0},
		{"two yaml documents", "m.yaml", "version: 1\n---\nversion: 1\n", "more than one YAML document", 0},
		{"yaml syntax", "m.yaml", "version: [1\n", "yaml:", 0},
		{"bad layout", "m.yaml", "version: 1\nlayout: matlab\n", `layout "matlab" is not one of`, 0},
		{"bad orientation", "m.yaml", "version: 1\norientation: sideways\n", `orientation "sideways" is not out-in or in-out`, 0},
		{"bad pattern", "m.yaml", "version: 1\nlayer_pattern: '('\n", "layer pattern", 0},
		{"pattern without group", "m.yaml", "version: 1\nlayer_pattern: 'L\\d+'\n", "exactly one group", 0},
		{"same group twice", "m.yaml", "version: 1\nweights_groups: [W]\nbias_groups: [w]\n", `"w" is both a weights and a bias group name`, 0},
		{"entry without variable", "m.yaml", "version: 1\nentries:\n  - source: /a\n", "entry 1: an entry needs both source and variable", 3},
		{"entry without source", "m.yaml", "version: 1\nentries:\n  - variable: v\n", "entry 1: an entry needs both source and variable", 3},
		{"skip with both", "m.yaml", "version: 1\nentries:\n  - {source: /a, variable: v, skip: true}\n", "names either a source or a variable", 3},
		{"skip with transform", "m.yaml", "version: 1\nentries:\n  - {source: /a, skip: true, transpose: true}\n", "a skip entry has no transpose, reshape or cast", 3},
		{"duplicate target", "m.yaml", "version: 1\nentries:\n  - {source: /a, variable: v}\n  - {source: /b, variable: v}\n",
			"test.yaml:4: entry 2: duplicate mapping target v: entry 1 already maps or skips it", 4},
		{"mapped and skipped variable", "m.yaml", "version: 1\nentries:\n  - {source: /a, variable: v}\n  - {variable: v, skip: true}\n", "duplicate mapping target v", 4},
		{"dataset mapped and skipped", "m.yaml", "version: 1\nentries:\n  - {source: /a, skip: true}\n  - {source: a, variable: v}\n", "dataset /a is mapped here but skipped by entry 1", 4},
		{"dataset skipped twice", "m.json", `{"version": 1, "entries": [{"source": "/a", "skip": true}, {"source": "/a/", "skip": true}]}`, "entry 2: dataset /a is already skipped by entry 1", 0},
		{"bad transpose type", "m.yaml", "version: 1\nentries:\n  - {source: /a, variable: v, transpose: yes please}\n", "transpose must be true, false or a list of axes", 0},
		{"bad transpose json", "m.json", `{"version": 1, "entries": [{"source": "/a", "variable": "v", "transpose": "T"}]}`, "transpose must be true, false or a list of axes", 0},
		{"not a permutation", "m.yaml", "version: 1\nentries:\n  - {source: /a, variable: v, transpose: [0, 0]}\n", "transpose [0 0] is not a permutation", 3},
		{"two -1", "m.yaml", "version: 1\nentries:\n  - {source: /a, variable: v, reshape: [-1, -1]}\n", "more than one -1", 3},
		{"negative dimension", "m.yaml", "version: 1\nentries:\n  - {source: /a, variable: v, reshape: [-2]}\n", "negative dimension", 3},
		{"bad cast", "m.yaml", "version: 1\nentries:\n  - {source: /a, variable: v, cast: double}\n", `cast "double" is not a dtype`, 3},
		{"root is not a dataset", "m.yaml", "version: 1\nentries:\n  - {source: /, variable: v}\n", `source "/" is not a dataset path`, 3},
		{"fixture yaml", "", "testdata/custom.map.yaml", "", 0},
		{"fixture json", "", "testdata/custom.map.json", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m *Mapping
			var err error
			if tt.file == "" {
				m, err = LoadMapping(tt.data)
			} else {
				m, err = ParseMapping([]byte(tt.data), "test"+filepath.Ext(tt.file))
			}
			if tt.want == "" {
				if err != nil {
					t.Fatalf("ParseMapping = %v, want no error", err)
				}
				if m.Version != 1 {
					t.Errorf("Version = %d, want 1", m.Version)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseMapping = %v, want an error containing %q", err, tt.want)
			}
			var me *MappingError
			if !errors.As(err, &me) {
				t.Fatalf("ParseMapping error %T, want *MappingError", err)
			}
			if tt.line != 0 && me.Line != tt.line {
				t.Errorf("MappingError.Line = %d, want %d", me.Line, tt.line)
			}
		})
	}
}

// TestMappingFixturesAgree checks that the YAML and JSON twins in testdata
// say the same.
func TestMappingFixturesAgree(t *testing.T) {
	y, err := LoadMapping("testdata/custom.map.yaml")
	if err != nil {
		t.Fatal(err)
	}
	j, err := LoadMapping("testdata/custom.map.json")
	if err != nil {
		t.Fatal(err)
	}
	if y.Entries[0].Line != 5 {
		t.Errorf("YAML entry 1 line = %d, want 5", y.Entries[0].Line)
	}
	y.Name, j.Name = "", ""
	for i := range y.Entries {
		y.Entries[i].Line = 0
	}
	if !reflect.DeepEqual(y, j) {
		t.Errorf("YAML mapping %+v\n!= JSON mapping %+v", y, j)
	}
	if !y.Entries[2].Transpose.Reverse || y.Entries[3].Reshape[0] != -1 || !y.Entries[4].Skip {
		t.Errorf("entries = %+v, not as written", y.Entries)
	}
}

func TestLoadMappingMissing(t *testing.T) {
	_, err := LoadMapping(filepath.Join(t.TempDir(), "none.yaml"))
	var me *MappingError
	if !errors.As(err, &me) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadMapping(missing) = %v, want a *MappingError wrapping ErrNotExist", err)
	}
}

// FuzzParseMapping feeds arbitrary bytes to the parser: it must never
// panic, and whatever it accepts must survive a JSON round trip unchanged.
func FuzzParseMapping(f *testing.F) {
	for _, name := range []string{"testdata/custom.map.yaml", "testdata/custom.map.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, filepath.Ext(name))
	}
	f.Add([]byte("version: 1\nentries:\n  - {source: /a, variable: v, transpose: [1, 0], reshape: [-1, 2], cast: float32}\n"), ".yaml")
	f.Add([]byte(`{"version":1,"layout":"custom-layered","orientation":"out-in","weights_groups":["W"],"layer_pattern":"^L(\\d+)$"}`), ".json")
	f.Add([]byte("version: 1\nentries: [{variable: x, skip: true}]\n"), "")
	f.Fuzz(func(t *testing.T, data []byte, ext string) {
		m, err := ParseMapping(data, "fuzz"+ext)
		if err != nil {
			var me *MappingError
			if !errors.As(err, &me) {
				t.Fatalf("ParseMapping error %T %v, want *MappingError", err, err)
			}
			return
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("json.Marshal(accepted mapping) = %v", err)
		}
		again, err := ParseMapping(out, "again.json")
		if err != nil {
			t.Fatalf("re-parsing %s = %v", out, err)
		}
		m.Name, again.Name = "", ""
		for i := range m.Entries {
			m.Entries[i].Line = 0
		}
		if !reflect.DeepEqual(normalMapping(m), normalMapping(again)) {
			t.Fatalf("round trip changed the mapping:\n%+v\n%+v", m, again)
		}
	})
}

// normalMapping treats nil and empty slices alike for comparison.
func normalMapping(m *Mapping) string {
	b, _ := json.Marshal(m)
	return string(b)
}
