package dataset

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The NPY format (NumPy's .npy): the magic "\x93NUMPY", a major and a minor
// version byte, the header length (uint16 little-endian in version 1.0,
// uint32 in 2.0 and 3.0), then a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } padded with
// spaces and ended by a newline (ASCII in 1.0 and 2.0, UTF-8 in 3.0), then
// the elements.
const npyMagic = "\x93NUMPY"

// maxNPYHeader bounds the header length a reader accepts; NumPy itself
// refuses headers over 10,000 bytes by default.
const maxNPYHeader = 1 << 20

// npyDescr is a parsed NPY dtype descriptor.
type npyDescr struct {
	dtype string
	size  int // bytes per element
	big   bool
	kind  byte // 'f', 'i', 'u', 'b', 'U', 'S'
}

// npyCodes maps NumPy's type codes (kind and size) to the numeric dtypes,
// for reading and writing.
var npyCodes = map[string]string{
	"f4": Float32, "f8": Float64, "i8": Int64, "i4": Int32, "i2": Int16,
	"i1": Int8, "u1": Uint8, "u2": Uint16, "b1": Bool,
}

// parseDescr parses a simple dtype descriptor such as "<f4", "|u1" or "<U5".
func parseDescr(s string) (npyDescr, error) {
	if len(s) < 2 {
		return npyDescr{}, fmt.Errorf("%w: dtype descriptor %q", ErrFormat, s)
	}
	var d npyDescr
	switch s[0] {
	case '<', '|', '=':
	case '>':
		d.big = true
	default:
		return npyDescr{}, fmt.Errorf("%w: dtype descriptor %q has no byte order", ErrFormat, s)
	}
	d.kind = s[1]
	if d.kind == 'O' {
		return npyDescr{}, fmt.Errorf("%w: numpy dtype %q: object arrays (pickles) are not supported", ErrDType, s)
	}
	size, err := strconv.Atoi(s[2:])
	if s[2:] == "" || err != nil || size < 0 || size > 1<<20 {
		return npyDescr{}, fmt.Errorf("%w: dtype descriptor %q", ErrDType, s)
	}
	d.size = size
	if dt, ok := npyCodes[s[1:]]; ok {
		d.dtype = dt
	} else {
		switch d.kind {
		case 'U':
			d.dtype, d.size = String, 4*size
		case 'S', 'a':
			d.dtype, d.kind = String, 'S'
		default:
			return npyDescr{}, fmt.Errorf("%w: numpy dtype %q (want one of f4 f8 i8 i4 i2 i1 u1 u2 b1 U S)", ErrDType, s)
		}
	}
	return d, nil
}

// npyHeader is the content of an NPY header.
type npyHeader struct {
	descr   npyDescr
	fortran bool
	shape   []int
}

// ReadNPY reads one array in NumPy's .npy format (versions 1.0, 2.0 and
// 3.0), little- or big-endian. Supported dtypes: f4 f8 i8 i4 i2 i1 u1 u2 b1
// and the fixed-width strings U and S (as []string, trailing NULs removed).
// Fortran-ordered data is transposed into row-major order. Object arrays
// (pickles) and structured dtypes are refused. Data after the array is an
// error.
func ReadNPY(r io.Reader) (*Array, error) {
	a, err := readNPY(r, -1)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	return a, nil
}

// readNPY reads an NPY array; size, when not negative, is the exact number of
// bytes r holds, checked against the header before the data is read.
func readNPY(r io.Reader, size int64) (*Array, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("%w: magic is truncated (%v)", ErrFormat, err)
	}
	if string(pre[:6]) != npyMagic {
		return nil, fmt.Errorf("%w: magic %q is not %q", ErrFormat, pre[:6], npyMagic)
	}
	major, minor := pre[6], pre[7]
	var hlen int64
	used := int64(8)
	switch major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("%w: header length is truncated (%v)", ErrFormat, err)
		}
		hlen, used = int64(binary.LittleEndian.Uint16(b[:])), used+2
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("%w: header length is truncated (%v)", ErrFormat, err)
		}
		hlen, used = int64(binary.LittleEndian.Uint32(b[:])), used+4
	default:
		return nil, fmt.Errorf("%w: version %d.%d (want 1.0, 2.0 or 3.0)", ErrFormat, major, minor)
	}
	if hlen > maxNPYHeader {
		return nil, fmt.Errorf("%w: header length %d is over %d", ErrFormat, hlen, maxNPYHeader)
	}
	raw, err := readN(r, hlen, "header")
	if err != nil {
		return nil, err
	}
	if major < 3 {
		for i, c := range raw {
			if c >= 0x80 {
				return nil, fmt.Errorf("%w: header byte %d is not ASCII in version %d.%d", ErrFormat, i, major, minor)
			}
		}
	} else if !utf8.Valid(raw) {
		return nil, fmt.Errorf("%w: header is not UTF-8", ErrFormat)
	}
	h, err := parseNPYHeader(string(raw))
	if err != nil {
		return nil, err
	}
	n, err := numElements(h.shape)
	if err != nil || (h.descr.size > 0 && n > math.MaxInt64/2/h.descr.size) {
		return nil, fmt.Errorf("%w: shape %v is too large", ErrFormat, h.shape)
	}
	nbytes := int64(n) * int64(h.descr.size)
	what := fmt.Sprintf("data of shape %v", h.shape)
	if size >= 0 && size != used+hlen+nbytes {
		return nil, fmt.Errorf("%w: %s needs %d bytes after a %d-byte header, have %d",
			ErrFormat, what, nbytes, used+hlen, size-used-hlen)
	}
	data, err := readN(r, nbytes, what)
	if err != nil {
		return nil, err
	}
	if err := expectEOF(r, what); err != nil {
		return nil, err
	}
	a := &Array{Shape: h.shape}
	if a.Data, err = decodeNPY(data, n, h.descr); err != nil {
		return nil, err
	}
	if h.fortran && len(h.shape) > 1 {
		a.Data = fortranToC(a.Data, h.shape)
	}
	return a, nil
}

