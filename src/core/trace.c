/* trace.c - see trace.h. */
#include "core/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

const char trace_csv_header[] = "strategy,worker,index,read,wrote,overwritten,"
				"lost_here,t_read,t_write";

struct trace_event *trace_alloc(uint64_t n)
{
	void *p =
	    mmap(NULL, n * sizeof(struct trace_event), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		(void)report_errno("trace", "mmap", errno);
		return NULL;
	}
	return p;
}

void trace_free(struct trace_event *t, uint64_t n)
{
	if (t)
		(void)munmap(t, n * sizeof(struct trace_event));
}

/*
 * The arrays below hold pointers to events, so their element size is
 * sizeof(a pointer): right, though clang-tidy's sizeof check suspects it.
 */
/* NOLINTBEGIN(bugprone-sizeof-expression) */

static int by_read(const void *a, const void *b)
{
	const struct trace_event *x = *(const struct trace_event *const *)a;
	const struct trace_event *y = *(const struct trace_event *const *)b;

	if (x->read != y->read)
		return x->read < y->read ? -1 : 1;
	return x->t_write < y->t_write ? -1 : x->t_write > y->t_write;
}

static int by_write(const void *a, const void *b)
{
	const struct trace_event *x = *(const struct trace_event *const *)a;
	const struct trace_event *y = *(const struct trace_event *const *)b;

	return x->t_write < y->t_write ? -1 : x->t_write > y->t_write;
}

/* Index events[0..total) whose slot is filled (index != 0). */
static int set_index(struct trace_set *t, const struct trace_event *events,
		     uint64_t total)
{
	uint64_t k = 0;

	t->by_write = malloc((total ? total : 1) * sizeof(*t->by_write));
	t->by_read = malloc((total ? total : 1) * sizeof(*t->by_read));
	if (!t->by_write || !t->by_read) {
		trace_set_free(t);
		return report_errno("trace", "malloc", ENOMEM);
	}
	for (uint64_t i = 0; i < total; i++)
		if (events[i].index)
			t->by_write[k++] = &events[i];
	t->n = k;
	memcpy(t->by_read, t->by_write, k * sizeof(*t->by_read));
	qsort(t->by_write, k, sizeof(*t->by_write), by_write);
	qsort(t->by_read, k, sizeof(*t->by_read), by_read);
	return 0;
}

int trace_set_from_run(struct trace_set *t, const struct run *run)
{
	*t = (struct trace_set){ .strategy = run->strategy->name,
				 .procs = run->procs };
	return set_index(t, run->trace, (uint64_t)run->procs * run->iters);
}

void trace_set_free(struct trace_set *t)
{
	free(t->by_write);
	free(t->by_read);
	free(t->owned);
	free(t->strategy_owned);
	*t = (struct trace_set){ 0 };
}

/* ---- reading a --trace FILE back ---------------------------------------- */

/* A whole decimal number, no sign, no spaces, no overflow. */
static bool csv_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

static bool csv_i64(const char *s, int64_t *out)
{
	uint64_t v;

	if (*s == '-') {
		if (!csv_u64(s + 1, &v) || v > (uint64_t)INT64_MAX)
			return false;
		*out = -(int64_t)v;
		return true;
	}
	if (!csv_u64(s, &v) || v > (uint64_t)INT64_MAX)
		return false;
	*out = (int64_t)v;
	return true;
}

/* A strategy name as racelab spells them: [a-z0-9-], 1..31 characters. */
static bool strategy_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 31)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/*
 * One data line into *e; its strategy name stays in line (NUL-ended).
 * Returns NULL when it is fine, or what is wrong with it.
 */
