package h5convert

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes the plan (without the values) as one indented JSON
// object: the --dry-run --json report.
func (p *Plan) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(p)
}

// WriteText writes the plan for people: the --dry-run report. It lists
// each assignment (variable, shape and dtype, the dataset it comes from,
// its shape and dtype, the transforms), then what is skipped, the
// warnings and the problems.
func (p *Plan) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "file:    %s\n", p.File)
	fmt.Fprintf(&b, "layout:  %s", p.Layout)
	if p.Orientation != "" {
		fmt.Fprintf(&b, ", matrices stored %s", p.Orientation)
		if p.OrientationBy != "" {
			fmt.Fprintf(&b, " (from the %s)", p.OrientationBy)
		}
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "assign:  %d variable(s)\n", len(p.Assignments))
	if len(p.Assignments) > 0 {
		b.WriteString("\n")
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VARIABLE\tSHAPE\tDTYPE\t<-\tDATASET\tSHAPE\tDTYPE\tTRANSFORMS")
		for _, a := range p.Assignments {
			ts := transformList(a.Transforms)
			if ts == "" {
				ts = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t<-\t%s\t%s\t%s\t%s\n",
				a.Variable, formatShape(a.Shape), a.DType, a.Source, formatShape(a.SourceShape), a.SourceDType, ts)
		}
		tw.Flush()
	}
	section := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s:\n", title)
		for _, l := range lines {
			b.WriteString("  - " + l + "\n")
		}
	}
	var skipped []string
	for _, s := range p.Skipped {
		what := s.Dataset
		if what == "" {
			what = s.Variable
		}
		skipped = append(skipped, what+": "+s.Reason)
	}
	section("skipped", skipped)
	section("warnings", p.Warnings)
	var problems []string
	for _, pr := range p.Problems {
		problems = append(problems, pr.Message)
	}
	section("problems", problems)
	if len(p.Problems) == 0 {
		b.WriteString("\nok: the plan is valid\n")
	} else {
		fmt.Fprintf(&b, "\nnot ok: %d problem(s)\n", len(p.Problems))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
