#!/usr/bin/env bash
# Fuzzes NestNet's parsers of untrusted bytes with libFuzzer (swiftc -sanitize=fuzzer,address):
#   oracle       NestingOracle.check / analyze on any bytes (agreement, bounds)
#   jsonl        a dataset line: Example(jsonLine:) and JSONParser (round trip, one-line errors)
#   safetensors  RecurrentModel.load(bytes:) (one-line errors; loaded models run)
#
#   scripts/fuzz.sh                 # every target, 60 s each, FUZZ_JOBS (default: cores) at once (what .ci/run does)
#   scripts/fuzz.sh oracle 600      # one target, 10 minutes
#
# Seeds: Fuzz/corpus/TARGET (committed); new inputs go to a scratch copy, not the repository.
# A crash leaves its input in $OUT/crash-*: turn it into a test named for what it protects,
# then add it to the seeds. Exit status 1 when any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/nestnet-fuzz}
SECONDS_EACH=${2:-60}
TARGETS=(${1:-oracle jsonl safetensors})
B="$OUT/build"
mkdir -p "$B"
# swift-numerics' RealModule (the maths functions of the generator and the engine) comes from
# the package's own checkout; its C shims are header-only.
NUMERICS=.build/checkouts/swift-numerics/Sources
[ -d "$NUMERICS/RealModule" ] || swift package resolve >/dev/null
# CFloatMode (the engine's floating-point mode, in C) through its own module map.
FLAGS=(-O -wmo -parse-as-library -sanitize=fuzzer,address -I "$B" -I "$NUMERICS/_NumericsShims/include"
  -I Sources/CFloatMode/include)

# The modules once, as objects with their .swiftmodule, in dependency order; all are rebuilt
# when any of their sources changed (a module's interface feeds the next).
MODULES=(RealModule NestNetSupport NestingOracle ProgramGenerator RecurrentNet)
src() { if [ "$1" = RealModule ]; then echo "$NUMERICS/RealModule"; else echo "Sources/$1"; fi; }
stale=0
for m in "${MODULES[@]}"; do
  [ -f "$B/$m.o" ] || stale=1
  [ $stale = 1 ] || [ -z "$(find "$(src "$m")" -newer "$B/RecurrentNet.o" -name '*.swift' | head -1)" ] || stale=1
done
[ -f "$B/CFloatMode.o" ] && [ ! Sources/CFloatMode/FloatMode.c -nt "$B/CFloatMode.o" ] || stale=1
if [ $stale = 1 ]; then
  echo "fuzz: compiling CFloatMode"
  clang -O2 -fsanitize=address -I Sources/CFloatMode/include -c Sources/CFloatMode/FloatMode.c -o "$B/CFloatMode.o"
  for m in "${MODULES[@]}"; do
    echo "fuzz: compiling $m"
    swiftc "${FLAGS[@]}" -module-name "$m" -emit-module -emit-module-path "$B/$m.swiftmodule" \
      -c $(find "$(src "$m")" -name "*.swift" | sort) -o "$B/$m.o" 2> >(grep -v "warning:" >&2)
  done
fi

# Every target is linked first, then they run side by side, as many at once as there are
# cores (FUZZ_JOBS): each still gets its full SECONDS_EACH on a core of its own, so CI spends
# two minutes on three targets instead of three.
for t in "${TARGETS[@]}"; do
  case $t in
    oracle) objs=("$B/NestingOracle.o") ;;
    jsonl) objs=("$B/RealModule.o" "$B/NestNetSupport.o" "$B/NestingOracle.o" "$B/ProgramGenerator.o") ;;
    safetensors) objs=("$B/RealModule.o" "$B/NestNetSupport.o" "$B/NestingOracle.o" "$B/ProgramGenerator.o" "$B/CFloatMode.o" "$B/RecurrentNet.o") ;;
    *) echo "fuzz: unknown target $t (oracle, jsonl, safetensors)" >&2; exit 2 ;;
  esac
  swiftc "${FLAGS[@]}" "Fuzz/Targets/$t.swift" "${objs[@]}" -o "$B/fuzz-$t" 2> >(grep -v "warning:\|ld.gold" >&2)
done

# One target: its run, then one line of stats, or the crash and exit status 1.
fuzz_one() {
  local t=$1 work="$OUT/corpus-$1"
  mkdir -p "$work" "$OUT/crashes-$t"
  echo "fuzz: $t for ${SECONDS_EACH}s (seeds: Fuzz/corpus/$t)"
  if "$B/fuzz-$t" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$OUT/crashes-$t/" -print_final_stats=1 "$work" "Fuzz/corpus/$t" > "$OUT/$t.log" 2>&1; then
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$OUT/$t.log" | sed "s/^/fuzz: $t: /"
  else
    echo "fuzz: $t CRASHED; input and log in $OUT/crashes-$t/ and $OUT/$t.log" >&2
    grep -E "ERROR|Fatal error|panic|SUMMARY" "$OUT/$t.log" | head -5 >&2
    return 1
  fi
}

JOBS=${FUZZ_JOBS:-$(nproc)}
status=0
running=0
for t in "${TARGETS[@]}"; do
  if [ "$running" -ge "$JOBS" ]; then wait -n || status=1; running=$((running - 1)); fi
  fuzz_one "$t" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do wait -n || status=1; running=$((running - 1)); done
exit $status
