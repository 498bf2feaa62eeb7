//go:build cgo

package savedmodel

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
