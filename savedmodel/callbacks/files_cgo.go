//go:build cgo

package callbacks

import (
	"errors"
	"io/fs"
	"os"

	"github.com/tfrun/tfrun/internal/atomicdir"
	"github.com/tfrun/tfrun/internal/plot"
	"github.com/tfrun/tfrun/savedmodel"
)

// CSVLogger writes the history as CSV after every epoch, as Keras'
// CSVLogger does (see CSV for the format). The whole file is rewritten
// atomically each time from Fit's history, so it is never half written and
// a resumed run's file holds every epoch once.
type CSVLogger struct {
	savedmodel.NopCallback
	Path      string
	Separator string // default ","
	// Append keeps the rows a file at Path already holds when training
	// begins (without writing another header), as Keras' append=True; for
	// separate Fit calls, not for resuming (a resumed Fit's history already
	// holds the earlier epochs).
	Append bool

	prefix []byte
}

func (c *CSVLogger) OnTrainBegin(*savedmodel.Fitting) error {
	c.prefix = nil
	if !c.Append {
		return nil
	}
	b, err := os.ReadFile(c.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	c.prefix = b
	return nil
}

func (c *CSVLogger) OnEpochEnd(f *savedmodel.Fitting, _ int, _ savedmodel.Logs) error {
	sep := c.Separator
	if sep == "" {
		sep = ","
	}
	h := f.History
	if len(c.prefix) > 0 && f.Options.History == nil {
		body := CSV(h, sep, false)
		return atomicdir.WriteFile(c.Path, append(append([]byte{}, c.prefix...), body...), 0o644)
	}
	return atomicdir.WriteFile(c.Path, CSV(h, sep, true), 0o644)
}

// HistoryFile writes the history as JSON (savedmodel.History.WriteFile)
// and, when PNG is set, the training curves (internal/plot) after every
// epoch, both atomically.
type HistoryFile struct {
	savedmodel.NopCallback
	JSON string // path of the history JSON; none when empty
	PNG  string // path of the curves PNG; none when empty
	Name string // run name in the PNG's legend
}

func (h *HistoryFile) OnEpochEnd(f *savedmodel.Fitting, _ int, _ savedmodel.Logs) error {
	return h.Write(f.History)
}

// Write writes hist to the files now.
func (h *HistoryFile) Write(hist *savedmodel.History) error {
	if h.JSON != "" {
		if err := hist.WriteFile(h.JSON); err != nil {
			return err
		}
	}
	if h.PNG != "" && hist.Len() > 0 {
		return plot.WriteFile(h.PNG, []plot.Run{{Name: h.Name, Epoch: hist.Epoch, Values: hist.Values}}, plot.Options{})
	}
	return nil
}
