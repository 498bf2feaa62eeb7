package callbacks

import (
	"fmt"
	"math"

	"github.com/tfrun/tfrun/savedmodel"
)

// ReduceLROnPlateauConfig are the arguments of Keras' ReduceLROnPlateau.
// Zero values take Keras' defaults where noted (except Patience).
type ReduceLROnPlateauConfig struct {
	Monitor  string   // default "val_loss"
	Mode     string   // auto (default), min or max
	Factor   float64  // new_lr = lr * factor; default 0.1; must be < 1
	Patience int      // taken as given (Keras' default is 10)
	MinDelta *float64 // default 1e-4
	Cooldown int      // epochs after a reduction before counting again
	MinLR    float64  // lower bound on the learning rate
}

// Plateau is ReduceLROnPlateau's decision logic alone, driven by epoch logs
// and the current learning rate. Pure Go.
type Plateau struct {
	Config ReduceLROnPlateauConfig
	PlateauState
	mon monitor
}

// PlateauState is what Plateau carries from epoch to epoch.
type PlateauState struct {
	Wait            int      `json:"wait"`
	CooldownCounter int      `json:"cooldown_counter"`
	Best            *float64 `json:"best"`
}

// NewPlateau checks the configuration and fills in Keras' defaults.
func NewPlateau(c ReduceLROnPlateauConfig) (*Plateau, error) {
	if c.Monitor == "" {
		c.Monitor = "val_loss"
	}
	if c.Factor == 0 {
		c.Factor = 0.1
	}
	if c.MinDelta == nil {
		c.MinDelta = ptr(1e-4)
	}
	switch {
	case c.Factor >= 1 || c.Factor <= 0 || math.IsNaN(c.Factor):
		return nil, fmt.Errorf("reduce_lr_on_plateau: factor %g: want 0 < factor < 1", c.Factor)
	case c.Patience < 0 || c.Cooldown < 0:
		return nil, fmt.Errorf("reduce_lr_on_plateau: patience %d and cooldown %d must be >= 0", c.Patience, c.Cooldown)
	case c.MinLR < 0:
		return nil, fmt.Errorf("reduce_lr_on_plateau: min_lr %g must be >= 0", c.MinLR)
	}
	mon, err := newMonitor("reduce_lr_on_plateau", c.Monitor, c.Mode, *c.MinDelta)
	if err != nil {
		return nil, err
	}
	return &Plateau{Config: c, mon: mon}, nil
}

// Reset is Keras' on_train_begin (_reset).
func (p *Plateau) Reset() { p.PlateauState = PlateauState{} }

// Step is Keras' ReduceLROnPlateau.on_epoch_end with the epoch's logs and
// the learning rate the optimizer holds (a float32 variable, read as
// float64). It returns the learning rate to set and whether it changed;
// missing reports a monitored quantity absent from the logs (Keras warns
// and does nothing).
//
//	if in cooldown: cooldown_counter -= 1, wait = 0
//	if improved over best: best = value, wait = 0
//	else if not in cooldown: wait += 1; if wait >= patience and
//	   lr > float32(min_lr): lr = max(lr*factor, min_lr),
//	   cooldown_counter = cooldown, wait = 0
func (p *Plateau) Step(logs savedmodel.Logs, lr float64) (newLR float64, reduced, missing bool) {
	current, ok := logs[p.Config.Monitor]
	if !ok {
		return lr, false, true
	}
	if p.CooldownCounter > 0 {
		p.CooldownCounter--
		p.Wait = 0
	}
	if p.mon.improved(current, p.Best) {
		p.Best, p.Wait = ptr(current), 0
		return lr, false, false
	}
	if p.CooldownCounter > 0 {
		return lr, false, false
	}
	p.Wait++
	if p.Wait >= p.Config.Patience && lr > float64(float32(p.Config.MinLR)) {
		newLR = max(lr*p.Config.Factor, p.Config.MinLR)
		p.CooldownCounter, p.Wait = p.Config.Cooldown, 0
		return newLR, true, false
	}
	return lr, false, false
}
