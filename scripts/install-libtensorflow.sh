#!/usr/bin/env bash
# Installs the TensorFlow C library (libtensorflow_cc + libtensorflow_framework
# and the C API headers) into a prefix, unpacked from the pinned PyPI wheel:
#
#   <prefix>/lib/libtensorflow_cc.so.2, libtensorflow_framework.so.2
#   <prefix>/lib/libtensorflow.so -> libtensorflow_cc.so.2   (the link name of the
#                                     official C tarball, so -ltensorflow works)
#   <prefix>/include/tensorflow/c/...
#   <prefix>/lib/pkgconfig/tensorflow.pc
#
# Usage: install-libtensorflow.sh [--variant cpu|gpu] [--prefix DIR] [--expect-version V]
# Defaults: variant $TF_VARIANT or cpu; prefix $TF_PREFIX or .deps/libtensorflow.
# Idempotent: a prefix stamped with the same variant, version and hash is left alone.
# The prefix is built in a temporary sibling and renamed into place.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant="${TF_VARIANT:-cpu}"
prefix="$TF_PREFIX"
while [ $# -gt 0 ]; do
  case "$1" in
    --variant) variant="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    --expect-version) [ "$2" = "$TF_VERSION" ] || die "expected TensorFlow $2, TF_VERSION pins $TF_VERSION"; shift 2 ;;
    *) die "unknown argument $1 (want --variant cpu|gpu, --prefix DIR, --expect-version V)" ;;
  esac
done

read -r _ project version sha < <(awk -v v="$variant" '$1 == v' "$ROOT/scripts/libtensorflow.lock") ||
  die "variant $variant not in scripts/libtensorflow.lock (want cpu or gpu)"
[ "$version" = "$TF_VERSION" ] ||
  die "scripts/libtensorflow.lock pins $project $version but TF_VERSION says $TF_VERSION"

stamp="$variant $project $version $sha"
if [ -f "$prefix/.tfrun-stamp" ] && [ "$(cat "$prefix/.tfrun-stamp")" = "$stamp" ]; then
  exit 0
fi

cache="$ROOT/.cache/wheels"
mkdir -p "$cache"
whl="$cache/${project//-/_}-$version-cp311-cp311-manylinux_2_27_x86_64.whl"
if [ ! -f "$whl" ] || ! echo "$sha  $whl" | sha256sum -c --status; then
  log "downloading $project==$version (the wheel that carries the C library)"
  rm -f "$whl"
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.11 \
    --implementation cp --platform manylinux_2_27_x86_64 -d "$cache" "$project==$version" >&2
fi
echo "$sha  $whl" | sha256sum -c --status ||
  die "$whl: sha256 differs from scripts/libtensorflow.lock ($sha)"

log "unpacking the TensorFlow $version C library into $prefix"
tmp="$prefix.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/wheel" "$tmp/lib/pkgconfig" "$tmp/include"
unzip -q "$whl" -d "$tmp/wheel" \
  'tensorflow/libtensorflow_cc.so.2' 'tensorflow/libtensorflow_framework.so.2' \
  'tensorflow/include/tensorflow/c/*' 'tensorflow/include/tensorflow/core/platform/ctstring*' \
  'tensorflow/include/tsl/platform/ctstring*' 'tensorflow/include/xla/tsl/c/*'
mv "$tmp/wheel/tensorflow/libtensorflow_cc.so.2" "$tmp/wheel/tensorflow/libtensorflow_framework.so.2" "$tmp/lib/"
mv "$tmp/wheel/tensorflow/include/"* "$tmp/include/"
rm -rf "$tmp/wheel"
ln -s libtensorflow_cc.so.2 "$tmp/lib/libtensorflow.so"
ln -s libtensorflow_cc.so.2 "$tmp/lib/libtensorflow.so.2"
ln -s libtensorflow_framework.so.2 "$tmp/lib/libtensorflow_framework.so"

# The C API must be exported (from libtensorflow_cc, version-tagged @@tensorflow,
# or, since 2.20, partly from libtensorflow_framework).
if command -v nm >/dev/null; then
  syms=$(nm -D --defined-only "$tmp/lib/libtensorflow_cc.so.2" "$tmp/lib/libtensorflow_framework.so.2")
  for s in TF_LoadSessionFromSavedModel TF_SessionRun TF_AllocateTensor TF_Version TF_Message; do
    grep -qE " T $s(@@.*)?$" <<<"$syms" || die "$project $version does not export $s"
  done
fi

cat >"$tmp/lib/pkgconfig/tensorflow.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: tensorflow
Description: TensorFlow C library (from the $project $version wheel)
Version: $version
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -ltensorflow -ltensorflow_framework
Cflags: -I\${includedir}
PC
echo "$stamp" >"$tmp/.tfrun-stamp"

rm -rf "$prefix.old"
[ -e "$prefix" ] && mv "$prefix" "$prefix.old"
mv "$tmp" "$prefix"
rm -rf "$prefix.old"
trap - EXIT
