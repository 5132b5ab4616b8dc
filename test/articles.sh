#!/bin/sh
# Lists the articles of the measures that passing tests cover, with the
# number of tests of each: cmocka tests named test_artN_..., and node tests
# whose name starts with "artN" (several articles: "art10 art11 ...").
set -u
B=${1:-build}
{
	cat "$B"/test-logs/test_*.log 2>/dev/null |
		sed -n 's/^\[       OK \] test_\(\(art[0-9][0-9]*_\)*\).*/\1/p' | tr '_' '\n'
	cat "$B"/test-logs/node-*.log 2>/dev/null |
		sed -n 's/^ *ok [0-9]* - \(\(art[0-9][0-9]*[ ,:]*\)*\).*/\1/p' | tr ' ,:' '\n\n\n'
} | sed -n 's/^art\([0-9][0-9]*\)$/\1/p' | sort -n | uniq -c |
	awk 'BEGIN { print "articles of the measures covered by passing tests (article: tests):" }
	     { printf "  Art. %-3s %s\n", $2 ":", $1 }'
