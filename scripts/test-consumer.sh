#!/usr/bin/env bash
# Another package can depend on NestNet's library products: builds examples/oracle-consumer
# against a tagged git copy of this checkout (a versioned dependency, which SwiftPM refuses when
# a product's targets carry unsafe build flags) and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d /tmp/nestnet-consumer.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "test-consumer: FAIL: $*" >&2; exit 1; }

# A git copy of the working tree (uncommitted changes included), tagged as a release.
git clone -q --no-local "$ROOT" "$WORK/nestnet"
git ls-files -z | (cd "$ROOT" && xargs -0 tar cf - 2>/dev/null) | (cd "$WORK/nestnet" && tar xf -)
(cd "$WORK/nestnet" && git add -A && git -c user.email=ci@example.com -c user.name=ci commit -qm snapshot --allow-empty && git tag 0.1.0)
cp -R examples/oracle-consumer "$WORK/consumer"
cd "$WORK/consumer"
NESTNET_URL="file://$WORK/nestnet" swift build --scratch-path "$WORK/build" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "the consumer package did not build"; }
out=$("$WORK/build/debug/nesting-demo" 'int f(void) { return (1); }' 'f(]')
echo "$out"
grep -q "^int f(void) { return (1); }: valid, depth 2$" <<<"$out" || fail "the oracle's verdict on valid code"
grep -q "^f(\]: invalid at 1:3: " <<<"$out" || fail "the oracle's verdict on broken code"
grep -q "^generated: .* labelled invalid, oracle invalid$" <<<"$out" || fail "the generator"
echo "test-consumer: OK (a versioned dependency on NestingOracle and ProgramGenerator builds and runs)"
