package protowalk_test

import (
	"errors"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tfrun/tfrun/internal/protowalk"
)

func TestFields(t *testing.T) {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendString(b, "abc")
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, 300)
	b = protowire.AppendTag(b, 3, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, 7)
	type field struct {
		num protowire.Number
		v   string
		x   uint64
	}
	var got []field
	err := protowalk.Fields(b, func(num protowire.Number, _ protowire.Type, v []byte, x uint64) error {
		got = append(got, field{num, string(v), x})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []field{{1, "abc", 0}, {2, "", 300}, {3, "", 7}}
	if len(got) != len(want) {
		t.Fatalf("Fields visited %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field %d = %v, want %v", i, got[i], want[i])
		}
	}
	var pe *protowalk.Error
	if err := protowalk.Fields(b[:len(b)-3], func(protowire.Number, protowire.Type, []byte, uint64) error { return nil }); !errors.As(err, &pe) || pe.Offset != 9 {
		t.Errorf("Fields(truncated) = %v, want an *Error at byte 9", err)
	}
	stop := errors.New("stop")
	if err := protowalk.Fields(b, func(protowire.Number, protowire.Type, []byte, uint64) error { return stop }); err != stop {
		t.Errorf("Fields with fn failing = %v, want fn's error", err)
	}
}
