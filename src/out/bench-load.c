/*
 * bench-load.c - see bench-load.h. A strict JSON parser (RFC 8259: no
 * comments, no trailing commas, no NaN) into a flat array of nodes, then
 * the bench result read out of it field by field, each checked.
 */
#include "out/bench-load.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/registry.h"
#include "core/safefile.h"
#include "core/util.h"
#include "out/schema.h"
#include "store/store.h"

#define DEPTH_MAX   32	       /* nesting: a result needs 4 */
#define TEXT_MAX    4096       /* one string, decoded */
#define NODES_MAX   1000000    /* values in one file */
#define SAMPLES_MAX (1u << 18) /* strategies x worker counts x runs */

/* ---- JSON ------------------------------------------------------------- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype type;
	bool b;	       /* J_BOOL */
	double num;    /* J_NUM */
	bool integer;  /* J_NUM: digits only, maybe a '-' */
	uint64_t u;    /* J_NUM: when integer and >= 0 and fits */
	bool u_ok;     /* ... it did */
	char *str;     /* J_STR: decoded, NUL-terminated */
	char *key;     /* a member's key, or NULL */
	unsigned kids; /* J_ARR, J_OBJ: how many */
	size_t first;  /* J_ARR, J_OBJ: first child's index */
	size_t next;   /* the next sibling's index, 0: none */
};

struct jparse {
	const char *p, *end, *start;
	struct jnode *nodes;
	size_t n, cap;
	const char *err; /* what is wrong */
	size_t at;	 /* where, bytes from the start */
};

static bool fail(struct jparse *j, const char *why)
{
	if (!j->err) {
		j->err = why;
		j->at = (size_t)(j->p - j->start);
	}
	return false;
}

static void skip_ws(struct jparse *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool new_node(struct jparse *j, size_t *at)
{
	if (j->n >= NODES_MAX)
		return fail(j, "too many values");
	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 256;
		struct jnode *n = realloc(j->nodes, cap * sizeof(*n));

		if (!n)
			return fail(j, "out of memory");
		j->nodes = n;
		j->cap = cap;
	}
	j->nodes[j->n] = (struct jnode){ .type = J_NULL };
	*at = j->n++;
	return true;
}

static int hex4(const char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		int c = (unsigned char)p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* A string at j->p (the opening quote), decoded into a new allocation. */
static bool string(struct jparse *j, char **out)
{
	char buf[TEXT_MAX + 4];
	size_t n = 0;

	j->p++;
	for (;;) {
		unsigned c;

		if (j->p >= j->end)
			return fail(j, "a string is not closed");
		c = (unsigned char)*j->p++;
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(j, "a control character in a string");
		if (c == '\\') {
			int u;

			if (j->p >= j->end)
				return fail(j, "a string is not closed");
			c = (unsigned char)*j->p++;
			switch (c) {
			case '"':
			case '\\':
			case '/':
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u':
				if (j->end - j->p < 4 || (u = hex4(j->p)) < 0)
					return fail(j, "a bad \\u escape");
				j->p += 4;
				if (u == 0)
					return fail(j, "a NUL in a string");
				/* Surrogates stand for themselves: '?'. */
				if (u >= 0xd800 && u <= 0xdfff)
					u = '?';
				if (n + 3 > TEXT_MAX)
					return fail(j, "a string is too long");
				if (u < 0x80) {
					buf[n++] = (char)u;
				} else if (u < 0x800) {
					buf[n++] = (char)(0xc0 | (u >> 6));
					buf[n++] = (char)(0x80 | (u & 0x3f));
				} else {
					buf[n++] = (char)(0xe0 | (u >> 12));
					buf[n++] =
					    (char)(0x80 | ((u >> 6) & 0x3f));
					buf[n++] = (char)(0x80 | (u & 0x3f));
				}
				continue;
			default:
				return fail(j, "a bad escape in a string");
			}
		}
		if (n >= TEXT_MAX)
			return fail(j, "a string is too long");
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	*out = strdup(buf);
	return *out ? true : fail(j, "out of memory");
}

static bool number(struct jparse *j, struct jnode *nd)
{
	const char *s = j->p;
	char buf[64], *end;
	bool digits = false;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0') {
		j->p++;
		digits = true;
	} else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
			j->p++;
			digits = true;
		}
	if (!digits)
		return fail(j, "not a JSON value");
	nd->integer = true;
	if (j->p < j->end && *j->p == '.') {
		nd->integer = digits = false;
		for (j->p++; j->p < j->end && *j->p >= '0' && *j->p <= '9';
		     j->p++)
			digits = true;
		if (!digits)
			return fail(j, "a number without digits after '.'");
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		nd->integer = digits = false;
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		for (; j->p < j->end && *j->p >= '0' && *j->p <= '9'; j->p++)
			digits = true;
		if (!digits)
			return fail(j, "a number without an exponent");
	}
	if ((size_t)(j->p - s) >= sizeof(buf))
		return fail(j, "a number is too long");
	memcpy(buf, s, (size_t)(j->p - s));
	buf[j->p - s] = '\0';
	nd->type = J_NUM;
	nd->num = strtod(buf, NULL);
	if (!isfinite(nd->num))
		return fail(j, "a number out of range");
	if (nd->integer && buf[0] != '-') {
		errno = 0;
		nd->u = strtoull(buf, &end, 10);
		nd->u_ok = errno == 0 && *end == '\0';
	}
	return true;
}

