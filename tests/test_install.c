/*
 * test_install.c - the man page is clean groff and agrees with --help, and
 * make install / uninstall honour PREFIX and DESTDIR.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

/* Run a shell command, return its output (static buffer) and status. */
static const char *shell(const char *cmd, int *status)
{
	static char buf[65536];
	size_t n = 0;
	FILE *p = popen(cmd, "r");

	cr_assert_not_null(p, "%s", cmd);
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	*status = pclose(p);
	return buf;
}

Test(man, renders_without_warnings, .timeout = 30)
{
	int status;
	const char *out =
	    shell("groff -ww -man -Tutf8 racelab.1 2>&1 >/dev/null", &status);

	cr_expect_eq(status, 0);
	cr_expect_str_empty(out, "groff warnings:\n%s", out);
}

/* Every --long-option in `racelab CMD --help` is in the man page. */
static void expect_options_documented(const char *cmd)
{
	char line[256], command[128];
	const char *help, *man;
	int status;
	char *copy;

	snprintf(command, sizeof(command), "${RACELAB:-./racelab} %s --help",
		 cmd);
	copy = strdup(shell(command, &status));
	cr_assert_eq(status, 0);
	man = shell("sed 's/\\\\-/-/g' racelab.1", &status);
	for (help = copy; (help = strstr(help, "--")) != NULL; help += 2) {
		size_t n = strspn(help + 2, "abcdefghijklmnopqrstuvwxyz-");

		if (n < 2 || n >= sizeof(line) - 3)
			continue;
		snprintf(line, sizeof(line), "--%.*s", (int)n, help + 2);
		cr_expect(strstr(man, line),
			  "`racelab %s --help` has %s, racelab.1 does not", cmd,
			  line);
	}
	free(copy);
}

/* The SYNOPSIS names every command `racelab --help` lists. */
Test(man, synopsis_names_every_command, .timeout = 30)
{
	int status;
	char *help = strdup(shell("${RACELAB:-./racelab} --help", &status));
	const char *man = shell("sed -n '/^.SH SYNOPSIS/,/^.SH DESC/p' "
				"racelab.1",
				&status);
	const char *p = strstr(help, "commands:\n");
	char want[64];

	cr_assert_not_null(p);
	for (p += 10; *p == ' ' && p[1] == ' ' && p[2] != ' ';
	     p = strchr(p, '\n') + 1) {
		int n = (int)strspn(p + 2, "abcdefghijklmnopqrstuvwxyz");

		snprintf(want, sizeof(want), ".B racelab %.*s", n, p + 2);
		cr_expect(strstr(man, want), "the SYNOPSIS lacks %s", want);
	}
	free(help);
}

/* The completion script completes every command and run's options. */
Test(completion, completes_commands_options_and_strategies, .timeout = 30)
{
	int status;
	const char *out = shell(
	    "bash -c '. completion/racelab.bash; "
	    "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _racelab; "
	    "echo \"${COMPREPLY[*]}\"; }; "
	    "t ${RACELAB:-./racelab} \"\"; t ${RACELAB:-./racelab} run "
	    "--trace-s; "
	    "t ${RACELAB:-./racelab} run --strategy robust'",
	    &status);

	cr_expect_eq(status, 0);
	cr_expect(strstr(out, "run list bench segment counter trace help"),
		  "%s", out);
	cr_expect(strstr(out, "\n--trace-svg\n"), "%s", out);
	cr_expect(strstr(out, "robust-mutex"), "%s", out);
}

Test(man, documents_every_option_of_help, .timeout = 30)
{
	expect_options_documented("run");
	expect_options_documented("bench");
	expect_options_documented("segment create");
	expect_options_documented("segment incr");
	expect_options_documented("segment show");
	expect_options_documented("segment destroy");
	expect_options_documented("counter create");
	expect_options_documented("counter incr");
	expect_options_documented("counter show");
	expect_options_documented("counter destroy");
	expect_options_documented("trace");
}

Test(man, documents_every_exit_status_of_help, .timeout = 30)
{
	int status;
	const char *man = shell("cat racelab.1", &status);

	for (const char *const *code =
		 (const char *const[]){ ".B 0", ".B 1", ".B 2", ".B 3", ".B 4",
					".B 128+N", NULL };
	     *code; code++)
		cr_expect(strstr(man, *code), "racelab.1 lacks exit status %s",
			  *code);
}

Test(install, honours_prefix_and_destdir_and_uninstalls, .timeout = 120)
{
	char dir[] = "/tmp/racelab-install-XXXXXX", cmd[512], path[600];
	int status;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "make -s install DESTDIR=%s PREFIX=/opt/rl >/dev/null 2>&1",
		 dir);
	shell(cmd, &status);
	cr_expect_eq(status, 0, "make install failed");
	snprintf(path, sizeof(path), "%s/opt/rl/bin/racelab", dir);
	cr_expect_eq(access(path, X_OK), 0, "%s missing", path);
	snprintf(path, sizeof(path), "%s/opt/rl/share/man/man1/racelab.1", dir);
	cr_expect_eq(access(path, R_OK), 0, "%s missing", path);
	snprintf(path, sizeof(path),
		 "%s/opt/rl/share/bash-completion/completions/racelab", dir);
	cr_expect_eq(access(path, R_OK), 0, "%s missing", path);

	snprintf(cmd, sizeof(cmd),
		 "make -s uninstall DESTDIR=%s PREFIX=/opt/rl >/dev/null 2>&1",
		 dir);
	shell(cmd, &status);
	cr_expect_eq(status, 0, "make uninstall failed");
	snprintf(path, sizeof(path), "%s/opt/rl/bin/racelab", dir);
	cr_expect_neq(access(path, F_OK), 0, "uninstall left %s", path);
	snprintf(path, sizeof(path),
		 "%s/opt/rl/share/bash-completion/completions/racelab", dir);
	cr_expect_neq(access(path, F_OK), 0, "uninstall left %s", path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	shell(cmd, &status);
}
