/*
 * guardian.c - see guardian.h.
 *
 * The protocol: racelab sends one struct request per SOCK_SEQPACKET message
 * (message boundaries kept, in order); the three that create something get
 * one struct reply back, and a created file's descriptor travels with it as
 * SCM_RIGHTS. The guardian handles one request at a time, so a "forget"
 * sent after a removal is always seen before the end-of-file that follows a
 * SIGKILL.
 *
 * The only gap left is a removal racelab made whose "forget" it did not get
 * to send: the guardian then removes an id that is already gone (EINVAL,
 * harmless; Linux does not hand out the same SysV id again for a long
 * while, as ids carry a sequence number) or a file that is no longer the
 * same inode (left alone).
 */
#include "core/guardian.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/safefile.h"
#include "core/util.h"

enum op {
	OP_SEMGET = 1,	  /* create a set: reply with its id */
	OP_SHMGET,	  /* create a segment: reply with its id */
	OP_CREATE,	  /* create a file: reply with its descriptor */
	OP_FORGET_SEM,	  /* racelab removed set arg */
	OP_FORGET_SHM,	  /* racelab removed segment arg */
	OP_FORGET_FILE,	  /* racelab removed (or kept) file path */
	OP_WATCH_GROUP,	  /* kill group arg if racelab dies */
	OP_FORGET_GROUP,  /* group arg is gone */
	OP_MSGGET,	  /* create a message queue: reply with its id */
	OP_FORGET_MSG,	  /* racelab removed queue arg */
	OP_KEEP_ALL,	  /* what is on the list is meant to stay */
	OP_FORGET_GROUPS, /* racelab ends in order: its workers are gone */
};

struct request {
	int op;		     /* enum op */
	int arg;	     /* an id, a group, a number of semaphores */
	int key;	     /* OP_SEMGET, OP_SHMGET: a key, or IPC_PRIVATE */
	unsigned mode;	     /* OP_CREATE, OP_SEMGET, OP_SHMGET: the mode */
	bool temp;	     /* OP_CREATE: a temporary beside path */
	uint64_t size;	     /* OP_SHMGET: bytes */
	char path[PATH_MAX]; /* OP_CREATE, OP_FORGET_FILE */
};

struct reply {
	int result;	     /* an id or 0; -1 on failure */
	int err;	     /* errno on failure */
	char made[PATH_MAX]; /* OP_CREATE: the name of the file made */
};

/* One thing on the guardian's list. */
struct item {
	int kind;  /* OP_SEMGET, OP_SHMGET, OP_MSGGET, OP_CREATE, ... */
	int id;	   /* set, segment or process group */
	dev_t dev; /* a file: its device ... */
	ino_t ino; /* ... and inode */
	char path[PATH_MAX]; /* a file: its name */
};

static int sock = -1;	/* racelab's end of the socket pair */
static pid_t guardian;	/* its pid, or 0 */
static bool atfork_set; /* pthread_atfork done */

/* ---- the guardian process --------------------------------------------- */

static struct item *items;
static size_t nitems, cap;

static void item_add(const struct item *it)
{
	if (nitems == cap) {
		size_t ncap = cap ? 2 * cap : 16;
		struct item *n = realloc(items, ncap * sizeof(*n));

		if (!n)
			return; /* out of memory: it will not be cleaned */
		items = n;
		cap = ncap;
	}
	items[nitems++] = *it;
}

static void item_drop(int kind, int id, const char *path)
{
	for (size_t i = 0; i < nitems; i++) {
		if (items[i].kind != kind)
			continue;
		if (path ? strcmp(items[i].path, path) != 0 : items[i].id != id)
			continue;
		items[i] = items[--nitems];
		return;
	}
}

/* racelab is gone: kill its workers, then remove what they used. */
static void clean_up(void)
{
	for (size_t i = 0; i < nitems; i++)
		if (items[i].kind == OP_WATCH_GROUP)
			(void)kill(-items[i].id, SIGKILL);
	for (size_t i = 0; i < nitems; i++) {
		const struct item *it = &items[i];

		if (it->kind == OP_SEMGET)
			(void)semctl(it->id, 0, IPC_RMID);
		else if (it->kind == OP_SHMGET)
			(void)shmctl(it->id, IPC_RMID, NULL);
		else if (it->kind == OP_MSGGET)
			(void)msgctl(it->id, IPC_RMID, NULL);
		else if (it->kind == OP_CREATE)
			(void)safefile_unlink_if(it->path, it->dev, it->ino);
	}
	nitems = 0;
}

static void send_reply(int fd, const struct reply *r, int pass_fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)r, .iov_len = sizeof(*r) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (pass_fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	while (sendmsg(fd, &mh, MSG_NOSIGNAL) == -1 && errno == EINTR)
		;
}

