/*
 * registry.h - the one table of strategies (src/core/registry.c) and how
 * to look one up.
 */
#ifndef RACELAB_REGISTRY_H
#define RACELAB_REGISTRY_H

#include <stdbool.h>

#include "core/strategy.h"

extern const struct strategy *const strategies[];
extern const unsigned strategy_count;

/* The strategy named name, or NULL. */
const struct strategy *strategy_find(const char *name);

/* Each database store's own strategies, NULL-terminated (store.h .own). */
extern const struct strategy *const strategies_postgres[];
extern const struct strategy *const strategies_redis[];

/*
 * The strategy named name for a run on store st (NULL: the default): the
 * store's own of that name if it has one, else the general one, else
 * another store's own (which st refuses: store_refuses says whose), else
 * NULL.
 */
const struct strategy *strategy_find_for(const char *name,
					 const struct store *st);

/*
 * Does `--strategy all` on store st (NULL: the default) run s? Not a
 * strategy of another store's server, nor a general one that one of st's
 * own replaces.
 */
bool strategy_in_all(const struct strategy *s, const struct store *st);

/* Its group's heading in `racelab list`. */
const char *strategy_kind_name(enum strategy_kind kind);

#endif
