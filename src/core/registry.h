/*
 * registry.h - the one table of strategies (src/core/registry.c) and how
 * to look one up.
 */
#ifndef RACELAB_REGISTRY_H
#define RACELAB_REGISTRY_H

#include "core/strategy.h"

extern const struct strategy *const strategies[];
extern const unsigned strategy_count;

/* The strategy named name, or NULL. */
const struct strategy *strategy_find(const char *name);

/* Its group's heading in `racelab list`. */
const char *strategy_kind_name(enum strategy_kind kind);

#endif
