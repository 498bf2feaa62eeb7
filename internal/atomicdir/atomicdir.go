// Package atomicdir writes a directory (a SavedModel, a checkpoint) so that
// readers only ever see the old complete content or the new complete one.
//
// The content is built in a temporary sibling ("."+name+".tmp-*"), every
// file and directory is synced, and the result is moved into place: with an
// atomic exchange (renameat2 RENAME_EXCHANGE) when the target exists, then
// the old content is removed. A crash at any moment leaves the target either
// as it was or complete; leftover temporaries are ignored by readers and
// removed by the next Write to the same target.
package atomicdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Write builds dir's new content with fill(tmp) in a temporary sibling and
// moves it into place. On any error the temporary is removed and dir is
// untouched.
func Write(dir string, fill func(tmp string) error) (err error) {
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	removeStale(parent, base)
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := fill(tmp); err != nil {
		return err
	}
	if err := syncTree(tmp); err != nil {
		return fmt.Errorf("syncing %s: %w", tmp, err)
	}
	if st, err := os.Lstat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("%s exists and is not a directory", dir)
		}
		if err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, dir, unix.RENAME_EXCHANGE); err == nil {
			// tmp now holds the old content.
			syncDir(parent)
			return os.RemoveAll(tmp)
		}
		// No atomic exchange here (old kernel, some filesystems): move the
		// old content aside, then the new one in. A crash in between leaves
		// the old content in the ".old" sibling, which the next Write restores.
		old := filepath.Join(parent, "."+base+".old")
		os.RemoveAll(old)
		if err := os.Rename(dir, old); err != nil {
			return err
		}
		if err := os.Rename(tmp, dir); err != nil {
			os.Rename(old, dir)
			return err
		}
		syncDir(parent)
		return os.RemoveAll(old)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	syncDir(parent)
	return nil
}

// removeStale deletes temporaries left by a crashed Write of base, and
// puts back an old content moved aside by a crashed fallback move.
func removeStale(parent, base string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+base+".tmp-") {
			os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
	old := filepath.Join(parent, "."+base+".old")
	if _, err := os.Stat(old); err == nil {
		if _, err := os.Stat(filepath.Join(parent, base)); errors.Is(err, fs.ErrNotExist) {
			os.Rename(old, filepath.Join(parent, base))
		} else {
			os.RemoveAll(old)
		}
	}
}

// WriteFile writes a file atomically: a temporary sibling, synced, renamed.
// Missing parent directories are created.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, perm)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(dir)
	return nil
}

func syncTree(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}

func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}
