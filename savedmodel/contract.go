package savedmodel

import "github.com/tfrun/tfrun/tfgo"

// The signature keys of tfrun's training contract.
const (
	ServingDefault = "serving_default"
	PredictKey     = "predict"
	TrainStepKey   = "train_step"
	EvaluateKey    = "evaluate"
)

// Variable roles, from the exporter's description.
const (
	RoleTrainable    = "trainable"
	RoleNonTrainable = "non_trainable" // e.g. BatchNorm statistics, RNG state
	RoleOptimizer    = "optimizer"     // slots, iteration count, learning rate
	RoleMetric       = "metric"        // metric accumulators (reset every step)
	RoleMask         = "mask"          // run-time trainable masks
	RoleUnknown      = ""              // a SavedModel without description
)

// CheckContract reports what a MetaGraph and description lack of tfrun's
// training contract (signatures, their y input and loss output, the
// description). Pure Go: it needs no session.
func CheckContract(mg *tfgo.MetaGraph, desc *Description) (missing []string) {
	_, hasServing := mg.Signatures[ServingDefault]
	_, hasPredict := mg.Signatures[PredictKey]
	if !hasServing && !hasPredict {
		missing = append(missing, "signature serving_default or predict")
	}
	for _, key := range []string{TrainStepKey, EvaluateKey} {
		s, ok := mg.Signatures[key]
		if !ok {
			missing = append(missing, "signature "+key)
			continue
		}
		if _, ok := s.Inputs["y"]; !ok {
			missing = append(missing, key+" input y")
		}
		if _, ok := s.Outputs["loss"]; !ok {
			missing = append(missing, key+" output loss")
		}
		if desc != nil {
			for _, md := range desc.Metrics {
				if _, ok := s.Outputs[md.Name]; !ok {
					missing = append(missing, key+" output "+md.Name)
				}
			}
		}
	}
	if desc == nil {
		missing = append(missing, "description "+DescriptionFile)
	}
	return missing
}
