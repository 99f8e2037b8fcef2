/*
 * test_redis.c - the Redis store's own layer (src/store/redis.c) against a
 * throwaway server: a key of the run's own, made with SET NX under a fresh
 * name, counted through workers' connections, read back, and deleted on the
 * normal path and when its maker is killed with SIGKILL; other keys stay.
 */
#ifdef RACELAB_HAVE_HIREDIS
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "servers.h"
#include "store/redis.h"

static struct dbserver srv;

static void redis_init(void)
{
	cr_assert_eq(dbserver_start(&srv, "redis"), 0);
}

static void redis_fini(void)
{
	dbserver_stop(&srv);
}

static int keys(void)
{
	char buf[64];

	cr_assert_eq(
	    dbserver_redis(&srv, buf, sizeof(buf), "dbsize", (char *)NULL), 0);
	return atoi(buf);
}

Test(redis_store, where_is_a_socket_or_host_port)
{
	struct redis_store s;

	cr_assert_eq(redis_store_parse(&s, "/run/r.sock"), 0);
	cr_expect_str_eq(s.where, "/run/r.sock");
	cr_expect_eq(s.port, 0);
	cr_assert_eq(redis_store_parse(&s, "10.0.0.1:6380"), 0);
	cr_expect_str_eq(s.where, "10.0.0.1");
	cr_expect_eq(s.port, 6380);
	cr_expect_eq(redis_store_parse(&s, "10.0.0.1:99999"), -EINVAL);
	cr_expect_eq(redis_store_parse(&s, "nowhere"), -EINVAL);
}

Test(redis_store, counts_and_deletes_its_keys, .init = redis_init,
     .fini = redis_fini, .timeout = 60)
{
	struct redis_store s;
	struct redis_link l;
	uint64_t total;
	int64_t v = -1;
	char buf[64];

	cr_assert_eq(dbserver_redis(&srv, buf, sizeof(buf), "set", "hits", "7",
				    (char *)NULL),
		     0);
	cr_assert_eq(redis_store_parse(&s, ""), 0); /* RACELAB_REDIS */
	cr_assert_eq(redis_store_open(&s, false), 0);
	cr_expect_eq(strncmp(s.key, "racelab:", 8), 0, "%s", s.key);
	cr_expect_eq(keys(), 2);
	cr_assert_eq(redis_link_open(&l, &s), 0);
	cr_assert_eq(
	    redis_link_call(&l, REDIS_NUMBER, &v, NULL, "GET %s", l.key), 0);
	cr_expect_eq(v, 0);
	cr_assert_eq(redis_link_call(&l, REDIS_OK, NULL, NULL, "SET %s %lld",
				     l.key, (long long)(v + 1)),
		     0);
	cr_assert_eq(redis_link_call(&l, REDIS_INT, &v, NULL, "INCR %s", l.key),
		     0);
	cr_expect_eq(v, 2);
	cr_assert_eq(redis_link_call(&l, REDIS_OK, NULL, NULL,
				     "SET %s tok NX PX 1000", l.lock),
		     0);
	cr_assert_eq(redis_store_total(&s, &total), 0);
	cr_expect_eq(total, 2);
	redis_link_close(&l);
	redis_store_close(&s, false);
	cr_expect_eq(keys(), 1, "the run's keys were left");
	cr_assert_eq(
	    dbserver_redis(&srv, buf, sizeof(buf), "get", "hits", (char *)NULL),
	    0);
	cr_expect_str_eq(buf, "7", "the user's key was touched");
}

Test(redis_store, a_sigkilled_maker_leaves_no_key, .init = redis_init,
     .fini = redis_fini, .timeout = 60)
{
	int p[2], status;
	pid_t maker;
	char key[REDIS_KEY_MAX] = "";

	cr_assert_eq(pipe(p), 0);
	maker = fork();
	cr_assert_geq(maker, 0);
	if (maker == 0) {
		struct redis_store s;

		close(p[0]);
		if (redis_store_parse(&s, "") || redis_store_open(&s, false))
			_exit(1);
		if (write(p[1], s.key, sizeof(s.key)) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	cr_assert_eq(read(p[0], key, sizeof(key)), (ssize_t)sizeof(key));
	close(p[0]);
	cr_expect_eq(keys(), 1);
	cr_assert_eq(kill(maker, SIGKILL), 0);
	cr_assert_eq(waitpid(maker, &status, 0), maker);
	for (int i = 0; i < 100 && keys(); i++)
		usleep(100000);
	cr_expect_eq(keys(), 0, "%s outlived its maker", key);
}

Test(redis_store, no_server_is_one_clear_failure, .timeout = 30)
{
	struct redis_store s;

	cr_assert_eq(redis_store_parse(&s, "/nonexistent/redis.sock"), 0);
	cr_expect_eq(redis_store_open(&s, false), -ENOTCONN);
	redis_store_close(&s, false);
}
#endif
