package dataset

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
)

// readN reads exactly n bytes. Its buffer grows with the data that arrives,
// so a header that claims a huge size costs memory only for the bytes that
// are really there. Short input is an ErrFormat error saying how much came.
func readN(r io.Reader, n int64, what string) ([]byte, error) {
	const chunk = 1 << 20
	if n < 0 {
		return nil, fmt.Errorf("%w: %s: negative size %d", ErrFormat, what, n)
	}
	buf := make([]byte, 0, min(n, chunk))
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, int(min(n-int64(len(buf)), int64(max(len(buf), chunk)))))
		}
		end := int(min(int64(cap(buf)), n))
		m, err := io.ReadFull(r, buf[len(buf):end])
		buf = buf[:len(buf)+m]
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fmt.Errorf("%w: %s is truncated: want %d bytes, got %d", ErrFormat, what, n, len(buf))
			}
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	}
	return buf, nil
}

// expectEOF fails when r has more data.
func expectEOF(r io.Reader, what string) error {
	var b [1]byte
	n, err := io.ReadFull(r, b[:])
	if n > 0 {
		return fmt.Errorf("%w: %s has trailing data", ErrFormat, what)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// maybeGunzip returns a reader that decompresses r when it starts with the
// gzip magic bytes 1f 8b, and reads r as is otherwise.
func maybeGunzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %v", ErrFormat, err)
		}
		return zr, nil
	}
	return br, nil
}

// pathError wraps err with an operation and a path, unless err already
// names the path (os errors do).
func pathError(op, path string, err error) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		return err
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}

// withFile opens path and calls f with it.
func withFile[T any](path string, f func(*os.File) (T, error)) (T, error) {
	file, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer file.Close()
	return f(file)
}
