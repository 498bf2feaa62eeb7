package h5convert

import "slices"

// Options steer NewPlan and WriteLayout. The zero value detects the layout
// and takes the orientation of layered matrices from their shapes.
//
// Options set here override the same settings of the mapping file, which
// override the defaults: a CLI flag beats the file.
type Options struct {
	// Layout forces a layout instead of detecting it (--layout).
	Layout Layout
	// Orientation of a layered layout's matrices (--orientation out-in |
	// in-out). Needed when a matrix is square.
	Orientation Orientation
	// WeightsGroups and BiasGroups are the group names of a layered
	// layout, matched without regard to case; nil means
	// DefaultWeightsGroups and DefaultBiasGroups.
	WeightsGroups []string
	BiasGroups    []string
	// LayerPattern is a regular expression with one group, the layer
	// number, matched against layer names; "" means DefaultLayerPattern.
	LayerPattern string
	// Mapping holds explicit entries (--map FILE, read with LoadMapping).
	Mapping *Mapping
	// AllowNonfinite lets NaN and infinite values through
	// (--allow-nonfinite); they are still reported as warnings.
	AllowNonfinite bool
}

// Validate checks the options on their own, before any file is opened.
func (o Options) Validate() error {
	_, err := o.settings()
	return err
}

// settings are the options merged with the mapping file.
type settings struct {
	layout         Layout
	orientation    Orientation
	orientationBy  string // "flag", "mapping" or ""
	names          *layeredNames
	mapping        *Mapping
	allowNonfinite bool
}

func (o Options) settings() (*settings, error) {
	st := &settings{allowNonfinite: o.AllowNonfinite}
	m := &Mapping{}
	if o.Mapping != nil {
		// A Mapping built in Go rather than by ParseMapping gets the same
		// checks; the copy keeps the caller's value as it was.
		c := *o.Mapping
		c.Entries = slices.Clone(c.Entries)
		if c.Version == 0 {
			c.Version = 1
		}
		if err := c.validate(); err != nil {
			return nil, err
		}
		m, st.mapping = &c, &c
	}
	layout, err := ParseLayout(string(o.Layout))
	if err != nil {
		return nil, err
	}
	if layout == LayoutAuto {
		if layout, err = ParseLayout(string(m.Layout)); err != nil {
			return nil, err
		}
	}
	st.layout = layout
	orientation, err := ParseOrientation(string(o.Orientation))
	if err != nil {
		return nil, err
	}
	st.orientationBy = "flag"
	if orientation == OrientationAuto {
		if orientation, err = ParseOrientation(string(m.Orientation)); err != nil {
			return nil, err
		}
		st.orientationBy = "mapping"
	}
	if orientation == OrientationAuto {
		st.orientationBy = ""
	}
	st.orientation = orientation
	weights, bias, pattern := o.WeightsGroups, o.BiasGroups, o.LayerPattern
	if weights == nil {
		weights = m.WeightsGroups
	}
	if bias == nil {
		bias = m.BiasGroups
	}
	if pattern == "" {
		pattern = m.LayerPattern
	}
	if st.names, err = newLayeredNames(weights, bias, pattern); err != nil {
		return nil, err
	}
	return st, nil
}