static const char *parse_line(char *line, char **name, struct trace_event *e)
{
	char *field[9];
	uint64_t v[9];
	int64_t lost_here;
	unsigned nf = 0;

	for (char *p = line;; p++) {
		if (nf == 9)
			return "more than 9 fields";
		field[nf++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p = '\0';
	}
	if (nf != 9)
		return "fewer than 9 fields";
	if (!strategy_name_ok(field[0]))
		return "the strategy is not a racelab strategy name";
	for (unsigned i = 1; i < 9; i++) {
		if (i == 6)
			continue;
		if (!csv_u64(field[i], &v[i]))
			return "a field is not a whole number";
	}
	if (!csv_i64(field[6], &lost_here))
		return "lost_here is not a whole number";
	if (v[1] >= PROCS_MAX)
		return "worker is beyond racelab's 1024 workers";
	if (v[2] == 0 || v[2] > ITERS_MAX)
		return "index is not between 1 and 10,000,000,000";
	if (v[3] == UINT64_MAX || v[4] != v[3] + 1)
		return "wrote is not read + 1";
	if ((int64_t)(v[5] - v[3]) != lost_here)
		return "lost_here is not overwritten - read";
	*name = field[0];
	*e = (struct trace_event){ .worker = (uint32_t)v[1],
				   .index = v[2],
				   .read = v[3],
				   .overwritten = v[5],
				   .t_read = v[7],
				   .t_write = v[8] };
	return NULL;
}

/*
 * Open path for reading only if it is a regular file: O_NONBLOCK so that a
 * FIFO given as the trace cannot hang the open, then fstat.
 */
static FILE *open_regular(const char *path, char *msg, size_t msglen, int *err)
{
	struct stat st;
	FILE *f;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		*err = errno;
		snprintf(msg, msglen, "%s: %s", path, strerror(*err));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		*err = EINVAL;
		snprintf(msg, msglen, "%s: not a regular file", path);
		(void)close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		*err = errno;
		snprintf(msg, msglen, "%s: %s", path, strerror(*err));
		(void)close(fd);
	}
	return f;
}

int trace_set_from_csv(struct trace_set *t, const char *path,
		       const char *strategy, char *msg, size_t msglen)
{
	char line[512], *name;
	const char *bad = NULL;
	uint64_t lineno = 0, cap = 0, n = 0;
	unsigned procs = 0;
	int err = 0;
	FILE *f;

	*t = (struct trace_set){ 0 };
	msg[0] = '\0';
	f = open_regular(path, msg, msglen, &err);
	if (!f)
		return -err;
	while (fgets(line, sizeof(line), f)) {
		struct trace_event e;
		size_t len = strlen(line);

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f)) {
			bad = "longer than any line racelab writes";
			break;
		}
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (lineno == 1) {
			if (strcmp(line, trace_csv_header) != 0) {
				bad = "not the header of a racelab --trace "
				      "file";
				break;
			}
			continue;
		}
		if ((bad = parse_line(line, &name, &e)))
			break;
		if (!t->strategy_owned) {
			if (strategy && strcmp(name, strategy) != 0)
				continue;
			t->strategy_owned = strdup(name);
			if (!t->strategy_owned) {
				err = ENOMEM;
				break;
			}
		} else if (strcmp(name, t->strategy_owned) != 0) {
			continue; /* another strategy's events */
		}
		if (n == TRACE_MAX_EVENTS) {
			bad = "more events than racelab traces (10,000,000)";
			break;
		}
		if (n == cap) {
			uint64_t ncap = cap ? 2 * cap : 4096;
			struct trace_event *p =
			    realloc(t->owned, ncap * sizeof(*p));

			if (!p) {
				err = ENOMEM;
				break;
			}
			t->owned = p;
			cap = ncap;
		}
		t->owned[n++] = e;
		if (e.worker + 1 > procs)
			procs = e.worker + 1;
	}
	if (!bad && !err && ferror(f))
		err = EIO;
	(void)fclose(f);
	if (!bad && !err && lineno == 0)
		bad = "empty, not even a header";
	if (!bad && !err && n == 0)
		bad = strategy ? "no event of that strategy" : "no events";
	if (bad || err) {
		if (bad && lineno)
			snprintf(msg, msglen, "%s, line %" PRIu64 ": %s", path,
				 lineno, bad);
		else if (bad)
			snprintf(msg, msglen, "%s: %s", path, bad);
		else
			snprintf(msg, msglen, "%s: %s", path, strerror(err));
		trace_set_free(t);
		return bad ? -EINVAL : -err;
	}
	t->strategy = t->strategy_owned;
	t->procs = procs;
	return set_index(t, t->owned, n);
}

/* ---- what the trace says ------------------------------------------------ */

/*
 * The store that put `value` into the counter just before the store x
 * overwrote it: one that read value - 1, other than x. Stamps from
 * different CPUs can disagree by a little, so prefer the latest one stamped
 * before x, else the earliest one after.
 */
