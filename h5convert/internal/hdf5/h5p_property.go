package hdf5

// #include <hdf5.h>
//
// static hid_t tfrun_h5p_lcpl(void) {
//	hid_t p = H5Pcreate(H5P_LINK_CREATE);
//	if (p < 0) return -1;
//	if (H5Pset_create_intermediate_group(p, 1) < 0) { H5Pclose(p); return -1; }
//	return p;
// }
import "C"

// linkCreatePlist returns a link-creation property list that creates
// missing intermediate groups; close it with C.H5Pclose. The caller holds
// mu.
func linkCreatePlist() (C.hid_t, error) {
	p := C.tfrun_h5p_lcpl()
	if p < 0 {
		return -1, stackError("H5Pcreate", "")
	}
	return p, nil
}
