#!/bin/sh
# Runs every cmocka suite in $1/test; test/articles.sh then lists the
# articles of the measures that the passing tests cover.
#
# The suites that reach the database (test_procedure, test_stats, test_store*,
# test_search) then run a second time against PostgreSQL, reported as
# "name[pg]": on the server
# that DIPREG_TEST_PG names (a postgresql:// URL of a maintenance database,
# on which the tests create and drop databases of their own), else on a
# throwaway cluster started here (test/pg/cluster.sh) when PostgreSQL is
# installed, in DIPREG_PG_TMPDIR, /dev/shm or TMPDIR; DIPREG_UNIT_PG=0 skips
# them.
set -u
B=${1:-build}
logdir=$B/test-logs
mkdir -p "$logdir"
failed=""
for t in "$B"/test/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	# On SQLite: the PostgreSQL runs come after, as name[pg].
	if env -u DIPREG_TEST_PG "$t" >"$logdir/$name.log" 2>&1; then
		printf 'unit  %-28s ok   (%s tests)\n' "$name" "$(grep -c '^\[       OK \]' "$logdir/$name.log")"
	else
		printf 'unit  %-28s FAIL\n' "$name"
		grep -E '^\[  (FAILED|ERROR) +\]|error|Error' "$logdir/$name.log" | head -20
		failed="$failed $name"
	fi
done

# ---- the same suites on PostgreSQL ----
pgdir=""
stop_cluster() {
	[ -z "$pgdir" ] || sh test/pg/cluster.sh stop "$pgdir"
	pgdir=""
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM HUP

start_cluster() {
	out=$(sh test/pg/cluster.sh throwaway 2>"$logdir/pg-cluster.log") || return 1
	pgdir=${out%% *}
	DIPREG_TEST_PG=${out#* }
	export DIPREG_TEST_PG
}

pg_suites=""
for t in "$B"/test/test_procedure "$B"/test/test_stats "$B"/test/test_store* "$B"/test/test_search; do
	[ -x "$t" ] && pg_suites="$pg_suites $t"
done
if [ "${DIPREG_UNIT_PG:-1}" = 0 ]; then
	pg_suites=""
elif [ -n "${DIPREG_TEST_PG:-}" ]; then
	echo "unit  PostgreSQL: $DIPREG_TEST_PG"
elif ! sh test/pg/cluster.sh bindir >/dev/null 2>&1; then
	echo "unit  PostgreSQL suites skipped: no initdb (apt-get install postgresql)"
	pg_suites=""
elif ! start_cluster; then
	echo "unit  PostgreSQL: the throwaway cluster did not start"
	cat "$logdir/pg-cluster.log"
	failed="$failed postgresql"
	pg_suites=""
fi
# The suites are mostly waiting on the server: run them side by side.
for t in $pg_suites; do
	name=$(basename "$t")
	( "$t" >"$logdir/pg-$name.log" 2>&1; echo $? >"$logdir/pg-$name.rc" ) &
done
wait
for t in $pg_suites; do
	name=$(basename "$t")
	if [ "$(cat "$logdir/pg-$name.rc")" = 0 ]; then
		printf 'unit  %-28s ok   (%s tests)\n' "$name[pg]" "$(grep -c '^\[       OK \]' "$logdir/pg-$name.log")"
	else
		printf 'unit  %-28s FAIL\n' "$name[pg]"
		grep -E '^\[  (FAILED|ERROR) +\]|error|Error' "$logdir/pg-$name.log" | head -20
		failed="$failed $name[pg]"
	fi
done
stop_cluster
[ -z "$failed" ] || { echo "failed:$failed"; exit 1; }
