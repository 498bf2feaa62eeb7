# tfrun — build, test and run. `make help` lists the targets.
#
# TF_PREFIX selects the TensorFlow C library: by default the project-local
# prefix unpacked from the pinned wheel by scripts/install-libtensorflow.sh;
# set it to an existing installation (e.g. `make TF_PREFIX=/usr/local`, the
# official libtensorflow tarball) to build against that instead.

SHELL := /bin/bash
ROOT := $(abspath .)
DEFAULT_TF_PREFIX := $(ROOT)/.deps/libtensorflow
TF_PREFIX ?= $(DEFAULT_TF_PREFIX)
TF_VARIANT ?= cpu
VENV ?= $(ROOT)/.venv
PYTHON := $(VENV)/bin/python
TFRUN_DATA ?= $(ROOT)/.cache/data

export TF_PREFIX TF_VARIANT TFRUN_DATA
export CGO_ENABLED := 1
export CGO_CFLAGS := -I$(TF_PREFIX)/include
export CGO_LDFLAGS := -L$(TF_PREFIX)/lib -Wl,-rpath,$(TF_PREFIX)/lib
export LD_LIBRARY_PATH := $(TF_PREFIX)/lib$(if $(LD_LIBRARY_PATH),:$(LD_LIBRARY_PATH))
export TFRUN_PYTHON := $(PYTHON)
# Quiet TensorFlow's C++ info logs in tests and tools (warnings still show).
export TF_CPP_MIN_LOG_LEVEL ?= 1

# Packages that must build and test without cgo (pure Go).
PURE_PKGS := . ./tfgo/... ./savedmodel/... ./dataset/... ./h5convert/... ./internal/...

.PHONY: help setup build test test-go test-pure lint mnist data fixtures bench clean \
	studies study-regression study-overfitting study-transfer

help:
	@echo "make mnist   - set up, fetch MNIST, train the shipped mnist_mlp 5 epochs, evaluate on the test set"
	@echo "make test    - set up and run every test (Go with real libtensorflow, pure-Go, Python cross-checks)"
	@echo "make setup   - install system packages, the TensorFlow C library, the export venv; build bin/tfrun"
	@echo "make bench   - benchmark tfrun against Keras side by side (writes out/bench.{json,md})"
	@echo "make study-regression | study-overfitting | study-transfer | studies"
	@echo "             - the worked examples under examples/, with Keras on the same data (STUDY_FLAGS=--quick: smoke run)"

setup:
	@scripts/setup.sh

build:
	@mkdir -p bin
	go build -o bin/tfrun ./cmd/tfrun

data:
	@scripts/fetch-data.sh

test: setup data lint test-pure test-go

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt: $$out"; exit 1; fi
	go vet ./...

test-pure:
	CGO_ENABLED=0 go test -count=1 $(PURE_PKGS)

test-go:
	go test -count=1 -timeout 30m ./...

mnist: setup data
	bin/tfrun train testdata/models/mnist_mlp --data mnist --epochs 5 --batch-size 32 --out out/mnist_mlp
	bin/tfrun evaluate out/mnist_mlp --data mnist --split test

fixtures:
	$(PYTHON) testdata/models/make_fixtures.py

bench: setup data
	$(PYTHON) scripts/bench.py --out out

# The studies (examples/*/run.py): tfrun, then Keras on the same data.
STUDY_FLAGS ?= --keras

studies: study-regression study-overfitting study-transfer

study-regression study-overfitting study-transfer: setup data
	$(PYTHON) examples/$(@:study-%=%)/run.py $(STUDY_FLAGS)

clean:
	rm -rf bin out
