#!/bin/sh
# Runs every fuzz harness over its seed corpus (test/fuzz/corpus/NAME/),
# then fuzzes each for FUZZ_SECONDS (default 10) on a scratch copy of the
# corpus.  A crash fails the run and leaves the input in build/fuzz/.
set -u
secs=${FUZZ_SECONDS:-10}
failed=""
for h in build/fuzz/fuzz_*; do
	[ -x "$h" ] || continue
	name=${h#build/fuzz/fuzz_}
	seeds=test/fuzz/corpus/$name
	work=build/fuzz/work-$name
	rm -rf "$work"
	mkdir -p "$work"
	[ -d "$seeds" ] && cp -r "$seeds"/. "$work"/
	if "$h" -runs=0 "$work" >build/fuzz/$name.seeds.log 2>&1 &&
	   "$h" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=1024 -artifact_prefix=build/fuzz/ \
		"$work" >build/fuzz/$name.log 2>&1; then
		printf 'fuzz  %-22s ok   (%s)\n' "$name" "$(grep -o 'stat::number_of_executed_units: [0-9]*' build/fuzz/$name.log | awk '{print $2 " runs"}')"
	else
		printf 'fuzz  %-22s FAIL (see build/fuzz/%s.log)\n' "$name" "$name"
		tail -30 build/fuzz/$name.log
		failed="$failed $name"
	fi
done
[ -z "$failed" ]
