#!/bin/sh
# A throwaway PostgreSQL cluster for the test suites.
#
#   test/pg/cluster.sh start DIR PORT   initdb in DIR, start on 127.0.0.1:PORT,
#                                       print the base URL of the cluster
#   test/pg/cluster.sh stop DIR         stop it and remove DIR
#   test/pg/cluster.sh bindir           print the PostgreSQL bin directory
#                                       (exit 1 when there is none)
#   test/pg/cluster.sh freeport         print a TCP port nothing listens on
#   test/pg/cluster.sh throwaway        start one in a new directory (see
#                                       below) on a free port; print the
#                                       directory and the URL on one line
#
# A throwaway cluster lives in DIPREG_PG_TMPDIR, else on tmpfs (/dev/shm)
# when it has half a gigabyte free, where creating a database per test is
# several times faster than on disk, else in TMPDIR.
#
# The cluster trusts every connection, so it listens on 127.0.0.1 only and
# its unix socket lives inside DIR.  Durability is off (fsync, full page
# writes): the data is thrown away anyway.  PostgreSQL refuses to run as
# root, so as root the server runs as the "postgres" account when there is
# one, else as "nobody", and DIR is handed to that account.  The superuser
# of the cluster is called "dipreg".
set -eu

bindir() {
	if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then
		echo "$PG_BINDIR"
		return 0
	fi
	# Debian installs each major version beside the others; take the newest.
	for v in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
		if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then
			echo "/usr/lib/postgresql/$v/bin"
			return 0
		fi
	done
	d=$(command -v initdb 2>/dev/null) || return 1
	dirname "$d"
}

# Runs a command as the cluster's owner.
as_owner() {
	if [ -n "$owner" ]; then
		runuser -u "$owner" -- "$@"
	else
		"$@"
	fi
}

# A port below Linux's ephemeral range that no socket uses, starting at a
# random point so that concurrent runs pick different ones.
freeport() {
	used=$(awk 'NR > 1 { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 \
		2>/dev/null | sort -u)
	p=$(awk -v pid=$$ 'BEGIN { srand(); print 20000 + (int(rand() * 12000) + pid) % 12000 }')
	i=0
	while [ $i -lt 500 ]; do
		hex=$(printf '%04X' "$p")
		if ! printf '%s\n' "$used" | grep -qx "$hex"; then
			echo "$p"
			return 0
		fi
		p=$((p < 31999 ? p + 1 : 20000))
		i=$((i + 1))
	done
	return 1
}

cluster_parent() {
	if [ -n "${DIPREG_PG_TMPDIR:-}" ]; then
		echo "$DIPREG_PG_TMPDIR"
		return
	fi
	avail=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
	if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "${avail:-0}" -ge 524288 ]; then
		echo /dev/shm
	else
		echo "${TMPDIR:-/tmp}"
	fi
}

owner=""
if [ "$(id -u)" -eq 0 ]; then
	if getent passwd postgres >/dev/null 2>&1; then
		owner=postgres
	else
		owner=nobody
	fi
fi

cmd=${1:-}
case $cmd in
bindir)
	bindir
	;;
freeport)
	freeport
	;;
start)
	[ $# -eq 3 ] || { echo "usage: $0 start DIR PORT" >&2; exit 2; }
	dir=$2
	port=$3
	bin=$(bindir) || { echo "cluster: no PostgreSQL binaries (initdb) found" >&2; exit 1; }
	mkdir -p "$dir/sock"
	[ -z "$owner" ] || chown -R "$owner" "$dir"
	as_owner test -w "$dir/sock" || {
		echo "cluster: $dir is out of reach of user ${owner:-$(id -un)}; use a directory under /tmp" >&2
		exit 1
	}
	as_owner "$bin/initdb" -D "$dir/data" -U dipreg -A trust -E UTF8 --locale=C \
		--no-sync >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/sock'
fsync = off
full_page_writes = off
synchronous_commit = off
max_connections = 100
shared_buffers = 32MB
log_min_messages = warning
EOF
	cat >"$dir/data/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null 2>&1 ||
		{ cat "$dir/server.log" >&2; exit 1; }
	echo "postgresql://dipreg@127.0.0.1:$port/postgres"
	;;
throwaway)
	# Another process may take the port first: then try another.
	tries=0
	while [ $tries -lt 3 ]; do
		tries=$((tries + 1))
		dir=$(mktemp -d "$(cluster_parent)/dipreg-pg-XXXXXX")
		port=$(freeport)
		if url=$(sh "$0" start "$dir" "$port"); then
			echo "$dir $url"
			exit 0
		fi
		sh "$0" stop "$dir"
	done
	exit 1
	;;
stop)
	[ $# -eq 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }
	dir=$2
	if [ -f "$dir/data/postmaster.pid" ] && bin=$(bindir); then
		as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start DIR PORT | stop DIR | throwaway | bindir | freeport" >&2
	exit 2
	;;
esac
