#!/usr/bin/env bash
# Puts the schemareg release binary for the Action's own ref in the runner's
# tool cache and prints its path on stdout as bin=<path>. It downloads
# checksums.txt and the archive for this OS and architecture from the ref's
# release, checks the sha256 and unpacks the binary. When the ref has no
# release (a branch or a commit) it prints found=false and the caller
# builds from source.
#
# Inputs (environment): REF, REPOSITORY, RUNNER_OS, RUNNER_ARCH,
# RUNNER_TOOL_CACHE, RUNNER_TEMP; RELEASES_URL overrides
# https://github.com/$REPOSITORY/releases/download.
set -euo pipefail

say() { echo "$*" >&2; }
none() { say "schemareg: $1; building it from source"; echo "found=false"; exit 0; }

[ -n "${REF:-}" ] && [ -n "${REPOSITORY:-}" ] || none "the Action has no ref or repository (a local 'uses: ./')"
[[ "$REF" =~ ^v[0-9]+(\.[0-9]+){0,2}([-.][0-9A-Za-z.-]+)?$ ]] || none "ref '$REF' is not a release tag"
case "${RUNNER_OS:-}" in Linux) os=linux ;; macOS) os=darwin ;; *) none "no release binary for runner OS '${RUNNER_OS:-}'" ;; esac
case "${RUNNER_ARCH:-}" in X64) arch=amd64 ;; ARM64) arch=arm64 ;; *) none "no release binary for runner architecture '${RUNNER_ARCH:-}'" ;; esac

base="${RELEASES_URL:-https://github.com/$REPOSITORY/releases/download}/$REF"
work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/schemareg-install.XXXXXX")"
trap 'rm -rf "$work"' EXIT

fetch() { curl -fsSL --retry 3 --max-filesize 268435456 -o "$2" "$1"; }
fetch "$base/checksums.txt" "$work/checksums.txt" 2>/dev/null || none "ref '$REF' has no release"
line="$(grep -E "^[0-9a-f]{64}  schemareg_[^ /]+_${os}_${arch}\.tar\.gz$" "$work/checksums.txt" | head -n1 || true)"
[ -n "$line" ] || none "release '$REF' has no archive for $os/$arch"
sum="${line%%  *}"
archive="${line#*  }"
version="${archive#schemareg_}"
version="${version%_${os}_${arch}.tar.gz}"

dir="${RUNNER_TOOL_CACHE:-$RUNNER_TEMP}/schemareg/$version/$arch"
if [ -f "$dir.complete" ] && [ -x "$dir/schemareg" ]; then
  say "schemareg $version found in the tool cache"
  echo "found=true"; echo "bin=$dir/schemareg"; exit 0
fi

fetch "$base/$archive" "$work/$archive" || { say "schemareg: download of $archive failed"; exit 1; }
if command -v sha256sum >/dev/null; then got="$(sha256sum "$work/$archive")"; else got="$(shasum -a 256 "$work/$archive")"; fi
got="${got%% *}"
if [ "$got" != "$sum" ]; then
  say "schemareg: $archive has sha256 $got but checksums.txt says $sum; refusing it"
  exit 1
fi
mkdir -p "$dir"
tar -xzf "$work/$archive" -C "$dir" schemareg
touch "$dir.complete"
say "schemareg $version downloaded from release $REF (sha256 $sum)"
echo "found=true"; echo "bin=$dir/schemareg"
