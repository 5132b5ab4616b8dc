#!/bin/sh
# dipreg, with every database file given to --db replaced by a PostgreSQL
# database on the cluster that DIPREG_TEST_PG names.  The database is named
# after the file's path and created on first use, so that "admin init --db
# DIR/r.db" and a later "serve --db DIR/r.db" meet in the same database.
#
# Suites whose harness hands the binary a file path run unchanged on
# PostgreSQL with DIPREG_BIN pointing here and DIPREG_REAL_BIN at the
# binary (test/run-all.sh does that for the API suites).
set -eu
real=${DIPREG_REAL_BIN:?DIPREG_REAL_BIN: the dipreg binary}
base=${DIPREG_TEST_PG:?DIPREG_TEST_PG: the URL of a PostgreSQL maintenance database}
here=$(dirname "$0")

# The URL of the database standing for file $1.
pg_url() {
	name=dipreg_f_$(printf '%s' "$1" | sha256sum | cut -c1-20)
	bin=$(sh "$here/cluster.sh" bindir 2>/dev/null) || bin=/usr/bin
	psql=$bin/psql
	[ -x "$psql" ] || psql=psql
	if [ -z "$("$psql" -X -A -t -d "$base" -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
		# Two processes may race to create it; the loser finds it made.
		"$psql" -X -q -d "$base" -c "CREATE DATABASE $name" >/dev/null 2>&1 || true
	fi
	# A harness may look for the file to tell a new registry from one
	# it restarts: leave an empty one in its place.
	[ -e "$1" ] || { : >"$1"; } 2>/dev/null || true
	echo "${base%/*}/$name"
}

n=$#
prev=
for a in "$@"; do
	orig=$a
	if [ "$prev" = "--db" ]; then
		case $a in
		*://*) ;;
		*) a=$(pg_url "$a") ;;
		esac
	fi
	set -- "$@" "$a"
	prev=$orig
done
shift "$n"
exec "$real" "$@"
