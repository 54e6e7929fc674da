#!/bin/bash
# Fails when the ABI of libfabricpeer (the header and the built library) differs from the
# committed capi/abi/fabricpeer.abi, saying what was removed or changed and what added.
#   abi_test.sh abi_of.sh fabric.h libfabricpeer.so.N fabricpeer.abi
set -euo pipefail
abi_of=$1 header=$2 lib=$3 committed=$4
current=$(mktemp)
trap 'rm -f "$current"' EXIT
"$abi_of" "$header" "$lib" > "$current"
# Every exported symbol is a declared function, and every declared function is exported.
declared=$(sed -n 's/^function .*[* ]\(fabric_[a-z0-9_]*\)(.*/\1/p' "$current" | sort)
exported=$(sed -n 's/^symbol \([^@]*\).*/\1/p' "$current" | sort)
if [[ "$declared" != "$exported" ]]; then
  echo "FAIL: declared in the header but not exported, or exported but not declared:"
  diff <(echo "$declared") <(echo "$exported") | sed -n 's/^[<>] /  /p'
  exit 1
fi
removed=$(comm -23 <(grep -v '^#' "$committed" | sort) <(grep -v '^#' "$current" | sort))
added=$(comm -13 <(grep -v '^#' "$committed" | sort) <(grep -v '^#' "$current" | sort))
if [[ -z "$removed" && -z "$added" ]]; then
  echo "ABI unchanged: $(grep -c '^symbol ' "$current") symbols, $(grep -c '^function ' "$current") functions, $(grep -c '^type ' "$current") types, $(grep -c '^define ' "$current") constants"
  exit 0
fi
if [[ -n "$removed" ]]; then
  echo "FAIL: the ABI lost or changed these (hosts built against it would break; a"
  echo "deliberate break needs a new MAJOR in capi/abi/version.bzl, see doc/build.md):"
  sed 's/^/  - /' <<<"$removed"
fi
if [[ -n "$added" ]]; then
  echo "FAIL: the ABI gained these; if deliberate, record them with 'make abi':"
  sed 's/^/  + /' <<<"$added"
fi
exit 1
