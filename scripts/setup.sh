#!/usr/bin/env bash
# One-stop, idempotent setup for a fresh machine (quiet when already done):
#   1. Debian packages: libhdf5-dev, pkg-config, unzip   (install-system-deps.sh)
#   2. the TensorFlow C library from the pinned wheel     (install-libtensorflow.sh)
#      -- skipped when TF_PREFIX points at an existing installation
#   3. the export-time Python venv (.venv)                (make-venv.sh)
#   4. Go modules and bin/tfrun
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/install-system-deps.sh"
if [ "$TF_PREFIX" = "$ROOT/.deps/libtensorflow" ]; then
  "$ROOT/scripts/install-libtensorflow.sh"
elif ! ls "$TF_PREFIX"/lib/libtensorflow.so* >/dev/null 2>&1; then
  die "TF_PREFIX=$TF_PREFIX has no lib/libtensorflow.so*; unset it to use the pinned wheel's library"
fi
if [ "${TFRUN_NO_VENV:-}" != 1 ]; then
  "$ROOT/scripts/make-venv.sh"
fi

export CGO_ENABLED=1
export CGO_CFLAGS="-I$TF_PREFIX/include"
export CGO_LDFLAGS="-L$TF_PREFIX/lib -Wl,-rpath,$TF_PREFIX/lib"
go mod download
mkdir -p bin
go build -o bin/tfrun ./cmd/tfrun
