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
	"sync"
	"unsafe"
)

// Session runs a Graph. Run is safe for concurrent use by many goroutines
// (TensorFlow runs the steps in parallel); Close waits for the runs in
// flight, and later calls return ErrClosed.
//
// A Session must be closed.
type Session struct {
	mu      sync.RWMutex // Run holds it shared, Close exclusively
	c       *C.TF_Session
	graph   *Graph
	cleanup runtime.Cleanup
}

// newSessionOptions builds TF_SessionOptions from opts; the caller frees it.
func newSessionOptions(opts *SessionOptions) (*C.TF_SessionOptions, error) {
	copts := C.TF_NewSessionOptions()
	cfg := opts.ConfigProto()
	st := newStatus()
	defer st.free()
	C.TF_SetConfig(copts, unsafe.Pointer(&cfg[0]), C.size_t(len(cfg)), st.c)
	runtime.KeepAlive(cfg)
	if err := st.err("TF_SetConfig"); err != nil {
		C.TF_DeleteSessionOptions(copts)
		return nil, err
	}
	return copts, nil
}

// NewSession starts a session on g. It must be closed.
func NewSession(g *Graph, opts *SessionOptions) (*Session, error) {
	if g == nil || g.c == nil {
		return nil, ErrClosed
	}
	copts, err := newSessionOptions(opts)
	if err != nil {
		return nil, err
	}
	defer C.TF_DeleteSessionOptions(copts)
	st := newStatus()
	defer st.free()
	c := C.TF_NewSession(g.c, copts, st.c)
	runtime.KeepAlive(g)
	if err := st.err("TF_NewSession"); err != nil {
		return nil, err
	}
	return newSession(c, g), nil
}

func newSession(c *C.TF_Session, g *Graph) *Session {
	s := &Session{c: c, graph: g}
	s.cleanup = runtime.AddCleanup(s, deleteSession, c)
	return s
}

func deleteSession(c *C.TF_Session) {
	st := newStatus()
	defer st.free()
	C.TF_CloseSession(c, st.c)
	C.TF_DeleteSession(c, st.c)
}

// Close ends the session once the runs in flight have returned. Idempotent.
func (s *Session) Close() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return nil
	}
	s.cleanup.Stop()
	st := newStatus()
	defer st.free()
	C.TF_CloseSession(s.c, st.c)
	closeErr := st.err("TF_CloseSession")
	C.TF_DeleteSession(s.c, st.c)
	s.c = nil
	if closeErr != nil {
		return closeErr
	}
	return st.err("TF_DeleteSession")
}

// Feed binds a tensor to a graph output (usually a placeholder) for one Run.
type Feed struct {
	Output Output
	Tensor *Tensor
}

// Run feeds tensors, computes the fetches and runs the targets (ops run for
// their effect only). It returns one tensor per fetch, owned by the caller,
// who must close them. The feeds stay owned by the caller.
func (s *Session) Run(feeds []Feed, fetches []Output, targets []*Operation) ([]*Tensor, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.c == nil {
		return nil, ErrClosed
	}
	var (
		inputs  = make([]C.TF_Output, len(feeds))
		values  = make([]*C.TF_Tensor, len(feeds))
		outputs = make([]C.TF_Output, len(fetches))
		results = make([]*C.TF_Tensor, len(fetches))
		ops     = make([]*C.TF_Operation, len(targets))
	)
	for i, f := range feeds {
		if f.Tensor == nil || f.Tensor.c == nil {
			return nil, fmt.Errorf("feed %s: %w", f.Output.Name(), ErrClosed)
		}
		inputs[i] = f.Output.c()
		values[i] = f.Tensor.c
	}
	for i, o := range fetches {
		outputs[i] = o.c()
	}
	for i, op := range targets {
		ops[i] = op.c
	}
	st := newStatus()
	defer st.free()
	C.TF_SessionRun(s.c, nil,
		ptr(inputs), ptr(values), C.int(len(feeds)),
		ptr(outputs), ptr(results), C.int(len(fetches)),
		ptr(ops), C.int(len(targets)),
		nil, st.c)
	runtime.KeepAlive(feeds)
	runtime.KeepAlive(fetches)
	runtime.KeepAlive(targets)
	if err := st.err("TF_SessionRun"); err != nil {
		for _, r := range results {
			if r != nil {
				C.TF_DeleteTensor(r)
			}
		}
		return nil, err
	}
	out := make([]*Tensor, len(results))
	for i, r := range results {
		out[i] = wrapTensor(r)
	}
	return out, nil
}

// ptr returns a pointer to the first element, nil for an empty slice.
func ptr[T any](s []T) *T {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// Device is a device a session can place ops on.
type Device struct {
	Name        string // e.g. "/job:localhost/replica:0/task:0/device:CPU:0"
	Type        string // "CPU", "GPU"
	MemoryBytes int64
}

// ListDevices lists the devices available to the session.
func (s *Session) ListDevices() ([]Device, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.c == nil {
		return nil, ErrClosed
	}
	st := newStatus()
	defer st.free()
	list := C.TF_SessionListDevices(s.c, st.c)
	if err := st.err("TF_SessionListDevices"); err != nil {
		return nil, err
	}
	defer C.TF_DeleteDeviceList(list)
	n := int(C.TF_DeviceListCount(list))
	devs := make([]Device, 0, n)
	for i := range n {
		d := Device{
			Name:        C.GoString(C.TF_DeviceListName(list, C.int(i), st.c)),
			Type:        C.GoString(C.TF_DeviceListType(list, C.int(i), st.c)),
			MemoryBytes: int64(C.TF_DeviceListMemoryBytes(list, C.int(i), st.c)),
		}
		if err := st.err("TF_DeviceList"); err != nil {
			return nil, err
		}
		devs = append(devs, d)
	}
	return devs, nil
}

// Graph returns the graph the session runs.
func (s *Session) Graph() *Graph { return s.graph }