static bool word(struct jparse *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return fail(j, "not a JSON value");
	j->p += n;
	return true;
}

static bool value(struct jparse *j, size_t at, int depth);

/* An array or object's members, from after its opening bracket. */
static bool members(struct jparse *j, size_t at, int depth, bool object)
{
	char close = object ? '}' : ']';
	size_t prev = 0;

	skip_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return true;
	}
	for (;;) {
		char *key = NULL;
		size_t kid;

		skip_ws(j);
		if (object) {
			if (j->p >= j->end || *j->p != '"')
				return fail(j, "an object key is not a string");
			if (!string(j, &key))
				return false;
			skip_ws(j);
			if (j->p >= j->end || *j->p != ':') {
				free(key);
				return fail(j, "':' missing after a key");
			}
			j->p++;
		}
		if (!new_node(j, &kid)) {
			free(key);
			return false;
		}
		j->nodes[kid].key = key;
		if (!value(j, kid, depth + 1))
			return false;
		if (j->nodes[at].kids++ == 0)
			j->nodes[at].first = kid;
		else
			j->nodes[prev].next = kid;
		prev = kid;
		skip_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return true;
		}
		return fail(j, object ? "',' or '}' missing in an object"
				      : "',' or ']' missing in an array");
	}
}

static bool value(struct jparse *j, size_t at, int depth)
{
	if (depth > DEPTH_MAX)
		return fail(j, "nested too deep");
	skip_ws(j);
	if (j->p >= j->end)
		return fail(j, "the file ends early");
	switch (*j->p) {
	case '{':
	case '[': {
		bool object = *j->p == '{';

		j->nodes[at].type = object ? J_OBJ : J_ARR;
		j->p++;
		return members(j, at, depth, object);
	}
	case '"': {
		char *s;

		if (!string(j, &s))
			return false;
		j->nodes[at].type = J_STR;
		j->nodes[at].str = s;
		return true;
	}
	case 't':
		j->nodes[at].type = J_BOOL;
		j->nodes[at].b = true;
		return word(j, "true");
	case 'f':
		j->nodes[at].type = J_BOOL;
		return word(j, "false");
	case 'n':
		return word(j, "null");
	default:
		return number(j, &j->nodes[at]);
	}
}

static void jfree(struct jparse *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->nodes[i].str);
		free(j->nodes[i].key);
	}
	free(j->nodes);
}

/* ---- the result ------------------------------------------------------- */

struct load {
	const char *name; /* the file, for messages */
	struct jparse *j;
	struct bench_loaded *l;
	size_t texts;		/* bytes used in l->texts */
	size_t texts_cap;	/* its size */
	const struct store *st; /* the file's store */
};

static struct jnode *node(const struct load *ld, size_t i)
{
	return &ld->j->nodes[i];
}

/* The member of object obj called key, or NULL. */
static struct jnode *member(const struct load *ld, const struct jnode *obj,
			    const char *key)
{
	if (!obj || obj->type != J_OBJ)
		return NULL;
	for (size_t i = obj->first, k = 0; k < obj->kids;
	     k++, i = node(ld, i)->next)
		if (strcmp(node(ld, i)->key, key) == 0)
			return node(ld, i);
	return NULL;
}

