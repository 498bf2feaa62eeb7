package dataset

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ReadNPZ reads the arrays of an .npz file (a zip archive of .npy files, as
// numpy.savez writes them stored and numpy.savez_compressed deflated) from
// r, which holds size bytes. Each array is named after its entry without the
// ".npy" suffix; the order is the archive's. Every entry must be a .npy
// file; entry names must be unique.
func ReadNPZ(r io.ReaderAt, size int64) ([]Named, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("npz: %w: %v", ErrFormat, err)
	}
	var out []Named
	seen := map[string]bool{}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		name, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok || name == "" {
			return nil, fmt.Errorf("npz: %w: entry %q is not a .npy file", ErrFormat, f.Name)
		}
		if seen[name] {
			return nil, fmt.Errorf("npz: %w: entry %q appears twice", ErrFormat, f.Name)
		}
		seen[name] = true
		a, err := readNPZEntry(f)
		if err != nil {
			return nil, fmt.Errorf("npz: array %s: %w", name, err)
		}
		out = append(out, Named{Name: name, Array: a})
	}
	return out, nil
}

func readNPZEntry(f *zip.File) (*Array, error) {
	if f.Method != zip.Store && f.Method != zip.Deflate {
		return nil, fmt.Errorf("%w: compression method %d (want stored or deflated)", ErrFormat, f.Method)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	defer rc.Close()
	size := int64(-1)
	if f.UncompressedSize64 <= 1<<62 {
		size = int64(f.UncompressedSize64)
	}
	a, err := readNPY(bufio.NewReaderSize(rc, 1<<16), size)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// LoadNPZArrays reads every array of an .npz file. Errors name the file.
func LoadNPZArrays(path string) ([]Named, error) {
	arrays, err := withFile(path, func(f *os.File) ([]Named, error) {
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		return ReadNPZ(f, st.Size())
	})
	return arrays, pathError("load npz", path, err)
}

// LoadNPZ loads a dataset from an .npz file: the array xKey becomes input
// "x" and the array yKey (when not empty) the targets. Arrays are used as
// stored, with no conversion; Convert them as the model needs.
func LoadNPZ(path, xKey, yKey string) (Dataset, error) {
	arrays, err := LoadNPZArrays(path)
	if err != nil {
		return Dataset{}, err
	}
	ds := Dataset{Source: path}
	x := lookup(arrays, xKey)
	if x == nil {
		return Dataset{}, fmt.Errorf("load npz %s: %w: no array %q (have %s)", path, ErrNotFound, xKey, names(arrays))
	}
	ds.Inputs = []Named{{Name: InputName, Array: x}}
	if yKey != "" {
		if ds.Targets = lookup(arrays, yKey); ds.Targets == nil {
			return Dataset{}, fmt.Errorf("load npz %s: %w: no array %q (have %s)", path, ErrNotFound, yKey, names(arrays))
		}
	}
	if err := ds.Validate(); err != nil {
		return Dataset{}, err
	}
	return ds, nil
}

// LoadNPYPair loads a dataset from two .npy files: xPath becomes input "x"
// and yPath (when not empty) the targets, used as stored.
func LoadNPYPair(xPath, yPath string) (Dataset, error) {
	x, err := LoadNPY(xPath)
	if err != nil {
		return Dataset{}, err
	}
	ds := Dataset{Inputs: []Named{{Name: InputName, Array: x}}, Source: xPath}
	if yPath != "" {
		if ds.Targets, err = LoadNPY(yPath); err != nil {
			return Dataset{}, err
		}
		ds.Source = xPath + " and " + yPath
	}
	if err := ds.Validate(); err != nil {
		return Dataset{}, err
	}
	return ds, nil
}

// WriteNPZ writes arrays as an .npz archive that numpy.load reads: one
// "<name>.npy" entry each, deflated when compress is set (like
// numpy.savez_compressed) and stored otherwise (like numpy.savez).
func WriteNPZ(w io.Writer, arrays []Named, compress bool) error {
	seen := map[string]bool{}
	for _, a := range arrays {
		if a.Name == "" || seen[a.Name] {
			return fmt.Errorf("npz: %w: array name %q is empty or used twice", ErrShape, a.Name)
		}
		seen[a.Name] = true
	}
	method := zip.Store
	if compress {
		method = zip.Deflate
	}
	zw := zip.NewWriter(w)
	for _, a := range arrays {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: a.Name + ".npy", Method: method})
		if err != nil {
			return fmt.Errorf("npz: %s: %w", a.Name, err)
		}
		if err := WriteNPY(fw, a.Array); err != nil {
			return fmt.Errorf("npz: %s: %w", a.Name, err)
		}
	}
	return zw.Close()
}

// SaveNPY writes a to path as .npy, through a temporary file renamed into
// place, so a failed write never leaves a partial file at path.
func SaveNPY(path string, a *Array) error {
	return saveAtomic(path, func(w io.Writer) error { return WriteNPY(w, a) })
}

// SaveNPZ writes arrays to path as .npz, atomically like SaveNPY.
func SaveNPZ(path string, arrays []Named, compress bool) error {
	return saveAtomic(path, func(w io.Writer) error { return WriteNPZ(w, arrays, compress) })
}

func saveAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := write(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return pathError("write", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
