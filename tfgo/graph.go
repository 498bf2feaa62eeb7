//go:build cgo

package tfgo

/*
#include <stdlib.h>
#include "tensorflow/c/c_api.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// Graph is a TensorFlow computation graph. Operations may be added to it
// while sessions run it (TensorFlow extends the sessions on their next
// run); lookups are safe for concurrent use.
//
// A Graph must be closed; TensorFlow frees it once the last session using it
// is deleted too.
type Graph struct {
	c       *C.TF_Graph
	mu      sync.Mutex // serialises AddOperation's unique-name search
	cleanup runtime.Cleanup
}

// NewGraph returns an empty graph. It must be closed.
func NewGraph() *Graph {
	g := &Graph{c: C.TF_NewGraph()}
	g.cleanup = runtime.AddCleanup(g, func(c *C.TF_Graph) { C.TF_DeleteGraph(c) }, g.c)
	return g
}

// Close releases the graph. Idempotent.
func (g *Graph) Close() error {
	if g == nil || g.c == nil {
		return nil
	}
	g.cleanup.Stop()
	C.TF_DeleteGraph(g.c)
	g.c = nil
	return nil
}

// Operation returns the operation with this name, or nil.
func (g *Graph) Operation(name string) *Operation {
	if g.c == nil {
		return nil
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	c := C.TF_GraphOperationByName(g.c, cname)
	runtime.KeepAlive(g)
	if c == nil {
		return nil
	}
	return &Operation{c: c, g: g}
}

// Operations lists every operation of the graph in insertion order.
func (g *Graph) Operations() []*Operation {
	if g.c == nil {
		return nil
	}
	var ops []*Operation
	var pos C.size_t
	for {
		c := C.TF_GraphNextOperation(g.c, &pos)
		if c == nil {
			break
		}
		ops = append(ops, &Operation{c: c, g: g})
	}
	runtime.KeepAlive(g)
	return ops
}

// ParseOutputName splits "name:index" (or "name", index 0) as signatures and
// saver_def write tensor names.
func ParseOutputName(s string) (name string, index int, err error) {
	name = s
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		name = s[:i]
		index, err = strconv.Atoi(s[i+1:])
		if err != nil || index < 0 {
			return "", 0, fmt.Errorf("bad tensor name %q: want \"op:index\"", s)
		}
	}
	if name == "" {
		return "", 0, fmt.Errorf("bad tensor name %q: empty operation name", s)
	}
	return name, index, nil
}

// Output looks up a tensor by its "name:index" form.
func (g *Graph) Output(s string) (Output, error) {
	name, index, err := ParseOutputName(s)
	if err != nil {
		return Output{}, err
	}
	if g.c == nil {
		return Output{}, ErrClosed
	}
	op := g.Operation(name)
	if op == nil {
		return Output{}, &Error{Code: NotFound, Op: "Graph.Output", Msg: fmt.Sprintf("no operation %q in the graph", name)}
	}
	if n := op.NumOutputs(); index >= n {
		return Output{}, &Error{Code: OutOfRange, Op: "Graph.Output",
			Msg: fmt.Sprintf("operation %q has %d outputs, no output %d", name, n, index)}
	}
	return op.Output(index), nil
}

// Operation is a node of a Graph. It stays valid as long as its graph.
type Operation struct {
	c *C.TF_Operation
	g *Graph
}

// Name returns the operation's unique name in its graph.
func (op *Operation) Name() string {
	defer runtime.KeepAlive(op.g)
	return C.GoString(C.TF_OperationName(op.c))
}

// Type returns the op type, e.g. "VarHandleOp".
func (op *Operation) Type() string {
	defer runtime.KeepAlive(op.g)
	return C.GoString(C.TF_OperationOpType(op.c))
}

// Device returns the device the operation was placed on in the graph, if any.
func (op *Operation) Device() string {
	defer runtime.KeepAlive(op.g)
	return C.GoString(C.TF_OperationDevice(op.c))
}

// NumOutputs returns the number of outputs.
func (op *Operation) NumOutputs() int {
	defer runtime.KeepAlive(op.g)
	return int(C.TF_OperationNumOutputs(op.c))
}

// Output returns output i of the operation.
func (op *Operation) Output(i int) Output { return Output{Op: op, Index: i} }

// AttrType reads a type-valued attribute (e.g. "dtype" of a VarHandleOp).
func (op *Operation) AttrType(name string) (DataType, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	st := newStatus()
	defer st.free()
	var dt C.TF_DataType
	C.TF_OperationGetAttrType(op.c, cname, &dt, st.c)
	runtime.KeepAlive(op.g)
	if err := st.err("TF_OperationGetAttrType"); err != nil {
		return Invalid, fmt.Errorf("attribute %q of %s: %w", name, op.Name(), err)
	}
	return DataType(dt), nil
}

// AttrShape reads a shape-valued attribute (e.g. "shape" of a VarHandleOp).
func (op *Operation) AttrShape(name string) (Shape, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	st := newStatus()
	defer st.free()
	meta := C.TF_OperationGetAttrMetadata(op.c, cname, st.c)
	if err := st.err("TF_OperationGetAttrMetadata"); err != nil {
		return Shape{}, fmt.Errorf("attribute %q of %s: %w", name, op.Name(), err)
	}
	if meta.total_size < 0 {
		return Shape{UnknownRank: true}, nil
	}
	dims := make([]int64, int(meta.total_size))
	if len(dims) > 0 {
		C.TF_OperationGetAttrShape(op.c, cname, (*C.int64_t)(unsafe.Pointer(&dims[0])), C.int(len(dims)), st.c)
		if err := st.err("TF_OperationGetAttrShape"); err != nil {
			return Shape{}, fmt.Errorf("attribute %q of %s: %w", name, op.Name(), err)
		}
	}
	runtime.KeepAlive(op.g)
	return Shape{Dims: dims}, nil
}

// Output is one output tensor of an Operation: what sessions feed and fetch.
type Output struct {
	Op    *Operation
	Index int
}

func (o Output) c() C.TF_Output {
	return C.TF_Output{oper: o.Op.c, index: C.int(o.Index)}
}

// Name returns "op:index".
func (o Output) Name() string { return o.Op.Name() + ":" + strconv.Itoa(o.Index) }

// DataType returns the output's element type.
func (o Output) DataType() DataType {
	defer runtime.KeepAlive(o.Op.g)
	return DataType(C.TF_OperationOutputType(o.c()))
}

// Shape returns the statically known shape of the output.
func (o Output) Shape() (Shape, error) {
	g := o.Op.g
	st := newStatus()
	defer st.free()
	n := C.TF_GraphGetTensorNumDims(g.c, o.c(), st.c)
	if err := st.err("TF_GraphGetTensorNumDims"); err != nil {
		return Shape{}, err
	}
	if n < 0 {
		return Shape{UnknownRank: true}, nil
	}
	dims := make([]int64, int(n))
	if n > 0 {
		C.TF_GraphGetTensorShape(g.c, o.c(), (*C.int64_t)(unsafe.Pointer(&dims[0])), n, st.c)
		if err := st.err("TF_GraphGetTensorShape"); err != nil {
			return Shape{}, err
		}
	}
	runtime.KeepAlive(g)
	return Shape{Dims: dims}, nil
}

// OpSpec describes an operation to add to a graph. Attrs values may be a
// DataType, Shape, []int64 (a shape), int64/int, float32, bool, string or
// []DataType.
type OpSpec struct {
	Type  string
	Name  string // made unique by AddOperation (name, name_1, …)
	Input []Output
	Attrs map[string]any
}

// AddOperation adds an operation to the graph. Sessions running the graph
// pick it up on their next Run.
func (g *Graph) AddOperation(spec OpSpec) (*Operation, error) {
	if g.c == nil {
		return nil, ErrClosed
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	name := spec.Name
	for i := 1; g.Operation(name) != nil; i++ {
		name = spec.Name + "_" + strconv.Itoa(i)
	}
	ctype := C.CString(spec.Type)
	defer C.free(unsafe.Pointer(ctype))
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	desc := C.TF_NewOperation(g.c, ctype, cname)
	for _, in := range spec.Input {
		C.TF_AddInput(desc, in.c())
	}
	var attrErr error
	for k, v := range spec.Attrs {
		if err := setAttr(desc, k, v); err != nil && attrErr == nil {
			attrErr = fmt.Errorf("op %s (%s): attribute %q: %w", name, spec.Type, k, err)
		}
	}
	// TF_FinishOperation must be called even on error to free desc.
	st := newStatus()
	defer st.free()
	c := C.TF_FinishOperation(desc, st.c)
	runtime.KeepAlive(spec.Input)
	if attrErr != nil {
		return nil, attrErr
	}
	if err := st.err("TF_FinishOperation"); err != nil {
		return nil, fmt.Errorf("adding %s op %q: %w", spec.Type, name, err)
	}
	return &Operation{c: c, g: g}, nil
}

func setAttr(desc *C.TF_OperationDescription, name string, value any) error {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	switch v := value.(type) {
	case DataType:
		C.TF_SetAttrType(desc, cname, C.TF_DataType(v))
	case []DataType:
		if len(v) == 0 {
			C.TF_SetAttrTypeList(desc, cname, nil, 0)
			break
		}
		ts := make([]C.TF_DataType, len(v))
		for i, t := range v {
			ts[i] = C.TF_DataType(t)
		}
		C.TF_SetAttrTypeList(desc, cname, &ts[0], C.int(len(ts)))
	case Shape:
		if v.UnknownRank {
			C.TF_SetAttrShape(desc, cname, nil, -1)
			break
		}
		return setAttr(desc, name, v.Dims)
	case []int64:
		var p *C.int64_t
		if len(v) > 0 {
			p = (*C.int64_t)(unsafe.Pointer(&v[0]))
		}
		C.TF_SetAttrShape(desc, cname, p, C.int(len(v)))
		runtime.KeepAlive(v)
	case int:
		C.TF_SetAttrInt(desc, cname, C.int64_t(v))
	case int64:
		C.TF_SetAttrInt(desc, cname, C.int64_t(v))
	case float32:
		C.TF_SetAttrFloat(desc, cname, C.float(v))
	case bool:
		var b C.uchar
		if v {
			b = 1
		}
		C.TF_SetAttrBool(desc, cname, b)
	case string:
		cs := C.CString(v)
		defer C.free(unsafe.Pointer(cs))
		C.TF_SetAttrString(desc, cname, unsafe.Pointer(cs), C.size_t(len(v)))
	default:
		return fmt.Errorf("unsupported attribute value %T", value)
	}
	return nil
}
