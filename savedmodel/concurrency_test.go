//go:build cgo

package savedmodel_test

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/tfgo"
)

// predictOne runs single-sample predict and returns the class probabilities.
func predictOne(tb testing.TB, m interface {
	Call(string, map[string]*tfgo.Tensor) (map[string]*tfgo.Tensor, error)
}, x *tfgo.Tensor) []float32 {
	tb.Helper()
	out, err := m.Call("serving_default", map[string]*tfgo.Tensor{"x": x})
	if err != nil {
		tb.Fatal(err)
	}
	p, err := tfgo.ReadFlat[float32](out["output_0"])
	for _, t := range out {
		t.Close()
	}
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// TestConcurrentPredict: 8 goroutines share one model for 10k calls, each
// on its own input; every result must equal the serial one.
func TestConcurrentPredict(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	const workers, calls = 8, 10000
	inputs := make([]*tfgo.Tensor, workers)
	want := make([][]float32, workers)
	for i := range inputs {
		inputs[i] = randomImages(1, uint64(100+i))
		defer inputs[i].Close()
		out, err := m.Call("serving_default", map[string]*tfgo.Tensor{"x": inputs[i]})
		if err != nil {
			t.Fatal(err)
		}
		want[i], _ = tfgo.ReadFlat[float32](out["output_0"])
		out.Close()
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range calls / workers {
				out, err := m.Call("serving_default", map[string]*tfgo.Tensor{"x": inputs[w]})
				if err != nil {
					t.Error(err)
					return
				}
				got, _ := tfgo.ReadFlat[float32](out["output_0"])
				out.Close()
				for j := range got {
					if got[j] != want[w][j] {
						mu.Lock()
						bad++
						mu.Unlock()
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	if bad > 0 {
		t.Errorf("%d of %d concurrent predictions differ from the serial result", bad, calls)
	}
}

func rssKiB(tb testing.TB) int {
	tb.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			n, err := strconv.Atoi(strings.Fields(rest)[0])
			if err != nil {
				tb.Fatal(err)
			}
			return n
		}
	}
	tb.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// TestPredictMemoryFlat: RSS after 100k single-sample predictions stays
// within 10% of RSS after the first 1k (tensors and outputs are freed).
func TestPredictMemoryFlat(t *testing.T) {
	m := fixture.Load(t, fixture.Model(t, "mnist_mlp"))
	run := func(n int) {
		for i := range n {
			x := randomImages(1, uint64(i))
			out, err := m.Call("serving_default", map[string]*tfgo.Tensor{"x": x})
			if err != nil {
				t.Fatal(err)
			}
			out.Close()
			x.Close()
		}
	}
	run(1000)
	runtime.GC()
	after1k := rssKiB(t)
	run(99000)
	runtime.GC()
	after100k := rssKiB(t)
	t.Logf("RSS after 1k predictions %d KiB, after 100k %d KiB", after1k, after100k)
	if float64(after100k) > 1.10*float64(after1k) {
		t.Errorf("RSS grew from %d KiB (1k predictions) to %d KiB (100k): more than 10%%", after1k, after100k)
	}
}
