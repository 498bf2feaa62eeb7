package flagconfig

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func flags() (*pflag.FlagSet, *int, *float64, *string, *bool, *[]string) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	epochs := fs.Int("epochs", 1, "")
	split := fs.Float64("validation-split", 0, "")
	data := fs.String("data", "", "")
	es := fs.Bool("early-stopping", false, "")
	tags := fs.StringSlice("tags", []string{"serve"}, "")
	fs.String("class-weight", "", "")
	fs.String("config", "", "")
	return fs, epochs, split, data, es, tags
}

func TestApply(t *testing.T) {
	fs, epochs, split, data, es, tags := flags()
	if err := fs.Parse([]string{"--epochs", "7"}); err != nil {
		t.Fatal(err)
	}
	yml := "data: mnist\nepochs: 20\nvalidation-split: 0.2\nearly-stopping: true\ntags: [serve, gpu]\nclass-weight: {0: 1, 1: 2.5}\n"
	if err := ApplyBytes(fs, "train.yaml", []byte(yml), "config"); err != nil {
		t.Fatal(err)
	}
	if *epochs != 7 || *split != 0.2 || *data != "mnist" || !*es || strings.Join(*tags, ",") != "serve,gpu" {
		t.Errorf("after Apply: epochs %d (want 7: the command line wins), split %g, data %q, es %v, tags %v", *epochs, *split, *data, *es, *tags)
	}
	if cw, _ := fs.GetString("class-weight"); cw != "0=1,1=2.5" {
		t.Errorf("class-weight = %q, want 0=1,1=2.5", cw)
	}
}

func TestApplyErrors(t *testing.T) {
	tests := []struct {
		yml, want string
	}{
		{"epoch: 3\n", `train.yaml:1: unknown flag "epoch" (did you mean "epochs"?)`},
		{"epochs: many\n", "train.yaml:1: epochs:"},
		{"- epochs\n", "want a mapping"},
		{"epochs: 1\nepochs: 2\n", "epochs given twice"},
		{"config: other.yaml\n", "config cannot be set in a config file"},
		{"data: [[a]]\n", "data: a list may hold only plain values"},
		{"epochs: [1\n", "train.yaml"},
	}
	for _, tc := range tests {
		fs, _, _, _, _, _ := flags()
		err := ApplyBytes(fs, "train.yaml", []byte(tc.yml), "config")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ApplyBytes(%q) = %v, want an error containing %q", tc.yml, err, tc.want)
		}
	}
	fs, _, _, _, _, _ := flags()
	if err := ApplyBytes(fs, "empty.yaml", nil); err != nil {
		t.Errorf("ApplyBytes(empty) = %v, want nil", err)
	}
}

func FuzzApplyBytes(f *testing.F) {
	f.Add([]byte("data: mnist\nepochs: 20\ntags: [a, b]\n"))
	f.Add([]byte("class-weight: {0: 1}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fs, _, _, _, _, _ := flags()
		ApplyBytes(fs, "fuzz.yaml", b, "config")
	})
}
