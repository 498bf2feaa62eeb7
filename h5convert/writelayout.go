package h5convert

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

// patcher writes datasets of an existing file in place. The cgo build
// implements it over internal/hdf5.
type patcher interface {
	write(path string, v *Values) error
	close() error
}

// WriteLayout writes a model's variables back into the layout the weights
// came from: dst becomes a copy of layoutOf in which every dataset that
// NewPlan(layoutOf, vars, opts) maps onto a variable holds that variable's
// value from values (keyed by variable name), transformed back to the
// dataset's own shape, orientation and dtype. Everything else of layoutOf
// (other datasets, attributes such as Keras' layer_names, storage layout,
// a MATLAB user block) is kept byte for byte, so the file goes back to the
// tool that made it.
//
// The plan is made as NewPlan makes it (same mapping, same validation) but
// without reading layoutOf's values. Then every needed value is checked
// (present, the variable's shape and dtype, finite unless
// opts.AllowNonfinite) before anything is written; problems come back as
// a *ValidationError, with the plan. dst is written to a temporary file
// beside it and renamed over dst only when complete, so an error never
// leaves a partial file and never harms an existing dst. dst may be
// layoutOf itself.
func WriteLayout(dst, layoutOf string, vars []Variable, values map[string]*Values, opts Options) (*Plan, error) {
	p, err := planFile(layoutOf, vars, opts, false)
	if err != nil {
		return p, err
	}
	writes, problems := layoutWrites(p, values, opts.AllowNonfinite)
	if len(problems) > 0 {
		p.Problems = append(p.Problems, problems...)
		return p, &ValidationError{File: layoutOf, Problems: p.Problems}
	}
	var extra []string
	for name := range values {
		if !slices.ContainsFunc(p.Assignments, func(a Assignment) bool { return a.Variable == name }) {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		p.Warnings = append(p.Warnings, fmt.Sprintf("values for %s not written: no dataset of %s maps onto it", name, layoutOf))
	}
	if err := writeAtomically(dst, layoutOf, writes); err != nil {
		return p, err
	}
	return p, nil
}

// datasetWrite is one dataset's new content.
type datasetWrite struct {
	path   string
	values *Values
}

// layoutWrites turns the values of the plan's variables back into dataset
// contents.
func layoutWrites(p *Plan, values map[string]*Values, allowNonfinite bool) ([]datasetWrite, []*Problem) {
	var writes []datasetWrite
	var problems []*Problem
	for _, a := range p.Assignments {
		v := values[a.Variable]
		bad := func(kind error, format string, args ...any) {
			pr := newProblem(kind, a.Source, a.Variable, format, args...)
			if kind == ErrShapeMismatch {
				pr.DatasetShape, pr.VariableShape = cloneShape(a.SourceShape), cloneShape(a.Shape)
			}
			problems = append(problems, pr)
		}
		if v == nil {
			bad(ErrMissingValues, "no values for variable %s %s, which dataset %s needs", a.Variable, formatShape(a.Shape), a.Source)
			continue
		}
		if err := v.check(); err != nil {
			bad(ErrMissingValues, "values for variable %s: %v", a.Variable, err)
			continue
		}
		if !slices.Equal(v.Shape, a.Shape) {
			bad(ErrShapeMismatch, "values for variable %s have shape %s, but the variable is %s (dataset %s %s)", a.Variable, formatShape(v.Shape), formatShape(a.Shape), a.Source, formatShape(a.SourceShape))
			continue
		}
		if v.DType != a.DType {
			bad(ErrDTypeMismatch, "values for variable %s are %s, but the variable is %s", a.Variable, v.DType, a.DType)
			continue
		}
		if nan, inf, first := nonFinite(v.Data); nan+inf > 0 && !allowNonfinite {
			bad(ErrNonFinite, "values for variable %s have %d NaN and %d infinite values (first at %v); refusing to write them to %s (pass --allow-nonfinite to write them anyway)",
				a.Variable, nan, inf, unravel(first, v.Shape), a.Source)
			continue
		}
		data, err := invert(a.Transforms, v, a.SourceShape)
		if err != nil {
			bad(ErrDTypeMismatch, "values for variable %s cannot go back to dataset %s (%s): %v", a.Variable, a.Source, a.SourceDType, err)
			continue
		}
		writes = append(writes, datasetWrite{path: a.Source, values: data})
	}
	return writes, problems
}

// testHookBeforeRename, when set by a test, runs on the complete temporary
// file just before the rename; an error aborts the write.
var testHookBeforeRename func(tmp string) error

// writeAtomically copies src to a temporary file beside dst, writes the
// datasets into it, syncs it and renames it over dst.
func writeAtomically(dst, src string, writes []datasetWrite) (err error) {
	info, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("h5convert: %w", err)
	}
	if fi, statErr := os.Stat(dst); statErr == nil && fi.IsDir() {
		return fmt.Errorf("h5convert: %s is a directory", dst)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-*")
	if err != nil {
		return fmt.Errorf("h5convert: %w", err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			os.Remove(tmpName)
		}
	}()
	if err := copyFile(tmp, src); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("h5convert: %w", err)
	}
	pt, err := openPatcher(tmpName)
	if err != nil {
		return err
	}
	for _, w := range writes {
		if err := pt.write(w.path, w.values); err != nil {
			pt.close()
			return err
		}
	}
	if err := pt.close(); err != nil {
		return err
	}
	if err := syncFile(tmpName); err != nil {
		return err
	}
	if err := os.Chmod(tmpName, info.Mode().Perm()); err != nil {
		return fmt.Errorf("h5convert: %w", err)
	}
	if testHookBeforeRename != nil {
		if err := testHookBeforeRename(tmpName); err != nil {
			return err
		}
	}
	if err := os.Rename(tmpName, dst); err != nil {
		return fmt.Errorf("h5convert: %w", err)
	}
	syncDir(filepath.Dir(dst))
	return nil
}

func copyFile(dst *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("h5convert: %w", err)
	}
	defer in.Close()
	if _, err := io.Copy(dst, in); err != nil {
		return fmt.Errorf("h5convert: copy %s: %w", src, err)
	}
	return nil
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("h5convert: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("h5convert: sync %s: %w", name, err)
	}
	return f.Close()
}

// syncDir makes a rename durable; errors are ignored (some file systems
// cannot sync directories).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
