#!/bin/sh
# bench/instructions.sh - the server's instructions per request, counted by
# callgrind: a figure that does not move with the machine's load, unlike
# requests per second, so that two builds can be compared one change at a
# time (docs/performance.md, "Instructions per request").
#
#   sh bench/instructions.sh BIN DB DATA-DIR N get PATH [TOKEN]
#   sh bench/instructions.sh BIN DB DATA-DIR N submit TOKEN FIRST LAST
#
# Serves a copy of DB with BIN under valgrind --tool=callgrind, sends N
# requests to warm it, zeroes the counts, sends N more over two
# connections (bench/requests.mjs), and prints the instructions of the
# whole process divided by the requests answered with 2xx.  "submit"
# submits the drafts FIRST.. of the applicant whose API token is TOKEN
# (dipreg bench-gen --drafts), each once; FIRST..LAST must hold 2 x N.
# Only userspace is counted, not the kernel's share of a request.
# SERVE_ARGS adds options to dipreg serve.
set -eu
[ $# -ge 6 ] || { sed -n 2,17p "$0" >&2; exit 2; }
BIN=$1 DB=$2 DD=$3 N=$4 WHAT=$5
shift 5
case $WHAT in
get) [ $# -ge 1 ] || { echo "instructions: get PATH [TOKEN]" >&2; exit 2; } ;;
submit)
	[ $# -eq 3 ] || { echo "instructions: submit TOKEN FIRST LAST" >&2; exit 2; }
	[ $(($3 - $2 + 1)) -ge $((2 * N)) ] || { echo "instructions: FIRST..LAST must hold 2 x N drafts" >&2; exit 2; }
	;;
*) echo "instructions: get or submit, not $WHAT" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
for tool in valgrind callgrind_control callgrind_annotate node; do
	command -v "$tool" >/dev/null 2>&1 || { echo "instructions: $tool is missing (make deps-bench)" >&2; exit 1; }
done
W=$(mktemp -d /var/tmp/dipreg-ir.XXXXXX)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$W"' EXIT
cp "$DB" "$W/r.db"
PORT=$((20000 + $$ % 20000))
# shellcheck disable=SC2086
valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" "$BIN" serve --db "$W/r.db" \
	--data-dir "$DD" --listen "127.0.0.1:$PORT" --threads 2 --ready-file "$W/ready" \
	--log-level warn ${SERVE_ARGS:-} >"$W/serve.log" 2>&1 &
PID=$!
i=0
while [ ! -s "$W/ready" ]; do
	i=$((i + 1))
	[ $i -gt 1200 ] && { echo "instructions: the server did not start" >&2; cat "$W/serve.log" >&2; exit 1; }
	sleep 0.1
done
URL=$(cat "$W/ready")

# N requests, then the counted N: for "submit" the next N drafts.
if [ "$WHAT" = get ]; then
	node bench/requests.mjs "$URL" "$N" get "$@" >/dev/null
	callgrind_control -z "$PID" >/dev/null
	node bench/requests.mjs "$URL" "$N" get "$@" >"$W/answers"
else
	node bench/requests.mjs "$URL" "$N" submit "$1" "$2" >/dev/null
	callgrind_control -z "$PID" >/dev/null
	node bench/requests.mjs "$URL" "$N" submit "$1" "$(($2 + N))" >"$W/answers"
fi
callgrind_control -d "$PID" >/dev/null
read -r ok bad <"$W/answers"
kill "$PID"
wait "$PID" 2>/dev/null || true
PID=""
dump=$(ls -t "$W"/cg.out.* 2>/dev/null | head -n 1)
ir=$(callgrind_annotate "${dump:-$W/cg.out}" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
[ "$ok" -gt 0 ] || { echo "instructions: no request answered with 2xx" >&2; exit 1; }
awk -v ir="$ir" -v ok="$ok" -v bad="$bad" 'BEGIN {
	printf "%d requests answered with 2xx (%d others), %d instructions each\n", ok, bad, ir / ok }'