static void handle(int fd, const struct request *q)
{
	struct reply r = { .result = 0 };
	struct item it = { .kind = q->op };
	int made_fd = -1;

	switch (q->op) {
	case OP_SEMGET:
		r.result = semget(q->key, q->arg,
				  IPC_CREAT | IPC_EXCL | (int)(q->mode & 0777));
		it.id = r.result;
		break;
	case OP_SHMGET:
		r.result = shmget(q->key, (size_t)q->size,
				  IPC_CREAT | IPC_EXCL | (int)(q->mode & 0777));
		it.id = r.result;
		break;
	case OP_MSGGET:
		r.result = msgget(IPC_PRIVATE, IPC_CREAT | IPC_EXCL | 0600);
		it.id = r.result;
		break;
	case OP_CREATE:
		made_fd = safefile_create(q->path, q->temp, q->mode, r.made,
					  sizeof(r.made), &it.dev, &it.ino);
		if (made_fd < 0) {
			errno = -made_fd;
			r.result = -1;
		} else {
			snprintf(it.path, sizeof(it.path), "%s", r.made);
		}
		break;
	case OP_FORGET_SEM:
		item_drop(OP_SEMGET, q->arg, NULL);
		return;
	case OP_FORGET_SHM:
		item_drop(OP_SHMGET, q->arg, NULL);
		return;
	case OP_FORGET_MSG:
		item_drop(OP_MSGGET, q->arg, NULL);
		return;
	case OP_FORGET_FILE:
		item_drop(OP_CREATE, 0, q->path);
		return;
	case OP_WATCH_GROUP:
		it.id = q->arg;
		item_add(&it);
		return;
	case OP_FORGET_GROUP:
		item_drop(OP_WATCH_GROUP, q->arg, NULL);
		return;
	case OP_KEEP_ALL:
		nitems = 0;
		return;
	case OP_FORGET_GROUPS:
		for (size_t i = nitems; i-- > 0;)
			if (items[i].kind == OP_WATCH_GROUP)
				items[i] = items[--nitems];
		return;
	default:
		return;
	}
	if (r.result == -1)
		r.err = errno;
	else
		item_add(&it);
	send_reply(fd, &r, made_fd);
	if (made_fd >= 0)
		(void)close(made_fd);
}

static void guardian_main(int fd)
{
	static struct request q;
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	/*
	 * Only SIGKILL ends the guardian: a Ctrl-C, a SIGTERM or a SIGHUP
	 * for racelab reaches racelab, which cleans up itself; the guardian
	 * waits for its end-of-file. Its own session, so that killing
	 * racelab's process group does not kill it too.
	 */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD &&
		    sig != SIGSEGV && sig != SIGBUS && sig != SIGILL &&
		    sig != SIGFPE && sig != SIGABRT && sig != SIGTRAP &&
		    sig != SIGSYS)
			(void)signal(sig, SIG_IGN);
	(void)setsid();
	/* Hold nobody's pipe open: whoever reads racelab's output sees its
	 * end when racelab ends. Messages still go to stderr. */
	if (devnull >= 0) {
		(void)dup2(devnull, STDIN_FILENO);
		(void)dup2(devnull, STDOUT_FILENO);
		(void)close(devnull);
	}
	for (;;) {
		ssize_t n = recv(fd, &q, sizeof(q), 0);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* end-of-file: racelab is gone */
		if ((size_t)n == sizeof(q))
			handle(fd, &q);
	}
	clean_up();
	_exit(0);
}

/* ---- racelab's side --------------------------------------------------- */

static void tell(int op, int arg, const char *path);

/* A forked child (a worker) must not hold racelab's end open. */
static void in_child(void)
{
	if (sock >= 0)
		(void)close(sock);
	sock = -1;
	guardian = 0;
}

int guardian_start(void)
{
	int sv[2];
	pid_t pid;

	if (guardian)
		return 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return report_errno("guardian", "socketpair", errno);
	if (!atfork_set && pthread_atfork(NULL, NULL, in_child) == 0)
		atfork_set = true;
	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		int err = errno;

		(void)close(sv[0]);
		(void)close(sv[1]);
		return report_errno("guardian", "fork", err);
	}
	if (pid == 0) {
		/* in_child closed sock (if any); the guardian keeps sv[1]. */
		(void)close(sv[0]);
		guardian_main(sv[1]);
	}
	(void)close(sv[1]);
	sock = sv[0];
	guardian = pid;
	return 0;
}