// decodeNPY turns n elements of raw data into a typed slice.
func decodeNPY(raw []byte, n int, d npyDescr) (any, error) {
	var bo binary.ByteOrder = binary.LittleEndian
	if d.big {
		bo = binary.BigEndian
	}
	switch d.dtype {
	case Float32:
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(bo.Uint32(raw[4*i:]))
		}
		return out, nil
	case Float64:
		out := make([]float64, n)
		for i := range out {
			out[i] = math.Float64frombits(bo.Uint64(raw[8*i:]))
		}
		return out, nil
	case Int64:
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(bo.Uint64(raw[8*i:]))
		}
		return out, nil
	case Int32:
		out := make([]int32, n)
		for i := range out {
			out[i] = int32(bo.Uint32(raw[4*i:]))
		}
		return out, nil
	case Int16:
		out := make([]int16, n)
		for i := range out {
			out[i] = int16(bo.Uint16(raw[2*i:]))
		}
		return out, nil
	case Uint16:
		out := make([]uint16, n)
		for i := range out {
			out[i] = bo.Uint16(raw[2*i:])
		}
		return out, nil
	case Int8:
		out := make([]int8, n)
		for i := range out {
			out[i] = int8(raw[i])
		}
		return out, nil
	case Uint8:
		return raw, nil
	case Bool:
		out := make([]bool, n)
		for i, b := range raw {
			if b > 1 {
				return nil, fmt.Errorf("%w: bool element %d is %d, not 0 or 1", ErrFormat, i, b)
			}
			out[i] = b == 1
		}
		return out, nil
	case String:
		out := make([]string, n)
		for i := range out {
			cell := raw[i*d.size : (i+1)*d.size]
			if d.kind == 'S' {
				out[i] = string(bytes.TrimRight(cell, "\x00"))
				continue
			}
			var sb strings.Builder
			for k := 0; k+4 <= len(cell); k += 4 {
				c := bo.Uint32(cell[k:])
				if c == 0 {
					break
				}
				if c > utf8.MaxRune || (c >= 0xD800 && c <= 0xDFFF) {
					return nil, fmt.Errorf("%w: string element %d holds code point %#x", ErrFormat, i, c)
				}
				sb.WriteRune(rune(c))
			}
			out[i] = sb.String()
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrDType, d.dtype)
}

