//go:build cgo

package tfgo

/*
#include <stdlib.h>
#include "tensorflow/c/c_api.h"
*/
import "C"

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unsafe"
)

// SavedModel is a SavedModel loaded into a session: the graph with its
// variables restored, and the parsed MetaGraphDef it came from.
//
// It must be closed; Close closes the session (waiting for runs in flight)
// and then the graph.
type SavedModel struct {
	Dir       string
	Session   *Session
	Graph     *Graph
	MetaGraph *MetaGraph
}

// LoadSavedModel loads the SavedModel in dir with the MetaGraph tagged tags
// (usually ["serve"]) into a new session: graph imported, variables
// restored. The directory is checked in Go first, so that a missing or
// corrupt model gives an error naming the file rather than reaching
// TensorFlow. The result must be closed.
func LoadSavedModel(dir string, tags []string, opts *SessionOptions) (*SavedModel, error) {
	mg, err := ReadMetaGraph(dir, tags)
	if err != nil {
		return nil, err
	}
	if len(mg.Variables) > 0 {
		idx := filepath.Join(dir, "variables", "variables.index")
		if _, err := os.Stat(idx); err != nil {
			return nil, fmt.Errorf("saved model %s: the graph has %d variables but %s is missing", dir, len(mg.Variables), idx)
		}
	}
	copts, err := newSessionOptions(opts)
	if err != nil {
		return nil, err
	}
	defer C.TF_DeleteSessionOptions(copts)

	cdir := C.CString(dir)
	defer C.free(unsafe.Pointer(cdir))
	ctags := make([]*C.char, len(tags))
	for i, t := range tags {
		ctags[i] = C.CString(t)
		defer C.free(unsafe.Pointer(ctags[i]))
	}
	g := NewGraph()
	st := newStatus()
	defer st.free()
	c := C.TF_LoadSessionFromSavedModel(copts, nil, cdir, ptr(ctags), C.int(len(tags)), g.c, nil, st.c)
	runtime.KeepAlive(ctags)
	if err := st.err("TF_LoadSessionFromSavedModel"); err != nil {
		g.Close()
		if strings.Contains(err.Error(), "Restore") {
			return nil, fmt.Errorf("loading saved model %s: restoring its variables from %s: %w",
				dir, filepath.Join(dir, "variables", "variables"), err)
		}
		return nil, fmt.Errorf("loading saved model %s: %w", dir, err)
	}
	return &SavedModel{Dir: dir, Session: newSession(c, g), Graph: g, MetaGraph: mg}, nil
}

// Close closes the session, then the graph. Idempotent.
func (m *SavedModel) Close() error {
	if m == nil {
		return nil
	}
	err := m.Session.Close()
	m.Graph.Close()
	return err
}

// Devices lists the devices TensorFlow sees in this process (CPUs, GPUs)
// by starting a session on an empty graph.
func Devices(opts *SessionOptions) ([]Device, error) {
	g := NewGraph()
	defer g.Close()
	s, err := NewSession(g, opts)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.ListDevices()
}
