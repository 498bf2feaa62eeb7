# Shared helpers for the setup scripts; source it, don't run it.
# Paths are relative to the repository root, which every script cd's into.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TF_VERSION="$(tr -d ' \n' <"$ROOT/TF_VERSION")"
# TF_PREFIX: where the TensorFlow C library lives. The default is the
# project-local prefix that install-libtensorflow.sh fills from the pinned wheel;
# set it to use another installation (e.g. the official tarball in /usr/local).
TF_PREFIX="${TF_PREFIX:-$ROOT/.deps/libtensorflow}"
VENV="${VENV:-$ROOT/.venv}"
DATA_DIR="${TFRUN_DATA:-$ROOT/.cache/data}"

log() { printf 'tfrun-setup: %s\n' "$*" >&2; }
die() { printf 'tfrun-setup: error: %s\n' "$*" >&2; exit 1; }

# as_root runs a command as root, through sudo when we are not root.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $*"; fi
}