void guardian_stop(void)
{
	if (!guardian)
		return;
	/*
	 * racelab ends in order (its workers reaped, or threads that die with
	 * it): a group still on the list is stale, and its id may belong to
	 * someone else by now. Only what racelab could not remove is left
	 * for the guardian.
	 */
	tell(OP_FORGET_GROUPS, 0, NULL);
	/*
	 * No wait for it: it exits at once on its own, and a worker thread
	 * still blocked in a lock (thread mode: it ends with the process)
	 * must not outlive the unmapped region by one more millisecond.
	 */
	(void)close(sock);
	sock = -1;
	guardian = 0;
}

bool guardian_active(void)
{
	return guardian != 0;
}

/* Send q; with reply, wait for it (and a descriptor, if fd). 0 or -1. */
static int ask(struct request *q, struct reply *r, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = r, .iov_len = r ? sizeof(*r) : 0 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (sock < 0)
		return -1;
	while ((n = send(sock, q, sizeof(*q), MSG_NOSIGNAL)) == -1 &&
	       errno == EINTR)
		;
	if (n != (ssize_t)sizeof(*q))
		goto gone;
	if (!r)
		return 0;
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	while ((n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) == -1 &&
	       errno == EINTR)
		;
	if (n != (ssize_t)sizeof(*r))
		goto gone;
	if (fd) {
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

		*fd = -1;
		if (c && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	}
	return 0;
gone:
	/* The guardian was killed: go on unguarded, and say so once. */
	report("guardian: pid %d is gone; a SIGKILL of racelab would now "
	       "leave objects behind",
	       (int)guardian);
	(void)close(sock);
	sock = -1;
	return -1;
}

/* The same object made here: no guardian to ask. */
static int ipc_get_here(const struct request *q)
{
	const int flags = IPC_CREAT | IPC_EXCL | (int)(q->mode & 0777);

	switch (q->op) {
	case OP_SEMGET:
		return semget(q->key, q->arg, flags);
	case OP_SHMGET:
		return shmget(q->key, (size_t)q->size, flags);
	default:
		return msgget(q->key, flags);
	}
}

static int ipc_get(int op, key_t key, int nsems, size_t size, unsigned mode)
{
	static struct request q;
	static struct reply r;

	q = (struct request){
		.op = op, .key = key, .arg = nsems, .size = size, .mode = mode
	};
	if (ask(&q, &r, NULL) == -1)
		return ipc_get_here(&q);
	if (r.result == -1)
		errno = r.err;
	return r.result;
}

int guardian_semget(key_t key, int nsems, unsigned mode)
{
	return ipc_get(OP_SEMGET, key, nsems, 0, mode);
}

int guardian_shmget(key_t key, size_t size, unsigned mode)
{
	return ipc_get(OP_SHMGET, key, 0, size, mode);
}

int guardian_msgget(void)
{
	return ipc_get(OP_MSGGET, IPC_PRIVATE, 0, 0, 0600);
}

static void tell(int op, int arg, const char *path)
{
	static struct request q;

	if (sock < 0)
		return;
	q = (struct request){ .op = op, .arg = arg };
	if (path)
		snprintf(q.path, sizeof(q.path), "%s", path);
	(void)ask(&q, NULL, NULL);
}

void guardian_forget_sem(int id)
{
	tell(OP_FORGET_SEM, id, NULL);
}

void guardian_forget_shm(int id)
{
	tell(OP_FORGET_SHM, id, NULL);
}

void guardian_forget_msg(int id)
{
	tell(OP_FORGET_MSG, id, NULL);
}

void guardian_keep_all(void)
{
	tell(OP_KEEP_ALL, 0, NULL);
}

void guardian_forget_file(const char *name)
{
	tell(OP_FORGET_FILE, 0, name);
}

void guardian_watch_group(pid_t pgid)
{
	tell(OP_WATCH_GROUP, (int)pgid, NULL);
}

void guardian_forget_group(pid_t pgid)
{
	tell(OP_FORGET_GROUP, (int)pgid, NULL);
}

int guardian_create(const char *path, bool temp, unsigned mode, char *made,
		    size_t len)
{
	static struct request q;
	static struct reply r;
	dev_t dev;
	ino_t ino;
	int fd = -1;

	if (strlen(path) >= sizeof(q.path))
		return -ENAMETOOLONG;
	q = (struct request){ .op = OP_CREATE, .mode = mode, .temp = temp };
	snprintf(q.path, sizeof(q.path), "%s", path);
	if (ask(&q, &r, &fd) == -1)
		return safefile_create(path, temp, mode, made, len, &dev, &ino);
	if (r.result == -1)
		return -r.err;
	if (fd < 0)
		return -EIO;
	if (made && strlen(r.made) >= len) {
		(void)close(fd);
		return -ENAMETOOLONG;
	}
	if (made)
		snprintf(made, len, "%s", r.made);
	return fd;
}
