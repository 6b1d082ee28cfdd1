#!/usr/bin/env bash
# Tests .pre-commit-hooks.yaml with the real pre-commit from PyPI (pinned) on a throw-away git
# repository: a commit with one valid and one broken staged C file is refused and names the
# broken one; after the fix the commit is accepted; `args: [--engine, exact]` reaches nestnet.
# pre-commit builds this checkout's HEAD (plus uncommitted changes to tracked files) itself.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PRE_COMMIT_VERSION=4.5.1
WORK=$(mktemp -d /tmp/nestnet-pre-commit.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "test-pre-commit: FAIL: $*" >&2; exit 1; }

python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q "pre-commit==$PRE_COMMIT_VERSION"
export PATH="$WORK/venv/bin:$PATH" PRE_COMMIT_HOME="$WORK/cache"
pre-commit --version

# The hook's revision: HEAD, or a snapshot commit with the uncommitted changes to tracked files.
REV=$(git stash create 2>/dev/null || true); REV=${REV:-$(git rev-parse HEAD)}

repo="$WORK/repo"; mkdir "$repo"; cd "$repo"
git init -q; git config user.email ci@example.com; git config user.name ci; git config commit.gpgsign false
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $ROOT
    rev: $REV
    hooks:
      - id: nestnet
YAML
printf 'int add(int a, int b) {\n    return (a + b);\n}\n' > valid.c
printf 'int sub(int a, int b) {\n    return (a - b));\n}\n' > broken.c
printf 'not C at all: ((((\n' > notes.txt
git add .pre-commit-config.yaml valid.c broken.c notes.txt
pre-commit install >/dev/null
echo "test-pre-commit: first commit (pre-commit builds nestnet; a few minutes the first time)" >&2
if git commit -qm "valid and broken" > "$WORK/first.log" 2>&1; then cat "$WORK/first.log"; fail "a commit with a broken file was accepted"; fi
cat "$WORK/first.log"
grep -q "broken.c:2:.*error" "$WORK/first.log" || fail "the refusal does not name broken.c line 2"
grep -q "valid.c.*error" "$WORK/first.log" && fail "valid.c was reported"
grep -q "notes.txt" "$WORK/first.log" && fail "notes.txt was passed to the hook"
git rev-parse -q --verify HEAD >/dev/null && fail "a commit was made"

printf 'int sub(int a, int b) {\n    return (a - b);\n}\n' > broken.c
git add broken.c
git commit -qm "fixed" > "$WORK/second.log" 2>&1 || { cat "$WORK/second.log"; fail "the fixed commit was refused"; }
git rev-parse -q --verify HEAD >/dev/null || fail "no commit was made"

# args reach nestnet: the exact engine names itself ("exact oracle") on each line.
sed -i 's/      - id: nestnet/      - id: nestnet\n        args: [--engine, exact]/' .pre-commit-config.yaml
printf 'void f(void) { int a[2] = {1, 2]; }\n' > bad2.c
git add .pre-commit-config.yaml bad2.c
if git commit -qm "exact" > "$WORK/third.log" 2>&1; then cat "$WORK/third.log"; fail "the exact engine accepted a broken file"; fi
cat "$WORK/third.log"
grep -q "bad2.c:1:.*error" "$WORK/third.log" || fail "the exact engine's refusal does not name bad2.c"
grep -q "exact oracle" "$WORK/third.log" || fail "args did not select the exact engine"
echo "test-pre-commit: OK (pre-commit $PRE_COMMIT_VERSION: refused, then accepted after the fix; args select the engine)"