// fortranToC reorders column-major data of the given shape into row-major.
func fortranToC(data any, shape []int) any {
	n := 1
	for _, d := range shape {
		n *= d
	}
	// src[k] for each row-major position, walking the index like an odometer.
	order := make([]int, n)
	idx := make([]int, len(shape))
	stride := make([]int, len(shape)) // column-major strides
	s := 1
	for i, d := range shape {
		stride[i] = s
		s *= d
	}
	for k := range order {
		off := 0
		for i, v := range idx {
			off += v * stride[i]
		}
		order[k] = off
		for i := len(idx) - 1; i >= 0; i-- {
			idx[i]++
			if idx[i] < shape[i] {
				break
			}
			idx[i] = 0
		}
	}
	out := &Array{Shape: []int{n}, Data: data}
	g, _ := out.Gather(order) // order is a permutation of [0, n)
	return g.Data
}

// parseNPYHeader parses the dict literal of an NPY header.
func parseNPYHeader(s string) (npyHeader, error) {
	p := &pyLit{s: s}
	v, err := p.value()
	if err != nil {
		return npyHeader{}, fmt.Errorf("%w: header %q: %v", ErrFormat, s, err)
	}
	p.space()
	if p.i != len(p.s) {
		return npyHeader{}, fmt.Errorf("%w: header %q: text after the dict", ErrFormat, s)
	}
	dict, ok := v.(map[string]any)
	if !ok {
		return npyHeader{}, fmt.Errorf("%w: header %q is not a dict", ErrFormat, s)
	}
	var h npyHeader
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if _, ok := dict[k]; !ok {
			return npyHeader{}, fmt.Errorf("%w: header %q has no %q", ErrFormat, s, k)
		}
	}
	if len(dict) != 3 {
		return npyHeader{}, fmt.Errorf("%w: header %q has keys other than descr, fortran_order, shape", ErrFormat, s)
	}
	descr, ok := dict["descr"].(string)
	if !ok {
		return npyHeader{}, fmt.Errorf("%w: header %q: descr is not a simple dtype (structured arrays are not supported)", ErrDType, s)
	}
	if h.descr, err = parseDescr(descr); err != nil {
		return npyHeader{}, err
	}
	if h.fortran, ok = dict["fortran_order"].(bool); !ok {
		return npyHeader{}, fmt.Errorf("%w: header %q: fortran_order is not True or False", ErrFormat, s)
	}
	shape, ok := dict["shape"].([]any)
	if !ok {
		return npyHeader{}, fmt.Errorf("%w: header %q: shape is not a tuple", ErrFormat, s)
	}
	for i, d := range shape {
		n, ok := d.(int)
		if !ok || n < 0 {
			return npyHeader{}, fmt.Errorf("%w: header %q: dimension %d is not a non-negative integer", ErrFormat, s, i)
		}
		h.shape = append(h.shape, n)
	}
	if h.shape == nil {
		h.shape = []int{}
	}
	return h, nil
}

// pyLit parses the small part of Python's literal syntax NPY headers use:
// dicts, tuples, strings, True/False and non-negative integers.
type pyLit struct {
	s string
	i int
}

func (p *pyLit) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyLit) value() (any, error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, fmt.Errorf("unexpected end")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		p.i++
		d := map[string]any{}
		for {
			p.space()
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				return d, nil
			}
			k, err := p.value()
			if err != nil {
				return nil, err
			}
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("dict key at %d is not a string", p.i)
			}
			p.space()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, fmt.Errorf("want ':' at %d", p.i)
			}
			p.i++
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			if _, dup := d[ks]; dup {
				return nil, fmt.Errorf("key %q twice", ks)
			}
			d[ks] = v
			if err := p.sep('}'); err != nil {
				return nil, err
			}
		}
	case c == '(' || c == '[':
		end := byte(')')
		if c == '[' {
			end = ']'
		}
		p.i++
		t := []any{}
		for {
			p.space()
			if p.i < len(p.s) && p.s[p.i] == end {
				p.i++
				if c == '[' {
					return list(t), nil
				}
				return t, nil
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			t = append(t, v)
			if err := p.sep(end); err != nil {
				return nil, err
			}
		}
	case c == '\'' || c == '"':
		p.i++
		j := strings.IndexByte(p.s[p.i:], c)
		if j < 0 {
			return nil, fmt.Errorf("unterminated string")
		}
		str := p.s[p.i : p.i+j]
		if strings.IndexByte(str, '\\') >= 0 {
			return nil, fmt.Errorf("escape in string %q", str)
		}
		p.i += j + 1
		return str, nil
	case c >= '0' && c <= '9':
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		n, err := strconv.ParseInt(p.s[p.i:j], 10, 32)
		if err != nil {
			return nil, fmt.Errorf("integer %q is out of range", p.s[p.i:j])
		}
		p.i = j
		if p.i < len(p.s) && p.s[p.i] == 'L' { // Python 2 long
			p.i++
		}
		return int(n), nil
	case strings.HasPrefix(p.s[p.i:], "True"):
		p.i += 4
		return true, nil
	case strings.HasPrefix(p.s[p.i:], "False"):
		p.i += 5
		return false, nil
	}
	return nil, fmt.Errorf("unexpected %q at %d", p.s[p.i], p.i)
}