const struct trace_event *trace_writer_of(const struct trace_set *t,
					  uint64_t value,
					  const struct trace_event *x)
{
	const struct trace_event **ev = t->by_read;
	const struct trace_event *before = NULL, *after = NULL;
	uint64_t lo = 0, hi = t->n;

	if (value == 0)
		return NULL;
	while (lo < hi) { /* the first event with read >= value - 1 */
		uint64_t mid = lo + (hi - lo) / 2;

		if (ev[mid]->read < value - 1)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < t->n && ev[lo]->read == value - 1; lo++) {
		const struct trace_event *e = ev[lo];

		if (e == x)
			continue;
		if (e->t_write < x->t_write)
			before = e;
		else if (!after)
			after = e;
	}
	return before ? before : after;
}

void trace_summarize(const struct trace_set *t, struct trace_summary *sum)
{
	memset(sum, 0, sizeof(*sum));
	sum->events = t->n;
	for (uint64_t i = 0; i < t->n;) { /* runs of equal reads */
		uint64_t j = i + 1;

		while (j < t->n && t->by_read[j]->read == t->by_read[i]->read)
			j++;
		if (j - i > 1)
			sum->shared_reads += j - i;
		i = j;
	}
	for (uint64_t i = 0; i < t->n; i++) {
		const struct trace_event *e = t->by_write[i];
		int64_t wiped = (int64_t)(e->overwritten - e->read);

		sum->accounted += wiped;
		if (wiped < 0) {
			sum->restoring++;
			continue;
		}
		if (wiped == 0)
			continue;
		sum->destructive++;
		if (wiped == 1)
			sum->wiped_1++;
		else if (wiped < 10)
			sum->wiped_2_9++;
		else
			sum->wiped_10++;
		if ((uint64_t)wiped > sum->max_travel) {
			sum->max_travel = (uint64_t)wiped;
			sum->max_worker = e->worker;
			sum->max_read = e->read;
		}
	}
}

/*
 * One line of the timeline for the store x. When it wiped out one update
 * made by a worker that had read the same value, show the four steps. Their
 * order follows from the values, not from the stamps: both reads saw r, so
 * both came before either store of r + 1 was visible; x overwrote y's r + 1,
 * so y stored first. Only the order of the two reads comes from the stamps.
 */
static void timeline_line(FILE *out, const struct trace_set *t,
			  const struct trace_event *x)
{
	const struct trace_event *y = trace_writer_of(t, x->overwritten, x);
	uint64_t wiped = x->overwritten - x->read;

	if (y && wiped == 1 && y->read == x->read) {
		const struct trace_event *first =
		    x->t_read <= y->t_read ? x : y;
		const struct trace_event *second = first == x ? y : x;

		fprintf(out,
			"  w%u read %llu | w%u read %llu | w%u wrote %llu | "
			"w%u wrote %llu   -> 1 update lost\n",
			first->worker, (unsigned long long)first->read,
			second->worker, (unsigned long long)second->read,
			y->worker, (unsigned long long)y->read + 1, x->worker,
			(unsigned long long)x->read + 1);
		return;
	}
	fprintf(out,
		"  w%u read %llu | others store %llu..%llu | w%u wrote %llu "
		"over %llu   -> %llu update%s lost\n",
		x->worker, (unsigned long long)x->read,
		(unsigned long long)x->read + 1,
		(unsigned long long)x->overwritten, x->worker,
		(unsigned long long)x->read + 1,
		(unsigned long long)x->overwritten, (unsigned long long)wiped,
		wiped == 1 ? "" : "s");
}

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

