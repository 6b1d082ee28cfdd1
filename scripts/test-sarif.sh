#!/usr/bin/env bash
# SARIF reports are valid SARIF 2.1.0 (scripts/validate-sarif.py: sarif-pydantic and
# sarif-tools from PyPI) with URIs relative to --root, default the git top level, else the
# current folder, whichever way the paths were typed; files outside the root get absolute
# file: URIs. Needs python3 with sarif-pydantic and sarif-tools (PYTHON=...; .ci/run makes one).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
PY=${PYTHON:-python3}
if [ -z "${NESTNET:-}" ]; then swift build --product nestnet >/dev/null; fi
N=$(cd "$ROOT" && realpath "${NESTNET:-.build/debug/nestnet}")
WORK=$(mktemp -d /tmp/nestnet-sarif.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
WORK=$(cd "$WORK" && pwd -P)
fail() { echo "test-sarif: FAIL: $*" >&2; exit 1; }
check() {  # check SARIF EXPECTED-URI... -- nestnet check args (run in the current folder)
  local out=$1; shift; local exp=()
  while [ "$1" != -- ]; do exp+=("$1"); shift; done; shift
  "$N" check "$@" --engine exact --sarif "$out" > /dev/null && fail "nestnet check $* found nothing invalid" || [ $? = 1 ] || fail "nestnet check $* failed"
  "$PY" "$ROOT/scripts/validate-sarif.py" "$out" --expect-uri "${exp[@]}" || fail "SARIF of 'nestnet check $*' (in $(pwd))"
}
B=examples/broken
E=("$B/extra_paren.c" "$B/mismatched.c" "$B/missing_brace.c")

# In the repository (git top level): relative, ./-prefixed, absolute and ..-paths all agree.
cd "$ROOT";               check "$WORK/1.sarif" "${E[@]}" -- examples
cd "$ROOT";               check "$WORK/2.sarif" "${E[@]}" -- ./examples/broken
cd "$WORK";               check "$WORK/3.sarif" "file://$ROOT/${E[0]}" "file://$ROOT/${E[1]}" "file://$ROOT/${E[2]}" -- "$ROOT/examples/broken"
cd "$ROOT/examples/src";  check "$WORK/4.sarif" "${E[@]}" -- ../broken
cd "$ROOT/examples/src";  check "$WORK/5.sarif" "${E[@]}" -- "$ROOT/examples/broken"
grep -q "\"uri\": \"file://$ROOT/\"" "$WORK/5.sarif" || fail "the base is not the git top level"
# --root: URIs relative to it.
cd "$ROOT";               check "$WORK/6.sarif" extra_paren.c mismatched.c missing_brace.c -- examples/broken --root examples/broken
# A file outside the root: an absolute file: URI. Names with spaces and non-ASCII are percent-encoded.
mkdir -p "$WORK/tree/sub dir"; printf 'int f(void) { return (1)); }\n' > "$WORK/tree/sub dir/é x.c"
cd "$WORK/tree";          check "$WORK/7.sarif" "sub%20dir/%C3%A9%20x.c" -- .
cd "$ROOT";               check "$WORK/8.sarif" "file://$WORK/tree/sub%20dir/%C3%A9%20x.c" -- "$WORK/tree"
# Through a linked folder: the link is resolved, the URI is the same.
ln -s "$ROOT/examples" "$WORK/link"
cd "$ROOT";               check "$WORK/9.sarif" "${E[@]}" -- "$WORK/link/broken"
# The model engine (the default: the stack networks): valid too, and the invocation's properties
# give the settings that decided the results: for stack networks, which no bar decides, the
# engine and how far their moves may be read otherwise (`--repair-budget`); with the LSTM pair
# (`--embedded lstm`), threshold, hold and second threshold.
cd "$ROOT"
"$N" check examples/broken --sarif "$WORK/10.sarif" > /dev/null && fail "the model found nothing invalid in examples/broken" || [ $? = 1 ] || fail "nestnet check examples/broken failed"
"$PY" "$ROOT/scripts/validate-sarif.py" "$WORK/10.sarif" --expect-uri "${E[@]}" || fail "SARIF of the model engine"
grep -q '"properties": {"engine": "model", "failOn": "model", "repairBudget": 1.5}' "$WORK/10.sarif" && ! grep -q '"threshold"' "$WORK/10.sarif" \
  || fail "the stack networks' settings in the SARIF's invocation: $(grep -o '"invocations".*' "$WORK/10.sarif" | head -c 300)"
"$N" check examples/broken --embedded lstm --sarif "$WORK/11.sarif" > /dev/null && fail "the LSTM pair found nothing invalid in examples/broken" || [ $? = 1 ] || fail "nestnet check examples/broken --embedded lstm failed"
"$PY" "$ROOT/scripts/validate-sarif.py" "$WORK/11.sarif" --expect-uri "${E[@]}" || fail "SARIF of the model engine with the LSTM pair"
grep -q '"properties": {"engine": "model", "failOn": "model", "threshold": [0-9.e-]*, "stepThreshold": [0-9.e-]*, "hold": 128, "secondThreshold": ' "$WORK/11.sarif" \
  || fail "the LSTM pair's settings are not in the SARIF's invocation: $(grep -o '"invocations".*' "$WORK/11.sarif" | head -c 300)"
# Errors: --root without --sarif, and a --root that is not a folder.
"$N" check examples --root examples 2>"$WORK/err" && fail "--root without --sarif was accepted" || grep -q "needs --sarif" "$WORK/err" || fail "--root without --sarif: $(cat "$WORK/err")"
"$N" check examples --sarif "$WORK/x.sarif" --root "$WORK/nope" 2>"$WORK/err" && fail "a missing --root was accepted" || grep -q "not a folder" "$WORK/err" || fail "missing --root: $(cat "$WORK/err")"
echo "test-sarif: OK (valid SARIF 2.1.0; URIs relative to the git top level, --root or the current folder; absolute outside it)"
