//go:build cgo

package h5convert

import (
	"errors"
	"fmt"

	"github.com/tfrun/tfrun/h5convert/internal/hdf5"
)

// This file is the only one of the package that needs cgo: it adapts
// internal/hdf5 to the source and patcher interfaces the pure code uses.

// hdf5Source is a file opened read-only.
type hdf5Source struct {
	f    *hdf5.File
	objs []Object
}

// openSource opens path read-only and lists its tree.
func openSource(path string) (source, error) {
	f, err := hdf5.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	raw, err := f.Objects()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("h5convert: list %s: %w", path, err)
	}
	objs := make([]Object, len(raw))
	for i, o := range raw {
		objs[i] = convertObject(o)
	}
	return &hdf5Source{f: f, objs: objs}, nil
}

// openError wraps an error of hdf5.Open, keeping the sentinels.
func openError(path string, err error) error {
	if errors.Is(err, hdf5.ErrNotHDF5) {
		return fmt.Errorf("h5convert: %s is %w", path, ErrNotHDF5)
	}
	return fmt.Errorf("h5convert: open %s: %w", path, err)
}

func (s *hdf5Source) objects() []Object { return s.objs }

func (s *hdf5Source) read(path string) (*Values, error) {
	a, err := s.f.ReadDataset(path)
	if err != nil {
		return nil, fmt.Errorf("h5convert: %w", err)
	}
	v := &Values{DType: dtypeOf(a.Data), Shape: cloneShape(a.Shape), Data: a.Data}
	if err := v.check(); err != nil {
		return nil, fmt.Errorf("h5convert: read %s:%s: %w", s.f.Path(), path, err)
	}
	return v, nil
}

func (s *hdf5Source) close() error { return s.f.Close() }

// convertObject turns an hdf5.Object into the package's Object.
func convertObject(o *hdf5.Object) Object {
	out := Object{Path: o.Path, Kind: o.Kind.String(), Target: o.Target, SeenAt: o.SeenAt}
	if o.Kind == hdf5.KindDataset {
		out.DType = o.Type.DType()
		if out.DType == "" {
			out.DType = o.Type.String()
		}
		out.BigEndian = o.Type.Order == hdf5.BigEndian
		out.Shape = cloneShape(o.Shape)
		if o.Space != hdf5.Simple {
			out.Space = o.Space.String()
		}
	}
	for _, a := range o.Attrs {
		out.Attrs = append(out.Attrs, convertAttr(a))
	}
	return out
}

// convertAttr widens numeric attribute values to []float64, []int64 or
// []uint64.
func convertAttr(a hdf5.Attribute) Attribute {
	out := Attribute{Name: a.Name, DType: a.Type.String(), Shape: cloneShape(a.Shape), Unreadable: a.Unreadable}
	switch v := a.Value.(type) {
	case nil:
	case []string:
		out.Value = v
	case []float32, []float64:
		f := make([]float64, dataLen(v))
		for i := range f {
			f[i] = floatAt(v, i)
		}
		out.Value = f
	case []uint8, []uint16, []uint32:
		u := make([]uint64, dataLen(v))
		for i := range u {
			u[i] = uint64(floatAt(v, i))
		}
		out.Value = u
	case []uint64:
		out.Value = v
	case []int64:
		out.Value = v
	default: // int8, int16, int32
		n := make([]int64, dataLen(v))
		for i := range n {
			n[i] = int64(floatAt(v, i))
		}
		out.Value = n
	}
	return out
}

// hdf5Patcher is a file opened for writing datasets in place.
type hdf5Patcher struct{ f *hdf5.File }

func openPatcher(path string) (patcher, error) {
	f, err := hdf5.OpenRW(path)
	if err != nil {
		return nil, openError(path, err)
	}
	return &hdf5Patcher{f: f}, nil
}

func (p *hdf5Patcher) write(path string, v *Values) error {
	if err := p.f.WriteDataset(path, v.Shape, v.Data); err != nil {
		return fmt.Errorf("h5convert: %w", err)
	}
	return nil
}

func (p *hdf5Patcher) close() error {
	if err := p.f.Close(); err != nil {
		return fmt.Errorf("h5convert: %w", err)
	}
	return nil
}
