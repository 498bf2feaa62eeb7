//go:build cgo

package savedmodel_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/tfrun/tfrun/dataset"
	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/tfgo"
)

// BenchmarkTrainStep measures Model.TrainStep of mnist_mlp on one batch of
// 32 held in tensors made once: the train_step session run and the Go code
// around it, without the data pipeline of Fit. Besides ns/op (a mean) it
// reports the median per step, which scripts/bench.py sets beside the
// per-step time of a whole `tfrun train` epoch.
func BenchmarkTrainStep(b *testing.B) {
	m := benchModel(b)
	const n = 32
	x := randomImages(n, 3)
	defer x.Close()
	labels := make([]int64, n)
	for i := range labels {
		labels[i] = int64(i % 10)
	}
	y, err := tfgo.FromFlat([]int64{n}, labels)
	if err != nil {
		b.Fatal(err)
	}
	defer y.Close()
	batch := savedmodel.Batch{Inputs: map[string]*tfgo.Tensor{"x": x}, Y: y}
	for range 20 { // warm up: the first run optimises the graph
		if _, err := m.TrainStep(batch); err != nil {
			b.Fatal(err)
		}
	}
	var times []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if _, err := m.TrainStep(batch); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds())/1e3, "p50-us/step")
}

// BenchmarkFitStep measures Fit per step (one epoch of 6,400 random
// samples, 200 batches of 32, per op), with and without the prefetching
// goroutine, to set beside BenchmarkTrainStep: the difference is what Fit's
// loop (batching, tensors, aggregation) adds to each session run.
func BenchmarkFitStep(b *testing.B) {
	const n, batch = 6400, 32
	r := rand.New(rand.NewPCG(5, 1))
	x := make([]float32, n*28*28)
	for i := range x {
		x[i] = r.Float32()
	}
	y := make([]int64, n)
	for i := range y {
		y[i] = int64(r.IntN(10))
	}
	xa, err := dataset.NewArray(x, n, 28, 28)
	if err != nil {
		b.Fatal(err)
	}
	ya, err := dataset.NewArray(y, n)
	if err != nil {
		b.Fatal(err)
	}
	ds := dataset.Dataset{Inputs: []dataset.Named{{Name: "x", Array: xa}}, Targets: ya}
	for _, prefetch := range []int{2, -1} {
		name := "prefetch=2"
		if prefetch < 0 {
			name = "prefetch=off"
		}
		b.Run(name, func(b *testing.B) {
			m := benchModel(b)
			opts := savedmodel.FitOptions{Epochs: 1, BatchSize: batch, Prefetch: prefetch}
			if _, err := m.Fit(context.Background(), ds, opts); err != nil { // warm up
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := m.Fit(context.Background(), ds, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n/batch), "us/step")
		})
	}
}
