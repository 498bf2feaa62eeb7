// Package hdf5 is tfrun's own small binding to libhdf5 (the Debian
// libhdf5-dev build, found through pkg-config "hdf5"). It offers exactly what
// h5convert needs: open a file read-only or read-write, create one, list every
// object with its type, shape and attributes, read datasets and attributes of
// any integer, float or string type into Go slices, and write datasets and
// attributes.
//
// # Files
//
// The files are named after the HDF5 C modules they wrap: h5_library.go
// (library start-up, the lock and the only #cgo line), h5e_error.go (error
// stack), h5f_file.go, h5g_group.go, h5o_object.go, h5d_dataset.go,
// h5a_attribute.go, h5t_datatype.go, h5s_dataspace.go and h5p_property.go.
//
// # Ownership and concurrency
//
// Only [File] owns a C handle; it must be closed with [File.Close], which is
// idempotent. Groups, datasets, attributes, datatypes and dataspaces are
// opened and closed inside each method, so no other handle escapes to Go. A
// GC cleanup closes a forgotten File as a safety net only.
//
// The Debian library is built without thread safety, so every call into
// libhdf5 made by this package holds one package-wide mutex; a File may be
// used from several goroutines, but the calls run one at a time.
//
// # Errors
//
// libhdf5's automatic error printing is switched off when the package is
// initialised. A failing call returns an [*Error] that carries the HDF5 error
// stack (function, description, major and minor message of each record)
// instead of the bare -1 the C API returns. Nothing in this package panics on
// a bad file.
//
// # Build
//
// The package needs cgo and libhdf5-dev. Without cgo it contains only this
// documentation; h5convert then reports that HDF5 support is not built in.
package hdf5
