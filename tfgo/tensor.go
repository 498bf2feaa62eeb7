//go:build cgo

package tfgo

/*
#include <stdlib.h>
#include <string.h>
#include "tensorflow/c/tf_tensor.h"
#include "tensorflow/c/tf_tstring.h"

// tfgo_tstring_at returns element i of a TF_STRING tensor's data.
static TF_TString* tfgo_tstring_at(void* data, size_t i) {
	return ((TF_TString*)data) + i;
}
*/
import "C"

import (
	"fmt"
	"reflect"
	"runtime"
	"unsafe"
)

// Tensor is an n-dimensional array held in memory owned by TensorFlow's
// C library. Its data is reached only through copies (Value, Flat,
// CopyTo); no Go pointer is ever handed to C beyond the call that copies.
//
// A Tensor must be closed. It may be read by several goroutines at once, but
// Close must not race with other uses. Tensors returned by Session.Run are
// owned by the caller.
type Tensor struct {
	c       *C.TF_Tensor
	dtype   DataType
	shape   []int64
	strings bool // created by tfgo with TF_STRING elements it must free
	cleanup runtime.Cleanup
}

// elemKinds are the Go element types a Tensor can be built from.
type elem interface {
	~float32 | ~float64 | ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~bool | ~complex64 | ~complex128
}

// allocate makes an uninitialised tensor of dtype and dims.
func allocate(dt DataType, dims []int64) (*Tensor, error) {
	n, err := NumElements(dims)
	if err != nil {
		return nil, err
	}
	size := int64(dt.Size())
	if dt == String {
		size = int64(C.sizeof_TF_TString)
	} else if size == 0 {
		return nil, fmt.Errorf("cannot allocate a tensor of dtype %s", dt)
	}
	var cdims *C.int64_t
	if len(dims) > 0 {
		cdims = (*C.int64_t)(unsafe.Pointer(&dims[0]))
	}
	c := C.TF_AllocateTensor(C.TF_DataType(dt), cdims, C.int(len(dims)), C.size_t(n*size))
	runtime.KeepAlive(dims)
	if c == nil {
		return nil, fmt.Errorf("cannot allocate a %s tensor of shape %s", dt, FormatDims(dims))
	}
	t := &Tensor{c: c, dtype: dt, shape: append([]int64(nil), dims...)}
	if dt == String {
		data := C.TF_TensorData(c)
		for i := range C.size_t(n) {
			C.TF_StringInit(C.tfgo_tstring_at(data, i))
		}
		t.strings = true
	}
	return t, nil
}

// arm installs the GC safety net once the tensor is fully built.
func (t *Tensor) arm() *Tensor {
	t.cleanup = runtime.AddCleanup(t, freeTensor, tensorRef{t.c, t.strings, int64(t.numElements())})
	return t
}

type tensorRef struct {
	c       *C.TF_Tensor
	strings bool
	n       int64
}

func freeTensor(r tensorRef) {
	if r.strings {
		data := C.TF_TensorData(r.c)
		for i := range C.size_t(r.n) {
			C.TF_StringDealloc(C.tfgo_tstring_at(data, i))
		}
	}
	C.TF_DeleteTensor(r.c)
}

// wrapTensor takes ownership of a tensor returned by the C API.
func wrapTensor(c *C.TF_Tensor) *Tensor {
	nd := int(C.TF_NumDims(c))
	dims := make([]int64, nd)
	for i := range nd {
		dims[i] = int64(C.TF_Dim(c, C.int(i)))
	}
	t := &Tensor{c: c, dtype: DataType(C.TF_TensorType(c)), shape: dims}
	return t.arm()
}

// Close frees the tensor's memory. It is idempotent; later reads return
// ErrClosed.
func (t *Tensor) Close() error {
	if t == nil || t.c == nil {
		return nil
	}
	t.cleanup.Stop()
	freeTensor(tensorRef{t.c, t.strings, int64(t.numElements())})
	t.c = nil
	return nil
}

// DataType returns the element type.
func (t *Tensor) DataType() DataType { return t.dtype }

// Shape returns a copy of the tensor's dimensions.
func (t *Tensor) Shape() []int64 { return append(make([]int64, 0, len(t.shape)), t.shape...) }

func (t *Tensor) numElements() int {
	n := 1
	for _, d := range t.shape {
		n *= int(d)
	}
	return n
}

