package main

import (
	"github.com/spf13/pflag"
	"github.com/tfrun/tfrun/savedmodel"
	"github.com/tfrun/tfrun/tfgo"
)

// sessionFlags are the TensorFlow session settings every command that loads
// a model takes.
type sessionFlags struct {
	intraOp, interOp int
	gpuGrowth        bool
	gpuFraction      float64
	visibleDevices   string
	cpuOnly          bool
	softPlacement    bool
	tags             []string
}

func (s *sessionFlags) AddFlags(fs *pflag.FlagSet) {
	fs.IntVar(&s.intraOp, "intra-op-threads", 0, "threads inside one op (0: TensorFlow's default, one per core)")
	fs.IntVar(&s.interOp, "inter-op-threads", 0, "ops run in parallel (0: TensorFlow's default)")
	fs.BoolVar(&s.gpuGrowth, "gpu-memory-growth", false, "allocate GPU memory as needed instead of all at once")
	fs.Float64Var(&s.gpuFraction, "gpu-memory-fraction", 0, "cap the share of each GPU's memory TensorFlow takes (0: no cap)")
	fs.StringVar(&s.visibleDevices, "visible-devices", "", `GPUs to use, e.g. "0" or "0,1" (default: all)`)
	fs.BoolVar(&s.cpuOnly, "cpu", false, "run on the CPU only, even when a GPU is present")
	fs.BoolVar(&s.softPlacement, "soft-placement", true, "let ops without a GPU kernel fall back to the CPU")
	fs.StringSliceVar(&s.tags, "tags", []string{"serve"}, "MetaGraph tag set to load")
}

func (s *sessionFlags) Validate() error {
	if s.intraOp < 0 || s.interOp < 0 {
		return usageErrorf("--intra-op-threads and --inter-op-threads must be >= 0")
	}
	if s.gpuFraction < 0 || s.gpuFraction > 1 {
		return usageErrorf("--gpu-memory-fraction %g outside [0, 1]", s.gpuFraction)
	}
	return nil
}

func (s *sessionFlags) options() *savedmodel.Options {
	o := &savedmodel.Options{Tags: s.tags, Session: tfgo.SessionOptions{
		IntraOpThreads: s.intraOp, InterOpThreads: s.interOp, AllowSoftPlacement: s.softPlacement,
		GPUMemoryGrowth: s.gpuGrowth, GPUMemoryFraction: s.gpuFraction, VisibleDevices: s.visibleDevices,
	}}
	if s.cpuOnly {
		o.Session.DeviceCount = map[string]int{"GPU": 0}
	}
	return o
}

// loadModel loads a model, mapping failures to the bad-model exit code.
func (s *sessionFlags) loadModel(dir string) (*savedmodel.Model, error) {
	m, err := savedmodel.Load(dir, s.options())
	if err != nil {
		return nil, withCode(exitBadModel, err)
	}
	return m, nil
}
