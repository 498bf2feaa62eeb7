//go:build cgo

package savedmodel

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// Progress prints training progress the way Keras' model.fit does:
//
//	Epoch 1/5
//	1875/1875 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - accuracy: 0.9012 - loss: 0.3351
//
// Verbose 1 draws a bar (redrawn in place at most every 50 ms when Dynamic
// is set, i.e. on a terminal; otherwise only its final state per epoch, so
// that logs get one line per epoch; colored when Color is set), 2 prints one
// line per epoch, 0 nothing. With JSON set it prints one JSON object per
// epoch instead. Hide lists log names left out of the bar and lines.
type Progress struct {
	NopCallback
	W       io.Writer
	Verbose int
	Color   bool
	Dynamic bool
	JSON    bool
	Hide    []string

	epochStart time.Time
	lastDraw   time.Time
	prevWidth  int
}

const barWidth = 20

func (p *Progress) OnEpochBegin(f *Fitting, epoch int) error {
	p.epochStart, p.lastDraw, p.prevWidth = time.Now(), time.Time{}, 0
	if p.Verbose > 0 && !p.JSON {
		fmt.Fprintf(p.W, "Epoch %d/%d\n", epoch+1, f.Options.Epochs)
	}
	return nil
}

func (p *Progress) OnBatchEnd(f *Fitting, _, batch int, logs Logs) error {
	if p.Verbose != 1 || p.JSON || !p.Dynamic || batch+1 == f.Steps {
		return nil
	}
	if now := time.Now(); now.Sub(p.lastDraw) >= 50*time.Millisecond {
		p.lastDraw = now
		p.draw(f, batch+1, logs, false)
	}
	return nil
}

func (p *Progress) OnEpochEnd(f *Fitting, epoch int, logs Logs) error {
	switch {
	case p.JSON:
		rec := map[string]any{"epoch": epoch + 1, "seconds": time.Since(p.epochStart).Seconds()}
		for k, v := range logs {
			rec[k] = v
		}
		b, _ := json.Marshal(rec)
		fmt.Fprintf(p.W, "%s\n", b)
	case p.Verbose == 1:
		p.draw(f, f.Steps, logs, true)
	case p.Verbose == 2:
		elapsed := time.Since(p.epochStart)
		fmt.Fprintf(p.W, "%s - %.0fs -%s%s\n", counter(f.Steps, f.Steps), elapsed.Seconds(),
			stepTime(elapsed, f.Steps), formatLogs(p.shown(logs)))
	}
	return nil
}

// shown returns logs without the hidden names.
func (p *Progress) shown(logs Logs) Logs {
	if len(p.Hide) == 0 {
		return logs
	}
	out := make(Logs, len(logs))
	for k, v := range logs {
		if !slices.Contains(p.Hide, k) {
			out[k] = v
		}
	}
	return out
}

func counter(cur, total int) string {
	digits := int(math.Log10(float64(max(total, 1)))) + 1
	return fmt.Sprintf("%*d/%d", digits, cur, total)
}

func (p *Progress) draw(f *Fitting, cur int, logs Logs, final bool) {
	elapsed := time.Since(p.epochStart)
	filled := barWidth * cur / max(f.Steps, 1)
	var b strings.Builder
	visible := 0
	if p.Dynamic {
		b.WriteString("\r")
	}
	c := counter(cur, f.Steps)
	b.WriteString(c + " ")
	visible += len(c) + 1
	if p.Color {
		fmt.Fprintf(&b, "\x1b[32m%s\x1b[0m\x1b[37m%s\x1b[0m", strings.Repeat("━", filled), strings.Repeat("━", barWidth-filled))
	} else {
		b.WriteString(strings.Repeat("━", filled) + strings.Repeat("─", barWidth-filled))
	}
	visible += barWidth
	var info string
	if final {
		info = fmt.Sprintf(" %.0fs", elapsed.Seconds())
	} else {
		eta := elapsed.Seconds() / float64(cur) * float64(f.Steps-cur)
		info = " " + formatETA(eta)
	}
	info += stepTime(elapsed, cur) + formatLogs(p.shown(logs))
	b.WriteString(info)
	visible += len(info)
	if p.prevWidth > visible {
		b.WriteString(strings.Repeat(" ", p.prevWidth-visible))
	}
	p.prevWidth = visible
	if final {
		b.WriteString("\n")
	}
	io.WriteString(p.W, b.String())
}

func formatETA(s float64) string {
	switch {
	case s > 3600:
		return fmt.Sprintf("%d:%02d:%02d", int(s)/3600, int(s)%3600/60, int(s)%60)
	case s > 60:
		return fmt.Sprintf("%d:%02d", int(s)/60, int(s)%60)
	}
	return fmt.Sprintf("%ds", int(s))
}

// stepTime formats the time per step as Keras does (" 1ms/step").
func stepTime(elapsed time.Duration, steps int) string {
	per := elapsed.Seconds() / float64(max(steps, 1))
	switch {
	case per >= 1 || per == 0:
		return fmt.Sprintf(" %.0fs/step", per)
	case per >= 1e-3:
		return fmt.Sprintf(" %.0fms/step", per*1e3)
	}
	return fmt.Sprintf(" %.0fus/step", per*1e6)
}

// formatLogs formats logs as " - name: value" in alphabetical order, with
// Keras' precision (4 decimals, scientific below 1e-3).
func formatLogs(l Logs) string {
	var b strings.Builder
	for _, k := range sortedNames(l) {
		v := l[k]
		if math.Abs(v) > 1e-3 {
			fmt.Fprintf(&b, " - %s: %.4f", k, v)
		} else {
			fmt.Fprintf(&b, " - %s: %.4e", k, v)
		}
	}
	return b.String()
}
