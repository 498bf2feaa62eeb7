#!/usr/bin/env bash
# Installs the Debian packages tfrun builds against: libhdf5-dev (the HDF5
# layer of h5convert), pkg-config, unzip (to unpack the TensorFlow wheel),
# and python3 with pip when missing (to download the wheel).
# Idempotent and quiet when everything is present.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

want=(libhdf5-dev pkg-config unzip ca-certificates)
# pip downloads the TensorFlow wheel; a machine without it gets Debian's.
python3 -m pip --version >/dev/null 2>&1 || want+=(python3-pip)
command -v python3 >/dev/null 2>&1 || want+=(python3)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

log "installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
if ! as_root apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
  as_root apt-get update -q >/dev/null
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
pkg-config --exists hdf5 || die "libhdf5-dev installed but pkg-config does not find hdf5"
