package dataset

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Table is a table of records read from CSV or JSON, before any column is
// turned into numbers. Make one with ReadCSV, ReadJSONRecords or LoadTable
// and turn it into a dataset with Dataset.
type Table struct {
	Source  string   // where the table came from, for errors
	Columns []string // column names, in file order
	rows    [][]cell
}

type cellKind uint8

const (
	cellNull   cellKind = iota // JSON null, or a key a record lacks
	cellNumber                 // a JSON number
	cellText                   // a CSV field or a JSON string
	cellBool                   // a JSON true or false
)

type cell struct {
	kind cellKind
	text string // the text of a number, string or bool as written
}

// NumRows returns the number of records.
func (t *Table) NumRows() int { return len(t.rows) }

// column returns the index of a column, or -1.
func (t *Table) column(name string) int { return slices.Index(t.Columns, name) }

// ReadCSV reads a table from CSV with a header row naming the columns.
// Leading spaces of fields are trimmed; every record must have as many
// fields as the header. source names the input in errors.
func ReadCSV(r io.Reader, source string) (*Table, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: %w: csv has no header row", source, ErrFormat)
		}
		return nil, fmt.Errorf("%s: %w: %v", source, ErrFormat, err)
	}
	t := &Table{Source: source}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // a UTF-8 byte order mark
		}
		if h == "" || slices.Contains(t.Columns, h) {
			return nil, fmt.Errorf("%s: %w: csv header column %d %q is empty or repeated", source, ErrFormat, i+1, h)
		}
		t.Columns = append(t.Columns, h)
	}
	cr.FieldsPerRecord = len(header)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w: %v", source, ErrFormat, err)
		}
		row := make([]cell, len(rec))
		for i, f := range rec {
			row[i] = cell{kind: cellText, text: strings.TrimSpace(f)}
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

// ReadJSONRecords reads a table from a JSON array of flat objects,
// [{"a": 1, "b": "x"}, …] (what vega-datasets and pandas' to_json(orient=
// "records") write). Columns are ordered by first appearance; a key a record
// lacks reads as null. Values must be numbers, strings, booleans or null.
func ReadJSONRecords(r io.Reader, source string) (*Table, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	fail := func(format string, args ...any) (*Table, error) {
		return nil, fmt.Errorf("%s: %w: json at byte %d: %s", source, ErrFormat, dec.InputOffset(), fmt.Sprintf(format, args...))
	}
	tok, err := dec.Token()
	if err != nil {
		return fail("%v", err)
	}
	if tok != json.Delim('[') {
		return fail("want an array of records")
	}
	t := &Table{Source: source}
	index := map[string]int{}
	for rec := 0; dec.More(); rec++ {
		if tok, err = dec.Token(); err != nil {
			return fail("record %d: %v", rec, err)
		}
		if tok != json.Delim('{') {
			return fail("record %d is not an object", rec)
		}
		row := make([]cell, len(t.Columns))
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return fail("record %d: %v", rec, err)
			}
			key, _ := tok.(string) // object keys are always strings
			if seen[key] {
				return fail("record %d: key %q twice", rec, key)
			}
			seen[key] = true
			if tok, err = dec.Token(); err != nil {
				return fail("record %d, key %q: %v", rec, key, err)
			}
			var c cell
			switch v := tok.(type) {
			case nil:
				c = cell{kind: cellNull}
			case json.Number:
				c = cell{kind: cellNumber, text: v.String()}
			case string:
				c = cell{kind: cellText, text: v}
			case bool:
				c = cell{kind: cellBool, text: strconv.FormatBool(v)}
			default:
				return fail("record %d, key %q: nested arrays and objects are not supported", rec, key)
			}
			col, ok := index[key]
			if !ok {
				col = len(t.Columns)
				index[key] = col
				t.Columns = append(t.Columns, key)
			}
			for len(row) <= col {
				row = append(row, cell{kind: cellNull})
			}
			row[col] = c
		}
		if _, err := dec.Token(); err != nil { // the closing '}'
			return fail("record %d: %v", rec, err)
		}
		t.rows = append(t.rows, row)
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return fail("%v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fail("text after the array")
	}
	for i := range t.rows { // records seen before a later key appeared
		for len(t.rows[i]) < len(t.Columns) {
			t.rows[i] = append(t.rows[i], cell{kind: cellNull})
		}
	}
	return t, nil
}

