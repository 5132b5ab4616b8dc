#!/bin/sh
# Checks that SQLite FTS5 and PostgreSQL find the same records for the
# same queries (agree.c), on a throw-away PostgreSQL cluster started on a
# Unix socket in a temporary directory.  Needs the postgresql package.
# Usage: bench/search/agree.sh [RECORDS [QUERIES]]   (default 2000 2000)
# Run as root, the cluster runs as the user "postgres".
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
n=${1:-2000}
nq=${2:-2000}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pgbin" ] || { echo "agree: PostgreSQL server binaries not found" >&2; exit 1; }
make --no-print-directory "$B/libdipreg.a" >/dev/null
mkdir -p "$B/bench"
cc -std=c11 -O2 -g -D_GNU_SOURCE -Isrc -Wall -Wextra -Werror -Wshadow -Wvla \
	-o "$B/bench/search_agree" bench/search/agree.c "$B/libdipreg.a" \
	$(pkg-config --cflags --libs sqlite3)
tmp=$(mktemp -d)
as_pg=""
if [ "$(id -u)" -eq 0 ]; then
	chown postgres "$tmp"
	as_pg="runuser -u postgres --"
fi
cleanup() {
	$as_pg "$pgbin/pg_ctl" -D "$tmp/db" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
$as_pg "$pgbin/initdb" -D "$tmp/db" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
$as_pg "$pgbin/pg_ctl" -D "$tmp/db" -l "$tmp/log" -w \
	-o "-k $tmp -c listen_addresses= -c fsync=off" start >/dev/null
"$B/bench/search_agree" fts5 "$n" "$nq" >"$tmp/fts5.txt"
"$B/bench/search_agree" pg "$n" "$nq" >"$tmp/pg.sql"
psql -X -q -h "$tmp" -U postgres -d postgres -f "$tmp/pg.sql" >"$tmp/pg.txt"
cut -f1 "$tmp/fts5.txt" >"$tmp/fts5.ids"
queries=$(wc -l <"$tmp/fts5.ids")
hits=$(awk '$2 != "" { h++ } END { print h + 0 }' "$tmp/fts5.ids")
if diff "$tmp/fts5.ids" "$tmp/pg.txt" >"$tmp/diff"; then
	echo "agree: $queries queries over $n records, $hits with hits: same records in FTS5 and PostgreSQL"
else
	echo "agree: FTS5 and PostgreSQL differ:"
	head -20 "$tmp/diff"
	echo "queries:"
	awk '/^</ { print $2 }' "$tmp/diff" | head -5 | while read -r q; do
		grep "^$q " "$tmp/fts5.txt"
	done
	exit 1
fi
