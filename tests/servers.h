/*
 * servers.h - throwaway PostgreSQL and Redis servers for a test, started by
 * tests/dbserver.sh (serve mode) and tied to the test's life: the script
 * waits for end of file on a pipe whose write end only this process holds
 * (close-on-exec, so racelab and its workers never inherit it). When the
 * test ends, by dbserver_stop(), by a failed assertion, by Criterion's
 * timeout or by SIGKILL, the pipe closes and the script stops the servers
 * and removes their directory.
 */
#ifndef RACELAB_TESTS_SERVERS_H
#define RACELAB_TESTS_SERVERS_H

#include <stdbool.h>
#include <sys/types.h>

struct dbserver {
	pid_t pid;	       /* the script, or 0 */
	int fd;		       /* the write end of its stdin, or -1 */
	char pghost[256];      /* PGHOST: the socket directory, or "" */
	char redis[256];       /* the Redis socket path, or "" */
	char store_pg[320];    /* "postgres:host=... user=... dbname=..." */
	char store_redis[270]; /* "redis:PATH" */
};

/*
 * Start the servers `what` names ("pg", "redis" or "both"), wait until they
 * answer, and export PGHOST, PGPORT, PGUSER, PGDATABASE and RACELAB_REDIS
 * in this process (racelab children inherit them). Returns 0, or -1 with a
 * message on stderr.
 */
int dbserver_start(struct dbserver *s, const char *what);

/* Stop them and wait until their directory is gone. Idempotent. */
void dbserver_stop(struct dbserver *s);

/* Run psql -Atc SQL against the server; its first output line in buf. */
int dbserver_psql(const struct dbserver *s, const char *sql, char *buf,
		  size_t len);

/* Run redis-cli with the arguments (NULL-terminated); first line in buf. */
int dbserver_redis(const struct dbserver *s, char *buf, size_t len, ...);

/* How many tables (racelab_*) and keys are in both servers, or -1 (said
 * on stderr) when they did not answer: a test expects 0. */
int dbserver_leftovers(const struct dbserver *s);

/* Are any processes of PostgreSQL or redis-server serving s still alive? */
bool dbserver_alive(const struct dbserver *s);

#endif
