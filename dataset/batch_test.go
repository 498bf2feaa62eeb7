package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"
)

// collect runs one epoch and returns the targets of each batch, copied.
func collect(tb testing.TB, ds Dataset, opt BatchOptions) [][]int64 {
	tb.Helper()
	it, err := Batches(context.Background(), ds, opt)
	if err != nil {
		tb.Fatal(err)
	}
	defer it.Close()
	var out [][]int64
	for {
		b, err := it.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		y := b.Targets.Data.([]int64)
		x := b.Inputs[0].Data.([]float32)
		if len(y) != b.Size || b.Targets.Len() != b.Size || b.Inputs[0].Len() != b.Size || len(b.Rows) != b.Size {
			tb.Fatalf("batch %d: size %d but targets %v, inputs %v, rows %d", b.Index, b.Size, b.Targets, b.Inputs[0].Array, len(b.Rows))
		}
		for i, v := range y {
			if x[2*i] != float32(v) || x[2*i+1] != -float32(v) || int64(b.Rows[i]) != v {
				tb.Fatalf("batch %d sample %d: x (%v, %v), row %d, y %d out of step", b.Index, i, x[2*i], x[2*i+1], b.Rows[i], v)
			}
		}
		if b.Index != len(out) {
			tb.Fatalf("batch Index = %d, want %d", b.Index, len(out))
		}
		out = append(out, slices.Clone(y))
	}
	if len(out) != it.NumBatches() {
		tb.Fatalf("got %d batches, NumBatches() = %d", len(out), it.NumBatches())
	}
	return out
}

func TestBatchesInOrder(t *testing.T) {
	ds := seqDataset(t, 10)
	for _, prefetch := range []int{0, 1, 3} {
		t.Run(fmt.Sprintf("prefetch%d", prefetch), func(t *testing.T) {
			got := collect(t, ds, BatchOptions{BatchSize: 4, Prefetch: prefetch})
			want := [][]int64{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}} // the short last batch is kept
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Batches(10 samples, size 4) = %v, want %v", got, want)
			}
		})
	}
}

func TestBatchesShuffle(t *testing.T) {
	ds := seqDataset(t, 103)
	ds.Weights = mustArray(t, make([]float32, 103), 103)
	opt := BatchOptions{BatchSize: 16, Shuffle: true, Seed: 42, Epoch: 3}
	var runs [][][]int64
	for _, prefetch := range []int{0, 2} {
		opt.Prefetch = prefetch
		runs = append(runs, collect(t, ds, opt))
	}
	if !reflect.DeepEqual(runs[0], runs[1]) {
		t.Errorf("the same (seed, epoch) gave different batches with and without prefetch")
	}
	var all []int64
	for _, b := range runs[0] {
		all = append(all, b...)
	}
	var order []int
	for _, v := range all {
		order = append(order, int(v))
	}
	if want := Permutation(103, 42, 3); !slices.Equal(order, want) {
		t.Errorf("epoch order = %v, want Permutation(103, 42, 3) = %v", order, want)
	}
	slices.Sort(all)
	for i, v := range all {
		if v != int64(i) {
			t.Fatalf("the epoch does not visit every sample once: sorted %v", all)
		}
	}
	if len(runs[0]) != 7 || len(runs[0][6]) != 103-6*16 {
		t.Errorf("got %d batches, the last of %d, want 7 and %d", len(runs[0]), len(runs[0][6]), 103-6*16)
	}
	opt.Epoch = 4
	if reflect.DeepEqual(collect(t, ds, opt), runs[0]) {
		t.Errorf("epochs 3 and 4 were shuffled alike")
	}
}

func TestPermutationIsStable(t *testing.T) {
	// Part of the contract: a resumed run depends on this exact sequence.
	got := Permutation(10, 1, 0)
	want := Permutation(10, 1, 0)
	if !slices.Equal(got, want) {
		t.Fatalf("Permutation(10, 1, 0) = %v then %v", got, want)
	}
	sorted := slices.Sorted(slices.Values(got))
	if !slices.Equal(sorted, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("Permutation(10, 1, 0) = %v, not a permutation", got)
	}
	if slices.Equal(Permutation(10, 1, 0), Permutation(10, 1, 1)) && slices.Equal(Permutation(10, 1, 1), Permutation(10, 1, 2)) {
		t.Errorf("epochs 0, 1 and 2 share one order")
	}
}

func TestBatchesReuseBuffers(t *testing.T) {
	ds := seqDataset(t, 64)
	it, err := Batches(context.Background(), ds, BatchOptions{BatchSize: 8, Prefetch: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	seen := map[*float32]bool{}
	for {
		b, err := it.Next()
		if err != nil {
			break
		}
		seen[&b.Inputs[0].Data.([]float32)[0]] = true
	}
	if len(seen) > 3 {
		t.Errorf("8 batches used %d buffers, want at most Prefetch+2 = 3", len(seen))
	}
}

func TestBatchesErrors(t *testing.T) {
	ds := seqDataset(t, 5)
	tests := []struct {
		name string
		ds   Dataset
		opt  BatchOptions
		err  error
	}{
		{"zero batch size", ds, BatchOptions{}, ErrRange},
		{"negative prefetch", ds, BatchOptions{BatchSize: 2, Prefetch: -1}, ErrRange},
		{"invalid dataset", Dataset{Inputs: ds.Inputs, Targets: mustArray(t, []int64{1}, 1)}, BatchOptions{BatchSize: 2}, ErrShape},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Batches(context.Background(), tt.ds, tt.opt)
			wantErr(t, fmt.Sprintf("Batches(%+v)", tt.opt), err, tt.err)
		})
	}
}

