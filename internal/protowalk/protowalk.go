// Package protowalk walks the fields of a serialized protocol buffer
// message without generated code: the pure-Go parsing that reads
// MetaGraphDefs (tfgo) and TensorBoard events (internal/tfevents) shares it.
package protowalk

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Func receives one field: its number and wire type, the payload of a
// length-delimited field in v, the value of a varint or fixed field in x.
type Func func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error

// Error is malformed protobuf input: the byte offset in the message and
// what is wrong there.
type Error struct {
	Offset int
	Err    error
}

func (e *Error) Error() string { return fmt.Sprintf("at byte %d: %v", e.Offset, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// Fields calls fn for each field of the message b, in order. It stops at the
// first error fn returns, or with an *Error at malformed input.
func Fields(b []byte, fn Func) error {
	total := len(b)
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return &Error{total - len(b), protowire.ParseError(n)}
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var f uint32
			f, n = protowire.ConsumeFixed32(b)
			x = uint64(f)
		case protowire.Fixed64Type:
			x, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return &Error{total - len(b), fmt.Errorf("field %d: %w", num, protowire.ParseError(n))}
		}
		b = b[n:]
		if err := fn(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}
