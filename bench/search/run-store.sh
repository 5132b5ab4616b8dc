#!/bin/sh
# The real search path at scale (bench_store.c): builds the program against
# the library "make" built, loads N documents through the store, and runs
# the query mix single-threaded.  Usage:
#   bench/search/run-store.sh [N [DB [SECONDS]]]
# N defaults to 100000; DB to a SQLite file in a temporary directory,
# removed afterwards (a postgresql:// URL runs on PostgreSQL; an existing
# SQLite file is queried without loading).  B selects the build directory.
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
n=${1:-100000}
db=${2:-}
secs=${3:-20}
make --no-print-directory "$B/libdipreg.a" >/dev/null
mkdir -p "$B/bench"
cc -std=c11 -O2 -g -D_GNU_SOURCE -Isrc -Wall -Wextra -Werror -Wshadow -Wvla \
	-o "$B/bench/search_store" bench/search/bench_store.c "$B/libdipreg.a" \
	$(pkg-config --cflags --libs libevent libevent_pthreads sqlite3 libpq libcrypto jansson cairo pangocairo libqrencode zlib) -lm -lpthread
tmp=""
if [ -z "$db" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	db=$tmp/search.db
fi
if [ ! -f "$db" ]; then
	"$B/bench/search_store" load "$db" "$n"
	"$B/bench/search_store" optimize "$db"
	case $db in postgres*) ;; *) echo "database: $(du -m "$db" | cut -f1) MiB";; esac
fi
"$B/bench/search_store" match "$db"
"$B/bench/search_store" query "$db" "$secs"
