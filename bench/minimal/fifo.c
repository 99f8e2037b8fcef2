/* fifo.c - a token byte in a FIFO made in a private 0700 directory and
 * unlinked at once: read() to lock, write() to unlock. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "token.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	(void)id, (void)fd;
	token_loop(r, 1, iters);
}

static int setup(struct region *r)
{
	struct token *t = (struct token *)r->lock;
	const char *dir = getenv("TMPDIR");
	char tpl[512], path[600];

	t->rd = t->wr = -1;
	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(tpl, sizeof(tpl), "%s/racelab-minimal-XXXXXX", dir);
	if (!mkdtemp(tpl)) {
		perror("minimal: mkdtemp");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/token", tpl);
	if (mkfifo(path, 0600) == 0) {
		t->rd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		t->wr = open(path, O_WRONLY | O_CLOEXEC);
	}
	(void)unlink(path);
	(void)rmdir(tpl);
	/* F_SETFL with O_RDONLY (0): the reader blocks from now on. */
	if (t->rd < 0 || t->wr < 0 || fcntl(t->rd, F_SETFL, O_RDONLY) == -1 ||
	    write(t->wr, "T", 1) != 1) {
		perror("minimal: fifo");
		return -1;
	}
	return 0;
}

const struct minimal minimal = {
	.name = "fifo",
	.setup = setup,
	.teardown = token_teardown,
	.loop = loop,
};