// LoadTable reads a .csv or .json (records) file. Errors name the file.
func LoadTable(path string) (*Table, error) {
	read := ReadJSONRecords
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		read = ReadCSV
	case ".json":
	default:
		return nil, fmt.Errorf("load table %s: %w: want a .csv or .json file", path, ErrFormat)
	}
	return withFile(path, func(f *os.File) (*Table, error) { return read(bufio.NewReader(f), path) })
}

// OneHot says how to one-hot encode a categorical column.
type OneHot struct {
	Column string
	// Categories lists the column's values, in the order of the output
	// columns. A value not listed is an error. Nil means the distinct values
	// of the rows kept, sorted (as pandas.get_dummies does). Numbers are
	// matched by their text as written ("1", "2.5").
	Categories []string
	// Names names the output columns, one per category; nil means the
	// categories themselves.
	Names []string
}

// TableOptions says which columns of a Table make a Dataset and how.
type TableOptions struct {
	// Features lists the feature columns, in the order of input "x"'s
	// features. A one-hot column expands in place into one feature per
	// category. Empty means every column but Target.
	Features []string
	// Target is the target column; empty means no targets.
	Target string
	// OneHot lists the categorical columns among Features.
	OneHot []OneHot
	// Parse turns the text of a column's values into numbers (for instance a
	// date into a year); numbers in JSON are not passed to it. Columns
	// without a parser read text with strconv.ParseFloat.
	Parse map[string]func(string) (float64, error)
	// Missing lists the texts that mean a missing value; nil means
	// DefaultMissing. JSON null is always missing.
	Missing []string
}

