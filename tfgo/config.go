package tfgo

import (
	"math"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"
)

// SessionOptions are the session settings tfrun exposes, as typed Go values.
// The zero value lets TensorFlow choose everything.
type SessionOptions struct {
	// IntraOpThreads and InterOpThreads size TensorFlow's thread pools
	// (0: TensorFlow's default, one per core).
	IntraOpThreads int
	InterOpThreads int
	// AllowSoftPlacement lets ops without a kernel for the requested device
	// fall back to the CPU.
	AllowSoftPlacement bool
	// LogDevicePlacement logs where each op runs (to stderr, by TensorFlow).
	LogDevicePlacement bool
	// GPUMemoryGrowth allocates GPU memory as needed instead of all at once.
	GPUMemoryGrowth bool
	// GPUMemoryFraction caps the share of each GPU's memory (0: no cap).
	GPUMemoryFraction float64
	// VisibleDevices restricts the GPUs used, e.g. "0" or "0,1" (CUDA
	// ordinals as TensorFlow's visible_device_list).
	VisibleDevices string
	// DeviceCount caps the number of devices per type, e.g. {"GPU": 0} to
	// run on the CPU only.
	DeviceCount map[string]int
}

// ConfigProto field numbers (tensorflow/core/protobuf/config.proto).
const (
	cfgDeviceCount        = 1
	cfgIntraOpThreads     = 2
	cfgInterOpThreads     = 5
	cfgGPUOptions         = 6
	cfgAllowSoftPlacement = 7
	cfgLogDevicePlacement = 8
	cfgExperimental       = 16

	gpuMemoryFraction  = 1
	gpuAllowGrowth     = 4
	gpuVisibleDevices  = 5
	expDisableOptimize = 24 // Experimental.disable_optimize_for_static_graph
)

// ConfigProto encodes the options as a serialized tensorflow.ConfigProto.
//
// It always sets experimental.disable_optimize_for_static_graph, which
// TF_NewSessionOptions sets by default and a custom config would otherwise
// clear: without it, operations added to a graph after the session was
// created (variable reads and assigns, for instance) never reach the session.
func (o *SessionOptions) ConfigProto() []byte {
	var b []byte
	if o == nil {
		o = &SessionOptions{}
	}
	keys := make([]string, 0, len(o.DeviceCount))
	for k := range o.DeviceCount {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic bytes
	for _, k := range keys {
		var e []byte
		e = protowire.AppendTag(e, 1, protowire.BytesType)
		e = protowire.AppendString(e, k)
		e = protowire.AppendTag(e, 2, protowire.VarintType)
		e = protowire.AppendVarint(e, uint64(int32(o.DeviceCount[k])))
		b = protowire.AppendTag(b, cfgDeviceCount, protowire.BytesType)
		b = protowire.AppendBytes(b, e)
	}
	if o.IntraOpThreads != 0 {
		b = protowire.AppendTag(b, cfgIntraOpThreads, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(int32(o.IntraOpThreads)))
	}
	if o.InterOpThreads != 0 {
		b = protowire.AppendTag(b, cfgInterOpThreads, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(int32(o.InterOpThreads)))
	}
	var gpu []byte
	if o.GPUMemoryFraction != 0 {
		gpu = protowire.AppendTag(gpu, gpuMemoryFraction, protowire.Fixed64Type)
		gpu = protowire.AppendFixed64(gpu, math.Float64bits(o.GPUMemoryFraction))
	}
	if o.GPUMemoryGrowth {
		gpu = protowire.AppendTag(gpu, gpuAllowGrowth, protowire.VarintType)
		gpu = protowire.AppendVarint(gpu, 1)
	}
	if o.VisibleDevices != "" {
		gpu = protowire.AppendTag(gpu, gpuVisibleDevices, protowire.BytesType)
		gpu = protowire.AppendString(gpu, o.VisibleDevices)
	}
	if len(gpu) > 0 {
		b = protowire.AppendTag(b, cfgGPUOptions, protowire.BytesType)
		b = protowire.AppendBytes(b, gpu)
	}
	if o.AllowSoftPlacement {
		b = protowire.AppendTag(b, cfgAllowSoftPlacement, protowire.VarintType)
		b = protowire.AppendVarint(b, 1)
	}
	if o.LogDevicePlacement {
		b = protowire.AppendTag(b, cfgLogDevicePlacement, protowire.VarintType)
		b = protowire.AppendVarint(b, 1)
	}
	var exp []byte
	exp = protowire.AppendTag(exp, expDisableOptimize, protowire.VarintType)
	exp = protowire.AppendVarint(exp, 1)
	b = protowire.AppendTag(b, cfgExperimental, protowire.BytesType)
	b = protowire.AppendBytes(b, exp)
	return b
}
