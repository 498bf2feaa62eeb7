//go:build cgo

package savedmodel

// Logs are the values of one batch or epoch by name: "loss", each metric,
// and "val_"-prefixed ones at epoch end when there is validation data. Batch
// logs hold the running means of the epoch so far, as Keras passes them.
type Logs map[string]float64

// Callback hooks into Fit, like a Keras callback. Every hook may return an
// error, which stops training and is returned by Fit. Embed NopCallback to
// implement only some hooks.
//
// Hooks run on the goroutine that called Fit, between TensorFlow steps, so
// they may read and assign the model's variables (e.g. the learning rate).
type Callback interface {
	OnTrainBegin(f *Fitting) error
	OnEpochBegin(f *Fitting, epoch int) error
	OnBatchEnd(f *Fitting, epoch, batch int, logs Logs) error
	OnEpochEnd(f *Fitting, epoch int, logs Logs) error
	OnTrainEnd(f *Fitting, logs Logs) error
}

// NopCallback implements every Callback hook as a no-op.
type NopCallback struct{}

func (NopCallback) OnTrainBegin(*Fitting) error               { return nil }
func (NopCallback) OnEpochBegin(*Fitting, int) error          { return nil }
func (NopCallback) OnBatchEnd(*Fitting, int, int, Logs) error { return nil }
func (NopCallback) OnEpochEnd(*Fitting, int, Logs) error      { return nil }
func (NopCallback) OnTrainEnd(*Fitting, Logs) error           { return nil }

// History is what Fit returns: per-epoch values by name, as Keras'
// History.history, with the epoch numbers (0-based) in Epoch.
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