static int bad(const struct load *ld, const char *what, const char *key)
{
	report("bench: --from '%s': %s%s%s%s", ld->name, key ? "\"" : "",
	       key ? key : "", key ? "\" " : "", what);
	return -EINVAL;
}

static int get_str(const struct load *ld, const struct jnode *obj,
		   const char *key, bool need, const char **out)
{
	const struct jnode *v = member(ld, obj, key);

	*out = NULL;
	if (!v || v->type == J_NULL)
		return need ? bad(ld, "is missing", key) : 0;
	if (v->type != J_STR)
		return bad(ld, "is not a string", key);
	*out = v->str;
	return 0;
}

/* A number in [lo, hi]; *known false when null or (optional) missing. */
static int get_num(const struct load *ld, const struct jnode *obj,
		   const char *key, double lo, double hi, bool need,
		   bool *known, double *out)
{
	const struct jnode *v = member(ld, obj, key);

	*known = false;
	*out = 0;
	if (!v || v->type == J_NULL)
		return need ? bad(ld, "is missing", key) : 0;
	if (v->type != J_NUM)
		return bad(ld, "is not a number", key);
	if (!(v->num >= lo && v->num <= hi))
		return bad(ld, "is out of range", key);
	*known = true;
	*out = v->num;
	return 0;
}

static int get_u64(const struct load *ld, const struct jnode *obj,
		   const char *key, uint64_t hi, bool need, bool *known,
		   uint64_t *out)
{
	const struct jnode *v = member(ld, obj, key);

	*known = false;
	*out = 0;
	if (!v || v->type == J_NULL)
		return need ? bad(ld, "is missing", key) : 0;
	if (v->type != J_NUM || !v->integer || !v->u_ok)
		return bad(ld, "is not a whole number", key);
	if (v->u > hi)
		return bad(ld, "is out of range", key);
	*known = true;
	*out = v->u;
	return 0;
}

static int get_bool(const struct load *ld, const struct jnode *obj,
		    const char *key, bool *out)
{
	const struct jnode *v = member(ld, obj, key);

	*out = false;
	if (!v || v->type == J_NULL)
		return 0;
	if (v->type != J_BOOL)
		return bad(ld, "is not true or false", key);
	*out = v->b;
	return 0;
}

static const char *keep_text(struct load *ld, const char *s)
{
	size_t n = strlen(s) + 1;

	if (ld->texts + n > ld->texts_cap)
		return "(reason not kept)";
	memcpy(ld->l->texts + ld->texts, s, n);
	ld->texts += n;
	return ld->l->texts + ld->texts - n;
}

static int read_machine(struct load *ld, const struct jnode *root)
{
	const struct jnode *m = member(ld, root, "machine");
	struct bench_machine *bm = &ld->l->machine;
	const char *cpu, *kernel, *date, *host;
	double v;
	bool known;
	uint64_t cpus;
	int err;

	if (!m || m->type != J_OBJ)
		return bad(ld, "is missing or not an object", "machine");
	if ((err = get_str(ld, m, "cpu", true, &cpu)) ||
	    (err = get_str(ld, m, "kernel", true, &kernel)) ||
	    (err = get_str(ld, m, "date", true, &date)) ||
	    (err = get_str(ld, m, "host", false, &host)) ||
	    (err = get_u64(ld, m, "cpus", 1u << 20, true, &known, &cpus)) ||
	    (err = get_num(ld, m, "load_avg", 0, 1e9, false, &known, &v)))
		return err;
	snprintf(bm->cpu, sizeof(bm->cpu), "%s", cpu);
	snprintf(bm->kernel, sizeof(bm->kernel), "%s", kernel);
	snprintf(bm->date, sizeof(bm->date), "%s", date);
	snprintf(bm->host, sizeof(bm->host), "%s",
		 host ? host : "unknown host");
	bm->cpus = (unsigned)cpus;
	bm->load_avg = known ? v : -1;
	return 0;
}

