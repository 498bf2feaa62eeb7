package tfevents

import (
	"fmt"
	"math"

	"github.com/tfrun/tfrun/internal/protowalk"
	"google.golang.org/protobuf/encoding/protowire"
)

// FileVersion is the file_version of the first event of every file.
const FileVersion = "brain.Event:2"

// Event is the part of TensorBoard's Event message this package writes
// and reads.
type Event struct {
	WallTime    float64 // seconds since the Unix epoch
	Step        int64
	FileVersion string
	Scalars     []Scalar // summary values with simple_value
	// SessionStart is set for a SessionLog START event.
	SessionStart bool
	SessionMsg   string
}

// Scalar is one summary value.
type Scalar struct {
	Tag   string
	Value float32
}

// Marshal encodes e as an Event protocol buffer.
func (e *Event) Marshal() []byte {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, math.Float64bits(e.WallTime))
	if e.Step != 0 {
		b = protowire.AppendTag(b, 2, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(e.Step))
	}
	if e.FileVersion != "" {
		b = protowire.AppendTag(b, 3, protowire.BytesType)
		b = protowire.AppendString(b, e.FileVersion)
	}
	if len(e.Scalars) > 0 {
		var sum []byte
		for _, s := range e.Scalars {
			var v []byte
			v = protowire.AppendTag(v, 1, protowire.BytesType)
			v = protowire.AppendString(v, s.Tag)
			v = protowire.AppendTag(v, 2, protowire.Fixed32Type)
			v = protowire.AppendFixed32(v, math.Float32bits(s.Value))
			sum = protowire.AppendTag(sum, 1, protowire.BytesType)
			sum = protowire.AppendBytes(sum, v)
		}
		b = protowire.AppendTag(b, 5, protowire.BytesType)
		b = protowire.AppendBytes(b, sum)
	}
	if e.SessionStart {
		var sl []byte
		sl = protowire.AppendTag(sl, 1, protowire.VarintType)
		sl = protowire.AppendVarint(sl, 1) // START
		if e.SessionMsg != "" {
			sl = protowire.AppendTag(sl, 3, protowire.BytesType)
			sl = protowire.AppendString(sl, e.SessionMsg)
		}
		b = protowire.AppendTag(b, 7, protowire.BytesType)
		b = protowire.AppendBytes(b, sl)
	}
	return b
}

// Unmarshal decodes an Event protocol buffer, keeping the fields Event
// has and skipping others (graphs, images, tensors).
func (e *Event) Unmarshal(b []byte) error {
	*e = Event{}
	return walk(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == 1 && typ == protowire.Fixed64Type:
			e.WallTime = math.Float64frombits(x)
		case num == 2 && typ == protowire.VarintType:
			e.Step = int64(x)
		case num == 3 && typ == protowire.BytesType:
			e.FileVersion = string(v)
		case num == 5 && typ == protowire.BytesType:
			return walk(v, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
				if num != 1 || typ != protowire.BytesType {
					return nil
				}
				var s Scalar
				simple := false
				err := walk(v, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
					switch {
					case num == 1 && typ == protowire.BytesType:
						s.Tag = string(v)
					case num == 2 && typ == protowire.Fixed32Type:
						s.Value, simple = math.Float32frombits(uint32(x)), true
					}
					return nil
				})
				if err == nil && simple {
					e.Scalars = append(e.Scalars, s)
				}
				return err
			})
		case num == 7 && typ == protowire.BytesType:
			return walk(v, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
				switch {
				case num == 1 && typ == protowire.VarintType:
					e.SessionStart = x == 1
				case num == 3 && typ == protowire.BytesType:
					e.SessionMsg = string(v)
				}
				return nil
			})
		}
		return nil
	})
}

// walk calls fn for each field of a message.
func walk(b []byte, fn protowalk.Func) error {
	if err := protowalk.Fields(b, fn); err != nil {
		return fmt.Errorf("tfevents: %w", err)
	}
	return nil
}
