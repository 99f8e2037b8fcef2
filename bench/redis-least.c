/*
 * redis-least.c - the least loop a person would write for racelab's Redis
 * atomic strategy: CLIENTS forked processes, each with its own hiredis
 * connection made before a start gate, each sending INCR PER times and
 * waiting for every reply (no pipelining). It shares no code with racelab.
 *
 *	build/bench/redis-least SOCKET CLIENTS PER
 *
 * prints one line, the increments per second, timed as racelab times a run:
 * from the parent opening the gate to the last client's end. bench/
 * db-compare.sh (`make bench-db`) sets it beside racelab and
 * redis-benchmark: it tells racelab's own cost (racelab / this) apart from
 * what one blocking client per process costs (this / redis-benchmark).
 * Exit 0, 1 when a call failed, 2 on a usage error. The key it counts in,
 * racelab_least, is deleted at the end.
 */
#define _GNU_SOURCE
#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 256

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static redisContext *connect_to(const char *sock)
{
	redisContext *c = redisConnectUnix(sock);

	if (!c || c->err) {
		fprintf(stderr, "redis-least: %s: %s\n", sock,
			c ? c->errstr : "out of memory");
		redisFree(c);
		return NULL;
	}
	return c;
}

/* One client: connect, say so, wait at the gate, then PER round trips. */
static void client(const char *sock, int ready, int gate, long per, double *end)
{
	redisContext *c = connect_to(sock);
	char go = c != NULL; /* 1: ready, 0: failed */

	if (write(ready, &go, 1) != 1 || !c || read(gate, &go, 1) != 0)
		_exit(1); /* the gate opens when the parent closes it */
	for (long i = 0; i < per; i++) {
		redisReply *r = redisCommand(c, "INCR racelab_least");

		if (!r || r->type != REDIS_REPLY_INTEGER)
			_exit(1);
		freeReplyObject(r);
	}
	*end = now();
	_exit(0);
}

int main(int argc, char **argv)
{
	int gate[2], ready[2], failed = 0, n;
	pid_t pids[MAX_CLIENTS];
	redisContext *c;
	long per;
	double *ends, t0, last = 0;

	if (argc != 4 || (n = atoi(argv[2])) < 1 || n > MAX_CLIENTS ||
	    (per = atol(argv[3])) < 1) {
		fprintf(stderr, "usage: redis-least SOCKET CLIENTS PER\n");
		return 2;
	}
	ends = mmap(NULL, sizeof(double) * (size_t)n, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ends == MAP_FAILED || pipe(gate) != 0 || pipe(ready) != 0) {
		perror("redis-least");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		pid_t pid = pids[i] = fork();

		if (pid == 0) {
			close(gate[1]);
			close(ready[0]);
			client(argv[1], ready[1], gate[0], per, &ends[i]);
		}
		if (pid < 0) {
			perror("redis-least: fork");
			n = i;
			failed = 1;
			break;
		}
	}
	close(gate[0]);
	close(ready[1]);
	for (int i = 0; i < n && !failed; i++) { /* every client connected */
		char b = 0;

		failed = read(ready[0], &b, 1) != 1 || b != 1;
	}
	for (int i = 0; i < n && failed; i++)
		kill(pids[i], SIGKILL); /* waiting at the gate */
	t0 = now();
	close(gate[1]);
	for (int status; wait(&status) > 0;)
		failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	for (int i = 0; i < n; i++)
		last = ends[i] > last ? ends[i] : last;
	if ((c = connect_to(argv[1]))) {
		freeReplyObject(redisCommand(c, "DEL racelab_least"));
		redisFree(c);
	}
	if (failed) {
		fprintf(stderr, "redis-least: a client failed\n");
		return 1;
	}
	printf("%.0f\n", (double)n * (double)per / (last - t0));
	return 0;
}
