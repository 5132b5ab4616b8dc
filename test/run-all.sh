#!/bin/sh
# Every test suite of dipreg, in order of speed: unit, then the suites that
# drive the real binary (node's built-in runner).  Each failing suite is
# named at the end.
#
# PostgreSQL: one throwaway cluster (test/pg/cluster.sh) serves every
# suite that runs on it, unless DIPREG_TEST_PG names a server already: the
# unit suites' [pg] runs, test/pg (the main path, two servers on one
# database, migrate), and the API suites again as "api[pg]" through
# test/pg/dipreg-on-pg.sh (PG_API_SUITES: which ones, "all" for every one;
# by default the main path, journey, objection and renewal, the log and
# the authorization matrix).
set -u
B=${B:-build}
export DIPREG_BIN="$PWD/$B/dipreg"
mkdir -p "$B/test-logs"
failed=""

pgdir=""
stop_cluster() {
	[ -z "$pgdir" ] || sh test/pg/cluster.sh stop "$pgdir"
	pgdir=""
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM HUP
if [ -z "${DIPREG_TEST_PG:-}" ] && sh test/pg/cluster.sh bindir >/dev/null 2>&1; then
	if out=$(sh test/pg/cluster.sh throwaway 2>"$B/test-logs/pg-cluster.log"); then
		pgdir=${out%% *}
		DIPREG_TEST_PG=${out#* }
		export DIPREG_TEST_PG
	else
		echo "PostgreSQL: the throwaway cluster did not start"
		cat "$B/test-logs/pg-cluster.log"
		failed="$failed postgresql"
	fi
fi

# Runs node's test runner as suite $1, logging to $2, on the files after.
node_suite() {
	name=$1
	log=$B/test-logs/$2
	shift 2
	echo "== $name (node --test)"
	node --test --test-concurrency=2 "$@" >"$log" 2>&1
	rc=$?
	grep -E '^# (tests|pass|fail|skipped|duration_ms)' "$log" | tr '\n' ' '
	echo
	grep -B2 -A25 '^not ok' "$log" | head -120
	return $rc
}

sh test/run-unit.sh "$B" || failed="$failed unit"
for suite in cli api web pg crash ops; do
	ls test/$suite/*.test.mjs >/dev/null 2>&1 || continue
	if [ "$suite" = web ] && ! sh mk/web.sh; then
		failed="$failed web"
		continue
	fi
	node_suite "$suite" "node-$suite.log" test/$suite/*.test.mjs || failed="$failed $suite"
	[ "$suite" = api ] && [ -n "${DIPREG_TEST_PG:-}" ] || continue
	files=""
	for t in ${PG_API_SUITES:-journey objection renewal log authz}; do
		if [ "$t" = all ]; then
			files=$(ls test/api/*.test.mjs)
		elif [ -f "test/api/$t.test.mjs" ]; then
			files="$files test/api/$t.test.mjs"
		fi
	done
	[ -n "$files" ] || continue
	# The same suites with every database on PostgreSQL.  Their log is
	# not a node-*.log: articles.sh counts each test once.
	# shellcheck disable=SC2086
	(
		export DIPREG_REAL_BIN="$DIPREG_BIN"
		export DIPREG_BIN="$PWD/test/pg/dipreg-on-pg.sh"
		node_suite "api[pg]" pg-api.log $files
	) || failed="$failed api[pg]"
done
stop_cluster
if [ "${SKIP_FUZZ:-0}" != 1 ] && command -v clang >/dev/null 2>&1; then
	echo "== fuzz (libFuzzer, ${FUZZ_SECONDS:-5} s each)"
	if make --no-print-directory -s -f mk/fuzz.mk >build/fuzz-build.log 2>&1; then
		FUZZ_SECONDS=${FUZZ_SECONDS:-5} sh test/fuzz/run.sh || failed="$failed fuzz"
	else
		tail -20 build/fuzz-build.log
		failed="$failed fuzz-build"
	fi
fi
# The unit suites once more built with AddressSanitizer and
# UndefinedBehaviorSanitizer (make SAN=1), on SQLite: every domain, store
# and service test with the sanitizers watching.  Skipped when this run is
# itself the sanitizer build, or with SKIP_SAN=1.
case "$B" in */san) SKIP_SAN=1 ;; esac
if [ "${SKIP_SAN:-0}" != 1 ]; then
	echo "== unit[san] (AddressSanitizer + UndefinedBehaviorSanitizer)"
	if make --no-print-directory -s BUILD="$B" SAN=1 -j"$(nproc)" unit-bins >"$B/test-logs/san-build.log" 2>&1; then
		DIPREG_UNIT_PG=0 sh test/run-unit.sh "$B/san" >"$B/test-logs/san-unit.log" 2>&1 || failed="$failed unit[san]"
		sed 's/^unit  \([^ ]*\)  /san   \1[san]/' "$B/test-logs/san-unit.log"
	else
		tail -20 "$B/test-logs/san-build.log"
		failed="$failed san-build"
	fi
fi
sh test/articles.sh "$B"
[ -z "$failed" ] || { echo "FAILED:$failed"; exit 1; }
echo "all suites passed"
