package callbacks

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/tfrun/tfrun/savedmodel"
)

// kerasCase is one case of testdata/keras_callbacks.json, written by
// testdata/make_keras_expect.py from Keras' own callbacks.
type kerasCase struct {
	Kind     string          `json:"kind"`
	Sequence string          `json:"sequence"`
	Monitor  string          `json:"monitor"`
	RawCfg   json.RawMessage `json:"config"`
	Values   []float64       `json:"values"`
	LR       float64         `json:"lr"`
	Expect   struct {
		Stopped   int       `json:"stopped"`
		Restored  int       `json:"restored"`
		Wait      int       `json:"wait"`
		BestEpoch int       `json:"best_epoch"`
		LRs       []float64 `json:"lrs"`
	} `json:"expect"`
}

type rawConfig struct {
	Patience           *int     `json:"patience"`
	MinDelta           *float64 `json:"min_delta"`
	Baseline           *float64 `json:"baseline"`
	StartFromEpoch     int      `json:"start_from_epoch"`
	RestoreBestWeights bool     `json:"restore_best_weights"`
	Mode               string   `json:"mode"`
	Factor             float64  `json:"factor"`
	Cooldown           int      `json:"cooldown"`
	MinLR              float64  `json:"min_lr"`
}

func kerasCases(tb testing.TB, kind string) []kerasCase {
	tb.Helper()
	b, err := os.ReadFile("testdata/keras_callbacks.json")
	if err != nil {
		tb.Fatal(err)
	}
	var f struct {
		Cases []kerasCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		tb.Fatal(err)
	}
	var out []kerasCase
	for _, c := range f.Cases {
		if c.Kind == kind {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no %s cases in testdata/keras_callbacks.json", kind)
	}
	return out
}

func history(values []float64, name string) *savedmodel.History {
	h := &savedmodel.History{}
	for i, v := range values {
		h.Append(i, savedmodel.Logs{name: v, "loss": 1})
	}
	return h
}

// TestEarlyStoppingMatchesKeras replays recorded monitor sequences through
// EarlyStopper and checks the epoch it stops at, the epoch whose weights it
// restores, and its final wait and best epoch against what Keras'
// EarlyStopping did on the same sequences.
func TestEarlyStoppingMatchesKeras(t *testing.T) {
	for _, c := range kerasCases(t, "early_stopping") {
		var rc rawConfig
		if err := json.Unmarshal(c.RawCfg, &rc); err != nil {
			t.Fatal(err)
		}
		cfg := EarlyStoppingConfig{Monitor: c.Monitor, Mode: rc.Mode, Baseline: rc.Baseline,
			StartFromEpoch: rc.StartFromEpoch, RestoreBestWeights: rc.RestoreBestWeights}
		if rc.Patience != nil {
			cfg.Patience = *rc.Patience
		}
		if rc.MinDelta != nil {
			cfg.MinDelta = *rc.MinDelta
		}
		name := fmt.Sprintf("%s/%s", c.Sequence, c.RawCfg)
		t.Run(name, func(t *testing.T) {
			e, err := NewEarlyStopper(cfg)
			if err != nil {
				t.Fatal(err)
			}
			h := history(c.Values, c.Monitor)
			stopped, restored := -1, -1
			for i, epoch := range h.Epoch {
				d := e.Step(epoch, h.Logs(i))
				if d.CaptureBest {
					restored = epoch // the fake model's weights are its epoch
				}
				if d.Stop {
					stopped = epoch
					break
				}
			}
			if !cfg.RestoreBestWeights {
				restored = -1
			}
			if stopped != c.Expect.Stopped {
				t.Errorf("stopped at epoch %d, Keras at %d", stopped, c.Expect.Stopped)
			}
			if restored != c.Expect.Restored {
				t.Errorf("restores epoch %d's weights, Keras epoch %d's", restored, c.Expect.Restored)
			}
			if e.Wait != c.Expect.Wait || e.BestEpoch != c.Expect.BestEpoch {
				t.Errorf("wait %d, best epoch %d; Keras: wait %d, best epoch %d", e.Wait, e.BestEpoch, c.Expect.Wait, c.Expect.BestEpoch)
			}
			if s, _, _ := Replay(cfg, h); s != stopped {
				t.Errorf("Replay stopped at %d, Step loop at %d", s, stopped)
			}
		})
	}
}

// TestReduceLROnPlateauMatchesKeras replays the sequences through Plateau
// and checks the learning rate after every epoch (as the float32 variable
// holds it) against Keras' ReduceLROnPlateau.
func TestReduceLROnPlateauMatchesKeras(t *testing.T) {
	for _, c := range kerasCases(t, "reduce_lr_on_plateau") {
		var rc rawConfig
		if err := json.Unmarshal(c.RawCfg, &rc); err != nil {
			t.Fatal(err)
		}
		cfg := ReduceLROnPlateauConfig{Monitor: c.Monitor, Mode: rc.Mode, Factor: rc.Factor,
			MinDelta: rc.MinDelta, Cooldown: rc.Cooldown, MinLR: rc.MinLR, Patience: 10}
		if rc.Patience != nil {
			cfg.Patience = *rc.Patience
		}
		t.Run(fmt.Sprintf("%s/%s", c.Sequence, c.RawCfg), func(t *testing.T) {
			p, err := NewPlateau(cfg)
			if err != nil {
				t.Fatal(err)
			}
			lr := float64(float32(c.LR))
			var lrs []float64
			for _, v := range c.Values {
				newLR, _, _ := p.Step(savedmodel.Logs{c.Monitor: v}, lr)
				lr = float64(float32(newLR)) // the variable is float32
				lrs = append(lrs, lr)
			}
			if !slices.Equal(lrs, c.Expect.LRs) {
				t.Errorf("learning rates %v\nKeras          %v", lrs, c.Expect.LRs)
			}
		})
	}
}
