package tfgo

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tfrun/tfrun/internal/protowalk"
)

// MetaGraph is the part of a tensorflow.MetaGraphDef tfrun needs, parsed
// in pure Go: tags, signatures, the saver and the graph's variables.
type MetaGraph struct {
	Tags              []string
	TensorFlowVersion string // the version that wrote it, when recorded
	Signatures        map[string]Signature
	Saver             SaverDef
	// Variables are the graph's VarHandleOp nodes in graph order: the
	// variables a session restores and the names they are read and assigned by.
	Variables      []VariableInfo
	HasObjectGraph bool // a TF2 SavedModel (object_graph_def present)
	NumNodes       int
}

// SignatureKeys returns the signature keys in sorted order.
func (m *MetaGraph) SignatureKeys() []string {
	keys := make([]string, 0, len(m.Signatures))
	for k := range m.Signatures {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Signature is one SignatureDef: named inputs and outputs bound to graph
// tensors.
type Signature struct {
	Key        string
	MethodName string
	Inputs     map[string]TensorInfo
	Outputs    map[string]TensorInfo
}

// InputKeys and OutputKeys return the keys in sorted order.
func (s Signature) InputKeys() []string  { return sortedKeys(s.Inputs) }
func (s Signature) OutputKeys() []string { return sortedKeys(s.Outputs) }

func sortedKeys(m map[string]TensorInfo) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TensorInfo names a graph tensor ("op:index") with its dtype and shape.
type TensorInfo struct {
	Name  string
	DType DataType
	Shape Shape
	// Composite is set for sparse, ragged or other composite tensors, which
	// tfrun cannot feed or fetch directly.
	Composite bool
}

// SaverDef says how to save and restore the variables of the graph.
type SaverDef struct {
	FilenameTensorName string // e.g. "saver_filename:0"
	SaveTensorName     string // fetching it writes a checkpoint at the fed prefix
	RestoreOpName      string // running it restores from the fed prefix
	Version            int
}

// VariableInfo is one resource variable of the graph.
type VariableInfo struct {
	Name       string // the VarHandleOp's node name
	SharedName string
	DType      DataType
	Shape      Shape
}

// InitOpSignatureKey is the pseudo-signature TF2 uses for its init op;
// ParseMetaGraphDef leaves it out of Signatures.
const InitOpSignatureKey = "__saved_model_init_op"

// ParseSavedModel parses a serialized tensorflow.SavedModel (the content
// of saved_model.pb) into its MetaGraphs.
func ParseSavedModel(b []byte) ([]*MetaGraph, error) {
	var mgs []*MetaGraph
	err := eachField(b, "SavedModel", func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if num != 2 || typ != protowire.BytesType { // meta_graphs
			return nil
		}
		mg, err := ParseMetaGraphDef(v)
		if err != nil {
			return err
		}
		mgs = append(mgs, mg)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(mgs) == 0 {
		return nil, fmt.Errorf("not a SavedModel: no MetaGraphDef in %d bytes", len(b))
	}
	return mgs, nil
}

// ParseMetaGraphDef parses a serialized tensorflow.MetaGraphDef.
func ParseMetaGraphDef(b []byte) (*MetaGraph, error) {
	mg := &MetaGraph{Signatures: map[string]Signature{}}
	err := eachField(b, "MetaGraphDef", func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case 1: // meta_info_def
			return eachField(v, "MetaInfoDef", func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
				switch {
				case num == 4 && typ == protowire.BytesType:
					mg.Tags = append(mg.Tags, string(v))
				case num == 5 && typ == protowire.BytesType:
					mg.TensorFlowVersion = string(v)
				}
				return nil
			})
		case 2: // graph_def
			return parseGraphDef(v, mg)
		case 3: // saver_def
			return parseSaverDef(v, &mg.Saver)
		case 5: // signature_def map entry
			key, sig, err := parseSignatureEntry(v)
			if err != nil {
				return err
			}
			if key != InitOpSignatureKey {
				mg.Signatures[key] = sig
			}
		case 7:
			mg.HasObjectGraph = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return mg, nil
}

func parseSaverDef(b []byte, s *SaverDef) error {
	return eachField(b, "SaverDef", func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			s.FilenameTensorName = string(v)
		case num == 2 && typ == protowire.BytesType:
			s.SaveTensorName = string(v)
		case num == 3 && typ == protowire.BytesType:
			s.RestoreOpName = string(v)
		case num == 7 && typ == protowire.VarintType:
			s.Version = int(x)
		}
		return nil
	})
}

// mapEntry splits an entry of a protobuf map<string, message> into its key
// (field 1) and the serialized value (field 2).
func mapEntry(b []byte, msg string) (key string, value []byte, err error) {
	err = eachField(b, msg, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			key = string(v)
		case num == 2 && typ == protowire.BytesType:
			value = v
		}
		return nil
	})
	return key, value, err
}

