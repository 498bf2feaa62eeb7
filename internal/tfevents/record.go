package tfevents

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// MaskedCRC returns the masked CRC32C of b, as TFRecord frames carry it.
func MaskedCRC(b []byte) uint32 {
	c := crc32.Checksum(b, castagnoli)
	return (c>>15 | c<<17) + 0xa282ead8
}

// AppendRecord appends data framed as one TFRecord to dst.
func AppendRecord(dst, data []byte) []byte {
	var hdr [8]byte
	binary.LittleEndian.PutUint64(hdr[:], uint64(len(data)))
	dst = append(dst, hdr[:]...)
	dst = binary.LittleEndian.AppendUint32(dst, MaskedCRC(hdr[:]))
	dst = append(dst, data...)
	return binary.LittleEndian.AppendUint32(dst, MaskedCRC(data))
}

// ErrTruncated reports a record cut short at the end of the input, which a
// process killed while writing can leave.
var ErrTruncated = errors.New("tfevents: truncated record at end of file")

// ErrCorrupt reports a record whose checksum does not match.
var ErrCorrupt = errors.New("tfevents: corrupt record")

// maxRecord bounds a record's claimed length before it is allocated.
const maxRecord = 1 << 30

// ReadRecord reads one TFRecord's data from r. It returns io.EOF at a clean
// end, ErrTruncated when the input ends inside a record and ErrCorrupt on a
// checksum mismatch.
func ReadRecord(r io.Reader) ([]byte, error) {
	var hdr [12]byte
	n, err := io.ReadFull(r, hdr[:])
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("%w (%d header bytes)", ErrTruncated, n)
	}
	if MaskedCRC(hdr[:8]) != binary.LittleEndian.Uint32(hdr[8:]) {
		return nil, fmt.Errorf("%w: length checksum", ErrCorrupt)
	}
	size := binary.LittleEndian.Uint64(hdr[:8])
	if size > maxRecord {
		return nil, fmt.Errorf("%w: length %d", ErrCorrupt, size)
	}
	data := make([]byte, size+4)
	if n, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("%w (%d of %d bytes)", ErrTruncated, n, size+4)
	}
	if MaskedCRC(data[:size]) != binary.LittleEndian.Uint32(data[size:]) {
		return nil, fmt.Errorf("%w: data checksum", ErrCorrupt)
	}
	return data[:size], nil
}
