#!/bin/bash
# libfabricpeer.so must export only fabric_* symbols: nothing of BoringSSL, protobuf,
# Abseil or our C++ internals may leak to a host.
set -euo pipefail
lib=$1
# Names without their version (fabric_x@@FABRICPEER_<MAJOR>); the version node itself
# is an absolute symbol (A), not an export.
defined=$(nm -D --defined-only "$lib" | awk '$2 != "A" {print $3}' | sed 's/@.*//' | sort -u)
[[ -n $defined ]] || { echo "FAIL: $lib exports nothing"; exit 1; }
others=$(grep -v '^fabric_' <<<"$defined" || true)
if [[ -n $others ]]; then
  echo "FAIL: $lib exports symbols outside fabric_*:"
  echo "$others" | head -20
  exit 1
fi
for required in fabric_libversion fabric_block_parse fabric_block_to_json fabric_error_free; do
  grep -qx "$required" <<<"$defined" || { echo "FAIL: $required not exported"; exit 1; }
done
echo "$lib exports $(wc -l <<<"$defined") symbols, all fabric_*"
