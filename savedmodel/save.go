//go:build cgo

package savedmodel

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tfrun/tfrun/internal/atomicdir"
	"github.com/tfrun/tfrun/tfgo"
)

// SaveVariables writes every variable of the model as a TensorFlow
// checkpoint at prefix (prefix.index, prefix.data-*), through the saver of
// the MetaGraphDef, so the keys are those of the original export.
func (m *Model) SaveVariables(prefix string) error {
	sd := m.sm.MetaGraph.Saver
	if sd.FilenameTensorName == "" || sd.SaveTensorName == "" {
		return fmt.Errorf("saved model %s has no saver_def: its variables cannot be saved", m.dir)
	}
	fname, err := m.sm.Graph.Output(sd.FilenameTensorName)
	if err != nil {
		return fmt.Errorf("saved model %s: saver_def filename tensor: %w", m.dir, err)
	}
	save, err := m.sm.Graph.Output(sd.SaveTensorName)
	if err != nil {
		return fmt.Errorf("saved model %s: saver_def save tensor: %w", m.dir, err)
	}
	p, err := tfgo.Scalar(prefix)
	if err != nil {
		return err
	}
	defer p.Close()
	res, err := m.sm.Session.Run([]tfgo.Feed{{Output: fname, Tensor: p}}, []tfgo.Output{save}, nil)
	if err != nil {
		return fmt.Errorf("saved model %s: saving variables to %s: %w", m.dir, prefix, err)
	}
	tfgo.CloseAll(res)
	return nil
}

// RestoreVariables restores every variable from the checkpoint at prefix
// (written by SaveVariables or by the original export).
func (m *Model) RestoreVariables(prefix string) error {
	sd := m.sm.MetaGraph.Saver
	if sd.FilenameTensorName == "" || sd.RestoreOpName == "" {
		return fmt.Errorf("saved model %s has no saver_def: its variables cannot be restored", m.dir)
	}
	if _, err := os.Stat(prefix + ".index"); err != nil {
		return fmt.Errorf("checkpoint %s: %w", prefix, err)
	}
	fname, err := m.sm.Graph.Output(sd.FilenameTensorName)
	if err != nil {
		return fmt.Errorf("saved model %s: saver_def filename tensor: %w", m.dir, err)
	}
	restore := m.sm.Graph.Operation(sd.RestoreOpName)
	if restore == nil {
		return fmt.Errorf("saved model %s: saver_def restore op %q is not in the graph", m.dir, sd.RestoreOpName)
	}
	p, err := tfgo.Scalar(prefix)
	if err != nil {
		return err
	}
	defer p.Close()
	if _, err := m.sm.Session.Run([]tfgo.Feed{{Output: fname, Tensor: p}}, nil, []*tfgo.Operation{restore}); err != nil {
		return fmt.Errorf("saved model %s: restoring variables from %s: %w", m.dir, prefix, err)
	}
	return nil
}

// Save writes the model with its current variable values as a new, ordinary
// SavedModel in dir: the graph, assets and description are copied from the
// loaded model, the variables written through the saver_def. Everything is
// written into a temporary sibling of dir and synced, then moved into place
// in one step (an atomic exchange where the system has one), so an existing
// model at dir is only ever replaced by a complete one. Python's
// tf.saved_model.load and tfrun both load the result.
func (m *Model) Save(dir string) error {
	return atomicdir.Write(dir, func(tmp string) error {
		if err := copyModelFiles(m.dir, tmp); err != nil {
			return err
		}
		return m.SaveVariables(filepath.Join(tmp, "variables", "variables"))
	})
}

// copyModelFiles copies a SavedModel's files except its variables and its
// fingerprint (which covers the old variables).
func copyModelFiles(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if rel == "variables" || rel == "fingerprint.pb" {
			if d.IsDir() {
				return os.MkdirAll(filepath.Join(dst, rel), 0o755)
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", path)
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copying %s: %w", src, err)
	}
	return errors.Join(out.Sync(), out.Close())
}