// NewTensor makes a tensor from a Go scalar or a (rectangular) nested slice
// or array of a supported element type: float32/64, Float16, BFloat16,
// int8/16/32/64, uint8/16/32/64, bool, complex64/128, string. The shape is
// that of the nesting; the tensor must be closed.
func NewTensor(value any) (*Tensor, error) {
	v := reflect.ValueOf(value)
	if !v.IsValid() {
		return nil, fmt.Errorf("cannot make a tensor from nil")
	}
	var dims []int64
	et := v.Type()
	for et.Kind() == reflect.Slice || et.Kind() == reflect.Array {
		et = et.Elem()
	}
	dt, ok := dataTypeOf(et)
	if !ok {
		return nil, fmt.Errorf("cannot make a tensor from %T: element type %s has no TensorFlow dtype", value, et)
	}
	// Shape from the first element along each level; checked while copying.
	for x := v; x.Kind() == reflect.Slice || x.Kind() == reflect.Array; {
		dims = append(dims, int64(x.Len()))
		if x.Len() == 0 {
			for y := x.Type().Elem(); y.Kind() == reflect.Slice || y.Kind() == reflect.Array; y = y.Elem() {
				dims = append(dims, 0)
			}
			break
		}
		x = x.Index(0)
	}
	n, err := NumElements(dims)
	if err != nil {
		return nil, err
	}
	flat := reflect.MakeSlice(reflect.SliceOf(et), 0, int(n))
	flat, err = flatten(v, dims, flat)
	if err != nil {
		return nil, fmt.Errorf("cannot make a tensor from %T: %w", value, err)
	}
	return newFromFlat(dt, dims, flat)
}

// flatten appends the leaves of v (of shape dims) to flat, checking that
// every level has the length dims says.
func flatten(v reflect.Value, dims []int64, flat reflect.Value) (reflect.Value, error) {
	if len(dims) == 0 {
		return reflect.Append(flat, v), nil
	}
	if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		return flat, fmt.Errorf("ragged nesting: got a scalar where %d more dimensions were expected", len(dims))
	}
	if int64(v.Len()) != dims[0] {
		return flat, fmt.Errorf("ragged nesting: a dimension has length %d, its first sibling %d", v.Len(), dims[0])
	}
	if len(dims) == 1 && v.Kind() == reflect.Slice {
		return reflect.AppendSlice(flat, v), nil
	}
	var err error
	for i := range v.Len() {
		if flat, err = flatten(v.Index(i), dims[1:], flat); err != nil {
			return flat, err
		}
	}
	return flat, nil
}

// FromFlat makes a tensor of the given shape from a flat Go slice in
// row-major order ([]float32, []int64, []string, …); len(flat) must equal
// the product of dims. The data is copied; the tensor must be closed.
func FromFlat(dims []int64, flat any) (*Tensor, error) {
	v := reflect.ValueOf(flat)
	if v.Kind() != reflect.Slice {
		return nil, fmt.Errorf("FromFlat wants a slice, got %T", flat)
	}
	dt, ok := dataTypeOf(v.Type().Elem())
	if !ok {
		return nil, fmt.Errorf("cannot make a tensor from %T: element type has no TensorFlow dtype", flat)
	}
	n, err := NumElements(dims)
	if err != nil {
		return nil, err
	}
	if int64(v.Len()) != n {
		return nil, fmt.Errorf("%d values do not fill shape %s (%d elements)", v.Len(), FormatDims(dims), n)
	}
	return newFromFlat(dt, dims, v)
}

func newFromFlat(dt DataType, dims []int64, flat reflect.Value) (*Tensor, error) {
	t, err := allocate(dt, dims)
	if err != nil {
		return nil, err
	}
	n := flat.Len()
	if dt == String {
		data := C.TF_TensorData(t.c)
		for i := range n {
			s := flat.Index(i).String()
			cs := C.CString(s)
			C.TF_StringCopy(C.tfgo_tstring_at(data, C.size_t(i)), cs, C.size_t(len(s)))
			C.free(unsafe.Pointer(cs))
		}
		return t.arm(), nil
	}
	if n > 0 {
		nbytes := n * dt.Size()
		dst := unsafe.Slice((*byte)(C.TF_TensorData(t.c)), nbytes)
		src := unsafe.Slice((*byte)(flat.Index(0).Addr().UnsafePointer()), nbytes)
		copy(dst, src)
		runtime.KeepAlive(flat)
	}
	return t.arm(), nil
}

