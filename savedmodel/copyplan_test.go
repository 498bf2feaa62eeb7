package savedmodel

import (
	"errors"
	"reflect"
	"regexp"
	"testing"

	"github.com/tfrun/tfrun/tfgo"
)

// side makes one model for planCopy: variables "name:d1xd2", a layer list
// and, when optimizer is set, Adam-like slots named after it.
func side(dir string, optimizer string, layers map[string][]string, trainable []string, extra ...string) copySide {
	s := copySide{dir: dir, vars: map[string]varSpec{}}
	add := func(spec string) string {
		name, dims := spec, []int64{}
		for i := len(spec) - 1; i >= 0; i-- {
			if spec[i] == ':' {
				name = spec[:i]
				var d int64
				for _, c := range spec[i+1:] {
					if c == 'x' {
						dims, d = append(dims, d), 0
						continue
					}
					d = d*10 + int64(c-'0')
				}
				dims = append(dims, d)
				break
			}
		}
		s.vars[name] = varSpec{DType: tfgo.Float, Shape: tfgo.Shape{Dims: dims}}
		return name
	}
	if optimizer == "" {
		for _, v := range append(trainable, extra...) {
			add(v)
		}
		return s
	}
	s.desc = &Description{Optimizer: OptimizerDesc{Class: "Adam"}, IterationsVar: optimizer + "/iteration"}
	s.vars[optimizer+"/iteration"] = varSpec{DType: tfgo.Int64, Shape: tfgo.Shape{Dims: []int64{}}}
	for layer, vars := range layers {
		s.desc.Layers = append(s.desc.Layers, LayerDesc{Name: layer, Variables: vars})
	}
	for _, v := range trainable {
		name := add(v)
		spec := s.vars[name]
		tv := TrainableVar{Name: name, Mask: "mask/" + name}
		for _, slot := range []string{"m", "v"} {
			sn := optimizer + "/" + name + "_" + slot
			s.vars[sn] = spec
			tv.Slots = append(tv.Slots, sn)
		}
		s.desc.Trainable = append(s.desc.Trainable, tv)
	}
	for _, v := range extra {
		s.desc.NonTrainable = append(s.desc.NonTrainable, add(v))
	}
	return s
}

func TestPlanCopy(t *testing.T) {
	layers := map[string][]string{"base": {"base/c/k", "base/c/b"}, "c": {"base/c/k", "base/c/b"}, "head": {"head/k"}}
	src := side("src", "adam", layers, []string{"base/c/k:3x4", "base/c/b:4", "head/k:4x10"}, "base/n/mean:4")
	dst := side("dst", "adam_1", layers, []string{"base/c/k:3x4", "base/c/b:4", "head/k:4x5", "new/k:2"})
	plain := side("plain", "", nil, []string{"base/c/k:3x4", "other:1"})
	tests := []struct {
		name     string
		src, dst copySide
		spec     CopySpec
		copied   []string // destination names
		sources  []string // when they differ from copied
		kept     []string
		onlySrc  []string
		err      error
	}{
		{"all: heads differ", src, dst, CopySpec{}, []string{"base/c/b", "base/c/k"}, nil, []string{"new/k"}, []string{"base/n/mean"}, ErrCopyMismatch},
		{"layer name", src, dst, CopySpec{Vars: regexp.MustCompile(`^base$`)}, []string{"base/c/b", "base/c/k"}, nil, nil, nil, nil},
		{"inner layer name", src, dst, CopySpec{Vars: regexp.MustCompile(`^c$`)}, []string{"base/c/b", "base/c/k"}, nil, nil, nil, nil},
		{"variable name", src, dst, CopySpec{Vars: regexp.MustCompile(`/k$`)}, []string{"base/c/k"}, nil, []string{"new/k"}, nil, ErrCopyMismatch},
		{"optimizer state by position", src, dst, CopySpec{Vars: regexp.MustCompile(`^c$`), OptimizerState: true},
			[]string{"base/c/b", "base/c/k", "adam_1/base/c/b_m", "adam_1/base/c/b_v", "adam_1/base/c/k_m", "adam_1/base/c/k_v", "adam_1/iteration"},
			[]string{"base/c/b", "base/c/k", "adam/base/c/b_m", "adam/base/c/b_v", "adam/base/c/k_m", "adam/base/c/k_v", "adam/iteration"}, nil, nil, nil},
		{"no match", src, dst, CopySpec{Vars: regexp.MustCompile(`^zzz$`)}, nil, nil, nil, nil, ErrNoMatch},
		{"nothing in common", src, side("d2", "adam", nil, []string{"x/k:1"}), CopySpec{}, nil, nil, []string{"x/k"},
			[]string{"base/c/b", "base/c/k", "base/n/mean", "head/k"}, ErrNothingToCopy},
		{"without descriptions: every variable", plain, side("p2", "", nil, []string{"base/c/k:3x4", "more:2"}), CopySpec{},
			[]string{"base/c/k"}, nil, []string{"more"}, []string{"other"}, nil},
		{"optimizer state needs descriptions", plain, plain, CopySpec{OptimizerState: true}, nil, nil, nil, nil, ErrCopyMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := planCopy(tt.src, tt.dst, tt.spec)
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("planCopy = %v, want %v", err, tt.err)
			}
			if tt.err == ErrCopyMismatch && tt.spec.OptimizerState {
				return
			}
			var copied, sources []string
			for _, c := range plan.Copied {
				copied, sources = append(copied, c.Name), append(sources, c.Source)
			}
			if tt.sources == nil {
				tt.sources = tt.copied
			}
			if !reflect.DeepEqual(copied, tt.copied) || !reflect.DeepEqual(sources, tt.sources) {
				t.Errorf("planCopy copies %v from %v, want %v from %v", copied, sources, tt.copied, tt.sources)
			}
			if !reflect.DeepEqual(plan.Kept, tt.kept) || !reflect.DeepEqual(plan.OnlyInSource, tt.onlySrc) {
				t.Errorf("planCopy kept %v, only in source %v; want %v, %v", plan.Kept, plan.OnlyInSource, tt.kept, tt.onlySrc)
			}
			if tt.err == ErrCopyMismatch && len(plan.Mismatches) == 0 {
				t.Errorf("planCopy = %v with no mismatch listed", err)
			}
		})
	}
}
