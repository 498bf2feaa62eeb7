package dataset

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
)

// The IDX format (MNIST's): two zero bytes, a type code, the number of
// dimensions, each dimension as a big-endian uint32, then the elements in
// row-major order, big-endian.
var idxTypes = map[byte]struct {
	dtype string
	size  int
}{
	0x08: {Uint8, 1},
	0x09: {Int8, 1},
	0x0B: {Int16, 2},
	0x0C: {Int32, 4},
	0x0D: {Float32, 4},
	0x0E: {Float64, 8},
}

// ReadIDX reads one array in the IDX format from r, gzip-compressed or not
// (told apart by gzip's magic bytes). Element types: unsigned byte (0x08),
// signed byte (0x09), short (0x0B), int (0x0C), float (0x0D), double (0x0E).
// Data after the array is an error, which catches wrong dimensions.
func ReadIDX(r io.Reader) (*Array, error) {
	r, err := maybeGunzip(r)
	if err != nil {
		return nil, fmt.Errorf("idx: %w", err)
	}
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("idx: %w: header is truncated (%v)", ErrFormat, err)
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return nil, fmt.Errorf("idx: %w: magic % x does not start with 00 00", ErrFormat, hdr)
	}
	t, ok := idxTypes[hdr[2]]
	if !ok {
		return nil, fmt.Errorf("idx: %w: type code 0x%02x (want 08, 09, 0b, 0c, 0d or 0e)", ErrDType, hdr[2])
	}
	rank := int(hdr[3])
	dims := make([]byte, 4*rank)
	if _, err := io.ReadFull(r, dims); err != nil {
		return nil, fmt.Errorf("idx: %w: %d dimensions are truncated (%v)", ErrFormat, rank, err)
	}
	shape := make([]int, rank)
	for i := range shape {
		d := binary.BigEndian.Uint32(dims[4*i:])
		if uint64(d) > math.MaxInt32 {
			return nil, fmt.Errorf("idx: %w: dimension %d is %d", ErrFormat, i, d)
		}
		shape[i] = int(d)
	}
	n, err := numElements(shape)
	if err != nil || n > math.MaxInt64/8 {
		return nil, fmt.Errorf("idx: %w: shape %v is too large", ErrFormat, shape)
	}
	raw, err := readN(r, int64(n)*int64(t.size), fmt.Sprintf("idx %s%v data", t.dtype, shape))
	if err != nil {
		return nil, fmt.Errorf("idx: %w", err)
	}
	if err := expectEOF(r, fmt.Sprintf("idx %s%v data", t.dtype, shape)); err != nil {
		return nil, fmt.Errorf("idx: %w", err)
	}
	a := &Array{Shape: shape}
	be := binary.BigEndian
	switch t.dtype {
	case Uint8:
		a.Data = raw
	case Int8:
		d := make([]int8, n)
		for i := range d {
			d[i] = int8(raw[i])
		}
		a.Data = d
	case Int16:
		d := make([]int16, n)
		for i := range d {
			d[i] = int16(be.Uint16(raw[2*i:]))
		}
		a.Data = d
	case Int32:
		d := make([]int32, n)
		for i := range d {
			d[i] = int32(be.Uint32(raw[4*i:]))
		}
		a.Data = d
	case Float32:
		d := make([]float32, n)
		for i := range d {
			d[i] = math.Float32frombits(be.Uint32(raw[4*i:]))
		}
		a.Data = d
	case Float64:
		d := make([]float64, n)
		for i := range d {
			d[i] = math.Float64frombits(be.Uint64(raw[8*i:]))
		}
		a.Data = d
	}
	return a, nil
}

// LoadIDX reads an IDX file, gzip-compressed or not. Errors name the file.
func LoadIDX(path string) (*Array, error) {
	a, err := withFile(path, func(f *os.File) (*Array, error) { return ReadIDX(bufio.NewReaderSize(f, 1<<16)) })
	return a, pathError("load idx", path, err)
}

// WriteIDX writes a in the IDX format, uncompressed. It supports the IDX
// element types: uint8, int8, int16, int32, float32 and float64.
func WriteIDX(w io.Writer, a *Array) error {
	if err := a.Check(); err != nil {
		return err
	}
	var code byte
	for c, t := range idxTypes {
		if t.dtype == a.DType() {
			code = c
		}
	}
	if code == 0 {
		return fmt.Errorf("idx: %w: %s has no IDX type code", ErrDType, a.DType())
	}
	if len(a.Shape) > 255 {
		return fmt.Errorf("idx: %w: rank %d is over 255", ErrShape, len(a.Shape))
	}
	hdr := []byte{0, 0, code, byte(len(a.Shape))}
	for _, d := range a.Shape {
		if uint64(d) > math.MaxUint32 {
			return fmt.Errorf("idx: %w: dimension %d does not fit in 32 bits", ErrShape, d)
		}
		hdr = binary.BigEndian.AppendUint32(hdr, uint32(d))
	}
	bw := bufio.NewWriter(w)
	bw.Write(hdr)
	var err error
	switch d := a.Data.(type) {
	case []uint8:
		_, err = bw.Write(d)
	default:
		err = binary.Write(bw, binary.BigEndian, d)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}
