/*
 * servers.c - throwaway database servers for the tests (see servers.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "servers.h"

#define START_S 60 /* initdb and start, on a loaded machine */

static const char *script(void)
{
	const char *p = getenv("RACELAB_DBSERVER");

	return p && *p ? p : "tests/dbserver.sh";
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Copy the value of NAME=VALUE into dst when line starts with NAME=. */
static void take(const char *line, const char *name, char *dst, size_t len)
{
	size_t n = strlen(name);

	if (!strncmp(line, name, n) && line[n] == '=')
		snprintf(dst, len, "%s", line + n + 1);
}

int dbserver_start(struct dbserver *s, const char *what)
{
	int in[2], out[2];
	char buf[4096];
	size_t used = 0;
	double end = now_s() + START_S;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC)) {
		perror("dbserver: pipe2");
		return -1;
	}
	s->pid = fork();
	if (s->pid < 0) {
		perror("dbserver: fork");
		return -1;
	}
	if (s->pid == 0) {
		/* dup2 clears close-on-exec on the copies. */
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(127);
		execlp("sh", "sh", script(), "serve", what, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s->fd = in[1];
	/* Read its NAME=VALUE lines up to "ready". */
	for (;;) {
		struct pollfd p = { .fd = out[0], .events = POLLIN };
		double left = end - now_s();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0) {
			fprintf(stderr, "dbserver: %s not ready in %d s\n",
				what, START_S);
			break;
		}
		n = read(out[0], buf + used, sizeof(buf) - 1 - used);
		if (n <= 0) {
			fprintf(stderr, "dbserver: %s %s failed to start\n",
				script(), what);
			break;
		}
		used += (size_t)n;
		buf[used] = '\0';
		if (strstr(buf, "\nready\n") || !strncmp(buf, "ready\n", 6)) {
			for (char *line = strtok(buf, "\n"); line;
			     line = strtok(NULL, "\n")) {
				take(line, "PGHOST", s->pghost,
				     sizeof(s->pghost));
				take(line, "RACELAB_REDIS", s->redis,
				     sizeof(s->redis));
				char *eq = strchr(line, '=');

				if (eq) { /* export it: racelab inherits it */
					*eq = '\0';
					(void)setenv(line, eq + 1, 1);
				}
			}
			close(out[0]);
			snprintf(s->store_pg, sizeof(s->store_pg),
				 "postgres:host=%s port=5432 user=postgres "
				 "dbname=postgres",
				 s->pghost);
			snprintf(s->store_redis, sizeof(s->store_redis),
				 "redis:%s", s->redis);
			return 0;
		}
		if (used == sizeof(buf) - 1)
			break;
	}
	close(out[0]);
	dbserver_stop(s);
	return -1;
}

void dbserver_stop(struct dbserver *s)
{
	int status;

	if (s->fd >= 0) {
		close(s->fd); /* end of file: the script stops them */
		s->fd = -1;
	}
	if (s->pid > 0) {
		double end = now_s() + 30;

		while (waitpid(s->pid, &status, WNOHANG) == 0) {
			if (now_s() > end) {
				(void)kill(s->pid, SIGTERM);
				(void)waitpid(s->pid, &status, 0);
				break;
			}
			usleep(10000);
		}
		s->pid = 0;
	}
}

/* Run argv with stdout captured (first line into buf); its exit status. */
static int capture(char *const argv[], char *buf, size_t len)
{
	int out[2], status;
	pid_t pid;
	ssize_t n;
	size_t used = 0;

	if (pipe2(out, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (dup2(out[1], 1) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	while (used + 1 < len &&
	       (n = read(out[0], buf + used, len - 1 - used)) > 0)
		used += (size_t)n;
	close(out[0]);
	buf[used] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int dbserver_psql(const struct dbserver *s, const char *sql, char *buf,
		  size_t len)
{
	char *argv[] = { "psql",     "-X",	 "-q",
			 "-At",	     "-h",	 (char *)s->pghost,
			 "-U",	     "postgres", "-d",
			 "postgres", "-c",	 (char *)sql,
			 NULL };

	return capture(argv, buf, len);
}

int dbserver_redis(const struct dbserver *s, char *buf, size_t len, ...)
{
	char *argv[32] = { "redis-cli", "-s", (char *)s->redis };
	int n = 3;
	va_list ap;

	va_start(ap, len);
	while (n < 31 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return capture(argv, buf, len);
}

int dbserver_leftovers(const struct dbserver *s)
{
	char tables[64], keys[64];

	if (dbserver_psql(s,
			  "SELECT count(*) FROM pg_tables WHERE "
			  "tablename LIKE 'racelab\\_%'",
			  tables, sizeof(tables)) != 0 ||
	    dbserver_redis(s, keys, sizeof(keys), "dbsize", (char *)NULL) !=
		0) {
		fprintf(stderr, "dbserver_leftovers: the servers did not "
				"answer psql or redis-cli\n");
		return -1;
	}
	return atoi(tables) + atoi(keys);
}

bool dbserver_alive(const struct dbserver *s)
{
	const char *dir = *s->pghost ? s->pghost : s->redis;
	char top[256];
	DIR *d;
	struct dirent *e;
	bool alive = false;

	/* The common directory: PGHOST is DIR/pg, the socket DIR/redis/x. */
	snprintf(top, sizeof(top), "%s", dir);
	for (int up = *s->pghost ? 1 : 2; up > 0; up--) {
		char *slash = strrchr(top, '/');

		if (slash)
			*slash = '\0';
	}
	if (!*top)
		return false;
	if (access(top, F_OK) == 0)
		return true;
	d = opendir("/proc");
	if (!d)
		return false;
	while (!alive && (e = readdir(d))) {
		char path[300], cmd[4096];
		int fd;
		ssize_t n;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, cmd, sizeof(cmd) - 1);
		close(fd);
		if (n <= 0)
			continue;
		for (ssize_t i = 0; i < n; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		cmd[n] = '\0';
		alive = strstr(cmd, top) != NULL;
	}
	closedir(d);
	return alive;
}
