package h5convert

import (
	"errors"
	"fmt"
	"strings"
)

// Errors for the conditions callers may want to tell apart; test with
// errors.Is. A *ValidationError matches every kind among its problems.
var (
	// ErrNotHDF5 is returned when the file exists but is not HDF5.
	ErrNotHDF5 = errors.New("not an HDF5 file")
	// ErrNoHDF5Support is returned by a build without cgo, which cannot
	// read HDF5 files.
	ErrNoHDF5Support = errors.New("h5convert was built without cgo, so it cannot read or write HDF5 files")

	// ErrLayout: the file's layout does not fit the model (layer counts
	// differ, the layout cannot be detected, ...).
	ErrLayout = errors.New("layout does not fit the model")
	// ErrAmbiguousOrientation: a square matrix of a layered layout whose
	// orientation cannot be told from the shapes.
	ErrAmbiguousOrientation = errors.New("ambiguous orientation")
	// ErrMissingDataset: a mapping entry names a dataset the file lacks.
	ErrMissingDataset = errors.New("missing dataset")
	// ErrUnknownVariable: a mapping entry names a variable the model lacks.
	ErrUnknownVariable = errors.New("unknown variable")
	// ErrShapeMismatch: a dataset's shape after its transforms differs from
	// its variable's.
	ErrShapeMismatch = errors.New("shape mismatch")
	// ErrDTypeMismatch: a dataset's dtype cannot become its variable's
	// without an explicit cast, or the cast named is not the variable's.
	ErrDTypeMismatch = errors.New("dtype mismatch")
	// ErrNonFinite: NaN or infinite values, refused unless
	// Options.AllowNonfinite.
	ErrNonFinite = errors.New("non-finite values")
	// ErrDuplicateTarget: two datasets map onto one variable.
	ErrDuplicateTarget = errors.New("duplicate mapping target")
	// ErrUncovered: a trainable variable gets no value and is not skipped.
	ErrUncovered = errors.New("variable not covered")
	// ErrMissingValues: WriteLayout was given no values, or values of the
	// wrong shape or dtype, for a variable the layout needs.
	ErrMissingValues = errors.New("missing or mismatched values")
)

var problemCodes = map[error]string{
	ErrLayout:               "layout",
	ErrAmbiguousOrientation: "ambiguous-orientation",
	ErrMissingDataset:       "missing-dataset",
	ErrUnknownVariable:      "unknown-variable",
	ErrShapeMismatch:        "shape-mismatch",
	ErrDTypeMismatch:        "dtype-mismatch",
	ErrNonFinite:            "non-finite",
	ErrDuplicateTarget:      "duplicate-target",
	ErrUncovered:            "uncovered",
	ErrMissingValues:        "missing-values",
}

// Problem is one reason a plan cannot be applied. Its message names the
// dataset, the variable and both shapes where they apply.
type Problem struct {
	Code          string  `json:"kind"` // "shape-mismatch", "ambiguous-orientation", ...
	Dataset       string  `json:"dataset,omitempty"`
	Variable      string  `json:"variable,omitempty"`
	DatasetShape  []int64 `json:"dataset_shape,omitempty"`
	VariableShape []int64 `json:"variable_shape,omitempty"`
	Message       string  `json:"message"`
	kind          error
}

func newProblem(kind error, dataset, variable string, format string, args ...any) *Problem {
	return &Problem{Code: problemCodes[kind], Dataset: dataset, Variable: variable, Message: fmt.Sprintf(format, args...), kind: kind}
}

// Error returns the message.
func (p *Problem) Error() string { return p.Message }

// Unwrap returns the kind (ErrShapeMismatch, ...), for errors.Is.
func (p *Problem) Unwrap() error { return p.kind }

// ValidationError is returned by NewPlan and WriteLayout when the mapping
// does not validate. It lists every problem found, not only the first.
type ValidationError struct {
	File     string
	Problems []*Problem
}

// Error names the file and lists the problems, one per line when there are
// several.
func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return fmt.Sprintf("h5convert: %s: %s", e.File, e.Problems[0].Message)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "h5convert: %s: %d problems:", e.File, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.Message)
	}
	return b.String()
}

// Unwrap returns the problems, so errors.Is(err, ErrShapeMismatch) works.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}
