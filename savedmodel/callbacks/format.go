package callbacks

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/tfrun/tfrun/savedmodel"
)

// FormatPath fills a ModelCheckpoint path template as Keras' str.format
// does: {epoch} is the 1-based epoch, {name} any log value ("loss",
// "val_accuracy"), each with an optional format spec after a colon in
// Python's mini-language subset [0][width][.precision][d|f|e|g|%]:
// "ckpt/{epoch:02d}-{val_loss:.2f}". "{{" and "}}" are literal braces.
// Errors name the template and the missing key.
func FormatPath(tmpl string, epoch int, logs savedmodel.Logs) (string, error) {
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		switch {
		case c == '{' && i+1 < len(tmpl) && tmpl[i+1] == '{':
			b.WriteByte('{')
			i++
		case c == '}' && i+1 < len(tmpl) && tmpl[i+1] == '}':
			b.WriteByte('}')
			i++
		case c == '{':
			end := strings.IndexByte(tmpl[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("path template %q: unclosed {", tmpl)
			}
			field := tmpl[i+1 : i+end]
			name, spec, _ := strings.Cut(field, ":")
			var v float64
			isInt := false
			if name == "epoch" {
				v, isInt = float64(epoch+1), true
			} else if x, ok := logs[name]; ok {
				v = x
			} else {
				return "", fmt.Errorf("path template %q: no value %q (have epoch, %s)", tmpl, name, strings.Join(sortedKeys(logs), ", "))
			}
			s, err := pyFormat(v, isInt, spec)
			if err != nil {
				return "", fmt.Errorf("path template %q: {%s}: %w", tmpl, field, err)
			}
			b.WriteString(s)
			i += end
		case c == '}':
			return "", fmt.Errorf("path template %q: single }", tmpl)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// pyFormat formats v with a Python format spec subset.
func pyFormat(v float64, isInt bool, spec string) (string, error) {
	if spec == "" {
		if isInt {
			return strconv.Itoa(int(v)), nil
		}
		return PyRepr(v), nil
	}
	zero := false
	if spec[0] == '0' {
		zero, spec = true, spec[1:]
	}
	verb := byte(0)
	if n := len(spec); n > 0 && strings.IndexByte("dfeg%", spec[n-1]) >= 0 {
		verb, spec = spec[n-1], spec[:n-1]
	}
	widthS, precS, hasPrec := strings.Cut(spec, ".")
	width, prec := 0, -1
	var err error
	if widthS != "" {
		if width, err = strconv.Atoi(widthS); err != nil || width < 0 {
			return "", fmt.Errorf("bad width %q", widthS)
		}
	}
	if hasPrec {
		if prec, err = strconv.Atoi(precS); err != nil || prec < 0 {
			return "", fmt.Errorf("bad precision %q", precS)
		}
	}
	var s string
	switch verb {
	case 'd':
		if !isInt && v != math.Trunc(v) {
			return "", fmt.Errorf("format d needs a whole number, have %v", v)
		}
		s = strconv.FormatInt(int64(v), 10)
	case 'f', 'e', '%':
		if prec < 0 {
			prec = 6
		}
		if verb == '%' {
			s = strconv.FormatFloat(v*100, 'f', prec, 64) + "%"
		} else {
			s = strconv.FormatFloat(v, verb, prec, 64)
		}
	case 'g':
		if prec < 0 {
			prec = 6
		}
		s = strconv.FormatFloat(v, 'g', max(prec, 1), 64)
	default:
		if isInt {
			s = strconv.Itoa(int(v))
		} else if prec >= 0 {
			s = strconv.FormatFloat(v, 'g', max(prec, 1), 64)
		} else {
			s = PyRepr(v)
		}
	}
	if pad := width - len(s); pad > 0 {
		if zero {
			sign := ""
			if strings.HasPrefix(s, "-") {
				sign, s = "-", s[1:]
			}
			s = sign + strings.Repeat("0", pad) + s
		} else {
			s = strings.Repeat(" ", pad) + s
		}
	}
	return s, nil
}

// PyRepr formats a float as Python's repr does (the shortest string that
// reads back the same value; scientific notation below 1e-4 and from 1e16
// on, always a ".0" or an exponent): what Keras' CSVLogger writes.
func PyRepr(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(v, 'e', -1, 64) // d.ddde±XX, shortest
	mant, expS, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expS)
	if exp < -4 || exp >= 16 {
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		return fmt.Sprintf("%se%s%02d", mant, sign, exp)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// CSV formats a history as Keras' CSVLogger writes it: a header "epoch" and
// the log names sorted (with "val_" twins, filled with NA, when there is no
// validation), one row per epoch with the 0-based epoch and Python's repr of
// each value; sep separates fields.
func CSV(h *savedmodel.History, sep string, header bool) []byte {
	var buf bytes.Buffer
	if h.Len() == 0 {
		return nil
	}
	keys := sortedKeys(h.Logs(0))
	if !slices.ContainsFunc(keys, func(k string) bool { return strings.HasPrefix(k, "val_") }) {
		for _, k := range slices.Clone(keys) {
			keys = append(keys, "val_"+k)
		}
	}
	if header {
		buf.WriteString("epoch")
		for _, k := range keys {
			buf.WriteString(sep + csvQuote(k, sep))
		}
		buf.WriteString("\r\n")
	}
	for i, epoch := range h.Epoch {
		logs := h.Logs(i)
		buf.WriteString(strconv.Itoa(epoch))
		for _, k := range keys {
			buf.WriteString(sep)
			if v, ok := logs[k]; ok {
				buf.WriteString(PyRepr(v))
			} else {
				buf.WriteString("NA")
			}
		}
		buf.WriteString("\r\n")
	}
	return buf.Bytes()
}

// csvQuote quotes a field as Python's csv module does (minimal quoting).
func csvQuote(s, sep string) string {
	if strings.Contains(s, sep) || strings.ContainsAny(s, "\"\r\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func sortedKeys(l savedmodel.Logs) []string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
