//go:build cgo

package savedmodel_test

import (
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/tfgo"
)

// benchModel loads mnist_mlp for a benchmark. TFRUN_BENCH_INTRA_OP_THREADS
// and TFRUN_BENCH_INTER_OP_THREADS set the session's thread pools (as the
// CLI's --intra-op-threads and --inter-op-threads do), so that
// scripts/bench.py can give both sides of a comparison the same threads;
// unset or 0 keeps TensorFlow's defaults.
func benchModel(b *testing.B) *savedmodel.Model {
	b.Helper()
	threads := func(name string) int {
		v := os.Getenv(name)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			b.Fatalf("%s=%q: want a number of threads >= 0", name, v)
		}
		return n
	}
	opts := &savedmodel.Options{Session: tfgo.SessionOptions{
		IntraOpThreads: threads("TFRUN_BENCH_INTRA_OP_THREADS"),
		InterOpThreads: threads("TFRUN_BENCH_INTER_OP_THREADS"),
	}}
	m, err := savedmodel.Load(fixture.Model(b, "mnist_mlp"), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	return m
}

// BenchmarkCallLatency measures one inference of mnist_mlp through
// Model.Call("serving_default") from a Go slice to a Go slice: the input
// tensor is made from a []float32 on every call and the output is copied
// back and released, as a Python caller goes from a NumPy array to a NumPy
// array. Besides ns/op (a mean) it reports the median and the 90th
// percentile of the per-call times, which scripts/bench.py compares with
// Python. Each call is timed on its own after 20 warm-up calls.
func BenchmarkCallLatency(b *testing.B) {
	m := benchModel(b)
	for _, n := range []int{1, 32} {
		b.Run("batch="+itoa(n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(uint64(n), 1))
			x := make([]float32, n*28*28)
			for i := range x {
				x[i] = r.Float32()
			}
			dims := []int64{int64(n), 28, 28}
			inputs := map[string]*tfgo.Tensor{}
			call := func() {
				t, err := tfgo.FromFlat(dims, x)
				if err != nil {
					b.Fatal(err)
				}
				defer t.Close()
				inputs["x"] = t
				out, err := m.Call("serving_default", inputs)
				if err != nil {
					b.Fatal(err)
				}
				defer out.Close()
				if _, err := tfgo.ReadFlat[float32](out["output_0"]); err != nil {
					b.Fatal(err)
				}
			}
			// Warm up (the first run of a session optimises the graph), as
			// the Python side does; b.Loop starts the clock afterwards.
			for range 20 {
				call()
			}
			var times []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				call()
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			us := func(q float64) float64 {
				return float64(times[int(q*float64(len(times)-1))].Nanoseconds()) / 1e3
			}
			b.ReportMetric(us(0.5), "p50-us/call")
			b.ReportMetric(us(0.9), "p90-us/call")
		})
	}
}
