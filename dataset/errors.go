package dataset

import "errors"

// Errors that the package's errors wrap, for errors.Is. The message around
// them names the file, the array or column, the index and the shapes.
var (
	// ErrFormat: input that is not valid in its format (bad magic, truncated
	// data, a header that does not parse, a value that is not a number).
	ErrFormat = errors.New("bad format")
	// ErrDType: an element type the package does not handle, or two arrays
	// whose types do not fit together.
	ErrDType = errors.New("unsupported dtype")
	// ErrShape: shapes or lengths that do not fit together.
	ErrShape = errors.New("shape mismatch")
	// ErrRange: a value outside what its destination can hold: a label
	// outside [0, classes), an integer conversion that would overflow.
	ErrRange = errors.New("value out of range")
	// ErrNotFinite: a NaN or an infinity where finite numbers are needed.
	ErrNotFinite = errors.New("not finite")
	// ErrNotFound: a missing file, key or column.
	ErrNotFound = errors.New("not found")
)
