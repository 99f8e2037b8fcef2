/*
 * test_dbserver.c - the throwaway servers the database tests stand on
 * (tests/dbserver.sh, tests/servers.c): they answer, and they are gone,
 * directory and processes, when the test stops them and when the process
 * holding them is killed with SIGKILL.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "servers.h"

static struct dbserver srv;

static void srv_fini(void)
{
	dbserver_stop(&srv);
}

Test(dbserver, both_answer_and_vanish_when_stopped, .fini = srv_fini,
     .timeout = 120)
{
	char buf[256];

	cr_assert_eq(dbserver_start(&srv, "both"), 0);
	cr_assert_eq(dbserver_psql(&srv, "select 40 + 2", buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "42");
	cr_assert_eq(
	    dbserver_redis(&srv, buf, sizeof(buf), "incr", "k", (char *)NULL),
	    0);
	cr_expect_str_eq(buf, "1");
	cr_expect(dbserver_alive(&srv));
	dbserver_stop(&srv);
	cr_expect_not(dbserver_alive(&srv),
		      "a server or its directory outlived dbserver_stop");
}

Test(dbserver, a_killed_holder_takes_its_servers_along, .fini = srv_fini,
     .timeout = 120)
{
	int p[2], status;
	pid_t holder;
	struct dbserver copy;

	/* A child starts the servers, reports where, and is SIGKILLed. */
	cr_assert_eq(pipe(p), 0);
	holder = fork();
	cr_assert_geq(holder, 0);
	if (holder == 0) {
		struct dbserver mine;

		close(p[0]);
		if (dbserver_start(&mine, "both"))
			_exit(1);
		if (write(p[1], &mine, sizeof(mine)) != sizeof(mine))
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	cr_assert_eq(read(p[0], &copy, sizeof(copy)), (ssize_t)sizeof(copy));
	close(p[0]);
	cr_expect(dbserver_alive(&copy));
	cr_assert_eq(kill(holder, SIGKILL), 0);
	cr_assert_eq(waitpid(holder, &status, 0), holder);
	/* The script notices end of file and stops both: give it 20 s. */
	for (int i = 0; i < 200 && dbserver_alive(&copy); i++)
		usleep(100000);
	cr_expect_not(dbserver_alive(&copy),
		      "the servers outlived a SIGKILL of their holder");
}
