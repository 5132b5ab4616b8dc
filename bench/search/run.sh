#!/bin/sh
# Builds and runs the search benchmark (bench_fts.c) against the library
# that "make" built.  Usage: bench/search/run.sh [RECORDS [DBFILE [contentless]]]
# RECORDS defaults to 100000; DBFILE to a file in a temporary directory,
# removed afterwards ("-" for the default with a third argument).
# B selects the build directory, as in the Makefile.
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
n=${1:-100000}
make --no-print-directory "$B/libdipreg.a" >/dev/null
mkdir -p "$B/bench"
cc -std=c11 -O2 -g -D_GNU_SOURCE -Isrc -Wall -Wextra -Werror -Wshadow -Wvla \
	-o "$B/bench/search_fts" bench/search/bench_fts.c "$B/libdipreg.a" \
	$(pkg-config --cflags --libs sqlite3) -lm
if [ $# -ge 2 ] && [ "$2" != "-" ]; then
	exec "$B/bench/search_fts" "$n" "$2" "${3:-}"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$B/bench/search_fts" "$n" "$tmp/search.db" "${3:-}"