static int read_settings(struct load *ld, const struct jnode *root)
{
	struct bench_loaded *l = ld->l;
	const char *mode, *pin, *store;
	double target, duration;
	bool t_known, d_known, known;
	uint64_t repeat;
	int err;

	if ((err = get_str(ld, root, "mode", true, &mode)) ||
	    (err = get_str(ld, root, "pin", true, &pin)) ||
	    (err = get_str(ld, root, "store", false, &store)) ||
	    (err = get_u64(ld, root, "repeat", BENCH_REPEAT_MAX, true, &known,
			   &repeat)) ||
	    (err = get_num(ld, root, "target_ms", 0, 1e7, false, &t_known,
			   &target)) ||
	    (err = get_num(ld, root, "duration_s", 0, 1e7, false, &d_known,
			   &duration)) ||
	    (err = get_num(ld, root, "elapsed_s", 0, 1e9, false, &known,
			   &l->elapsed_s)) ||
	    (err = get_bool(ld, root, "latency", &l->bo.latency)))
		return err;
	if (strcmp(mode, "process") == 0)
		l->bo.mode = MODE_PROCESS;
	else if (strcmp(mode, "thread") == 0)
		l->bo.mode = MODE_THREAD;
	else
		return bad(ld, "is neither process nor thread", "mode");
	if (bench_pin_parse(pin, &l->bo.pin))
		return bad(ld, "is not none, spread or compact", "pin");
	if (repeat < 1)
		return bad(ld, "is out of range", "repeat");
	if (t_known == d_known)
		return bad(ld, "must have one of target_ms and duration_s",
			   NULL);
	l->bo.repeat = (unsigned)repeat;
	l->bo.target_s = t_known ? target / 1e3 : 0;
	l->bo.duration_s = d_known ? duration : 0;
	if (d_known && !(duration > 0))
		return bad(ld, "is out of range", "duration_s");
	snprintf(l->store, sizeof(l->store), "%s", store ? store : "shm");
	return 0;
}

static int add_procs(struct load *ld, uint64_t w)
{
	struct bench_opts *bo = &ld->l->bo;
	unsigned i = 0;

	while (i < bo->nprocs && ld->l->procs[i] < w)
		i++;
	if (i < bo->nprocs && ld->l->procs[i] == w)
		return 0;
	if (bo->nprocs >= BENCH_PROCS_MAX)
		return bad(ld, "has too many worker counts", "procs");
	memmove(&ld->l->procs[i + 1], &ld->l->procs[i],
		(bo->nprocs - i) * sizeof(ld->l->procs[0]));
	ld->l->procs[i] = (unsigned)w;
	bo->nprocs++;
	return 0;
}

/* The points' strategies and worker counts: the grid's two axes. */
static int read_axes(struct load *ld, const struct jnode *pts,
		     const struct store *st)
{
	struct bench_loaded *l = ld->l;
	size_t i = pts->first;

	for (unsigned k = 0; k < pts->kids; k++, i = node(ld, i)->next) {
		const struct jnode *p = node(ld, i);
		const struct strategy *s;
		const char *name;
		uint64_t w;
		bool known;
		unsigned at = 0;
		int err;

		if (p->type != J_OBJ)
			return bad(ld, "holds something not an object",
				   "points");
		if ((err = get_str(ld, p, "strategy", true, &name)) ||
		    (err =
			 get_u64(ld, p, "procs", PROCS_MAX, true, &known, &w)))
			return err;
		if (w < 1)
			return bad(ld, "is out of range", "procs");
		if ((err = add_procs(ld, w)))
			return err;
		s = strategy_find_for(name, st);
		if (!s) {
			report("bench: --from '%s': strategy '%.64s' is not "
			       "one this racelab knows (`racelab list`)",
			       ld->name, name);
			return -EINVAL;
		}
		while (at < l->n && l->list[at] != s)
			at++;
		if (at == l->n) {
			if (l->n >= BENCH_LOAD_STRATEGIES)
				return bad(ld, "has too many strategies",
					   "points");
			l->list[l->n++] = s;
		}
	}
	return 0;
}

