package atomicdir_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/tfrun/tfrun/internal/atomicdir"
)

func fill(content string) func(string) error {
	return func(tmp string) error {
		return os.WriteFile(filepath.Join(tmp, "f"), []byte(content), 0o644)
	}
}

func read(tb testing.TB, dir string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "f"))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestWrite(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "model")
	if err := atomicdir.Write(dir, fill("one")); err != nil {
		t.Fatal(err)
	}
	if err := atomicdir.Write(dir, fill("two")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, dir); got != "two" {
		t.Errorf("after the second Write the content is %q, want two", got)
	}
	boom := errors.New("boom")
	if err := atomicdir.Write(dir, func(string) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("Write with a failing fill = %v, want boom", err)
	}
	if got := read(t, dir); got != "two" {
		t.Errorf("a failed Write changed the content to %q", got)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("the parent holds %d entries after the writes, want only the target", len(entries))
	}
}

func TestWriteCleansUpAfterACrash(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "model")
	// What a crash in the middle leaves: a temporary, and the old content
	// moved aside by the non-atomic fallback.
	os.MkdirAll(filepath.Join(parent, ".model.tmp-123"), 0o755)
	old := filepath.Join(parent, ".model.old")
	os.MkdirAll(old, 0o755)
	os.WriteFile(filepath.Join(old, "f"), []byte("old"), 0o644)
	if err := atomicdir.Write(filepath.Join(parent, "other"), fill("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(parent, ".model.tmp-123")); err != nil {
		t.Error("a Write of another target removed model's temporary")
	}
	if err := atomicdir.Write(dir, func(tmp string) error {
		if _, err := os.Stat(filepath.Join(parent, ".model.tmp-123")); err == nil {
			t.Error("the stale temporary is still there while writing")
		}
		if got := read(t, dir); got != "old" {
			t.Errorf("the old content moved aside was not put back: %q", got)
		}
		return fill("new")(tmp)
	}); err != nil {
		t.Fatal(err)
	}
	if got := read(t, dir); got != "new" {
		t.Errorf("content = %q, want new", got)
	}
}

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "history.json")
	for _, content := range []string{"first", "second"} {
		if err := atomicdir.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != content {
			t.Errorf("WriteFile then read = %q, want %q", b, content)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("%d entries beside the file, want none", len(entries)-1)
	}
}
