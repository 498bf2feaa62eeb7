#!/usr/bin/env bash
# Creates the project-local Python venv (.venv) used at export time only:
# scripts/export.py, the fixture generators, the cross-checks against Keras and
# the benchmark driver. Requirements are hash-pinned (scripts/requirements.txt,
# made by pip-compile from scripts/requirements.in). Idempotent: a venv stamped
# with the same requirements is left alone.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

req="$ROOT/scripts/requirements.txt"
grep -q "^tensorflow-cpu==$TF_VERSION " "$req" ||
  die "scripts/requirements.txt does not pin tensorflow-cpu==$TF_VERSION (TF_VERSION)"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ -f "$VENV/.tfrun-stamp" ] && [ "$(cat "$VENV/.tfrun-stamp")" = "$want" ]; then
  exit 0
fi
log "creating $VENV with tensorflow-cpu==$TF_VERSION (export time only)"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --require-hashes -r "$req" >&2
echo "$want" >"$VENV/.tfrun-stamp"
