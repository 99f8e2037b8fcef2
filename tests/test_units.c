/* test_units.c - the pieces that need no process: parsing, the table. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <string.h>

#include "core/registry.h"
#include "core/util.h"

struct number_case {
	const char *text; /* what the user typed */
	int ok;		  /* 0: accepted, -1: refused */
	uint64_t value;	  /* when accepted */
	const char *why;  /* when refused: a word of the reason */
};

Test(parse_u64, accepts_plain_decimals_and_refuses_the_rest)
{
	static const struct number_case cases[] = {
		{ "1", 0, 1, NULL },
		{ "1000000", 0, 1000000, NULL },
		{ "1024", 0, 1024, NULL },
		{ "0", -1, 0, "at least 1" },
		{ "", -1, 0, "empty" },
		{ "-1", -1, 0, "negative" },
		{ "+5", -1, 0, "decimal" },
		{ "12abc", -1, 0, "decimal" },
		{ " 7", -1, 0, "decimal" },
		{ "0x10", -1, 0, "decimal" },
		{ "1e6", -1, 0, "decimal" },
		{ "1.5", -1, 0, "decimal" },
		{ "2000001", -1, 0, "too large" },
		{ "99999999999999999999999", -1, 0, "too large" },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct number_case *c = &cases[i];
		const char *why = NULL;
		uint64_t v = 0;
		int r = parse_u64(c->text, 1, 2000000, &v, &why);

		cr_expect_eq(r, c->ok, "parse_u64(\"%s\") returned %d", c->text,
			     r);
		if (c->ok == 0)
			cr_expect_eq(v, c->value, "parse_u64(\"%s\") = %llu",
				     c->text, (unsigned long long)v);
		else
			cr_expect(why && strstr(why, c->why),
				  "parse_u64(\"%s\"): reason '%s' lacks '%s'",
				  c->text, why ? why : "(none)", c->why);
	}
}

Test(group_digits, puts_commas_between_thousands)
{
	char buf[32];

	cr_expect_str_eq(group_digits(0, buf, sizeof(buf)), "0");
	cr_expect_str_eq(group_digits(999, buf, sizeof(buf)), "999");
	cr_expect_str_eq(group_digits(1000, buf, sizeof(buf)), "1,000");
	cr_expect_str_eq(group_digits(1934221, buf, sizeof(buf)), "1,934,221");
}

Test(strategies, table_is_complete_and_names_are_kebab_case)
{
	cr_assert_geq(strategy_count, 5);
	for (unsigned i = 0; i < strategy_count; i++) {
		const struct strategy *s = strategies[i];

		cr_expect(s->name && *s->name, "strategy %u has no name", i);
		for (const char *p = s->name; *p; p++)
			cr_expect(islower((unsigned char)*p) ||
				      isdigit((unsigned char)*p) || *p == '-',
				  "%s: not kebab-case", s->name);
		cr_expect(s->summary && strlen(s->summary) > 10,
			  "%s: no summary", s->name);
		cr_expect(s->work != NULL, "%s: no work function", s->name);
		cr_expect_eq(strategy_find(s->name), s, "%s: not found by name",
			     s->name);
		for (unsigned j = 0; j < i; j++)
			cr_expect_str_neq(s->name, strategies[j]->name);
	}
	cr_expect_null(strategy_find("no-such-strategy"));
	cr_expect_null(strategy_find("all"));
}
