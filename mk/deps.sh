#!/bin/sh
# Installs, with apt-get, the Debian packages dipreg needs that are not yet
# on this machine.  Quiet when everything is present.  Runs apt-get through
# sudo when not root.  Usage: mk/deps.sh [build|test|bench]
set -eu
profile=${1:-test}

# package:probe pairs; a probe is "pc:MODULE", "cmd:NAME" or "file:PATH".
build="build-essential:cmd:cc pkg-config:cmd:pkg-config
libevent-dev:pc:libevent_pthreads libsqlite3-dev:pc:sqlite3 libpq-dev:pc:libpq
libssl-dev:pc:libcrypto libjansson-dev:pc:jansson libcairo2-dev:pc:cairo
libpango1.0-dev:pc:pangocairo libqrencode-dev:pc:libqrencode
libcmocka-dev:pc:cmocka zlib1g-dev:pc:zlib libjemalloc-dev:pc:jemalloc fonts-noto-cjk:file:/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
tzdata:file:/usr/share/zoneinfo/Asia/Shanghai ca-certificates:file:/etc/ssl/certs"
testing="nodejs:cmd:node npm:cmd:npm sqlite3:cmd:sqlite3 poppler-utils:cmd:pdftotext
zbar-tools:cmd:zbarimg postgresql:file:/usr/lib/postgresql/15/bin/initdb
chromium:cmd:chromium clang:cmd:clang libclang-rt-14-dev:file:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
nginx-light:cmd:nginx systemd:cmd:systemd-analyze curl:cmd:curl
mandoc:cmd:mandoc openssl:cmd:openssl"
bench="wrk:cmd:wrk linux-perf:cmd:perf hyperfine:cmd:hyperfine valgrind:cmd:valgrind"

case $profile in
build) want=$build ;;
test) want="$build $testing" ;;
bench) want="$build $testing $bench" ;;
*) echo "deps: unknown profile '$profile' (build, test or bench)" >&2; exit 2 ;;
esac

have() {
	case $1 in
	pc:*) pkg-config --exists "${1#pc:}" 2>/dev/null ;;
	cmd:*) command -v "${1#cmd:}" >/dev/null 2>&1 ;;
	file:*) [ -e "${1#file:}" ] ;;
	esac
}

missing=""
for item in $want; do
	pkg=${item%%:*}
	probe=${item#*:}
	# pkg-config itself may be what is missing
	case $probe in pc:*) command -v pkg-config >/dev/null 2>&1 || { missing="$missing $pkg"; continue; } ;; esac
	have "$probe" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "deps: need root or sudo to install:$missing" >&2; exit 1; }
	sudo="sudo"
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
