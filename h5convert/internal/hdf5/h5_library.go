package hdf5

// #cgo pkg-config: hdf5
// #include <hdf5.h>
//
// static void tfrun_h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
//
// static int tfrun_h5_init(void) {
//	if (H5open() < 0) return -1;
//	/* No printing from libhdf5: errors are read from the stack instead. */
//	if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0) return -1;
//	return 0;
// }
import "C"

import (
	"fmt"
	"sync"
)

// mu serialises every call into libhdf5: the Debian build is not
// thread-safe, and the error stack is global.
var mu sync.Mutex

// lock takes mu and makes sure libhdf5's automatic error printing is off:
// libhdf5 1.10 turns it back on after traversing an external link that
// cannot be resolved, so it is switched off on every entry, not only once.
func lock() {
	mu.Lock()
	C.tfrun_h5_quiet()
}

// initErr is set when libhdf5 could not be started; every entry point
// returns it.
var initErr error

func init() {
	lock()
	defer mu.Unlock()
	if C.tfrun_h5_init() < 0 {
		initErr = stackError("H5open", "")
	}
}

// Version returns the version of the libhdf5 the program runs with, e.g.
// "1.10.8".
func Version() string {
	lock()
	defer mu.Unlock()
	var maj, min, rel C.uint
	if C.H5get_libversion(&maj, &min, &rel) < 0 {
		return "unknown"
	}
	return fmt.Sprintf("%d.%d.%d", maj, min, rel)
}