void trace_explain(FILE *out, const struct trace_set *t,
		   const struct trace_summary *sum, const int64_t *lost,
		   unsigned timeline)
{
	uint64_t shown = 0;
	char a[32], b[32];

	fprintf(out, "\n%s: the trace of %s increments %s:\n", t->strategy,
		group_digits(t->n, a, sizeof(a)),
		sum->accounted ? "explains the loss" : "finds no lost update");
	fprintf(out,
		"  %s increments read a value that another increment also "
		"read.\n",
		group_digits(sum->shared_reads, a, sizeof(a)));
	fprintf(out, "  %s stores overwrote other workers' increments: ",
		group_digits(sum->destructive, a, sizeof(a)));
	fprintf(out, "%s wiped out 1, ",
		group_digits(sum->wiped_1, a, sizeof(a)));
	fprintf(out, "%s wiped out 2-9, ",
		group_digits(sum->wiped_2_9, a, sizeof(a)));
	fprintf(out, "%s wiped out 10 or more.\n",
		group_digits(sum->wiped_10, a, sizeof(a)));
	if (sum->restoring)
		fprintf(out,
			"  %s stores found the counter lower than they had "
			"read (an older store had rolled it back) and gave "
			"some back.\n",
			group_digits(sum->restoring, a, sizeof(a)));
	if (sum->max_travel) {
		char c[32], d[32];

		fprintf(
		    out,
		    "  Largest time travel: w%llu read %s, and when it "
		    "stored %s the count was already %s: %s update%s "
		    "lost in one store.\n",
		    (unsigned long long)sum->max_worker,
		    group_digits(sum->max_read, a, sizeof(a)),
		    group_digits(sum->max_read + 1, b, sizeof(b)),
		    group_digits(sum->max_read + sum->max_travel, c, sizeof(c)),
		    group_digits(sum->max_travel, d, sizeof(d)),
		    sum->max_travel == 1 ? "" : "s");
	}
	if (lost)
		fprintf(out,
			"  The trace accounts for %s lost updates; expected - "
			"final = %s: %s.\n",
			group_digits(magnitude(sum->accounted), a, sizeof(a)),
			group_digits(magnitude(*lost), b, sizeof(b)),
			sum->accounted == *lost
			    ? "they agree"
			    : "THEY DISAGREE (a racelab bug)");
	else
		fprintf(out,
			"  The trace accounts for %s lost updates (the sum of "
			"overwritten - read over its stores).\n",
			group_digits(magnitude(sum->accounted), a, sizeof(a)));
	if (sum->destructive && timeline)
		fprintf(out, "  The first collisions, in time order:\n");
	for (uint64_t i = 0; i < t->n && shown < timeline; i++) {
		if (t->by_write[i]->overwritten <= t->by_write[i]->read)
			continue;
		timeline_line(out, t, t->by_write[i]);
		shown++;
	}
}

void trace_json(FILE *f, const struct trace_summary *sum, int64_t lost)
{
	fprintf(f,
		"{\"events\": %llu, \"shared_reads\": %llu, "
		"\"lost_accounted\": %lld, \"agrees\": %s, "
		"\"destructive_stores\": %llu, \"wiped_1\": %llu, "
		"\"wiped_2_9\": %llu, \"wiped_10_or_more\": %llu, "
		"\"restoring_stores\": %llu, \"max_travel\": %llu}",
		(unsigned long long)sum->events,
		(unsigned long long)sum->shared_reads,
		(long long)sum->accounted,
		sum->accounted == lost ? "true" : "false",
		(unsigned long long)sum->destructive,
		(unsigned long long)sum->wiped_1,
		(unsigned long long)sum->wiped_2_9,
		(unsigned long long)sum->wiped_10,
		(unsigned long long)sum->restoring,
		(unsigned long long)sum->max_travel);
}

int trace_write_csv(const char *path, const struct trace_set *t, bool append)
{
	const struct trace_event *const *ev = t->by_write;
	FILE *f;
	int fd;

	/* O_NOFOLLOW: never write through a symlink planted at path. */
	fd = open(path,
		  O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
		      (append ? O_APPEND : O_TRUNC),
		  0666);
	if (fd < 0)
		return report_errno("trace", path, errno);
	f = fdopen(fd, "w");
	if (!f) {
		int err = errno;

		(void)close(fd);
		return report_errno("trace", path, err);
	}
	if (!append)
		fprintf(f, "%s\n", trace_csv_header);
	for (uint64_t i = 0; i < t->n; i++)
		fprintf(f, "%s,%u,%llu,%llu,%llu,%llu,%lld,%llu,%llu\n",
			t->strategy, ev[i]->worker,
			(unsigned long long)ev[i]->index,
			(unsigned long long)ev[i]->read,
			(unsigned long long)ev[i]->read + 1,
			(unsigned long long)ev[i]->overwritten,
			(long long)(ev[i]->overwritten - ev[i]->read),
			(unsigned long long)ev[i]->t_read,
			(unsigned long long)ev[i]->t_write);
	if (fclose(f) != 0)
		return report_errno("trace", path, errno);
	return 0;
}

/* NOLINTEND(bugprone-sizeof-expression) */
