#!/bin/sh
# bench/run.sh - dipreg's benchmarks against reference programs on the same
# machine (issue 10; docs/performance.md explains each figure).
#
#   make bench                       full run (about 40 minutes)
#   BENCH_QUICK=1 make bench         the same, small, in a few minutes
#
# Prints one table (id, what, dipreg, reference, ratio, target, result) and
# writes bench/results.json.  Everything runs on 127.0.0.1 in a temporary
# directory that is removed at the end; every load is bounded in time.
#
# Settings (environment):
#   BENCH_SIZES         registrations of the generated registries, ascending;
#                       P1, P3 and P6 run on the largest (default 100000 1000000;
#                       quick 20000)
#   BENCH_LEDGER_SIZES  log sizes for P5 and P7 (default 100000 1000000 10000000;
#                       quick 20000 200000)
#   BENCH_SECONDS       length of each load run (default 10; quick 3)
#   BENCH_ROUNDS        dipreg and its reference alternate this many times, and
#                       each keeps its median (default 3; quick 1)
#   BENCH_FP_MB         data fingerprinted for P4 (default 4096; quick 512)
#   BENCH_DIR           where the databases and files go (default: a new
#                       directory under /var/tmp, on disk, not tmpfs); a
#                       registry already there (rN.db) is used again, with
#                       new drafts for P3; P5's log always starts empty
#   BENCH_PG=1          P1, P2, P3 and P6 once more with PostgreSQL
#   BENCH_ONLY          the parts to run, of P1 P2 P3 P4 P5 (P6 comes with
#                       P1, P7 with P2 and P5); default all.  A partial run
#                       writes bench/results-partial.json
#   BENCH_KEEP=1        with BENCH_DIR: keep the generated registries there
#                       and use them again in later runs
#                       (test/pg/cluster.sh starts a throwaway cluster)
#   B                   the build directory, as in the Makefile
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
ROOT=$(pwd)
DIPREG=$ROOT/$B/dipreg

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	SIZES=${BENCH_SIZES:-20000}
	LSIZES=${BENCH_LEDGER_SIZES:-20000 200000}
	SECONDS_EACH=${BENCH_SECONDS:-3}
	ROUNDS=${BENCH_ROUNDS:-1}
	FP_MB=${BENCH_FP_MB:-512}
else
	SIZES=${BENCH_SIZES:-100000 1000000}
	LSIZES=${BENCH_LEDGER_SIZES:-100000 1000000 10000000}
	SECONDS_EACH=${BENCH_SECONDS:-10}
	ROUNDS=${BENCH_ROUNDS:-3}
	FP_MB=${BENCH_FP_MB:-4096}
fi
CORES=$(nproc)
PORT_DIPREG=${BENCH_PORT:-18480}
PORT_NGINX=$((PORT_DIPREG + 1))

for tool in wrk nginx hyperfine openssl sha256sum sqlite3 curl cc; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing (make deps-bench)" >&2; exit 1; }
done
make --no-print-directory "$B/dipreg" >/dev/null

WORK=${BENCH_DIR:-}
if [ -z "$WORK" ]; then
	WORK=$(mktemp -d /var/tmp/dipreg-bench.XXXXXX)
	# nginx workers run as nobody: they must reach the files.
	chmod 755 "$WORK"
	OWN_WORK=1
else
	mkdir -p "$WORK"
	OWN_WORK=0