// Scalar makes a rank-0 tensor holding v.
func Scalar[T elem | ~string](v T) (*Tensor, error) {
	return FromFlat(nil, []T{v})
}

// Flat copies the tensor's elements into a new flat slice of the Go type
// for its dtype ([]float32 for float32, []string for string, …).
func (t *Tensor) Flat() (any, error) {
	if t.c == nil {
		return nil, ErrClosed
	}
	info := dtypes[t.dtype]
	if info.goT == nil {
		return nil, fmt.Errorf("cannot read a tensor of dtype %s into Go", t.dtype)
	}
	n := t.numElements()
	out := reflect.MakeSlice(reflect.SliceOf(info.goT), n, n)
	if err := t.copyInto(out); err != nil {
		return nil, err
	}
	return out.Interface(), nil
}

// CopyTo copies the tensor's elements into dst, a flat slice of exactly the
// tensor's Go element type and number of elements. It lets hot loops reuse
// one buffer.
func (t *Tensor) CopyTo(dst any) error {
	if t.c == nil {
		return ErrClosed
	}
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Slice || v.Type().Elem() != dtypes[t.dtype].goT {
		return fmt.Errorf("cannot copy a %s tensor into %T", t.dtype, dst)
	}
	if v.Len() != t.numElements() {
		return fmt.Errorf("cannot copy a tensor of shape %s (%d elements) into a slice of length %d",
			FormatDims(t.shape), t.numElements(), v.Len())
	}
	return t.copyInto(v)
}

func (t *Tensor) copyInto(out reflect.Value) error {
	n := out.Len()
	if n == 0 {
		return nil
	}
	data := C.TF_TensorData(t.c)
	if t.dtype == String {
		for i := range n {
			ts := C.tfgo_tstring_at(data, C.size_t(i))
			p := C.TF_StringGetDataPointer(ts)
			size := C.TF_StringGetSize(ts)
			out.Index(i).SetString(C.GoStringN(p, C.int(size)))
		}
		runtime.KeepAlive(t)
		return nil
	}
	nbytes := n * t.dtype.Size()
	if int(C.TF_TensorByteSize(t.c)) < nbytes {
		return fmt.Errorf("tensor of shape %s holds %d bytes, want %d", FormatDims(t.shape), int(C.TF_TensorByteSize(t.c)), nbytes)
	}
	src := unsafe.Slice((*byte)(data), nbytes)
	dst := unsafe.Slice((*byte)(out.Index(0).Addr().UnsafePointer()), nbytes)
	copy(dst, src)
	runtime.KeepAlive(t)
	return nil
}

// Value copies the tensor into a Go value: a scalar for rank 0, else nested
// slices ([][]float32 for a float32 matrix, …).
func (t *Tensor) Value() (any, error) {
	flat, err := t.Flat()
	if err != nil {
		return nil, err
	}
	fv := reflect.ValueOf(flat)
	if len(t.shape) == 0 {
		return fv.Index(0).Interface(), nil
	}
	return nest(fv, t.shape).Interface(), nil
}

// nest reshapes a flat slice into nested slices of the given dims.
func nest(flat reflect.Value, dims []int64) reflect.Value {
	if len(dims) == 1 {
		return flat
	}
	typ := flat.Type()
	for range dims[1:] {
		typ = reflect.SliceOf(typ)
	}
	out := reflect.MakeSlice(typ, int(dims[0]), int(dims[0]))
	stride := flat.Len() / max(int(dims[0]), 1)
	for i := range int(dims[0]) {
		out.Index(i).Set(nest(flat.Slice(i*stride, (i+1)*stride), dims[1:]))
	}
	return out
}

// ReadFlat copies a tensor of Go element type T into a new []T; an error
// names both dtypes when T does not match.
func ReadFlat[T any](t *Tensor) ([]T, error) {
	out := make([]T, t.numElements())
	if err := t.CopyTo(out); err != nil {
		return nil, err
	}
	return out, nil
}

// CloseAll closes every tensor (nil entries are skipped).
func CloseAll(ts []*Tensor) {
	for _, t := range ts {
		t.Close()
	}
}
