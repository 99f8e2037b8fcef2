/*
 * test_registry.c - adding a strategy is one file and one table line, and
 * nothing else may be forgotten: every registered strategy has its docs
 * page (docs/strategies/NAME.md), its minimal loop for `make bench`
 * (bench/minimal/NAME.c), a declared crash behaviour (.crash and the words
 * of .on_crash) and what it needs of a store (.counter, .lock). Every store
 * admits at least one strategy, and the default admits all.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/registry.h"
#include "store/store.h"

struct entry {
	char name[32]; /* a registered strategy */
};

ParameterizedTestParameters(registry, strategy_is_complete)
{
	static struct entry cases[64];

	for (unsigned i = 0; i < strategy_count; i++)
		snprintf(cases[i].name, sizeof(cases[i].name), "%s",
			 strategies[i]->name);
	return cr_make_param_array(struct entry, cases, strategy_count);
}

ParameterizedTest(struct entry *e, registry, strategy_is_complete,
		  .timeout = 10)
{
	const struct strategy *s = strategy_find(e->name);
	char path[128];

	cr_assert_not_null(s);
	snprintf(path, sizeof(path), "docs/strategies/%s.md", s->name);
	cr_expect_eq(access(path, R_OK), 0, "%s has no docs page %s", s->name,
		     path);
	snprintf(path, sizeof(path), "bench/minimal/%s.c", s->name);
	cr_expect_eq(access(path, R_OK), 0,
		     "%s has no minimal loop %s for make bench", s->name, path);
	cr_expect_neq(
	    s->crash, CRASH_UNDECLARED,
	    "%s does not declare what a crash inside it does (.crash)",
	    s->name);
	cr_expect(s->on_crash && *s->on_crash,
		  "%s has no words for its crash (.on_crash)", s->name);
	cr_expect(s->summary && *s->summary, "%s has no summary", s->name);
	cr_expect_not_null(s->work, "%s has no work function", s->name);
	cr_expect(s->counter != COUNTER_OWN || s->total,
		  "%s keeps its own count but has no total", s->name);
	cr_expect(s->lock == LOCK_NONE || s->setup || s->lock == LOCK_MEMORY,
		  "%s has a kernel lock but no setup", s->name);
	cr_expect(!s->join || s->lock == LOCK_KERNEL,
		  "%s joins a lock at a name, but its lock is not a kernel "
		  "object",
		  s->name);
	cr_expect(!strategy_find(s->name) || strategy_find(s->name) == s,
		  "two strategies are named %s", s->name);
}

Test(registry, names_are_unique_and_every_store_admits_some, .timeout = 10)
{
	for (unsigned i = 0; i < strategy_count; i++)
		for (unsigned j = i + 1; j < strategy_count; j++)
			cr_expect_str_neq(strategies[i]->name,
					  strategies[j]->name);
	for (unsigned k = 0; k < store_count; k++) {
		unsigned admitted = 0;

		for (unsigned i = 0; i < strategy_count; i++)
			admitted += !store_refuses(stores[k], strategies[i]);
		cr_expect_gt(admitted, 0, "store %s admits nothing",
			     stores[k]->name);
		if (k == 0)
			cr_expect_eq(admitted, strategy_count,
				     "the default store %s must admit every "
				     "strategy",
				     stores[k]->name);
	}
}