fi
SERVE_PID=""
PG_DIR=""
cleanup() {
	[ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
	[ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null
	[ -n "$PG_DIR" ] && sh test/pg/cluster.sh stop "$PG_DIR" >/dev/null 2>&1
	if [ "$OWN_WORK" = 1 ]; then rm -rf "$WORK"; else rm -rf "$WORK/fp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$WORK/fsync_loop" bench/fsync_loop.c
LOG=$WORK/log
mkdir -p "$LOG"
ROWS=$WORK/rows     # id|what|dipreg|reference|ratio|target|result|note
: >"$ROWS"
JSON_EXTRA=$WORK/extra.json
: >"$JSON_EXTRA"

say() { printf 'bench: %s\n' "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# row ID WHAT DIPREG REFERENCE RATIO TARGET RESULT [NOTE]
row() { printf '%s|%s|%s|%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "${8:-}" >>"$ROWS"; }
# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "-" && a + 0 >= b + 0) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "-" && a + 0 <= b + 0) }'; }
passfail() { if "$@"; then echo pass; else echo FAIL; fi; }
search_ok() { le "$1" 20 && ge "$2" 2000; }
# want P2: that part is asked for
want() { [ -z "${BENCH_ONLY:-}" ] || case " $BENCH_ONLY " in *" $1 "*) true ;; *) false ;; esac; }
# a "key": number from one line of JSON
jnum() { sed -n "s/.*\"$1\": *\([-0-9.e+]*\).*/\1/p" | head -n 1; }

# ---- registries ----------------------------------------------------------

largest=""
for n in $SIZES; do largest=$n; done
# Drafts for P3: each round has its own third, and a round that runs out
# measures the drafts it had, not the server.  At 4,000 a second they ran
# out at 1M registrations in the runs from 1b0c429 to b1b49ba, which held
# P3 at 4,013-4,021/s whatever the code did.  Now enough for 20,000 a
# second, above 5x any sync loop seen on this disk, and a round answered
# anything but 2xx (a draft submitted twice is a 409) says so in the note.
DRAFTS=$((ROUNDS * SECONDS_EACH * 20000 + 1000))

gen_registry() {
	n=$1
	db=$WORK/r$n.db
	if [ -f "$db" ]; then
		say "using the registry of $n registrations in $db"
		# Deadlines that ran out since the last run are applied here, not
		# by the server's first tick in the middle of P1 and P2: each
		# registration it makes changes the search index, and so empties
		# the answer cache.
		"$DIPREG" tick --db "$db" --data-dir "$WORK/data" >"$LOG/tick-$n.txt" 2>&1
		# An earlier run's P3 submitted its drafts: P3 gets new ones.
		added=null
		if [ "$n" = "$largest" ] && want P3; then
			say "adding $DRAFTS drafts for P3"
			"$DIPREG" bench-gen --db "$db" --data-dir "$WORK/data" --count 0 --drafts "$DRAFTS" \
				--token-file "$WORK/token" >"$LOG/drafts-$n.json" 2>"$LOG/drafts-$n.err"
			added=$(cat "$LOG/drafts-$n.json")
		fi
		printf '{"registrations": %s, "kept": true, "db_bytes": %s, "drafts_added": %s}\n' "$n" \
			"$(stat -c %s "$db")" "$added" >>"$LOG/registries.jsonl"
		return
	fi
	extra=""
	[ "$n" = "$largest" ] && extra="--drafts $DRAFTS --token-file $WORK/token"
	say "generating $n registrations ($(load))"
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	"$DIPREG" bench-gen --db "$db" --data-dir "$WORK/data" --count "$n" $extra \
		>"$LOG/gen-$n.json" 2>"$LOG/gen-$n.err"
	t1=$(date +%s.%N)
	size=$(stat -c %s "$db")
	printf '{"registrations": %s, "seconds": %s, "db_bytes": %s, "gen": %s}\n' "$n" \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" "$size" \
		"$(cat "$LOG/gen-$n.json")" >>"$LOG/registries.jsonl"
}

: >"$LOG/registries.jsonl"
if want P1 || want P2 || want P3; then
	for n in $SIZES; do gen_registry "$n"; done
fi

# ---- the server ------------------------------------------------------------

start_server() {  # DB DATA-DIR [SERVE OPTIONS]
	rm -f "$WORK/ready"
	db=$1
	dd=$2
	shift 2
	"$DIPREG" serve --db "$db" --data-dir "$dd" --listen "127.0.0.1:$PORT_DIPREG" \
		--threads "$CORES" --ready-file "$WORK/ready" --log-level warn "$@" >>"$LOG/serve.log" 2>&1 &
	SERVE_PID=$!
	i=0
	while [ ! -s "$WORK/ready" ]; do
		i=$((i + 1))
		[ $i -gt 600 ] && { say "server did not start"; exit 1; }
		kill -0 "$SERVE_PID" 2>/dev/null || { say "server exited: $(tail -3 "$LOG/serve.log")"; exit 1; }
		sleep 0.1
	done
}

stop_server() {
	[ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null || true
	SERVE_PID=""
}

# wrk's requests per second
rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$1"; }
# wrk's 2xx responses per second: all responses less the non-2xx/3xx ones
ok_rps() {
	total=$(sed -n 's/^ *\([0-9]*\) requests in \([0-9.]*\)s.*/\1/p' "$1")
	secs=$(sed -n 's/^ *[0-9]* requests in \([0-9.]*\)\(m*s\).*/\1 \2/p' "$1" | awk '{ print ($2 == "ms") ? $1 / 1000 : $1 }')
	bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$1")
	awk -v t="${total:-0}" -v b="${bad:-0}" -v s="${secs:-1}" 'BEGIN { printf "%.1f", (t - b) / s }'
}
# a latency percentile of wrk --latency, in ms
pct() {
	sed -n "s/^ *$2%  *\([0-9.]*\)\([mu]*s\).*/\1 \2/p" "$1" | awk '{ v = $1; if ($2 == "us") v /= 1000; else if ($2 == "s") v *= 1000; printf "%.2f", v }'
}

# ---- P1, P2, P6 on the largest registry ------------------------------------------

# P2: the query mix of bench/search/wrk-mix.lua (broad and narrow words,
# phrases, OR, exclusions, filters, a second page, a number lookup), 32
# connections.  Twice: as a registry serves it, with the answer cache
# (--search-cache, the default) warmed by one pass of the mix, as after the
# first visitors; and with no cache, every query searched afresh (the
# engine), measured after as long a run of the same that warms the page
# caches.  The second p99 is kept in $WORK/p2-N.p99 for P7.
p2_cached() {  # LABEL REGISTRATIONS (the server running)
	base="http://127.0.0.1:$PORT_DIPREG"
	say "P2 $1: search at $2 registrations, answer cache ($(load))"
	wrk -t1 -c1 -d"${SECONDS_EACH}s" -s bench/search/wrk-mix.lua "$base" >"$LOG/p2-$1-$2-warm.txt"
	wrk -t2 -c32 -d"${SECONDS_EACH}s" --latency -s bench/search/wrk-mix.lua "$base" >"$LOG/p2-$1-$2.txt"
	p99=$(pct "$LOG/p2-$1-$2.txt" 99)
	qps=$(ok_rps "$LOG/p2-$1-$2.txt")
	row "P2$1" "search at $2 registrations, answer cache: p99 ms / q/s" "$p99 / $qps" "-" "-" \
		"<= 20 ms, >= 2000 q/s" "$(passfail search_ok "$p99" "$qps")" \
		"p50 $(pct "$LOG/p2-$1-$2.txt" 50) ms, the cache warmed by one pass of the mix; load $(load)"
}

p2_nocache() {  # LABEL REGISTRATIONS DB DATA-DIR
	base="http://127.0.0.1:$PORT_DIPREG"
	start_server "$3" "$4" --search-cache 0
	say "P2 $1: search at $2 registrations, no cache ($(load))"
	# As the cached run has its cache warmed, this one has the server's
	# page caches warmed: the first seconds after a start read the index
	# into them (at 1M the p99 of a first 10 s was 185 ms, of the next 79).
	wrk -t2 -c32 -d"${SECONDS_EACH}s" -s bench/search/wrk-mix.lua "$base" >/dev/null
	wrk -t2 -c32 -d"${SECONDS_EACH}s" --latency -s bench/search/wrk-mix.lua "$base" >"$LOG/p2-$1-$2-nocache.txt"
	p99=$(pct "$LOG/p2-$1-$2-nocache.txt" 99)
	qps=$(ok_rps "$LOG/p2-$1-$2-nocache.txt")
	row "P2$1" "search at $2 registrations, no cache: p99 ms / q/s" "$p99 / $qps" "-" "-" \
		"<= 20 ms, >= 2000 q/s" "$(passfail search_ok "$p99" "$qps")" \
		"p50 $(pct "$LOG/p2-$1-$2-nocache.txt" 50) ms, every query searched, after ${SECONDS_EACH}s of the same to warm up; load $(load)"
	[ -n "$1" ] || echo "$p99" >"$WORK/p2-$2.p99"
	stop_server
}

run_reads() {  # LABEL DB-URL DATA-DIR
	label=$1
	url=$2
	start_server "$url" "$3"
	want P1 && p1 "$label"
	want P2 && p2_cached "$label" "$largest"
	# P6: the server's memory after those loads.
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVE_PID/status")
	hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$SERVE_PID/status")
	rss_mib=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
	hwm_mib=$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')
	row "P6$label" "server memory after P1 and P2: VmRSS (VmHWM) MiB" "$rss_mib ($hwm_mib)" "-" "-" \
		"<= 64 MiB" "$(passfail le "$hwm_mib" 64)" "$largest registrations, $CORES threads"
	stop_server
	want P2 && p2_nocache "$label" "$largest" "$url" "$3"
	return 0
}

# P1 on the running server, against nginx serving the same bytes.
p1() {  # LABEL
	label=$1
	base="http://127.0.0.1:$PORT_DIPREG"
	# A registered record, as the public reads it.
	id=$(curl -fsS "$base/api/register?state=registered&limit=50" | tr ',' '\n' | sed -n 's/.*"id":\([0-9]*\).*/\1/p' | sed -n 25p)
	[ -n "$id" ] || { say "no registered record found"; exit 1; }
	mkdir -p "$WORK/nginx/html/api/applications" "$WORK/nginx/tmp"
	curl -fsS "$base/api/applications/$id" >"$WORK/nginx/html/api/applications/$id"
	bytes=$(stat -c %s "$WORK/nginx/html/api/applications/$id")
	cat >"$WORK/nginx/nginx.conf" <<-EOF
	worker_processes $CORES;
	pid $WORK/nginx/nginx.pid;
	error_log $WORK/nginx/error.log;
	events { worker_connections 1024; }
	http {
	  access_log off;
	  default_type application/json;
	  keepalive_requests 100000000;
	  sendfile on;
	  tcp_nopush on;
	  open_file_cache max=1000 inactive=60s;
	  open_file_cache_valid 60s;
	  client_body_temp_path $WORK/nginx/tmp;
	  proxy_temp_path $WORK/nginx/tmp;
	  fastcgi_temp_path $WORK/nginx/tmp;
	  uwsgi_temp_path $WORK/nginx/tmp;
	  scgi_temp_path $WORK/nginx/tmp;
	  server {
	    listen 127.0.0.1:$PORT_NGINX;
	    root $WORK/nginx/html;
	  }
	}
	EOF
	if [ ! -f "$WORK/nginx/nginx.pid" ]; then
		nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -e "$WORK/nginx/error.log"
		sleep 0.5
	fi
	curl -fsS -o /dev/null "http://127.0.0.1:$PORT_NGINX/api/applications/$id"
	say "P1 $label: record $id ($bytes bytes), $ROUNDS x ${SECONDS_EACH}s each ($(load))"
	: >"$WORK/p1.d"
	: >"$WORK/p1.n"
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		r=$((r + 1))
		wrk -t2 -c64 -d"${SECONDS_EACH}s" --latency "http://127.0.0.1:$PORT_NGINX/api/applications/$id" \
			>"$LOG/p1-$label-nginx-$r.txt"
		wrk -t2 -c64 -d"${SECONDS_EACH}s" --latency "$base/api/applications/$id" \
			>"$LOG/p1-$label-dipreg-$r.txt"
		rps "$LOG/p1-$label-nginx-$r.txt" >>"$WORK/p1.n"
		rps "$LOG/p1-$label-dipreg-$r.txt" >>"$WORK/p1.d"
	done
	d=$(median <"$WORK/p1.d")
	n=$(median <"$WORK/p1.n")
	q=$(ratio "$d" "$n")
	row "P1$label" "GET a public record (${bytes} B), 64 conns, req/s" "$d" "$n (nginx static)" "$q" \
		">= 0.8x" "$(passfail ge "$q" 0.8)" "p99 $(pct "$LOG/p1-$label-dipreg-$ROUNDS.txt" 99) ms vs $(pct "$LOG/p1-$label-nginx-$ROUNDS.txt" 99) ms; load $(load)"
}

# ---- P3: durable submissions --------------------------------------------------------

run_writes() {  # LABEL DB-URL DATA-DIR
	label=$1
	url=$2
	# shellcheck disable=SC1090
	. "$WORK/token"
	start_server "$url" "$3"
	say "P3 $label: drafts $first-$last, $ROUNDS x ${SECONDS_EACH}s ($(load))"
	: >"$WORK/p3.d"
	: >"$WORK/p3.f"
	short=""
	span=$(((last - first + 1) / ROUNDS))
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		lo=$((first + r * span))
		hi=$((lo + span - 1))
		r=$((r + 1))
		"$WORK/fsync_loop" "$(dirname "$DBFILE")" "$SECONDS_EACH" >"$LOG/p3-$label-fsync-$r.txt"
		wrk -t2 -c64 -d"${SECONDS_EACH}s" --timeout 10s --latency -s bench/wrk/submit.lua \
			"http://127.0.0.1:$PORT_DIPREG" -- "$token" "$lo" "$hi" 2 >"$LOG/p3-$label-dipreg-$r.txt"
		sed -n 's/.*ops_per_s=\([0-9.]*\).*/\1/p' "$LOG/p3-$label-fsync-$r.txt" >>"$WORK/p3.f"
		{ ok_rps "$LOG/p3-$label-dipreg-$r.txt"; echo; } >>"$WORK/p3.d"
		# A draft submitted twice is a 409: the round ran out of drafts.
		grep -q "Non-2xx" "$LOG/p3-$label-dipreg-$r.txt" && short="$short $r"
	done
	d=$(median <"$WORK/p3.d")
	f=$(median <"$WORK/p3.f")
	q=$(ratio "$d" "$f")
	row "P3$label" "durable submissions/s, 64 clients" "$d" "$f (write+fdatasync loop)" "$q" ">= 5x" \
		"$(passfail ge "$q" 5)" "p99 $(pct "$LOG/p3-$label-dipreg-$ROUNDS.txt" 99) ms; load $(load)${short:+; answers other than 2xx in round$short (drafts ran out?): a lower bound}"
	stop_server
}

# P2 on the smaller registries too, for the growth of P7.
if want P2; then
	for n in $SIZES; do
		[ "$n" = "$largest" ] && continue
		start_server "$WORK/r$n.db" "$WORK/data"
		p2_cached "" "$n"
		stop_server
		p2_nocache "" "$n" "$WORK/r$n.db" "$WORK/data"
	done
fi
DBFILE=$WORK/r$largest.db
if want P1 || want P2; then run_reads "" "$DBFILE" "$WORK/data"; fi
if want P3; then run_writes "" "$DBFILE" "$WORK/data"; fi

if [ "${BENCH_PG:-0}" = 1 ]; then
	say "PostgreSQL: a throwaway cluster"
	# The cluster's owner must reach its directory: under /tmp, not $WORK.
	PG_DIR=$(mktemp -d /tmp/dipreg-bench-pg.XXXXXX)
	PG_URL=$(sh test/pg/cluster.sh start "$PG_DIR" "$(sh test/pg/cluster.sh freeport)")
	psql=$(sh test/pg/cluster.sh bindir)/psql
	# The test cluster runs without fsync; a benchmark of durable commits
	# needs it back, and commits that wait for it.
	"$psql" "$PG_URL" -q -c "ALTER SYSTEM SET fsync = on" \
		-c "ALTER SYSTEM SET full_page_writes = on" \
		-c "ALTER SYSTEM SET synchronous_commit = on" -c "SELECT pg_reload_conf()" \
		-c "CREATE DATABASE bench" >/dev/null
	pgdb="${PG_URL%/postgres}/bench"
	say "PostgreSQL: generating $largest registrations"
	"$DIPREG" bench-gen --db "$pgdb" --data-dir "$WORK/data-pg" --count "$largest" \
		--drafts "$DRAFTS" --token-file "$WORK/token" >"$LOG/gen-pg.json" 2>"$LOG/gen-pg.err"
	run_reads "pg" "$pgdb" "$WORK/data-pg"
	run_writes "pg" "$pgdb" "$WORK/data-pg"
fi

# ---- P4: fingerprints ----------------------------------------------------------------

if want P4; then
FP=$WORK/fp
need_kb=$((FP_MB * 1024 * 12 / 10))
avail_kb=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
if [ "$avail_kb" -lt "$need_kb" ]; then
	row P4 "fingerprint ${FP_MB} MiB" "not run" "-" "-" "-" "n/a" "needs $((need_kb / 1024)) MiB free in $WORK"
else
	say "P4: writing $FP_MB MiB of mixed files"
	mkdir -p "$FP/big" "$FP/medium" "$FP/small" "$FP/tiny"
	q4=$((FP_MB / 4))
	head -c "${q4}M" /dev/urandom >"$FP/big/one.bin"
	i=0; while [ $i -lt 16 ]; do head -c "$((q4 * 1024 / 16))K" /dev/urandom >"$FP/medium/m$i.bin"; i=$((i + 1)); done
	i=0; while [ $i -lt 256 ]; do head -c "$((q4 * 1024 / 256))K" /dev/urandom >"$FP/small/s$i.bin"; i=$((i + 1)); done
	mkdir -p "$FP/tiny/a" "$FP/tiny/b"
	i=0; while [ $i -lt 4096 ]; do head -c "$((q4 * 1024 / 4096))K" /dev/urandom >"$FP/tiny/$( [ $((i % 2)) = 0 ] && echo a || echo b)/t$i.csv"; i=$((i + 1)); done
	find "$FP" -type f -exec cat {} + >/dev/null   # into the page cache: this compares CPU, not the disk
	say "P4: hyperfine ($(load))"
	hyperfine --style basic --warmup 1 --runs "$((ROUNDS + 2))" --export-json "$LOG/p4.json" \
		-n dipreg1 "$DIPREG fingerprint --threads 1 $FP" \
		-n dipreg "$DIPREG fingerprint --threads $CORES $FP" \
		-n openssl "find $FP -type f -print0 | xargs -0 openssl dgst -sha256 >/dev/null" \
		-n sha256sum "find $FP -type f -print0 | xargs -0 sha256sum >/dev/null" \
		>"$LOG/p4.txt" 2>&1
	# hyperfine's JSON: one "median", "user" and "system" per command, in order
	meds=$(tr ',' '\n' <"$LOG/p4.json" | sed -n 's/.*"median": *\([0-9.e+-]*\).*/\1/p')
	users=$(tr ',' '\n' <"$LOG/p4.json" | sed -n 's/.*"user": *\([0-9.e+-]*\).*/\1/p')
	syss=$(tr ',' '\n' <"$LOG/p4.json" | sed -n 's/.*"system": *\([0-9.e+-]*\).*/\1/p')
	cpu() { awk -v u="$(echo "$users" | sed -n "$1p")" -v s="$(echo "$syss" | sed -n "$1p")" 'BEGIN { printf "%.2f", u + s }'; }
	c1=$(cpu 1); c2=$(cpu 2); co=$(cpu 3); cs=$(cpu 4)
	t1=$(echo "$meds" | sed -n 1p)
	t2=$(echo "$meds" | sed -n 2p)
	to=$(echo "$meds" | sed -n 3p)
	ts=$(echo "$meds" | sed -n 4p)
	mbps() { awk -v s="$1" -v m="$FP_MB" 'BEGIN { printf "%.0f MB/s", m * 1.048576 / s }'; }
	q=$(ratio "$to" "$t1")
	row P4a "fingerprint ${FP_MB} MiB, 1 thread vs openssl dgst" "$(mbps "$t1")" "$(mbps "$to")" "$q" ">= 0.9x" "$(passfail ge "$q" 0.9)" "4,369 files, page cache warm; CPU s $c1 vs $co"
	q=$(ratio "$to" "$t2")
	row P4b "fingerprint ${FP_MB} MiB, $CORES threads vs openssl dgst" "$(mbps "$t2")" "$(mbps "$to")" "$q" ">= 1.8x" "$(passfail ge "$q" 1.8)" "CPU s $c2 vs $co; load $(load)"
	q=$(ratio "$ts" "$t2")
	row P4c "fingerprint ${FP_MB} MiB, $CORES threads vs sha256sum" "$(mbps "$t2")" "$(mbps "$ts")" "$q" ">= 2.5x" "$(passfail ge "$q" 2.5)" "CPU s $c2 vs $cs"
	rm -rf "$FP"
fi
fi

# ---- P5, P7: the log at growing sizes ----------------------------------------------------

# Appends in batches of 100,000: the sequencer integrates once a second,
# so at the target rate that is one batch.  Proofs with the service's tile
# cache (64 MiB), and with one large enough for every tile (1 GiB): the
# growth of the second is the algorithm's, the first also the cache's,
# which holds every bottom tile up to about a million entries.
: >"$LOG/ledger.jsonl"
: >"$LOG/ledger-bigcache.jsonl"
if want P5; then
# The log grows from nothing to each size in turn, also in a kept BENCH_DIR.
rm -rf "$WORK/ledger.db" "$WORK/ledger.db-wal" "$WORK/ledger.db-shm" "$WORK/data-ledger"
for n in $LSIZES; do
	say "P5: log of $n entries ($(load))"
	"$DIPREG" bench-ledger --db "$WORK/ledger.db" --data-dir "$WORK/data-ledger" --entries "$n" \
		--batch 100000 --proofs 5000 >"$LOG/ledger-$n.json" 2>"$LOG/ledger-$n.err"
	cat "$LOG/ledger-$n.json" >>"$LOG/ledger.jsonl"
	"$DIPREG" bench-ledger --db "$WORK/ledger.db" --data-dir "$WORK/data-ledger" --entries "$n" \
		--proofs 5000 --cache-mb 1024 >"$LOG/ledger-bigcache-$n.json" 2>>"$LOG/ledger-$n.err"
	cat "$LOG/ledger-bigcache-$n.json" >>"$LOG/ledger-bigcache.jsonl"
done
last=$(tail -n 1 "$LOG/ledger.jsonl")
lsize=$(echo "$last" | jnum entries)
app=$(echo "$last" | jnum append_per_s)
appcpu=$(echo "$last" | jnum append_per_cpu_s)
p50=$(echo "$last" | sed 's/.*"proof_us": *{\([^}]*\)}.*/\1/' | jnum p50)
p99=$(echo "$last" | sed 's/.*"proof_us": *{\([^}]*\)}.*/\1/' | jnum p99)
row P5a "log of $lsize entries: appends/s, batches of 100,000" "$app" "-" "-" ">= 100000/s" \
	"$(passfail ge "$app" 100000)" "$appcpu per CPU-second; load $(load)"
row P5b "log of $lsize entries: inclusion proof, us (p50)" "$p50" "-" "-" "<= 100 us" \
	"$(passfail le "$p50" 100)" "p99 $p99 us; the default 64 MiB tile cache, warm"
p50() { sed 's/.*"proof_us": *{\([^}]*\)}.*/\1/' "$1" | jnum p50; }
prev=""
for n in $LSIZES; do
	cur=$(p50 "$LOG/ledger-bigcache-$n.json")
	cached=$(p50 "$LOG/ledger-$n.json")
	if [ -n "$prev" ]; then
		g=$(awk -v a="$cur" -v b="$prev" -v n="$n" -v m="$pn" 'BEGIN { printf "%.2f", exp(log(a / b) / (log(n / m) / log(10))) }')
		row "P7" "proof p50 growth $pn -> $n entries, per 10x" "$prev -> $cur us" "-" "$g" "<= 2x per 10x" \
			"$(passfail le "$g" 2)" "1 GiB tile cache; with the default 64 MiB $pcached -> $cached us"
	fi
	prev=$cur
	pcached=$cached
	pn=$n
done
fi
if want P2; then
prev=""
for n in $SIZES; do
	cur=$(cat "$WORK/p2-$n.p99" 2>/dev/null || echo "")
	if [ -n "$prev" ] && [ -n "$cur" ]; then
		g=$(awk -v a="$cur" -v b="$prev" -v n="$n" -v m="$pn" 'BEGIN { printf "%.2f", exp(log(a / b) / (log(n / m) / log(10))) }')
		row P7 "search p99 growth $pn -> $n registrations, per 10x" "$prev -> $cur ms" "-" "$g" \
			"<= 2x per 10x" "$(passfail le "$g" 2)"
	fi
	prev=$cur
	pn=$n
done
fi

# ---- the table and results.json ------------------------------------------------------------

{
	printf '\n%-5s %-58s %-22s %-26s %-6s %-22s %s\n' id what dipreg reference ratio target result
	while IFS='|' read -r id what d ref q tgt res note; do
		printf '%-5s %-58s %-22s %-26s %-6s %-22s %s\n' "$id" "$what" "$d" "$ref" "$q" "$tgt" "$res"
	done <"$ROWS"
	printf '\n'
	while IFS='|' read -r id what d ref q tgt res note; do
		[ -n "$note" ] && printf '%-5s %s\n' "$id" "$note"
	done <"$ROWS"
	printf '\nmachine: %s, %s cores, %s MiB, kernel %s; load average at the end %s\n' \
		"$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)" "$CORES" \
		"$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)" "$(uname -r)" "$(load)"
} | tee "$WORK/table.txt"

RESULTS=bench/results.json
[ -z "${BENCH_ONLY:-}" ] || RESULTS=bench/results-partial.json
jstr() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
{
	printf '{\n  "date": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	printf '  "commit": "%s",\n' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	printf '  "machine": {"cpu": "%s", "cores": %s, "mem_mib": %s, "kernel": "%s", "load_end": "%s"},\n' \
		"$(jstr "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)")" "$CORES" \
		"$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)" "$(uname -r)" "$(load)"
	printf '  "settings": {"sizes": "%s", "ledger_sizes": "%s", "seconds": %s, "rounds": %s, "fp_mb": %s, "only": "%s"},\n' \
		"$SIZES" "$LSIZES" "$SECONDS_EACH" "$ROUNDS" "$FP_MB" "${BENCH_ONLY:-}"
	printf '  "rows": [\n'
	sep=""
	while IFS='|' read -r id what d ref q tgt res note; do
		printf '%s    {"id": "%s", "what": "%s", "dipreg": "%s", "reference": "%s", "ratio": "%s", "target": "%s", "result": "%s", "note": "%s"}' \
			"$sep" "$(jstr "$id")" "$(jstr "$what")" "$(jstr "$d")" "$(jstr "$ref")" "$(jstr "$q")" \
			"$(jstr "$tgt")" "$(jstr "$res")" "$(jstr "$note")"
		sep=",
"
	done <"$ROWS"
	printf '\n  ],\n  "registries": [\n'
	sed '$!s/$/,/; s/^/    /' "$LOG/registries.jsonl"
	printf '  ],\n  "ledger": [\n'
	sed '$!s/$/,/; s/^/    /' "$LOG/ledger.jsonl"
	printf '  ],\n  "ledger_with_1gib_tile_cache": [\n'
	sed '$!s/$/,/; s/^/    /' "$LOG/ledger-bigcache.jsonl"
	printf '  ]\n}\n'
} >"$RESULTS"
say "wrote $RESULTS"
