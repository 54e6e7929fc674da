#!/usr/bin/env bash
# Builds the fuzz targets (--config=fuzz: clang, libFuzzer, ASan, UBSan) and runs each
# for SECONDS from a temporary copy of its seed corpus (made from the conformance
# vectors) and its committed regressions. Exits non-zero if any target finds a crash,
# a leak or a timeout; prints per target the executions, seconds and coverage (cov and
# ft from libFuzzer's final stats).
#
#   tests/fuzz/run_all.sh SECONDS [TARGET...]
#
# Environment:
#   FABRIC_FUZZ_OUTPUT_BASE  Bazel output base of the fuzz build (default
#                            ~/.cache/bazel-fuzz: kept apart from the default build's,
#                            and reused from run to run)
#   FABRIC_FUZZ_VECTORS      the conformance vectors (default tests/vectors/conformance)
#   FABRIC_FUZZ_ARTIFACTS    where crash, leak and timeout inputs are kept (default
#                            $TMPDIR/fabric-fuzz-artifacts)
#   FABRIC_FUZZ_JOBS         bazel --jobs (default 2)
#   FABRIC_FUZZ_RSS_MB       libFuzzer -rss_limit_mb (default 2560)
#   FABRIC_FUZZ_TIMEOUT      libFuzzer -timeout per input, seconds (default 60)
#   FABRIC_FUZZ_MAX_LEN      libFuzzer -max_len (default 131072: the largest seed is a
#                            block of about 100 KB; regressions past it, e.g. 600 KB
#                            policies, are replayed by the replay tests)
#   FABRIC_FUZZ_NO_BUILD=1   use the binaries already built (still asks bazel where)
#   FABRIC_FUZZ_BIN          a directory holding seedgen and the <target>_fuzz binaries:
#                            no bazel at all (e.g. binaries built earlier in CI)
set -euo pipefail

usage() { echo "usage: $0 SECONDS [TARGET...]" >&2; exit 2; }
[[ $# -ge 1 && $1 =~ ^[0-9]+$ ]] || usage
seconds=$1
shift

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
all_targets=(block channel endorser policy identity config_update private_data snapshot p256)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "unknown target: $t" >&2; exit 2; }
done

output_base=${FABRIC_FUZZ_OUTPUT_BASE:-$HOME/.cache/bazel-fuzz}
vectors=${FABRIC_FUZZ_VECTORS:-$root/tests/vectors/conformance}
tmp=${TMPDIR:-/tmp}
artifacts=${FABRIC_FUZZ_ARTIFACTS:-$tmp/fabric-fuzz-artifacts}
bazel=${BAZEL:-bazel}
# --symlink_prefix=/: no bazel-* symlinks, so the default build's stay as they are.
bazel_flags=(--config=fuzz --symlink_prefix=/ "--jobs=${FABRIC_FUZZ_JOBS:-2}")

labels=(//tests/fuzz:seedgen)
for t in "${targets[@]}"; do labels+=("//tests/fuzz:${t}_fuzz"); done
if [[ -n ${FABRIC_FUZZ_BIN:-} ]]; then
  bin=$FABRIC_FUZZ_BIN
else
  if [[ ${FABRIC_FUZZ_NO_BUILD:-0} != 1 ]]; then
    "$bazel" --output_base="$output_base" build "${bazel_flags[@]}" "${labels[@]}"
  fi
  bin=$("$bazel" --output_base="$output_base" info "${bazel_flags[@]}" bazel-bin 2>/dev/null)/tests/fuzz
fi

work=$(mktemp -d "$tmp/fabric-fuzz-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
FABRIC_FUZZ_VECTORS=$vectors "$bin/seedgen" "$work/seeds" "${targets[@]}" >/dev/null

symbolizer=/usr/lib/llvm-14/bin/llvm-symbolizer
sym_opt=""
[[ -x $symbolizer ]] && sym_opt=":external_symbolizer_path=$symbolizer"

failed=()
report=()
for t in "${targets[@]}"; do
  corpus=$work/corpus/$t
  mkdir -p "$corpus" "$artifacts/$t" "$work/tmp/$t"
  cp "$work/seeds/$t"/* "$corpus/"
  if [[ -d tests/fuzz/regressions/$t ]]; then
    find "tests/fuzz/regressions/$t" -type f ! -name 'README*' -exec cp {} "$corpus/" \;
  fi
  log=$work/$t.log
  start=$(date +%s)
  set +e
  TMPDIR=$work/tmp/$t FABRIC_FUZZ_VECTORS=$vectors \
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1$sym_opt} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1$sym_opt} \
    LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/fuzz/lsan.supp} \
    nice -n 10 "$bin/${t}_fuzz" "$corpus" \
      -max_total_time="$seconds" \
      -rss_limit_mb="${FABRIC_FUZZ_RSS_MB:-2560}" \
      -timeout="${FABRIC_FUZZ_TIMEOUT:-60}" \
      -max_len="${FABRIC_FUZZ_MAX_LEN:-131072}" \
      -artifact_prefix="$artifacts/$t/" \
      -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  elapsed=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  # (A target that crashes on its first inputs prints no coverage: no match is no error.)
  cov=$({ grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" || true; } | tail -1 |
    sed 's/cov: \([0-9]*\) ft: \([0-9]*\)/cov \1 ft \2/')
  line=$(printf '%-14s execs %-9s seconds %-5s %s' "$t" "${execs:-?}" "$elapsed" "${cov:-cov ? ft ?}")
  if [[ $rc -ne 0 ]]; then
    failed+=("$t")
    line+="  FAILED (exit $rc)"
    echo "---- $t: exit $rc; the end of its log:" >&2
    grep -E 'ERROR: |SUMMARY: |FUZZ_CHECK|runtime error|Test unit written|artifact_prefix' "$log" >&2 || true
    tail -n 40 "$log" >&2
    echo "---- inputs kept in $artifacts/$t/" >&2
  fi
  echo "$line"
  report+=("$line")
done

echo
echo "fuzzing summary (${seconds}s per target):"
printf '  %s\n' "${report[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "FAILED: ${failed[*]} (inputs in $artifacts)"
  exit 1
fi
echo "all targets ran clean"
