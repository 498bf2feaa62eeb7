package callbacks

import (
	"fmt"
	"strings"
)

// Modes of a monitored quantity, as Keras' mode argument.
const (
	ModeAuto = "auto" // min for losses and errors, max for accuracies and the like
	ModeMin  = "min"
	ModeMax  = "max"
)

// metricDirection holds the direction of Keras' built-in metrics (their
// _direction), for ModeAuto. Keras infers it from the compiled metric
// objects; tfrun knows only their names.
var metricDirection = map[string]string{
	"accuracy": "up", "acc": "up", "binary_accuracy": "up", "categorical_accuracy": "up",
	"sparse_categorical_accuracy": "up", "top_k_categorical_accuracy": "up",
	"sparse_top_k_categorical_accuracy": "up", "auc": "up", "precision": "up", "recall": "up",
	"f1_score": "up", "fbeta_score": "up", "r2_score": "up", "iou": "up", "mean_iou": "up",
	"loss": "down", "mae": "down", "mse": "down", "mape": "down", "msle": "down",
	"mean_absolute_error": "down", "mean_squared_error": "down", "root_mean_squared_error": "down",
	"mean_absolute_percentage_error": "down", "mean_squared_logarithmic_error": "down",
	"binary_crossentropy": "down", "categorical_crossentropy": "down",
	"sparse_categorical_crossentropy": "down", "kl_divergence": "down", "poisson": "down",
	"hinge": "down", "squared_hinge": "down", "categorical_hinge": "down", "log_cosh": "down",
	"logcosh": "down", "cosine_similarity": "up",
}

// monitor decides improvements of a monitored quantity as Keras'
// MonitorCallback does.
type monitor struct {
	name     string
	less     bool
	minDelta float64 // signed as Keras signs it: negative in min mode
}

// newMonitor resolves mode as MonitorCallback._set_monitor_op does: min and
// max as given; auto is min for "loss"/"val_loss" and for metrics whose
// direction is down, max for those whose direction is up, an error
// otherwise. minDelta is taken as its absolute value, negated in min mode.
func newMonitor(who, name, mode string, minDelta float64) (monitor, error) {
	m := monitor{name: name, minDelta: abs(minDelta)}
	switch mode {
	case ModeMin:
		m.less = true
	case ModeMax:
	case ModeAuto, "":
		dir, ok := metricDirection[strings.TrimPrefix(name, "val_")]
		if !ok {
			return m, fmt.Errorf("%s: cannot tell whether %q should be minimized or maximized: give mode min or max", who, name)
		}
		m.less = dir == "down"
	default:
		return m, fmt.Errorf("%s: mode %q: want auto, min or max", who, mode)
	}
	if name == "" {
		return m, fmt.Errorf("%s: no quantity to monitor", who)
	}
	if m.less {
		m.minDelta = -m.minDelta
	}
	return m, nil
}

// improved is Keras' _is_improvement: true when there is no reference yet,
// else monitor_op(current - min_delta, reference). Keras compares with
// ops.less/ops.greater, which turn both Python floats into float32 tensors:
// so does improved, so ties break as they do in Keras.
func (m monitor) improved(current float64, ref *float64) bool {
	if ref == nil {
		return true
	}
	a, b := float32(current-m.minDelta), float32(*ref)
	if m.less {
		return a < b
	}
	return a > b
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func ptr(x float64) *float64 { return &x }
