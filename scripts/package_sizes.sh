#!/bin/sh
# Prints every Bazel package under lib/ with the lines of its sources and of its tests
# (a file belongs to the nearest package above it). Run from the checkout's root:
#   scripts/package_sizes.sh
set -eu
printf '%-22s %8s %8s\n' package source tests
git ls-files 'lib/*' | awk '
  /\/BUILD\.bazel$/ { sub(/\/BUILD\.bazel$/, ""); pkg[$0] = 1; next }
  /\.(cc|h|proto)$/ { files[++n] = $0 }
  END {
    for (i = 1; i <= n; i++) {
      d = files[i]
      do { sub(/\/[^\/]*$/, "", d) } while (!(d in pkg) && d ~ /\//)
      print d, files[i]
    }
  }' | while read -r pkg file; do
  kind=src
  case "$file" in *_test.cc|*/testing/*|lib/testing/*) kind=test ;; esac
  echo "$pkg $kind $(wc -l < "$file")"
done | awk '
  { if ($2 == "src") src[$1] += $3; else tst[$1] += $3; seen[$1] = 1 }
  END {
    for (p in seen) printf "%-22s %8d %8d\n", p, src[p], tst[p]
  }' | sort
