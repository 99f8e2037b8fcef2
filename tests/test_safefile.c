/*
 * test_safefile.c - the files racelab writes (issue 14): a symlink planted
 * at --trace FILE or --svg FILE leaves its target untouched; every bad path
 * option exits 2 with nothing created; an existing file is replaced by
 * rename, never written in place.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/safefile.h"
#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* The command that writes FILE through each file option. */
static void run_with(const char *opt, const char *file, struct outcome *o)
{
	if (strcmp(opt, "--svg") == 0)
		racelab(o, 60,
			ARGS("bench", "--strategies", "atomic", "--procs", "1",
			     "--repeat", "1", "--target-ms", "5", "--svg",
			     file));
	else if (strcmp(opt, "--trace") == 0)
		racelab(o, 60,
			ARGS("run", "--strategy", "none", "--procs", "2",
			     "--iters", "100", "--trace", file));
	else
		racelab(o, 60,
			ARGS("run", "--strategy", "flock", "--procs", "2",
			     "--iters", "100", "--lock-file", file));
}

struct opt_case {
	char opt[16]; /* --trace, --svg, --lock-file */
};

ParameterizedTestParameters(safefile, bad_paths)
{
	static struct opt_case cases[] = { { "--trace" },
					   { "--svg" },
					   { "--lock-file" } };

	return cr_make_param_array(struct opt_case, cases, 3);
}

/*
 * A planted symlink (the target keeps its content), a symlinked directory
 * on the way, a directory, a FIFO, a device, a missing directory, an empty
 * name, an over-long one: each exits 2, prints nothing on stdout, creates
 * nothing, and the message names the option.
 */
ParameterizedTest(struct opt_case *c, safefile, bad_paths, .timeout = 60)
{
	const char *tmp = getenv("TMPDIR");
	char target[256], link[256], linkdir[256], through[300], fifo[256],
	    missing[256], longp[5000];
	struct snapshot before;

	cr_assert_not_null(tmp);
	snprintf(target, sizeof(target), "%s/precious", tmp);
	snprintf(link, sizeof(link), "%s/planted", tmp);
	snprintf(linkdir, sizeof(linkdir), "%s/linkdir", tmp);
	snprintf(through, sizeof(through), "%s/out", linkdir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", tmp);
	snprintf(missing, sizeof(missing), "%s/no/such/out", tmp);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	write_file(target, "keep");
	cr_assert_eq(symlink(target, link), 0);
	cr_assert_eq(symlink(tmp, linkdir), 0);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	snap(&before);

	const char *bad[] = { link,	   through, tmp, fifo,
			      "/dev/null", missing, "",	 longp };
	const char *says[] = { "symbolic link",
			       "symbolic link",
			       "directory",
			       "not a regular file",
			       "device",
			       "does not exist",
			       "",
			       "too long" };

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct outcome o;

		run_with(c->opt, bad[i], &o);
		cr_expect_eq(o.exit_code, 2, "%s '%.60s': exit %d: %s", c->opt,
			     bad[i], o.exit_code, o.err);
		cr_expect(strstr(o.err, c->opt), "names the option: %s", o.err);
		cr_expect(strstr(o.err, says[i]), "%s", o.err);
		cr_expect_str_empty(o.out, "nothing may start: %s", o.out);
	}
	cr_expect_eq(size_of(target), 4, "the symlink's target was touched");
	/* precious, planted, linkdir, fifo: nothing new, nothing gone. */
	cr_expect_eq(entries(tmp), 4, "a file was created or removed");
	expect_same_tables(&before, c->opt);
}

ParameterizedTestParameters(safefile, existing_file_replaced)
{
	static struct opt_case cases[] = { { "--trace" }, { "--svg" } };

	return cr_make_param_array(struct opt_case, cases, 2);
}

/*
 * An existing regular file is replaced by a new one renamed over it: a hard
 * link to the old one keeps the old content (it was never truncated).
 */
ParameterizedTest(struct opt_case *c, safefile, existing_file_replaced,
		  .timeout = 60)
{
	const char *tmp = getenv("TMPDIR");
	char file[256], hard[256];
	struct outcome o;

	snprintf(file, sizeof(file), "%s/out", tmp);
	snprintf(hard, sizeof(hard), "%s/old", tmp);
	write_file(file, "old");
	cr_assert_eq(link(file, hard), 0);
	run_with(c->opt, file, &o);
	cr_expect(o.exit_code == 0 || o.exit_code == 3, "%s", o.err);
	cr_expect_gt(size_of(file), 3, "FILE was not written");
	cr_expect_eq(size_of(hard), 3, "the old file was written in place");
	cr_expect_eq(entries(tmp), 2, "a temporary file was left");
}

/* The checks themselves, without racelab. */
Test(safefile, refuse_in_words)
{
	char buf[512];

	cr_expect_null(safefile_refuse("new-file-here", buf, sizeof(buf)));
	cr_expect_str_eq(safefile_refuse("", buf, sizeof(buf)),
			 "needs a file name");
	cr_expect(
	    strstr(safefile_refuse("/dev/null", buf, sizeof(buf)), "device"));
	cr_expect(strstr(safefile_refuse("/", buf, sizeof(buf)), "directory"));
	cr_expect(
	    strstr(safefile_refuse("/nonexistent-racelab/x", buf, sizeof(buf)),
		   "does not exist"));
}
