package savedmodel

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/tfrun/tfrun/internal/atomicdir"
)

// Logs are the values of one batch or epoch by name: "loss", each metric,
// and "val_"-prefixed ones at epoch end when there is validation data. Batch
// logs hold the running means of the epoch so far, as Keras passes them.
// Pure data, no cgo.
type Logs map[string]float64

// History is what Fit returns: per-epoch values by name, as Keras'
// History.history, with the epoch numbers (0-based) in Epoch. Its JSON form
// ({"epoch": [...], "history": {name: [...]}}) is what `tfrun train` writes
// and `tfrun plot` reads. Pure data, no cgo.
type History struct {
	Epoch  []int                `json:"epoch"`
	Values map[string][]float64 `json:"history"`
}

// Append records one epoch's logs.
func (h *History) Append(epoch int, logs Logs) {
	if h.Values == nil {
		h.Values = map[string][]float64{}
	}
	h.Epoch = append(h.Epoch, epoch)
	for k, v := range logs {
		h.Values[k] = append(h.Values[k], v)
	}
}

// Last returns the last epoch's value of name, and whether there is one.
func (h *History) Last(name string) (float64, bool) {
	v := h.Values[name]
	if len(v) == 0 {
		return 0, false
	}
	return v[len(v)-1], true
}

// Len returns the number of epochs recorded.
func (h *History) Len() int {
	if h == nil {
		return 0
	}
	return len(h.Epoch)
}

// Logs returns the values of the i-th recorded epoch (not the epoch
// number: the i-th entry of Epoch). Names with fewer values are left out.
func (h *History) Logs(i int) Logs {
	l := Logs{}
	for k, v := range h.Values {
		if i >= 0 && i < len(v) {
			l[k] = v[i]
		}
	}
	return l
}

// Names returns the recorded names, sorted.
func (h *History) Names() []string {
	names := make([]string, 0, len(h.Values))
	for k := range h.Values {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// Clone returns a deep copy.
func (h *History) Clone() *History {
	c := &History{Epoch: slices.Clone(h.Epoch), Values: make(map[string][]float64, len(h.Values))}
	for k, v := range h.Values {
		c.Values[k] = slices.Clone(v)
	}
	return c
}

// Check reports an inconsistent history: a name with more values than
// epochs, or epochs not increasing.
func (h *History) Check() error {
	for i := 1; i < len(h.Epoch); i++ {
		if h.Epoch[i] <= h.Epoch[i-1] {
			return fmt.Errorf("history: epoch %d follows epoch %d", h.Epoch[i], h.Epoch[i-1])
		}
	}
	for k, v := range h.Values {
		if len(v) > len(h.Epoch) {
			return fmt.Errorf("history: %q has %d values for %d epochs", k, len(v), len(h.Epoch))
		}
	}
	return nil
}

// ReadHistory reads a history JSON file (as WriteFile writes it). Errors
// name the file.
func ReadHistory(path string) (*History, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseHistory(path, b)
}

// ParseHistory parses a history's JSON form; path is for messages.
func ParseHistory(path string, b []byte) (*History, error) {
	var h History
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if h.Values == nil {
		return nil, fmt.Errorf("%s: no \"history\" object: not a tfrun history file", path)
	}
	if err := h.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &h, nil
}

// MarshalJSON writes NaN and infinities, which JSON lacks, as null, so a
// diverged run's history still saves; UnmarshalJSON reads null back as NaN.
func (h History) MarshalJSON() ([]byte, error) {
	type plain struct {
		Epoch  []int                 `json:"epoch"`
		Values map[string][]*float64 `json:"history"`
	}
	p := plain{Epoch: h.Epoch, Values: make(map[string][]*float64, len(h.Values))}
	if p.Epoch == nil {
		p.Epoch = []int{}
	}
	for k, vs := range h.Values {
		out := make([]*float64, len(vs))
		for i := range vs {
			if !math.IsNaN(vs[i]) && !math.IsInf(vs[i], 0) {
				out[i] = &vs[i]
			}
		}
		p.Values[k] = out
	}
	return json.Marshal(p)
}

// UnmarshalJSON reads the form MarshalJSON writes.
func (h *History) UnmarshalJSON(b []byte) error {
	var p struct {
		Epoch  []int                 `json:"epoch"`
		Values map[string][]*float64 `json:"history"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	h.Epoch = p.Epoch
	h.Values = nil
	if p.Values != nil {
		h.Values = make(map[string][]float64, len(p.Values))
		for k, vs := range p.Values {
			out := make([]float64, len(vs))
			for i, v := range vs {
				if v == nil {
					out[i] = math.NaN()
				} else {
					out[i] = *v
				}
			}
			h.Values[k] = out
		}
	}
	return nil
}

// WriteFile writes the history as indented JSON to path atomically (a
// temporary sibling, synced, renamed).
func (h *History) WriteFile(path string) error {
	b, err := json.MarshalIndent(h, "", " ")
	if err != nil {
		return err
	}
	return atomicdir.WriteFile(path, append(b, '\n'), 0o644)
}