// DefaultMissing lists the texts that mean a missing value unless
// TableOptions.Missing says otherwise: the empty string, "?" (the UCI Auto MPG
// file's mark) and the NA/NaN/null spellings pandas reads as missing.
var DefaultMissing = []string{"", "?", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL"}

// TableData is a Table turned into numbers.
type TableData struct {
	// Dataset has input "x" float32 [N, F] and, when a target column was
	// given, targets float32 [N].
	Dataset
	Features []string // the F feature names, one-hot columns expanded
	Rows     []int    // for each sample, the table row it came from
}

// Dataset turns the table into a dataset as opt says. Rows with a missing
// value in any column used (a feature, a one-hot column or the target) are
// dropped, as pandas' dropna does for those columns; other columns are
// ignored. Errors name the source, the row (0-based, counting records, not
// the header), the column and the value.
func (t *Table) Dataset(opt TableOptions) (TableData, error) {
	missing := opt.Missing
	if missing == nil {
		missing = DefaultMissing
	}
	features := opt.Features
	if len(features) == 0 {
		for _, c := range t.Columns {
			if opt.Target == "" || c != opt.Target {
				features = append(features, c)
			}
		}
	}
	type source struct {
		col    int
		onehot *OneHot
	}
	var used []source
	for _, f := range features {
		c := t.column(f)
		if c < 0 {
			return TableData{}, fmt.Errorf("%s: %w: column %q (have %s)", t.Source, ErrNotFound, f, strings.Join(t.Columns, ", "))
		}
		s := source{col: c}
		for i := range opt.OneHot {
			if opt.OneHot[i].Column == f {
				s.onehot = &opt.OneHot[i]
			}
		}
		used = append(used, s)
	}
	for _, oh := range opt.OneHot {
		if !slices.Contains(features, oh.Column) {
			return TableData{}, fmt.Errorf("%s: %w: one-hot column %q is not among the features", t.Source, ErrNotFound, oh.Column)
		}
	}
	target := -1
	if opt.Target != "" {
		if target = t.column(opt.Target); target < 0 {
			return TableData{}, fmt.Errorf("%s: %w: target column %q (have %s)", t.Source, ErrNotFound, opt.Target, strings.Join(t.Columns, ", "))
		}
	}
	isMissing := func(c cell) bool {
		return c.kind == cellNull || (c.kind == cellText && slices.Contains(missing, c.text))
	}

	// Keep the rows with every used value present.
	var rows []int
	for r, row := range t.rows {
		ok := target < 0 || !isMissing(row[target])
		for _, s := range used {
			ok = ok && !isMissing(row[s.col])
		}
		if ok {
			rows = append(rows, r)
		}
	}

	// Fix each one-hot column's categories and output names.
	cats := map[string][]string{}
	var names []string
	for _, s := range used {
		name := t.Columns[s.col]
		if s.onehot == nil {
			names = append(names, name)
			continue
		}
		c := s.onehot.Categories
		if c == nil {
			set := map[string]bool{}
			for _, r := range rows {
				set[t.rows[r][s.col].text] = true
			}
			for v := range set {
				c = append(c, v)
			}
			slices.Sort(c)
		}
		if len(c) == 0 {
			return TableData{}, fmt.Errorf("%s: %w: one-hot column %q has no categories", t.Source, ErrShape, name)
		}
		out := s.onehot.Names
		if out == nil {
			out = c
		}
		if len(out) != len(c) {
			return TableData{}, fmt.Errorf("%s: %w: one-hot column %q has %d categories but %d names",
				t.Source, ErrShape, name, len(c), len(out))
		}
		cats[name] = c
		names = append(names, out...)
	}

	num := func(r, col int) (float64, error) {
		c := t.rows[r][col]
		name := t.Columns[col]
		if p := opt.Parse[name]; p != nil && c.kind != cellNumber {
			v, err := p(c.text)
			if err != nil {
				return 0, fmt.Errorf("%s: row %d, column %q: %q: %w", t.Source, r, name, c.text, err)
			}
			return v, nil
		}
		switch c.kind {
		case cellBool:
			if c.text == "true" {
				return 1, nil
			}
			return 0, nil
		}
		v, err := strconv.ParseFloat(c.text, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w: row %d, column %q: %q is not a number", t.Source, ErrFormat, r, name, c.text)
		}
		return v, nil
	}

	nf := len(names)
	x := make([]float32, len(rows)*nf)
	for i, r := range rows {
		k := i * nf
		for _, s := range used {
			name := t.Columns[s.col]
			if s.onehot != nil {
				c := cats[name]
				j := slices.Index(c, t.rows[r][s.col].text)
				if j < 0 {
					return TableData{}, fmt.Errorf("%s: %w: row %d, column %q: %q is not one of the categories %q",
						t.Source, ErrRange, r, name, t.rows[r][s.col].text, c)
				}
				x[k+j] = 1
				k += len(c)
				continue
			}
			v, err := num(r, s.col)
			if err != nil {
				return TableData{}, err
			}
			x[k] = float32(v)
			k++
		}
	}
	td := TableData{
		Dataset: Dataset{
			Inputs: []Named{{Name: InputName, Array: &Array{Shape: []int{len(rows), nf}, Data: x}}},
			Source: t.Source,
		},
		Features: names,
		Rows:     rows,
	}
	if target >= 0 {
		y := make([]float32, len(rows))
		for i, r := range rows {
			v, err := num(r, target)
			if err != nil {
				return TableData{}, err
			}
			y[i] = float32(v)
		}
		td.Targets = &Array{Shape: []int{len(rows)}, Data: y}
	}
	return td, nil
}
