//go:build !race

// The race detector allocates on its own, so this check runs without it.

package dataset

import (
	"context"
	"fmt"
	"testing"
)

func TestBatchesAllocateNothingPerBatch(t *testing.T) {
	for _, prefetch := range []int{0, 2} {
		t.Run(fmt.Sprintf("prefetch%d", prefetch), func(t *testing.T) {
			ds := mnistLike(t, 4096)
			it, err := Batches(context.Background(), ds, BatchOptions{BatchSize: 32, Shuffle: true, Prefetch: prefetch})
			if err != nil {
				t.Fatal(err)
			}
			defer it.Close()
			if _, err := it.Next(); err != nil { // warm up: channels and goroutine running
				t.Fatal(err)
			}
			allocs := testing.AllocsPerRun(100, func() {
				if _, err := it.Next(); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("Next() allocates %v times per batch, want 0", allocs)
			}
		})
	}
}