func TestBatchesEmptyDataset(t *testing.T) {
	ds := Dataset{Inputs: []Named{{Name: "x", Array: mustArray(t, []float32{}, 0, 3)}}}
	it, err := Batches(context.Background(), ds, BatchOptions{BatchSize: 4, Prefetch: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	if b, err := it.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next() on an empty dataset = %v, %v, want io.EOF", b, err)
	}
}

func TestBatchesCancel(t *testing.T) {
	for _, prefetch := range []int{0, 2} {
		t.Run(fmt.Sprintf("prefetch%d", prefetch), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			it, err := Batches(ctx, seqDataset(t, 100), BatchOptions{BatchSize: 10, Prefetch: prefetch})
			if err != nil {
				t.Fatal(err)
			}
			defer it.Close()
			if _, err := it.Next(); err != nil {
				t.Fatal(err)
			}
			cancel()
			if _, err := it.Next(); !errors.Is(err, context.Canceled) {
				t.Errorf("Next() after cancel = %v, want context.Canceled", err)
			}
			if it.done != nil {
				select {
				case <-it.done:
				case <-time.After(10 * time.Second):
					t.Fatal("the prefetching goroutine did not stop after cancel")
				}
			}
		})
	}
}

func TestBatchesCloseStopsGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		it, err := Batches(context.Background(), seqDataset(t, 1000), BatchOptions{BatchSize: 10, Prefetch: 2})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := it.Next(); err != nil {
			t.Fatal(err)
		}
		if err := it.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if err := it.Close(); err != nil {
			t.Fatalf("second Close() = %v, want nil", err)
		}
		if _, err := it.Next(); err == nil {
			t.Fatalf("Next() after Close = nil error")
		}
	}
	// A goroutine that closed its done channel may take a moment to vanish.
	after := runtime.NumGoroutine()
	for deadline := time.Now().Add(5 * time.Second); after > before && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
		after = runtime.NumGoroutine()
	}
	if after > before {
		t.Errorf("goroutines: %d before, %d after 20 closed iterators", before, after)
	}
}

// mnistLike returns an MNIST-sized dataset: float32 [n, 28, 28], int64 [n].
func mnistLike(tb testing.TB, n int) Dataset {
	tb.Helper()
	return Dataset{
		Inputs:  []Named{{Name: "x", Array: &Array{Shape: []int{n, 28, 28}, Data: make([]float32, n*784)}}},
		Targets: &Array{Shape: []int{n}, Data: make([]int64, n)},
	}
}

// BenchmarkBatches measures one shuffled batch of 32 MNIST images, the
// per-step cost of feeding the training loop; allocs/op should be 0 (the
// iterator's set-up is amortised over its epoch).
func BenchmarkBatches(b *testing.B) {
	for _, prefetch := range []int{0, 2} {
		b.Run(fmt.Sprintf("prefetch%d", prefetch), func(b *testing.B) {
			ds := mnistLike(b, 60000)
			b.ReportAllocs()
			b.SetBytes(32 * (784*4 + 8))
			var it *BatchIterator
			epoch := 0
			for b.Loop() {
				if it == nil {
					var err error
					it, err = Batches(context.Background(), ds, BatchOptions{BatchSize: 32, Shuffle: true, Epoch: epoch, Prefetch: prefetch})
					if err != nil {
						b.Fatal(err)
					}
				}
				if _, err := it.Next(); errors.Is(err, io.EOF) {
					it.Close()
					it = nil
					epoch++
				} else if err != nil {
					b.Fatal(err)
				}
			}
			if it != nil {
				it.Close()
			}
		})
	}
}

func ExampleBatches() {
	x := &Array{Shape: []int{5, 1}, Data: []float32{0, 1, 2, 3, 4}}
	y := &Array{Shape: []int{5}, Data: []int64{0, 1, 0, 1, 0}}
	ds := Dataset{Inputs: []Named{{Name: "x", Array: x}}, Targets: y}

	it, err := Batches(context.Background(), ds, BatchOptions{BatchSize: 2, Prefetch: 1})
	if err != nil {
		panic(err)
	}
	defer it.Close()
	for {
		b, err := it.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(err)
		}
		// b is valid until the next call to Next.
		fmt.Println(b.Index, b.Size, b.Inputs[0].Data, b.Targets.Data)
	}
	// Output:
	// 0 2 [0 1] [0 1]
	// 1 2 [2 3] [0 1]
	// 2 1 [4] [0]
}
