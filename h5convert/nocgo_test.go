//go:build !cgo

package h5convert

import (
	"errors"
	"path/filepath"
	"testing"
)

// Without cgo the pure parts work and file access says why it cannot.
func TestNoCgo(t *testing.T) {
	if _, err := NewPlan("testdata/inversion.h5", denseVars(7, 100, 100, 3), Options{}); !errors.Is(err, ErrNoHDF5Support) {
		t.Errorf("NewPlan without cgo = %v, want ErrNoHDF5Support", err)
	}
	if _, err := List("testdata/inversion.h5", ListOptions{}); !errors.Is(err, ErrNoHDF5Support) {
		t.Errorf("List without cgo = %v, want ErrNoHDF5Support", err)
	}
	dst := filepath.Join(t.TempDir(), "out.h5")
	if _, err := WriteLayout(dst, "testdata/inversion.h5", denseVars(7, 100, 100, 3), nil, Options{}); !errors.Is(err, ErrNoHDF5Support) {
		t.Errorf("WriteLayout without cgo = %v, want ErrNoHDF5Support", err)
	}
}