// list is a Python list, kept apart from tuples so a structured dtype's
// descr (a list) is not taken for a shape.
type list []any

// sep consumes ',' or peeks at the closing byte.
func (p *pyLit) sep(end byte) error {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ',' {
		p.i++
		return nil
	}
	if p.i < len(p.s) && p.s[p.i] == end {
		return nil
	}
	return fmt.Errorf("want ',' or %q at %d", end, p.i)
}

// LoadNPY reads a .npy file. Errors name the file.
func LoadNPY(path string) (*Array, error) {
	a, err := withFile(path, func(f *os.File) (*Array, error) {
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		return readNPY(bufio.NewReaderSize(f, 1<<16), st.Size())
	})
	return a, pathError("load npy", path, err)
}

// npyDescrOf returns the descriptor WriteNPY uses for a.
func npyDescrOf(a *Array) string {
	if d, ok := a.Data.([]string); ok {
		w := 1
		for _, s := range d {
			w = max(w, utf8.RuneCountInString(s))
		}
		return "<U" + strconv.Itoa(w)
	}
	dt := a.DType()
	for code, t := range npyCodes {
		if t == dt {
			if code[1] == '1' {
				return "|" + code // one byte: no byte order
			}
			return "<" + code
		}
	}
	return ""
}

// WriteNPY writes a in NumPy's .npy format: version 1.0 (2.0 for a header
// over 64 KiB), little-endian, C order, the header padded so the data starts
// at a multiple of 64 bytes, as NumPy writes. Strings are written as
// fixed-width unicode (U) as wide as the longest; a string holding U+0000 is
// refused, since NumPy would cut it there.
func WriteNPY(w io.Writer, a *Array) error {
	if err := a.Check(); err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	descr := npyDescrOf(a)
	var sh strings.Builder
	sh.WriteByte('(')
	for i, d := range a.Shape {
		if i > 0 {
			sh.WriteString(", ")
		}
		sh.WriteString(strconv.Itoa(d))
	}
	if len(a.Shape) == 1 {
		sh.WriteByte(',')
	}
	sh.WriteByte(')')
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, sh.String())

	major, lenBytes := byte(1), 2
	total := len(npyMagic) + 2 + lenBytes + len(dict) + 1
	pad := (64 - total%64) % 64
	if len(dict)+1+pad > math.MaxUint16 {
		major, lenBytes = 2, 4
		total = len(npyMagic) + 2 + lenBytes + len(dict) + 1
		pad = (64 - total%64) % 64
	}
	hlen := len(dict) + pad + 1
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString(npyMagic)
	bw.Write([]byte{major, 0})
	if major == 1 {
		bw.Write(binary.LittleEndian.AppendUint16(nil, uint16(hlen)))
	} else {
		bw.Write(binary.LittleEndian.AppendUint32(nil, uint32(hlen)))
	}
	bw.WriteString(dict)
	bw.WriteString(strings.Repeat(" ", pad))
	bw.WriteByte('\n')

	var err error
	switch d := a.Data.(type) {
	case []uint8:
		_, err = bw.Write(d)
	case []int8, []int16, []int32, []int64, []uint16, []float32, []float64, []bool:
		err = binary.Write(bw, binary.LittleEndian, d)
	case []string:
		width, _ := strconv.Atoi(descr[2:])
		cell := make([]byte, 4*width)
		for i, s := range d {
			if strings.IndexByte(s, 0) >= 0 {
				return fmt.Errorf("npy: %w: string element %d holds U+0000", ErrRange, i)
			}
			clear(cell)
			k := 0
			for _, r := range s {
				binary.LittleEndian.PutUint32(cell[4*k:], uint32(r))
				k++
			}
			if _, err = bw.Write(cell); err != nil {
				break
			}
		}
	}
	if err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	return bw.Flush()
}