static int verdict_parse(const char *s, enum verdict *v, bool *skipped,
			 bool *not_run)
{
	*skipped = *not_run = false;
	*v = VERDICT_EXACT;
	if (strcmp(s, "exact") == 0)
		return 0;
	if (strcmp(s, "not-run") == 0)
		*not_run = true;
	else if (strcmp(s, "skipped") == 0)
		*skipped = true;
	else if (strcmp(s, "lost") == 0)
		*v = VERDICT_LOST;
	else if (strcmp(s, "failed") == 0)
		*v = VERDICT_FAILED;
	else if (strcmp(s, "deadlock") == 0)
		*v = VERDICT_DEADLOCK;
	else
		return -EINVAL;
	return 0;
}

static int read_samples(struct load *ld, const struct jnode *p,
			struct bench_point *pt)
{
	const struct jnode *sa = member(ld, p, "samples");
	size_t i;

	if (!sa || sa->type != J_ARR)
		return bad(ld, "is missing or not an array", "samples");
	if (sa->kids != pt->runs)
		return bad(ld, "do not number a point's runs", "samples");
	i = sa->first;
	for (unsigned r = 0; r < sa->kids; r++, i = node(ld, i)->next) {
		const struct jnode *s = node(ld, i);
		struct bench_sample *out = &pt->samples[r];
		bool known;
		int err;

		if (s->type != J_OBJ)
			return bad(ld, "holds something not an object",
				   "samples");
		if ((err = get_num(ld, s, "ns_per_op", 0, 1e15, true, &known,
				   &out->ns_per_op)) ||
		    (err = get_num(ld, s, "mops_per_s", 0, 1e15, true, &known,
				   &out->mops)) ||
		    (err = get_num(ld, s, "elapsed_s", 0, 1e9, true, &known,
				   &out->elapsed_s)) ||
		    (err = get_u64(ld, s, "expected", UINT64_MAX, true, &known,
				   &out->expected)) ||
		    (err = get_u64(ld, s, "final", UINT64_MAX, true, &known,
				   &out->final)) ||
		    (err = get_u64(ld, s, "done_min", UINT64_MAX, true, &known,
				   &out->done_min)) ||
		    (err = get_u64(ld, s, "done_max", UINT64_MAX, true, &known,
				   &out->done_max)))
			return err;
		out->iters = pt->iters;
		out->verdict = pt->verdict;
	}
	return 0;
}

static int read_point(struct load *ld, const struct jnode *p,
		      struct bench_point *pt)
{
	const char *verdict, *detail;
	double lost, share;
	bool known, skipped, not_run;
	uint64_t runs;
	int err;

	if ((err = get_u64(ld, p, "runs", ld->l->bo.repeat, true, &known,
			   &runs)) ||
	    (err = get_u64(ld, p, "iters", UINT64_MAX, false, &known,
			   &pt->iters)) ||
	    (err = get_str(ld, p, "verdict", true, &verdict)) ||
	    (err = get_str(ld, p, "detail", false, &detail)))
		return err;
	if (verdict_parse(verdict, &pt->verdict, &skipped, &not_run))
		return bad(ld, "is not a verdict racelab writes", "verdict");
	pt->runs = (unsigned)runs;
	if (skipped)
		pt->skipped = keep_text(ld, detail ? detail : "skipped");
	if ((skipped || not_run) && pt->runs)
		return bad(ld, "says not run but has runs", "verdict");
	snprintf(pt->detail, sizeof(pt->detail), "%s",
		 detail && !skipped ? detail : "");
	if (pt->runs) {
		if ((err = get_num(ld, p, "ns_median", 0, 1e15, true, &known,
				   &pt->ns_med)) ||
		    (err = get_num(ld, p, "ns_min", 0, 1e15, true, &known,
				   &pt->ns_min)) ||
		    (err = get_num(ld, p, "ns_max", 0, 1e15, true, &known,
				   &pt->ns_max)) ||
		    (err = get_num(ld, p, "mops_median", 0, 1e15, true, &known,
				   &pt->mops_med)) ||
		    (err = get_num(ld, p, "mops_min", 0, 1e15, true, &known,
				   &pt->mops_min)) ||
		    (err = get_num(ld, p, "mops_max", 0, 1e15, true, &known,
				   &pt->mops_max)) ||
		    (err = get_u64(ld, p, "expected", UINT64_MAX, true, &known,
				   &pt->expected)) ||
		    (err = get_u64(ld, p, "final", UINT64_MAX, true, &known,
				   &pt->final)) ||
		    (err = get_num(ld, p, "lost", -1.8e19, 1.8e19, true, &known,
				   &lost)) ||
		    (err = get_num(ld, p, "share_min_pct", 0, 100, true, &known,
				   &share)))
			return err;
		pt->share_min = share / 100;
		if ((err = get_num(ld, p, "share_max_pct", 0, 100, true, &known,
				   &share)))
			return err;
		pt->share_max = share / 100;
		/* Recomputed, not trusted: the table's lost % uses it. */
		pt->lost = (int64_t)(pt->expected - pt->final);
		(void)lost;
		if (!(pt->ns_min <= pt->ns_med && pt->ns_med <= pt->ns_max))
			return bad(ld, "is not between ns_min and ns_max",
				   "ns_median");
	}
	if ((err = get_bool(ld, p, "unfair", &pt->unfair)) ||
	    (err = get_num(ld, p, "acquire_p99_ns", 0, 1e15, false,
			   &pt->p99_known, &pt->p99_ns)))
		return err;
	pt->warmed = pt->runs > 0;
	return read_samples(ld, p, pt);
}

