//go:build !cgo

package h5convert

import "fmt"

// Without cgo there is no libhdf5: the pure parts (mapping files, plans
// over a tree, transforms, reports) work, files cannot be opened.

func openSource(path string) (source, error) {
	return nil, fmt.Errorf("h5convert: open %s: %w", path, ErrNoHDF5Support)
}

func openPatcher(path string) (patcher, error) {
	return nil, fmt.Errorf("h5convert: open %s: %w", path, ErrNoHDF5Support)
}