func parseSignatureEntry(b []byte) (string, Signature, error) {
	key, v, err := mapEntry(b, "SignatureDef entry")
	if err != nil {
		return "", Signature{}, err
	}
	sig, err := parseSignatureDef(v)
	sig.Key = key
	return key, sig, err
}

func parseSignatureDef(b []byte) (Signature, error) {
	sig := Signature{Inputs: map[string]TensorInfo{}, Outputs: map[string]TensorInfo{}}
	err := eachField(b, "SignatureDef", func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case 1, 2: // inputs, outputs: map<string, TensorInfo>
			key, value, err := mapEntry(v, "TensorInfo entry")
			if err != nil {
				return err
			}
			info, err := parseTensorInfo(value)
			if err != nil {
				return err
			}
			if num == 1 {
				sig.Inputs[key] = info
			} else {
				sig.Outputs[key] = info
			}
		case 3:
			sig.MethodName = string(v)
		}
		return nil
	})
	return sig, err
}

func parseTensorInfo(b []byte) (TensorInfo, error) {
	info := TensorInfo{Shape: Shape{UnknownRank: true}}
	err := eachField(b, "TensorInfo", func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			info.Name = string(v)
		case num == 2 && typ == protowire.VarintType:
			info.DType = DataType(int32(x))
		case num == 3 && typ == protowire.BytesType:
			var err error
			info.Shape, err = parseShape(v)
			return err
		case (num == 4 || num == 5) && typ == protowire.BytesType:
			info.Composite = true
		}
		return nil
	})
	return info, err
}

// parseShape parses a TensorShapeProto.
func parseShape(b []byte) (Shape, error) {
	var s Shape
	s.Dims = []int64{}
	err := eachField(b, "TensorShapeProto", func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == 2 && typ == protowire.BytesType:
			size := int64(0)
			err := eachField(v, "TensorShapeProto.Dim", func(num protowire.Number, typ protowire.Type, _ []byte, x uint64) error {
				if num == 1 && typ == protowire.VarintType {
					size = int64(x)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if size < -1 {
				return fmt.Errorf("TensorShapeProto: dimension size %d", size)
			}
			s.Dims = append(s.Dims, size)
		case num == 3 && typ == protowire.VarintType:
			s.UnknownRank = x != 0
		}
		return nil
	})
	if s.UnknownRank {
		s.Dims = nil
	}
	return s, err
}

// parseGraphDef collects the VarHandleOp nodes of a GraphDef.
func parseGraphDef(b []byte, mg *MetaGraph) error {
	return eachField(b, "GraphDef", func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if num != 1 || typ != protowire.BytesType { // node
			return nil
		}
		mg.NumNodes++
		var name, op string
		var attrs [][]byte
		err := eachField(v, "NodeDef", func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
			if typ != protowire.BytesType {
				return nil
			}
			switch num {
			case 1:
				name = string(v)
			case 2:
				op = string(v)
			case 5:
				attrs = append(attrs, v)
			}
			return nil
		})
		if err != nil || op != "VarHandleOp" {
			return err
		}
		vi := VariableInfo{Name: name, Shape: Shape{UnknownRank: true}}
		for _, entry := range attrs {
			key, val, err := mapEntry(entry, "NodeDef attr entry")
			if err != nil {
				return err
			}
			err = eachField(val, "AttrValue", func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
				switch {
				case key == "dtype" && num == 6 && typ == protowire.VarintType:
					vi.DType = DataType(int32(x))
				case key == "shape" && num == 7 && typ == protowire.BytesType:
					var err error
					vi.Shape, err = parseShape(v)
					return err
				case key == "shared_name" && num == 2 && typ == protowire.BytesType:
					vi.SharedName = string(v)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		mg.Variables = append(mg.Variables, vi)
		return nil
	})
}

// eachField walks the fields of one message; malformed input is reported as
// a corrupt msg with the offset.
func eachField(b []byte, msg string, fn protowalk.Func) error {
	err := protowalk.Fields(b, fn)
	var pe *protowalk.Error
	if errors.As(err, &pe) {
		return fmt.Errorf("corrupt %s at byte %d: %s", msg, pe.Offset, strings.TrimPrefix(pe.Err.Error(), "proto: "))
	}
	return err
}
