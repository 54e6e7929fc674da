#!/bin/bash
# Checks the layering of lib/ (doc/architecture.md) and prints it:
#   1. from Bazel's own dependency graph (bazel query; libraries, and tests apart): every
#      lib/ package uses only packages of the layers below its own in lib/layers.bzl;
#   2. from the sources: a package's internal/ headers are included only by the
#      package itself and by tests;
#   3. from the sources: the demo network (tools/network) is a host of the C ABI: of
#      our code it includes only fabric/*.h*, its own headers, the material of
#      lib/testnet/material.h and lib/base's status macros and thread pool.
# Bazel's visibility (users_of in lib/layers.bzl) already fails a build that breaks
# rule 1; this script shows the graph, and rule 2, which visibility cannot see.
#   scripts/check_layers.sh          (from the checkout's root; BAZEL=... to override)
set -euo pipefail
cd "$(dirname "$0")/.."
BAZEL=${BAZEL:-bazel}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# package -> layer index, from the LAYERS table (one layer per line; comments allowed).
declare -A layer
i=0
while IFS= read -r line; do
  line=${line%%#*}
  [[ "$line" =~ ^[[:space:]]*\[(.*)\],?[[:space:]]*$ ]] || continue
  for p in $(grep -o '"lib/[^"]*"' <<<"${BASH_REMATCH[1]}" | tr -d '"'); do layer[$p]=$i; done
  i=$((i + 1))
done < <(sed -n '/^LAYERS = \[/,/^\]/p' lib/layers.bzl)
if (( i == 0 )); then echo "no layers read from lib/layers.bzl"; exit 1; fi

# Edges between lib/ targets, "<from> <to>", of the targets `$1` selects, into file $2.
LIBS='attr(testonly, 0, kind("cc_library|proto_library|cc_proto_library", //lib/...))'
edges() {
  if ! "$BAZEL" query --noshow_progress "let lib = //lib/... in deps($1, 1) intersect \$lib" \
      --output=graph --nograph:factored > "$work/graph" 2> "$work/err"; then
    cat "$work/err"
    echo "layering: bazel query failed"
    exit 1
  fi
  sed -n 's/^ *"\(\/\/lib[^"]*\)" -> "\(\/\/lib[^"]*\)"$/\1 \2/p' "$work/graph" > "$2"
}
edges "$LIBS" "$work/lib_edges"
edges "//lib/... except $LIBS" "$work/test_edges"
if [[ ! -s "$work/lib_edges" ]]; then echo "layering: no dependencies found (query output changed?)"; exit 1; fi

pkg_of() { local l=${1#//}; echo "${l%%:*}"; }

bad=0
declare -A uses test_uses
while read -r from to kind; do
  a=$(pkg_of "$from"); b=$(pkg_of "$to")
  [[ "$a" == "$b" ]] && continue
  [[ -n "${layer[$a]+x}" ]] || { echo "not in lib/layers.bzl: $a"; bad=1; continue; }
  [[ -n "${layer[$b]+x}" ]] || { echo "not in lib/layers.bzl: $b"; bad=1; continue; }
  if [[ "$kind" == lib ]]; then uses[$a]+=" $b"; else test_uses[$a]+=" $b"; fi
  if (( layer[$b] >= layer[$a] )); then
    echo "LAYERING: $from (layer ${layer[$a]}) depends on $to (layer ${layer[$b]})"
    bad=1
  fi
done < <(sed 's/$/ lib/' "$work/lib_edges"; sed 's/$/ test/' "$work/test_edges")

list() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -u | sed 's|^lib/||' | tr '\n' ' '; }
printf "%5s  %-15s %s\n" layer package "uses  [and its tests also use]"
for p in $(for k in "${!layer[@]}"; do echo "${layer[$k]} $k"; done | sort -n | cut -d' ' -f2); do
  used=$(list "${uses[$p]:-}")
  extra=$(comm -13 <(list "${uses[$p]:-}" | tr ' ' '\n' | sort) \
                   <(list "${test_uses[$p]:-}" | tr ' ' '\n' | sort) | sed '/^$/d' | tr '\n' ' ')
  printf "%5d  %-15s %s%s\n" "${layer[$p]}" "${p#lib/}" "${used:--}" "${extra:+ [$extra]}"
done

# Rule 2: lib/X/internal/ headers from outside lib/X, other than tests.
while IFS=: read -r file _ inc; do
  owner=$(sed -n 's|.*"\(lib/[a-z_/]*\)/internal/.*|\1|p' <<<"$inc")
  case "$file" in "$owner"/*|tests/*|*_test.cc) continue ;; esac
  echo "INTERNAL: $file includes $(tr -d ' ' <<<"$inc")"
  bad=1
done < <(git grep -n '#include "lib/[a-z_/]*/internal/' -- lib capi tools bench include || true)

# Rule 3: tools/network on the C ABI.
while IFS=: read -r file _ inc; do
  case "$inc" in
    *'"tools/network/'* | *'"lib/testnet/material.h"'* | *'"lib/testnet/cryptogen.h"'* | \
      *'"lib/base/status_macros.h"'* | *'"lib/base/thread_pool.h"'* | *'"lib/testing/'*) continue ;;
  esac
  echo "NOT ON THE C ABI: $file includes $(tr -d ' ' <<<"$inc")"
  bad=1
done < <(git grep -n '#include "\(lib\|capi\|tools\)/' -- tools/network || true)

if (( bad )); then echo "layering: FAILED"; exit 1; fi
echo "layering: OK (no package uses one of its own layer or above; internal headers stay" \
  "inside their packages and tests; tools/network uses the C ABI)"
