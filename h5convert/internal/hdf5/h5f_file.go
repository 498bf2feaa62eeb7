package hdf5

// #include <hdf5.h>
// #include <stdlib.h>
//
// /* The H5F_ACC_* flags are macros that call H5check/H5open. */
// static hid_t tfrun_h5f_open(const char *name, int rw) {
//	return H5Fopen(name, rw ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
// }
// static hid_t tfrun_h5f_create(const char *name) {
//	return H5Fcreate(name, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
// }
import "C"

import (
	"os"
	"runtime"
	"unsafe"
)

// File is an open HDF5 file. It must be closed with Close. Its methods may
// be called from several goroutines; they run one at a time (see the
// package documentation).
type File struct {
	id       C.hid_t
	path     string
	writable bool
	closed   bool // guarded by mu
	cleanup  runtime.Cleanup
}

// Open opens an existing HDF5 file read-only. A file that exists but is not
// HDF5 gives an *Error wrapping ErrNotHDF5; a missing file gives the
// *fs.PathError of os.Stat. The File must be closed.
func Open(path string) (*File, error) { return open(path, false) }

// OpenRW opens an existing HDF5 file for reading and writing. The File must
// be closed.
func OpenRW(path string) (*File, error) { return open(path, true) }

func open(path string, rw bool) (*File, error) {
	if initErr != nil {
		return nil, initErr
	}
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	lock()
	defer mu.Unlock()
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	switch is := C.H5Fis_hdf5(cpath); {
	case is < 0:
		return nil, stackError("open", path)
	case is == 0:
		return nil, plainError("open", path, ErrNotHDF5)
	}
	id := C.tfrun_h5f_open(cpath, boolInt(rw))
	if id < 0 {
		return nil, stackError("open", path)
	}
	return newFile(id, path, rw), nil
}

// Create creates a new, empty HDF5 file opened for writing. It fails if
// path exists. The File must be closed.
func Create(path string) (*File, error) {
	if initErr != nil {
		return nil, initErr
	}
	lock()
	defer mu.Unlock()
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	id := C.tfrun_h5f_create(cpath)
	if id < 0 {
		return nil, stackError("create", path)
	}
	return newFile(id, path, true), nil
}

// newFile wraps id and arms the safety-net cleanup. The caller holds mu.
func newFile(id C.hid_t, path string, rw bool) *File {
	f := &File{id: id, path: path, writable: rw}
	f.cleanup = runtime.AddCleanup(f, closeFileID, id)
	return f
}

// closeFileID is the GC safety net for a File that was never closed.
func closeFileID(id C.hid_t) {
	lock()
	defer mu.Unlock()
	C.H5Fclose(id)
	C.H5Eclear2(C.H5E_DEFAULT)
}

// Path returns the name the file was opened or created with.
func (f *File) Path() string { return f.path }

// Close flushes and closes the file. It is idempotent: later calls return
// nil, and other methods return ErrClosed.
func (f *File) Close() error {
	lock()
	defer mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	f.cleanup.Stop()
	if C.H5Fclose(f.id) < 0 {
		return stackError("close", f.path)
	}
	return nil
}

// Flush writes everything buffered for the file to disk.
func (f *File) Flush() error {
	lock()
	defer mu.Unlock()
	if err := f.usable(); err != nil {
		return err
	}
	defer runtime.KeepAlive(f)
	if C.H5Fflush(f.id, C.H5F_SCOPE_GLOBAL) < 0 {
		return stackError("flush", f.path)
	}
	return nil
}

// usable reports ErrClosed for a closed file. The caller holds mu.
func (f *File) usable() error {
	if f == nil || f.closed {
		return ErrClosed
	}
	return nil
}

// requireWritable reports a closed file or a write attempt on a
// read-only one. The caller holds mu.
func (f *File) requireWritable(op, obj string) error {
	if err := f.usable(); err != nil {
		return err
	}
	if !f.writable {
		return plainError(op, f.where(obj), errReadOnly)
	}
	return nil
}

// where formats "file:/object" for error messages.
func (f *File) where(obj string) string {
	if obj == "" {
		return f.path
	}
	return f.path + ":" + obj
}

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
