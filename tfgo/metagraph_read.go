package tfgo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ReadMetaGraph reads <dir>/saved_model.pb and returns the MetaGraph whose
// tag set equals tags (as TensorFlow's loader matches them), without cgo.
func ReadMetaGraph(dir string, tags []string) (*MetaGraph, error) {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("saved model %s: no such directory", dir)
		}
		return nil, fmt.Errorf("saved model %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("saved model %s: not a directory", dir)
	}
	pb := filepath.Join(dir, "saved_model.pb")
	b, err := os.ReadFile(pb)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if _, e := os.Stat(filepath.Join(dir, "saved_model.pbtxt")); e == nil {
				return nil, fmt.Errorf("saved model %s: only saved_model.pbtxt found; tfrun reads the binary saved_model.pb", dir)
			}
			return nil, fmt.Errorf("saved model %s: no saved_model.pb (not a SavedModel directory)", dir)
		}
		return nil, fmt.Errorf("saved model %s: %w", dir, err)
	}
	mgs, err := ParseSavedModel(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pb, err)
	}
	want := slices.Clone(tags)
	slices.Sort(want)
	var have []string
	for _, mg := range mgs {
		got := slices.Clone(mg.Tags)
		slices.Sort(got)
		if slices.Equal(got, want) {
			return mg, nil
		}
		have = append(have, "["+strings.Join(mg.Tags, ",")+"]")
	}
	return nil, fmt.Errorf("%s: no MetaGraph with tags [%s]; it has %s", pb, strings.Join(tags, ","), strings.Join(have, " "))
}
