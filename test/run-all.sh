#!/bin/sh
# Every test suite of dipreg, in order of speed: unit, then the suites that
# drive the real binary.  Each suite that fails is named at the end.
set -u
B=${B:-build}
export DIPREG_BIN="$PWD/$B/dipreg"
failed=""
sh test/run-unit.sh "$B" || failed="$failed unit"
if ls test/api/*.test.mjs >/dev/null 2>&1; then
	echo "== api (node --test)"
	node --test --test-concurrency=2 test/api/ || failed="$failed api"
fi
[ -z "$failed" ] || { echo "FAILED:$failed"; exit 1; }
echo "all suites passed"
