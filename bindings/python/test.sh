#!/usr/bin/env bash
# The Python binding's tests, run by `make test`: Debian's python3 and pytest over the
# library this checkout builds; then `pip install` of the package into a fresh virtual
# environment (offline: Debian's setuptools and wheel) and the audit example run with it
# from outside the source tree.
#
#   bindings/python/test.sh [PYTEST ARGS...]
#
# FABRIC_PEER_LIB: the library to test (default: bazel build //capi:libfabricpeer.so).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
python=/usr/bin/python3
if [[ -z ${FABRIC_PEER_LIB:-} ]]; then
  "${BAZEL:-bazel}" build //capi:libfabricpeer.so >/dev/null 2>&1 ||
    "${BAZEL:-bazel}" build //capi:libfabricpeer.so
  export FABRIC_PEER_LIB=$root/.bazel/bin/capi/libfabricpeer.so.1
fi

PYTHONPATH=$root/bindings/python "$python" -m pytest -q -p no:cacheprovider \
  bindings/python/tests "$@"

# pip install, from a copy (pip builds in place), into a venv that sees Debian's packages.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r bindings/python "$tmp/src"
rm -rf "$tmp/src/tests"
"$python" -m venv --system-site-packages "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --no-build-isolation --no-index "$tmp/src" \
  >"$tmp/pip.log" 2>&1 || { cat "$tmp/pip.log"; exit 1; }
out=$(cd "$tmp" && "$tmp/venv/bin/python" "$root/examples/python/audit.py" \
  "$root/tests/vectors/conformance" --commit-refused)
if ! grep -q '^state hash [0-9a-f]\{64\}$' <<<"$out" ||
   ! grep -q '^block 1: VALID' <<<"$out"; then
  echo "$out"
  echo "python: the installed package's audit did not run through"
  exit 1
fi
echo "python: pytest passed; pip install bindings/python into a venv, audit example: OK"
