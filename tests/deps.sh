#!/bin/sh
# Install what the test suite needs, once: Criterion (libcriterion-dev),
# the linters, clang's ThreadSanitizer runtime, Concurrency Kit (libck-dev)
# for the ck-* strategies, and for the database stores PostgreSQL (its
# server binaries, pgbench), redis-server (and redis-benchmark) and their
# client libraries libpq-dev and libhiredis-dev.
# As root this runs apt-get; otherwise it prints the one command to run.
# When everything is there already it does nothing and says so in one line.
set -eu

missing=""
[ -f /usr/include/criterion/criterion.h ] || missing="$missing libcriterion-dev"
# Concurrency Kit: the ck-* strategies are built and tested only with it.
[ -f /usr/include/ck_spinlock.h ] || missing="$missing libck-dev"
for tool in cppcheck clang-tidy clang-format; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done

# The database stores' servers and client libraries (tests/dbserver.sh).
[ -x /usr/lib/postgresql/15/bin/initdb ] || command -v initdb >/dev/null 2>&1 ||
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
[ -f /usr/include/postgresql/libpq-fe.h ] || missing="$missing libpq-dev"
[ -f /usr/include/hiredis/hiredis.h ] || missing="$missing libhiredis-dev"

# ThreadSanitizer needs clang's runtime (libclang-rt-*-dev): can it link?
tsan_probe=$(mktemp -d)
echo 'int main(void){return 0;}' >"$tsan_probe/t.c"
if ! clang -fsanitize=thread "$tsan_probe/t.c" -o "$tsan_probe/t" 2>/dev/null; then
	missing="$missing clang libclang-rt-dev"
fi
rm -rf "$tsan_probe"

if [ -z "$missing" ]; then
	echo "deps: test dependencies present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing" >&2
	echo "deps: run as root: apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
