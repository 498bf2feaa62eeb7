package tfevents

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Writer appends events to one new event file. It must be closed.
type Writer struct {
	mu     sync.Mutex
	f      *os.File
	path   string
	buf    []byte
	closed bool
}

var fileSeq atomic.Int64

// Create makes dir (and its parents) and a new event file in it, named as
// TensorFlow names them (events.out.tfevents.<seconds>.<host>.<pid>.<n>,
// so files sort in creation order), and writes the file_version event.
func Create(dir string) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	host = strings.NewReplacer("/", "_", string(filepath.Separator), "_").Replace(host)
	now := time.Now()
	name := fmt.Sprintf("events.out.tfevents.%010d.%s.%d.%d", now.Unix(), host, os.Getpid(), fileSeq.Add(1)-1)
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	w := &Writer{f: f, path: path}
	if err := w.Write(&Event{WallTime: wallTime(now), FileVersion: FileVersion}); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return w, nil
}

// Path returns the event file's path.
func (w *Writer) Path() string { return w.path }

func wallTime(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// ErrClosed is returned by a closed Writer.
var ErrClosed = errors.New("tfevents: writer is closed")

// Write appends one event in a single write to the file (not synced: see
// Flush).
func (w *Writer) Write(e *Event) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	w.buf = AppendRecord(w.buf[:0], e.Marshal())
	if _, err := w.f.Write(w.buf); err != nil {
		return fmt.Errorf("tfevents: %s: %w", w.path, err)
	}
	return nil
}

// WriteScalars appends one event holding scalars at step.
func (w *Writer) WriteScalars(step int64, wall time.Time, scalars ...Scalar) error {
	return w.Write(&Event{WallTime: wallTime(wall), Step: step, Scalars: scalars})
}

// Restart appends a SessionLog START event at step: TensorBoard drops the
// events logged earlier with steps >= step (see the package comment).
func (w *Writer) Restart(step int64, wall time.Time, msg string) error {
	return w.Write(&Event{WallTime: wallTime(wall), Step: step, SessionStart: true, SessionMsg: msg})
}

// Flush syncs the file to stable storage.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("tfevents: %s: %w", w.path, err)
	}
	return nil
}

// Close syncs and closes the file. Idempotent.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	return errors.Join(w.f.Sync(), w.f.Close())
}

// ReadFile reads every event of an event file. A torn last record (a
// writer killed mid-write) ends the list with an error wrapping
// ErrTruncated; the events before it are returned.
func ReadFile(path string) ([]Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(bufio.NewReader(f), path)
}

// Read reads events from r; name is for messages.
func Read(r io.Reader, name string) ([]Event, error) {
	var events []Event
	for i := 0; ; i++ {
		rec, err := ReadRecord(r)
		if err == io.EOF {
			return events, nil
		}
		if err != nil {
			return events, fmt.Errorf("%s: record %d: %w", name, i, err)
		}
		var e Event
		if err := e.Unmarshal(rec); err != nil {
			return events, fmt.Errorf("%s: record %d: %w", name, i, err)
		}
		events = append(events, e)
	}
}
