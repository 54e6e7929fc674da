#!/bin/bash
# Puts a pinned Debian source package into DIR/source/ (git-ignored, .bazelignore'd):
#   third_party/fetch_debian_source.sh DIR    # DIR holds debian_source.txt (the pin)
# Used for BoringSSL (third_party/boringssl, always) and Abseil (third_party/abseil, for
# the TSan build only). Run by scripts/setup.sh; root needed only if apt lacks deb-src.
# Idempotent: no-op if source/ holds the version pinned in debian_source.txt; reuses
# dist/ if complete; touches apt config (root needed) only if apt cannot find the
# source package. Honours apt's config (APT_CONFIG, Dir::Etc); names no mirror:
# deb-src entries are derived from the machine's existing Debian "deb" entries.
set -euo pipefail
[[ $# -eq 1 && -f $1/debian_source.txt ]] || { echo "usage: $0 DIR (with DIR/debian_source.txt)" >&2; exit 2; }
HERE=$(cd "$1" && pwd)
PIN=$HERE/debian_source.txt  # package, version, sha256 sums (also read by the repo rules)
DIST=$HERE/dist              # downloaded .dsc/.orig.tar.*/.debian.tar.xz (git-ignored)
SRC=$HERE/source             # unpacked tree (git-ignored, .bazelignore'd)
PKG=$(awk '$1=="package"{print $2}' "$PIN")
VERSION=$(awk '$1=="version"{print $2}' "$PIN")
declare -A SHA256=()
while read -r sum file; do SHA256[$file]=$sum; done < <(awk '$1=="sha256"{print $2, $3}' "$PIN")
DSC=${PKG}_${VERSION#*:}.dsc
STAMP="$PKG $VERSION"
log() { echo "fetch_debian_source: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [[ -f $SRC/.debian_source && "$(cat "$SRC/.debian_source")" == "$STAMP" ]]; then
  log "$SRC already holds $STAMP"; exit 0
fi
command -v dpkg-source >/dev/null || die "dpkg-source missing: apt-get install dpkg-dev"

dist_complete() {  # dist/ has the .dsc and all files it lists, with the pinned sums
  [[ -f $DIST/$DSC ]] || return 1
  local f
  for f in "$DSC" $(awk '/^Checksums-Sha256:/{on=1;next} /^[^ ]/{on=0} on{print $3}' "$DIST/$DSC"); do
    [[ -f $DIST/$f ]] || return 1
    [[ -z ${SHA256[$f]:-} ]] || echo "${SHA256[$f]}  $DIST/$f" | sha256sum --quiet -c - &>/dev/null \
      || { log "checksum mismatch: $DIST/$f"; return 1; }
  done
}
apt_has_source() { apt-cache showsrc --only-source "$PKG" 2>/dev/null | grep -qx "Version: $VERSION"; }

enable_deb_src() {  # apt-get update if some deb-src exists; if not enough, add deb-src
  local etc parts list
  eval "$(apt-config shell etc Dir::Etc/d parts Dir::Etc::sourceparts/d list Dir::Etc::sourcelist/f)"
  if [[ -n $(apt-get indextargets --no-release-info 'Identifier: Sources' --format '$(SITE)') ]]; then
    log "deb-src configured: apt-get update"
    apt-get update -qq || die "apt-get update failed (root needed?)"
    apt_has_source && return
  fi
  if [[ -f ${parts}debian.sources ]]; then  # deb822 (Debian 12): Types: deb -> deb deb-src
    [[ -w ${parts}debian.sources ]] || die "need root to enable deb-src in ${parts}debian.sources"
    cp -p "${parts}debian.sources" "${etc}debian.sources.before-deb-src"
    sed -i -E '/^[Tt]ypes:/{/deb-src/!s/[[:space:]]*$/ deb-src/}' "${parts}debian.sources"
    log "enabled deb-src in ${parts}debian.sources (backup: ${etc}debian.sources.before-deb-src)"
  elif [[ -f $list ]] && grep -qE '^[[:space:]]*deb[[:space:]]' "$list"; then  # one-line format
    [[ -w $parts ]] || die "need root to write ${parts}debian-src.list"
    sed -nE 's/^[[:space:]]*deb([[:space:]])/deb-src\1/p' "$list" > "${parts}debian-src.list"
    log "wrote ${parts}debian-src.list from the deb lines of $list"
  else
    die "no Debian apt source found (neither ${parts}debian.sources nor deb lines in $list)"
  fi
  apt-get update -qq || die "apt-get update failed"
}

if ! dist_complete; then
  if ! apt_has_source; then
    enable_deb_src
    apt_has_source || die "apt has no $PKG=$VERSION; it has: $(apt-cache showsrc --only-source \
      "$PKG" 2>/dev/null | sed -n 's/^Version: //p' | tr '\n' ' ')"
  fi
  dl=$(mktemp -d "${TMPDIR:-/tmp}/debsrc-dl.XXXXXX")
  trap 'rm -rf "$dl"' EXIT
  if [[ $EUID -eq 0 ]] && id _apt &>/dev/null; then chown _apt "$dl"; fi  # apt's sandbox user
  (cd "$dl" && apt-get source -q --download-only --only-source "$PKG=$VERSION") \
    || die "apt-get source failed"
  mkdir -p "$DIST" && mv -f "$dl"/* "$DIST"/
  dist_complete || die "downloaded files incomplete or not matching debian_source.txt"
fi

# Unpack like Debian's build (orig + debian/, debian/patches applied; dpkg-source
# re-checks the .dsc sums) into a temp dir next to source/, then swap it in.
tmp=$(mktemp -d "$HERE/.source.XXXXXX")
trap 'rm -rf "$tmp" ${dl:+"$dl"}' EXIT
dpkg-source -x "$DIST/$DSC" "$tmp/src" >&2 || die "dpkg-source -x failed"
echo "$STAMP" > "$tmp/src/.debian_source"
rm -rf "$SRC" && mv "$tmp/src" "$SRC"
log "unpacked $STAMP into $SRC"
