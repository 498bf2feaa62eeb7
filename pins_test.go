package tfrun_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/tfrun/tfrun"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPinsAgree checks that every place naming the TensorFlow version
// agrees with TF_VERSION: the Dockerfile, the wheel lock of the C library,
// the venv requirements, the embedded constant.
func TestPinsAgree(t *testing.T) {
	want := strings.TrimSpace(read(t, "TF_VERSION"))
	if tfrun.PinnedTensorFlow != want {
		t.Errorf("PinnedTensorFlow = %q, want %q", tfrun.PinnedTensorFlow, want)
	}
	m := regexp.MustCompile(`(?m)^ARG TF_VERSION=(\S+)$`).FindStringSubmatch(read(t, "Dockerfile"))
	if m == nil || m[1] != want {
		t.Errorf("Dockerfile ARG TF_VERSION = %v, want %s", m, want)
	}
	for _, line := range strings.Split(read(t, "scripts/libtensorflow.lock"), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) != 4 || f[2] != want || len(f[3]) != 64 {
			t.Errorf("scripts/libtensorflow.lock line %q: want 'variant project %s sha256'", line, want)
		}
	}
	if !strings.Contains(read(t, "scripts/requirements.txt"), "\ntensorflow-cpu=="+want+" ") {
		t.Errorf("scripts/requirements.txt does not pin tensorflow-cpu==%s", want)
	}
	if !strings.Contains(read(t, "scripts/requirements.in"), "tensorflow-cpu=="+want) {
		t.Errorf("scripts/requirements.in does not pin tensorflow-cpu==%s", want)
	}
}

// TestDockerfileScriptsExist checks that every project script the
// Dockerfile runs exists and is executable, and that it builds the CLI.
func TestDockerfileScriptsExist(t *testing.T) {
	df := read(t, "Dockerfile")
	scripts := regexp.MustCompile(`scripts/[\w.-]+\.sh`).FindAllString(df, -1)
	if len(scripts) < 2 {
		t.Fatalf("the Dockerfile runs %d project scripts, want the system-deps and libtensorflow installers", len(scripts))
	}
	for _, s := range scripts {
		st, err := os.Stat(s)
		if err != nil {
			t.Errorf("Dockerfile runs %s: %v", s, err)
			continue
		}
		if st.Mode()&0o111 == 0 {
			t.Errorf("Dockerfile runs %s, which is not executable", s)
		}
		if !strings.Contains(read(t, "scripts/setup.sh"), strings.TrimPrefix(s, "scripts/")) {
			t.Errorf("Dockerfile runs %s, which scripts/setup.sh (make setup) does not", s)
		}
	}
	for _, want := range []string{"go build", "./cmd/tfrun", `ENTRYPOINT ["tfrun"]`, "ARG VARIANT=cpu", "runtime-${VARIANT}"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}
