#!/bin/sh
# Every test suite of dipreg, in order of speed: unit, then the suites that
# drive the real binary (node's built-in runner).  Each failing suite is
# named at the end.
set -u
B=${B:-build}
export DIPREG_BIN="$PWD/$B/dipreg"
failed=""
sh test/run-unit.sh "$B" || failed="$failed unit"
for suite in cli api web crash ops; do
	ls test/$suite/*.test.mjs >/dev/null 2>&1 || continue
	if [ "$suite" = web ] && ! sh mk/web.sh; then
		failed="$failed web"
		continue
	fi
	echo "== $suite (node --test)"
	node --test --test-concurrency=2 test/$suite/*.test.mjs >"$B/test-logs/node-$suite.log" 2>&1 ||
		failed="$failed $suite"
	grep -E '^# (tests|pass|fail|duration_ms)' "$B/test-logs/node-$suite.log" | tr '\n' ' '
	echo
	grep -B2 -A25 '^not ok' "$B/test-logs/node-$suite.log" | head -120
done
if [ "${SKIP_FUZZ:-0}" != 1 ] && command -v clang >/dev/null 2>&1; then
	echo "== fuzz (libFuzzer, ${FUZZ_SECONDS:-5} s each)"
	if make --no-print-directory -s -f mk/fuzz.mk >build/fuzz-build.log 2>&1; then
		FUZZ_SECONDS=${FUZZ_SECONDS:-5} sh test/fuzz/run.sh || failed="$failed fuzz"
	else
		tail -20 build/fuzz-build.log
		failed="$failed fuzz-build"
	fi
fi
sh test/articles.sh "$B"
[ -z "$failed" ] || { echo "FAILED:$failed"; exit 1; }
echo "all suites passed"