static int read_points(struct load *ld, const struct jnode *pts)
{
	struct bench_loaded *l = ld->l;
	unsigned np = l->bo.nprocs;
	bool *seen;
	size_t i = pts->first;
	int err = 0;

	l->points = bench_points_alloc(l->list, l->n, &l->bo);
	if (!l->points)
		return -ENOMEM;
	l->npoints = l->n * np;
	seen = calloc(l->npoints, sizeof(*seen));
	if (!seen)
		return -ENOMEM;
	for (unsigned k = 0; k < pts->kids && !err;
	     k++, i = node(ld, i)->next) {
		const struct jnode *p = node(ld, i);
		const struct strategy *s;
		const char *name;
		uint64_t w;
		bool known;
		unsigned si = 0, pi = 0;

		get_str(ld, p, "strategy", true, &name);
		get_u64(ld, p, "procs", PROCS_MAX, true, &known, &w);
		s = strategy_find_for(name, ld->st);
		while (si < l->n && l->list[si] != s)
			si++;
		while (pi < np && l->procs[pi] != w)
			pi++;
		if (si == l->n || pi == np)
			err = bad(ld,
				  "is not a grid of strategies and worker "
				  "counts",
				  "points");
		else if (seen[si * np + pi])
			err = bad(ld,
				  "holds one strategy and worker count "
				  "twice",
				  "points");
		else {
			seen[si * np + pi] = true;
			err = read_point(ld, p, &l->points[si * np + pi]);
		}
	}
	/* Points the file lacks: never measured, said so. */
	for (unsigned q = 0; q < l->npoints && !err; q++)
		if (!seen[q])
			l->points[q].skipped = "not in the file";
	free(seen);
	return err;
}

static int read_cpus(struct load *ld, const struct jnode *root)
{
	const struct jnode *c = member(ld, root, "cpus");
	size_t i;

	if (!c || c->type == J_NULL)
		return 0;
	if (c->type != J_ARR || c->kids > 256)
		return bad(ld, "is not a list of CPUs", "cpus");
	i = c->first;
	for (unsigned k = 0; k < c->kids; k++, i = node(ld, i)->next) {
		const struct jnode *v = node(ld, i);

		if (v->type != J_NUM || !v->u_ok || v->u > 1u << 20)
			return bad(ld, "holds a bad CPU number", "cpus");
		ld->l->cpus[k] = (int)v->u;
	}
	ld->l->bo.cpus = ld->l->cpus;
	ld->l->bo.ncpus = c->kids;
	return 0;
}

