package callbacks

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Schedule gives the learning rate for an epoch (0-based) from the rate the
// optimizer holds now, as the function Keras' LearningRateScheduler takes.
type Schedule interface {
	LearningRate(epoch int, current float64) float64
}

// ScheduleFunc adapts a function to Schedule.
type ScheduleFunc func(epoch int, current float64) float64

// LearningRate calls f.
func (f ScheduleFunc) LearningRate(epoch int, current float64) float64 { return f(epoch, current) }

// StepDecay multiplies Initial by Factor every Every epochs:
// Initial * Factor^floor(epoch/Every).
type StepDecay struct {
	Initial, Factor float64
	Every           int
}

// LearningRate implements Schedule.
func (s StepDecay) LearningRate(epoch int, _ float64) float64 {
	return s.Initial * math.Pow(s.Factor, math.Floor(float64(epoch)/float64(s.Every)))
}

// ExponentialDecay is Keras' ExponentialDecay counted in epochs:
// Initial * Rate^(epoch/Steps), with the exponent floored when Staircase.
type ExponentialDecay struct {
	Initial, Rate float64
	Steps         float64 // epochs per decay by Rate; default 1
	Staircase     bool
}

// LearningRate implements Schedule.
func (s ExponentialDecay) LearningRate(epoch int, _ float64) float64 {
	steps := s.Steps
	if steps <= 0 {
		steps = 1
	}
	p := float64(epoch) / steps
	if s.Staircase {
		p = math.Floor(p)
	}
	return s.Initial * math.Pow(s.Rate, p)
}

// CosineDecay is Keras' CosineDecay (without warmup) counted in epochs:
// Initial * ((1-Alpha) * 0.5 * (1 + cos(pi * min(epoch, Epochs)/Epochs)) + Alpha).
type CosineDecay struct {
	Initial float64
	Epochs  int
	Alpha   float64 // the floor, as a fraction of Initial
}

// LearningRate implements Schedule.
func (s CosineDecay) LearningRate(epoch int, _ float64) float64 {
	p := math.Min(float64(epoch), float64(s.Epochs)) / float64(s.Epochs)
	return s.Initial * ((1-s.Alpha)*0.5*(1+math.Cos(math.Pi*p)) + s.Alpha)
}

// Table sets the rate of the last entry whose Epoch is <= the epoch (a
// piecewise constant schedule); before the first entry the rate is kept.
type Table []TableEntry

// TableEntry is one row of a Table: from Epoch (0-based) on, LR.
type TableEntry struct {
	Epoch int
	LR    float64
}

// LearningRate implements Schedule.
func (t Table) LearningRate(epoch int, current float64) float64 {
	lr := current
	for _, e := range t {
		if e.Epoch <= epoch {
			lr = e.LR
		}
	}
	return lr
}

// ParseSchedule parses the CLI's --lr-schedule:
//
//	step:initial=1e-3,factor=0.5,every=10
//	exponential:initial=1e-3,rate=0.96[,steps=1][,staircase=true]
//	cosine:initial=1e-3,epochs=50[,alpha=0]
//	table:0=1e-3,10=1e-4,20=1e-5      (epoch=rate, epochs 0-based)
func ParseSchedule(s string) (Schedule, error) {
	kind, args, ok := strings.Cut(s, ":")
	if !ok {
		return nil, fmt.Errorf("learning-rate schedule %q: want KIND:ARGS (step, exponential, cosine or table)", s)
	}
	kv := map[string]string{}
	var keys []string
	for _, part := range strings.Split(args, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("learning-rate schedule %q: %q is not NAME=VALUE", s, part)
		}
		if _, dup := kv[k]; dup {
			return nil, fmt.Errorf("learning-rate schedule %q: %s given twice", s, k)
		}
		kv[k] = v
		keys = append(keys, k)
	}
	num := func(k string, def float64, required bool) (float64, error) {
		v, ok := kv[k]
		if !ok {
			if required {
				return 0, fmt.Errorf("learning-rate schedule %q: %s is required", s, k)
			}
			return def, nil
		}
		delete(kv, k)
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
			return 0, fmt.Errorf("learning-rate schedule %q: %s=%s: want a number >= 0", s, k, v)
		}
		return x, nil
	}
	var sched Schedule
	var err error
	switch kind {
	case "step":
		var d StepDecay
		var every float64
		if d.Initial, err = num("initial", 0, true); err == nil {
			if d.Factor, err = num("factor", 0, true); err == nil {
				every, err = num("every", 0, true)
			}
		}
		if err == nil && (every < 1 || every != math.Trunc(every)) {
			err = fmt.Errorf("learning-rate schedule %q: every=%g: want a whole number of epochs >= 1", s, every)
		}
		d.Every = int(every)
		sched = d
	case "exponential":
		var d ExponentialDecay
		if d.Initial, err = num("initial", 0, true); err == nil {
			if d.Rate, err = num("rate", 0, true); err == nil {
				d.Steps, err = num("steps", 1, false)
			}
		}
		if v, ok := kv["staircase"]; ok && err == nil {
			delete(kv, "staircase")
			if d.Staircase, err = strconv.ParseBool(v); err != nil {
				err = fmt.Errorf("learning-rate schedule %q: staircase=%s: want true or false", s, v)
			}
		}
		if err == nil && d.Steps <= 0 {
			err = fmt.Errorf("learning-rate schedule %q: steps must be > 0", s)
		}
		sched = d
	case "cosine":
		var d CosineDecay
		var epochs float64
		if d.Initial, err = num("initial", 0, true); err == nil {
			if epochs, err = num("epochs", 0, true); err == nil {
				d.Alpha, err = num("alpha", 0, false)
			}
		}
		if err == nil && (epochs < 1 || epochs != math.Trunc(epochs)) {
			err = fmt.Errorf("learning-rate schedule %q: epochs=%g: want a whole number >= 1", s, epochs)
		}
		d.Epochs = int(epochs)
		sched = d
	case "table":
		var t Table
		for _, k := range keys {
			e, perr := strconv.Atoi(k)
			if perr != nil || e < 0 {
				return nil, fmt.Errorf("learning-rate schedule %q: %q is not an epoch (0-based)", s, k)
			}
			lr, nerr := num(k, 0, true)
			if nerr != nil {
				return nil, nerr
			}
			t = append(t, TableEntry{Epoch: e, LR: lr})
		}
		slices.SortFunc(t, func(a, b TableEntry) int { return a.Epoch - b.Epoch })
		sched = t
	default:
		return nil, fmt.Errorf("learning-rate schedule %q: unknown kind %q (want step, exponential, cosine or table)", s, kind)
	}
	if err != nil {
		return nil, err
	}
	for k := range kv {
		return nil, fmt.Errorf("learning-rate schedule %q: unknown argument %q for %s", s, k, kind)
	}
	return sched, nil
}
