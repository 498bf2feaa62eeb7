//go:build cgo

package savedmodel_test

import (
	"testing"

	"github.com/tfrun/tfrun/internal/fixture"
	"github.com/tfrun/tfrun/tfgo"
)

// BenchmarkPredict measures Model.Call("serving_default") of mnist_mlp,
// including the output copy and release, for batch sizes 1 and 32.
func BenchmarkPredict(b *testing.B) {
	for _, n := range []int{1, 32} {
		b.Run("batch="+itoa(n), func(b *testing.B) {
			m := fixture.Load(b, fixture.Model(b, "mnist_mlp"))
			x := randomImages(n, 1)
			defer x.Close()
			inputs := map[string]*tfgo.Tensor{"x": x}
			b.ReportAllocs()
			for b.Loop() {
				out, err := m.Call("serving_default", inputs)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tfgo.ReadFlat[float32](out["output_0"]); err != nil {
					b.Fatal(err)
				}
				out.Close()
			}
		})
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
