#!/usr/bin/env bash
# The install story and the CI templates, as a user meets them:
#  1. scripts/ci-check.sh builds the self-contained binary once (scripts/install.sh: static Swift
#     runtime, model compiled in) into NESTNET_CACHE; a second call reuses it.
#  2. That binary has no Swift library or toolchain runpath left, and runs with a clean environment
#     (PATH=/usr/bin:/bin, no LD_LIBRARY_PATH), from another folder, with its build folder
#     moved away: the quick start's verdicts, exit 1.
#  3. action.yml and ci/gitlab-nestnet.yml run here as GitHub and GitLab would run them
#     (scripts/run-ci-template.py) on a throw-away repository: exit 1 passed through, valid
#     SARIF (scripts/validate-sarif.py), a JUnit report.
# Needs python3 with pyyaml, sarif-pydantic and sarif-tools (PYTHON=...; .ci/run makes one).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
PY=${PYTHON:-python3}
WORK=$(mktemp -d /tmp/nestnet-install.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "test-install: FAIL: $*" >&2; exit 1; }
export NESTNET_CACHE=${NESTNET_CACHE:-$WORK/cache} TMPDIR=$WORK

BIN=$(bash scripts/ci-check.sh --bin)
[ -x "$BIN" ] || fail "no binary at $BIN"
bash scripts/ci-check.sh --bin 2> "$WORK/again.log" > /dev/null
grep -q building "$WORK/again.log" && fail "the second call built again"
if ldd "$BIN" | grep -q 'libswift\|libFoundation\|libdispatch'; then ldd "$BIN"; fail "the binary links Swift libraries dynamically"; fi
# SwiftPM's own $ORIGIN runpath is harmless; a path into a toolchain is not.
readelf -d "$BIN" | grep -i 'rpath\|runpath' | grep -q '\[/\|:/' && { readelf -d "$BIN" | grep -i path; fail "the binary's runpath points into the file system"; }
# The binary's build folder (install.sh's scratch) moved away; nothing of it is needed.
if [ -d "$WORK/nestnet-build" ]; then mv "$WORK/nestnet-build" "$WORK/moved-build"; fi
cp -R examples "$WORK/examples"
cd /
set +e
env -i PATH=/usr/bin:/bin HOME="$WORK" "$BIN" check "$WORK/examples" > "$WORK/out.txt" 2> "$WORK/err.txt"
status=$?
set -e
cat "$WORK/out.txt"
[ $status = 1 ] || fail "exit $status, expected 1: $(cat "$WORK/err.txt")"
# The embedded models' verdicts (where they place each error is theirs to change): the three
# broken files flagged, nothing else, and the summary.
for f in extra_paren mismatched missing_brace; do
  grep -q "examples/broken/$f.c:[0-9]*:[0-9]*: error: " "$WORK/out.txt" || fail "unexpected verdicts: broken/$f.c not flagged"
done
[ "$(grep -c ': error: ' "$WORK/out.txt")" = 3 ] && grep -q "6 files: 3 valid, 3 invalid" "$WORK/out.txt" || fail "unexpected verdicts"
env -i PATH=/usr/bin:/bin "$BIN" --version | grep -q . || fail "--version"
if [ -d "$WORK/moved-build" ]; then mv "$WORK/moved-build" "$WORK/nestnet-build"; fi
cd "$ROOT"

# The GitHub Action on a throw-away repository.
repo="$WORK/repo"; mkdir -p "$repo"; cp -R examples "$repo/src"; cd "$repo"
set +e
GITHUB_ACTION_PATH="$ROOT" RUNNER_TEMP="$WORK" "$PY" "$ROOT/scripts/run-ci-template.py" github "$ROOT/action.yml" paths=src args="--engine both" > "$WORK/gh.out" 2> "$WORK/gh.err"
status=$?
set -e
cat "$WORK/gh.out"
[ $status = 1 ] || { cat "$WORK/gh.err"; fail "the action's exit status is $status, expected 1"; }
grep -q "exit-code': '1'" "$WORK/gh.err" || fail "the action's exit-code output"
grep -q "^::error file=src/broken/mismatched.c,line=9,col=26" "$WORK/gh.out" || fail "no GitHub annotation"
"$PY" "$ROOT/scripts/validate-sarif.py" nestnet.sarif || fail "the action's SARIF"
[ -s nestnet-junit.xml ] || fail "the action wrote no JUnit report"
rm -f nestnet.sarif nestnet-junit.xml

# The GitLab template (it clones NestNet to /tmp/nestnet-src, as in a fresh job container),
# NestNet cloned from a tagged copy of this checkout's HEAD.
rm -rf /tmp/nestnet-src; git clone -q --mirror "$ROOT" "$WORK/mirror.git"; git -C "$WORK/mirror.git" tag ci-template-test "$(git -C "$ROOT" rev-parse HEAD)"
set +e
"$PY" "$ROOT/scripts/run-ci-template.py" gitlab "$ROOT/ci/gitlab-nestnet.yml" NESTNET_REPO="file://$WORK/mirror.git" NESTNET_REF=ci-template-test \
  NESTNET_PATHS=src NESTNET_CACHE="$NESTNET_CACHE" > "$WORK/gl.out" 2>&1
status=$?
set -e
cat "$WORK/gl.out"
[ $status = 1 ] || fail "the GitLab job's exit status is $status, expected 1"
"$PY" "$ROOT/scripts/validate-sarif.py" nestnet.sarif || fail "the GitLab job's SARIF"
grep -q '<testsuite name="nestnet check"' nestnet-junit.xml || fail "the GitLab job's JUnit report"
rm -rf /tmp/nestnet-src
echo "test-install: OK (one self-contained binary, built once and reused; runs without Swift; action and GitLab template)"
