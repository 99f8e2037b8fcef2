#!/bin/sh
# dbserver.sh - throwaway PostgreSQL and Redis servers for racelab's tests,
# benchmarks and demos: made in a temporary directory, reachable only on a
# unix socket in it (no TCP, no disk sync), and gone with everything they
# wrote when the command that wanted them ends, however it ends.
#
#   sh tests/dbserver.sh run pg|redis|both -- COMMAND [ARG...]
#	Start the server(s), run COMMAND with the variables below exported,
#	stop the server(s), exit with COMMAND's status.
#   sh tests/dbserver.sh serve pg|redis|both
#	Start, print the variables (NAME=VALUE lines) and a line "ready" on
#	stdout, then wait until stdin reaches end of file (the process that
#	started us closed its end, or died: even SIGKILL closes it), stop,
#	exit. tests/servers.c uses this.
#
# Variables: PGHOST (the socket directory), PGPORT, PGUSER, PGDATABASE
# (libpq, psql and pgbench read them; racelab --store postgres too), and
# RACELAB_REDIS (the redis socket path: racelab --store redis:$RACELAB_REDIS).
#
# Who runs what. initdb and postgres refuse to run as root, so as root the
# PostgreSQL server runs as the `postgres` user (RACELAB_PG_USER to choose
# another), in a directory that user owns; redis-server runs as the caller.
# Each server is started with setpriv --pdeathsig, so it is also told to
# stop if this script itself is killed; the normal path is a fast shutdown
# (SIGINT to postgres, SIGTERM to redis-server) and rm -rf of the directory.
#
# TCP, for the multi-host test only: RACELAB_DB_LISTEN=ADDR makes both
# servers listen on ADDR too (PostgreSQL on port 5432, trusting clients of
# its own subnets; Redis on port 6379), to be run inside a network
# namespace of the test's own where nobody else can reach ADDR.
#
# Costs, measured here: initdb about 1.5 s, postgres start 0.3 s, redis 0.1 s.
# RACELAB_PG_TEMPLATE=DIR (make test sets it to build/pg-template, which
# make clean removes): run initdb once, into DIR, and give every later
# server a copy of it, 0.05 s instead of 1.5 s.
set -eu

# The newest installed PostgreSQL's server binaries (Debian keeps them out
# of PATH), unless PGBIN says.
if [ -z "${PGBIN:-}" ]; then
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && PGBIN=$d
	done
fi
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

die() {
	printf 'dbserver: %s\n' "$*" >&2
	exit 1
}

usage() {
	die "usage: dbserver.sh run pg|redis|both -- COMMAND... | serve pg|redis|both"
}

[ $# -ge 2 ] || usage
action=$1
what=$2
shift 2
case $what in
pg | postgres) want_pg=1 want_redis=0 ;;
redis) want_pg=0 want_redis=1 ;;
both) want_pg=1 want_redis=1 ;;
*) usage ;;
esac
case $action in
run)
	[ "${1:-}" = "--" ] || usage
	shift
	[ $# -ge 1 ] || usage
	;;
serve) [ $# -eq 0 ] || usage ;;
*) usage ;;
esac

dir=""
pg_pid=""
redis_pid=""

stop() {
	# SIGINT is PostgreSQL's fast shutdown: clients are disconnected,
	# shared memory is removed. Then wait, so the directory is free.
	if [ -n "$pg_pid" ]; then
		kill -INT "$pg_pid" 2>/dev/null || true
		wait "$pg_pid" 2>/dev/null || true
		pg_pid=""
	fi
	if [ -n "$redis_pid" ]; then
		kill -TERM "$redis_pid" 2>/dev/null || true
		wait "$redis_pid" 2>/dev/null || true
		redis_pid=""
	fi
	if [ -n "$dir" ]; then
		rm -rf "$dir"
		dir=""
	fi
}
trap 'stop' EXIT
trap 'stop; trap - EXIT; exit 130' INT
trap 'stop; trap - EXIT; exit 143' TERM
trap 'stop; trap - EXIT; exit 129' HUP

# As root, commands of the server's user go through setpriv. as_pg execs
# (call it in a subshell or as the last command of a background job) so
# that the pid of `as_pg ... &` is the server's own.
as_pg() {
	if [ -n "$pg_user" ]; then
		exec setpriv --reuid="$pg_user" --regid="$pg_user" \
			--clear-groups --pdeathsig INT "$@"
	fi
	exec setpriv --pdeathsig INT "$@"
}

# initdb into DIR/data, or (RACELAB_PG_TEMPLATE) copy the template. The
# first that needs the template runs initdb in DIR (which the server's user
# can reach; the build tree, as root, may not be) and copies the result
# beside the template, then renames it into place, so two made at once
# cannot mix (the loser's copy is removed).
pg_initdb() { # DIR
	t=${RACELAB_PG_TEMPLATE:-}
	if [ -n "$t" ] && [ -f "$t/data/PG_VERSION" ]; then
		cp -a "$t/data" "$1/data" || die "cannot copy $t/data"
		return
	fi
	(as_pg "$PGBIN/initdb" -D "$1/data" -A trust -U postgres \
		--no-sync -E UTF8 --locale=C) >"$1/initdb.log" 2>&1 ||
		die "initdb failed: $(tail -n 3 "$1/initdb.log")"
	[ -n "$t" ] || return 0
	new=$(mktemp -d "$t.new.XXXXXX") || die "cannot make $t.new.*"
	if cp -a "$1/data" "$new/data"; then
		mv -T "$new" "$t" 2>/dev/null || rm -rf "$new"
	else
		rm -rf "$new"
	fi
}

