#!/bin/sh
# Runs every cmocka suite in $1/test and prints, at the end, the articles of
# the measures that the passing tests cover (tests named test_artN_...).
set -u
B=${1:-build}
logdir=$B/test-logs
mkdir -p "$logdir"
failed=""
for t in "$B"/test/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	if "$t" >"$logdir/$name.log" 2>&1; then
		printf 'unit  %-28s ok   (%s tests)\n' "$name" "$(grep -c '^\[       OK \]' "$logdir/$name.log")"
	else
		printf 'unit  %-28s FAIL\n' "$name"
		grep -E '^\[  (FAILED|ERROR) +\]|error|Error' "$logdir/$name.log" | head -20
		failed="$failed $name"
	fi
done
echo "articles covered by passing unit tests (article: tests):"
cat "$logdir"/test_*.log 2>/dev/null | sed -n 's/^\[       OK \] test_art\([0-9][0-9]*\)_.*/\1/p' |
	sort -n | uniq -c | awk '{ printf "  Art. %-3s %s\n", $2 ":", $1 }'
[ -z "$failed" ] || { echo "failed:$failed"; exit 1; }
