#!/bin/sh
# Builds the libFuzzer harnesses of the ledger's parsers (fuzz_note,
# fuzz_receipt, fuzz_jcs, fuzz_tiles) into $B/fuzz with clang, ASan and
# UBSan, compiling the library sources they need directly.  Run one with
#   build/fuzz/fuzz_note test/fuzz/corpus/note -max_total_time=60
set -eu
B=${B:-build}
out=$B/fuzz
mkdir -p "$out"
CFLAGS="-std=c11 -g -O1 -Wall -Wextra -Werror -Wshadow -Wvla -D_GNU_SOURCE -Isrc $(pkg-config --cflags libcrypto jansson)"
LIBS="$(pkg-config --libs libcrypto jansson) -lpthread -lm"
SRCS="src/util/buf.c src/util/err.c src/util/file.c src/util/utf8.c src/util/b64.c src/util/jcs.c
src/crypto/hash.c src/crypto/rand.c src/crypto/sign.c
src/ledger/merkle.c src/ledger/tiles.c src/ledger/note.c src/ledger/checkpoint.c
src/ledger/cosignature.c src/ledger/receipt.c"
for h in note receipt jcs tiles; do
	echo "  FUZZ    $out/fuzz_$h"
	# shellcheck disable=SC2086
	clang $CFLAGS -fsanitize=fuzzer,address,undefined -o "$out/fuzz_$h" test/fuzz/fuzz_$h.c $SRCS $LIBS
done