static int read_result(struct load *ld, const struct jnode *root)
{
	struct bench_loaded *l = ld->l;
	const struct jnode *pts, *procs;
	const struct store *st;
	const char *name;
	double schema, sig;
	bool known, interrupted;
	int err;

	if (root->type != J_OBJ)
		return bad(ld, "is not a JSON object", NULL);
	if ((err = get_num(ld, root, "schema", 0, 1e9, true, &known, &schema)))
		return err;
	if (schema != SCHEMA_VERSION)
		return bad(ld, "is a version this racelab does not read",
			   "schema");
	if ((err = read_machine(ld, root)) || (err = read_settings(ld, root)) ||
	    (err = get_bool(ld, root, "interrupted", &interrupted)))
		return err;
	if ((err = get_num(ld, root, "signal", 0, 64, false, &known, &sig)))
		return err;
	/* Which signal: files of racelab 0.2 said only that one came. */
	l->interrupted =
	    interrupted ? (known && sig >= 1 ? (int)sig : SIGINT) : 0;
	st = store_find(l->store, &name);
	if (!st)
		return bad(ld, "is not a store this racelab knows", "store");
	ld->st = st;
	pts = member(ld, root, "points");
	if (!pts || pts->type != J_ARR || pts->kids == 0)
		return bad(ld, "is missing, empty or not an array", "points");
	procs = member(ld, root, "procs");
	if (procs && procs->type == J_ARR) {
		size_t i = procs->first;

		for (unsigned k = 0; k < procs->kids;
		     k++, i = node(ld, i)->next) {
			const struct jnode *v = node(ld, i);

			if (v->type != J_NUM || !v->u_ok || v->u < 1 ||
			    v->u > PROCS_MAX)
				return bad(ld, "holds a bad worker count",
					   "procs");
			if ((err = add_procs(ld, v->u)))
				return err;
		}
	}
	if ((err = read_axes(ld, pts, st)) || (err = read_cpus(ld, root)))
		return err;
	/* A hostile file must not make us allocate without bound. */
	if ((uint64_t)l->n * l->bo.nprocs * l->bo.repeat > SAMPLES_MAX)
		return bad(ld, "hold too many points and runs", "points");
	l->bo.procs = l->procs;
	return read_points(ld, pts);
}

/* The whole text as one value, nothing after it but white space. */
static bool parse(struct jparse *j, size_t *root)
{
	if (!new_node(j, root) || !value(j, *root, 0))
		return false;
	skip_ws(j);
	return j->p == j->end || fail(j, "text after the end");
}

int bench_load_text(const char *name, const char *text, size_t len,
		    struct bench_loaded *l)
{
	struct jparse j = { .p = text, .end = text + len, .start = text };
	struct load ld = {
		.name = name, .j = &j, .l = l, .texts_cap = len + 1
	};
	size_t root;
	int err;

	memset(l, 0, sizeof(*l));
	if (!parse(&j, &root)) {
		report("bench: --from '%s': not a JSON document: %s at byte "
		       "%zu",
		       name, j.err, j.at);
		jfree(&j);
		return -EINVAL;
	}
	/* Room for every skipped point's reason: no more than the file. */
	l->texts = malloc(len + 1);
	err = l->texts ? read_result(&ld, &j.nodes[root]) : -ENOMEM;
	jfree(&j);
	if (err) {
		if (err == -ENOMEM)
			report("bench: --from '%s': out of memory", name);
		bench_loaded_free(l);
		return err;
	}
	snprintf(l->label, sizeof(l->label), "%s: %s, %u CPU%s, %s (%s)",
		 l->machine.host, l->machine.cpu, l->machine.cpus,
		 l->machine.cpus == 1 ? "" : "s", l->machine.date, name);
	return 0;
}

int bench_load(const char *path, struct bench_loaded *l)
{
	int fd = safefile_open_existing(path, O_RDONLY);
	struct stat st;
	char *buf;
	size_t n = 0;
	int err;

	if (fd < 0) {
		report("bench: --from '%s': %s", path,
		       fd == -EINVAL  ? "not a regular file"
		       : fd == -ELOOP ? "a symbolic link in it is refused"
				      : strerror(-fd));
		return -EINVAL;
	}
	if (fstat(fd, &st) != 0 || st.st_size > (off_t)BENCH_LOAD_MAX) {
		report("bench: --from '%s': larger than %u MiB: not a bench "
		       "result",
		       path, BENCH_LOAD_MAX >> 20);
		close(fd);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	/* The file may grow as we read: never past what we sized for. */
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			report("bench: --from '%s': read: %s", path,
			       strerror(errno));
			free(buf);
			close(fd);
			return -EINVAL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	err = bench_load_text(path, buf, n, l);
	free(buf);
	return err;
}

void bench_loaded_free(struct bench_loaded *l)
{
	if (l->points)
		bench_points_free(l->points, l->npoints);
	free(l->texts);
	l->points = NULL;
	l->texts = NULL;
}
