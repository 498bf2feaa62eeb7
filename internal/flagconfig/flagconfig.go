// Package flagconfig reads a YAML file of command-line flags — the
// config-file form of a long command line (`tfrun train --config
// train.yaml`). Keys are flag names without dashes, values scalars or lists
// (lists become comma-separated values):
//
//	data: mnist
//	epochs: 20
//	validation-split: 0.2
//	early-stopping: true
//	early-stopping-patience: 3
//
// Flags given on the command line win over the file. Pure Go.
package flagconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

// Apply reads the YAML file at path and sets each flag of fs it names that
// was not set on the command line. skip lists flags the file may not set
// (such as the config flag itself). Errors name the file, the line and the
// key.
func Apply(fs *pflag.FlagSet, path string, skip ...string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return ApplyBytes(fs, path, b, skip...)
}

// ApplyBytes is Apply on the file's content; path is for messages.
func ApplyBytes(fs *pflag.FlagSet, path string, b []byte, skip ...string) error {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file sets nothing
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("%s:%d: want a mapping of flag names to values", path, root.Line)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		name := strings.TrimLeft(k.Value, "-")
		if k.Kind != yaml.ScalarNode || name == "" {
			return fmt.Errorf("%s:%d: a key must be a flag name", path, k.Line)
		}
		if seen[name] {
			return fmt.Errorf("%s:%d: %s given twice", path, k.Line, name)
		}
		seen[name] = true
		if slices.Contains(skip, name) {
			return fmt.Errorf("%s:%d: %s cannot be set in a config file", path, k.Line, name)
		}
		f := fs.Lookup(name)
		if f == nil {
			return fmt.Errorf("%s:%d: unknown flag %q%s", path, k.Line, name, suggest(fs, name))
		}
		if f.Changed {
			continue // the command line wins
		}
		val, err := value(v)
		if err != nil {
			return fmt.Errorf("%s:%d: %s: %w", path, v.Line, name, err)
		}
		if err := fs.Set(name, val); err != nil {
			return fmt.Errorf("%s:%d: %s: %w", path, v.Line, name, err)
		}
	}
	return nil
}

// value turns a YAML scalar or list of scalars into a flag value.
func value(n *yaml.Node) (string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "", nil
		}
		return n.Value, nil
	case yaml.SequenceNode:
		parts := make([]string, len(n.Content))
		for i, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return "", fmt.Errorf("a list may hold only plain values")
			}
			parts[i] = c.Value
		}
		return strings.Join(parts, ","), nil
	case yaml.MappingNode:
		// A mapping becomes key=value pairs (e.g. class-weight: {0: 1, 1: 2.5}).
		var parts []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode {
				return "", fmt.Errorf("a mapping may hold only plain values")
			}
			parts = append(parts, k.Value+"="+v.Value)
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("unsupported value")
}

func suggest(fs *pflag.FlagSet, name string) string {
	best, bestD := "", 4
	fs.VisitAll(func(f *pflag.Flag) {
		if d := distance(name, f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	})
	if best == "" {
		return ""
	}
	return " (did you mean " + strconv.Quote(best) + "?)"
}

// distance is the Levenshtein distance.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