pg_user=""
if [ "$(id -u)" -eq 0 ]; then
	pg_user=${RACELAB_PG_USER:-postgres}
	id "$pg_user" >/dev/null 2>&1 ||
		die "PostgreSQL refuses to run as root and there is no user '$pg_user' (RACELAB_PG_USER)"
fi

# The directory: under TMPDIR when the server's user can reach it there.
base=${TMPDIR:-/tmp}
if [ -n "$pg_user" ] && [ "$want_pg" -eq 1 ] &&
	! setpriv --reuid="$pg_user" --regid="$pg_user" --clear-groups test -x "$base"; then
	base=/tmp
fi
dir=$(mktemp -d "$base/racelab-db.XXXXXX")
chmod 755 "$dir"

if [ "$want_pg" -eq 1 ]; then
	[ -x "$PGBIN/initdb" ] || die "no initdb (install postgresql: sh tests/deps.sh)"
	mkdir "$dir/pg"
	[ -z "$pg_user" ] || chown "$pg_user:" "$dir/pg"
	pg_initdb "$dir/pg"
	listen=${RACELAB_DB_LISTEN:-}
	[ -z "$listen" ] ||
		echo "host all all samenet trust" >>"$dir/pg/data/pg_hba.conf"
	# Dynamic shared memory as files in the data directory, so that even
	# a killed server leaves nothing in /dev/shm.
	as_pg "$PGBIN/postgres" -D "$dir/pg/data" -k "$dir/pg" \
		-c listen_addresses="$listen" -c fsync=off -c synchronous_commit=off \
		-c full_page_writes=off -c dynamic_shared_memory_type=mmap \
		-c max_connections=120 -c logging_collector=off \
		>"$dir/pg/server.log" 2>&1 </dev/null &
	pg_pid=$!
	tries=0
	until "$PGBIN/pg_isready" -q -h "$dir/pg" -U postgres -d postgres; do
		kill -0 "$pg_pid" 2>/dev/null ||
			die "postgres did not start: $(tail -n 3 "$dir/pg/server.log")"
		tries=$((tries + 1))
		[ $tries -lt 300 ] || die "postgres not ready after 30 s"
		sleep 0.1
	done
	PGHOST=$dir/pg PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
	export PGHOST PGPORT PGUSER PGDATABASE
fi

if [ "$want_redis" -eq 1 ]; then
	command -v redis-server >/dev/null 2>&1 ||
		die "no redis-server (install redis-server: sh tests/deps.sh)"
	mkdir "$dir/redis"
	# (Split on purpose: an address has no blanks.)
	net="--port 0"
	[ -z "${RACELAB_DB_LISTEN:-}" ] ||
		net="--port 6379 --bind $RACELAB_DB_LISTEN --protected-mode no"
	# shellcheck disable=SC2086
	setpriv --pdeathsig TERM redis-server $net \
		--unixsocket "$dir/redis/redis.sock" --unixsocketperm 700 \
		--save '' --appendonly no --dir "$dir/redis" \
		--logfile "$dir/redis/server.log" </dev/null >/dev/null 2>&1 &
	redis_pid=$!
	tries=0
	until [ -S "$dir/redis/redis.sock" ] &&
		redis-cli -s "$dir/redis/redis.sock" ping >/dev/null 2>&1; do
		kill -0 "$redis_pid" 2>/dev/null ||
			die "redis-server did not start: $(tail -n 3 "$dir/redis/server.log" 2>/dev/null)"
		tries=$((tries + 1))
		[ $tries -lt 300 ] || die "redis-server not ready after 30 s"
		sleep 0.1
	done
	RACELAB_REDIS=$dir/redis/redis.sock
	export RACELAB_REDIS
fi

if [ "$action" = serve ]; then
	[ "$want_pg" -eq 0 ] || printf 'PGHOST=%s\nPGPORT=%s\nPGUSER=%s\nPGDATABASE=%s\n' \
		"$PGHOST" "$PGPORT" "$PGUSER" "$PGDATABASE"
	[ "$want_redis" -eq 0 ] || printf 'RACELAB_REDIS=%s\n' "$RACELAB_REDIS"
	echo ready
	# Until our stdin closes. cat is a child that ends on EOF; a signal
	# to us runs the trap (wait returns at once on a trapped signal).
	# (An asynchronous command's stdin is /dev/null unless redirected.)
	exec 3<&0
	cat <&3 >/dev/null &
	wait $!
	exit 0
fi

status=0
"$@" || status=$?
exit $status
