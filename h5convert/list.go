package h5convert

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// ListOptions steer List.
type ListOptions struct {
	// Stats reads every numeric dataset and adds its minimum, maximum and
	// count of NaN and infinite values (--stats).
	Stats bool
}

// Stats summarises a numeric dataset. Min and Max ignore NaN; they are nil
// when the dataset has no non-NaN value.
type Stats struct {
	Count int      `json:"count"`
	Min   *float64 `json:"min"`
	Max   *float64 `json:"max"`
	NaN   int      `json:"nan"`
	Inf   int      `json:"inf"`
}

// MarshalJSON writes an infinite Min or Max as "+Inf" or "-Inf".
func (s Stats) MarshalJSON() ([]byte, error) {
	opt := func(p *float64) any {
		if p == nil {
			return nil
		}
		return jsonFloat(*p)
	}
	return json.Marshal(struct {
		Count int `json:"count"`
		Min   any `json:"min"`
		Max   any `json:"max"`
		NaN   int `json:"nan"`
		Inf   int `json:"inf"`
	}{s.Count, opt(s.Min), opt(s.Max), s.NaN, s.Inf})
}

// Listing is the tree of an HDF5 file, as `tfrun h5 ls` shows it.
type Listing struct {
	File string `json:"file"`
	// Layout is the detected weight layout (with the default layered
	// names), "unknown" for anything else.
	Layout  Layout   `json:"layout"`
	Objects []Object `json:"objects"`
}

// List opens an HDF5 file read-only and describes every group, dataset and
// link with its dtype, shape and attributes, like `h5ls -r`; with
// opts.Stats also the minimum, maximum and NaN count of each numeric
// dataset (a dataset that cannot be read gets StatsError instead, and the
// listing goes on). It is safe for concurrent use.
func List(path string, opts ListOptions) (*Listing, error) {
	src, err := openSource(path)
	if err != nil {
		return nil, err
	}
	defer src.close()
	return listSource(path, src, opts)
}

func listSource(path string, src source, opts ListOptions) (*Listing, error) {
	objs := src.objects()
	names, _ := newLayeredNames(nil, nil, "")
	l := &Listing{File: path, Layout: detectLayout(newTree(path, objs), names), Objects: objs}
	if !opts.Stats {
		return l, nil
	}
	for i := range l.Objects {
		o := &l.Objects[i]
		if o.Kind != "dataset" || !isNumeric(o.DType) || o.SeenAt != "" {
			continue
		}
		v, err := src.read(o.Path)
		if err != nil {
			o.StatsError = err.Error()
			continue
		}
		o.Stats = statsOf(v)
	}
	return l, nil
}

// DetectLayout opens an HDF5 file and tells its layout, with the default
// names of the layered layout.
func DetectLayout(path string) (Layout, error) {
	l, err := List(path, ListOptions{})
	if err != nil {
		return "", err
	}
	return l.Layout, nil
}

func statsOf(v *Values) *Stats {
	s := &Stats{Count: v.Len()}
	lo, hi := math.Inf(1), math.Inf(-1)
	seen := false
	for i := 0; i < s.Count; i++ {
		x := v.At(i)
		switch {
		case math.IsNaN(x):
			s.NaN++
			continue
		case math.IsInf(x, 0):
			s.Inf++
		}
		seen = true
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	if seen {
		s.Min, s.Max = &lo, &hi
	}
	return s
}

// WriteJSON writes the listing as one indented JSON object.
func (l *Listing) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(l)
}

// WriteText writes the listing for people: one line per object (path,
// kind, dtype, shape, stats), its attributes indented below it. Long
// attribute values are cut.
func (l *Listing) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "# %s (layout: %s)\n", l.File, l.Layout)
	for _, o := range l.Objects {
		fmt.Fprintf(tw, "%s\t%s\n", o.Path, describeObject(&o))
		for _, a := range o.Attrs {
			fmt.Fprintf(tw, "    @%s\t%s\n", a.Name, describeAttr(&a))
		}
	}
	return tw.Flush()
}

func describeObject(o *Object) string {
	var b strings.Builder
	b.WriteString(o.Kind)
	switch o.Kind {
	case "dataset":
		b.WriteString(" " + o.DType)
		if o.BigEndian {
			b.WriteString(" (big-endian)")
		}
		switch o.Space {
		case "scalar":
			b.WriteString(" scalar")
		case "null":
			b.WriteString(" null")
		default:
			b.WriteString(" " + formatShape(o.Shape))
		}
	case "soft-link", "external-link":
		b.WriteString(" -> " + o.Target)
	}
	if o.SeenAt != "" {
		b.WriteString(" (same object as " + o.SeenAt + ")")
	}
	if s := o.Stats; s != nil {
		if s.Min != nil {
			fmt.Fprintf(&b, "  min=%.6g max=%.6g", *s.Min, *s.Max)
		} else {
			b.WriteString("  min=- max=-")
		}
		fmt.Fprintf(&b, " nan=%d inf=%d", s.NaN, s.Inf)
	}
	if o.StatsError != "" {
		b.WriteString("  (no stats: " + o.StatsError + ")")
	}
	return b.String()
}

// maxAttrText bounds an attribute value in the text listing.
const maxAttrText = 100

func describeAttr(a *Attribute) string {
	head := a.DType
	if len(a.Shape) > 0 {
		head += " " + formatShape(a.Shape)
	}
	if a.Value == nil {
		return head + " (" + a.Unreadable + ")"
	}
	var val string
	switch v := a.Value.(type) {
	case []string:
		quoted := make([]string, len(v))
		for i, s := range v {
			quoted[i] = fmt.Sprintf("%q", s)
		}
		val = strings.Join(quoted, ", ")
	default:
		val = strings.Trim(fmt.Sprint(v), "[]")
	}
	if len(a.Shape) > 0 {
		val = "[" + val + "]"
	}
	if len(val) > maxAttrText {
		val = fmt.Sprintf("%s... (%d characters)", val[:maxAttrText], len(val))
	}
	return head + " = " + val
}
