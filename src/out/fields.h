/* fields.h - shorthand for defining a schema's fields (out/schema.h). */
#ifndef RACELAB_FIELDS_H
#define RACELAB_FIELDS_H

#include "out/schema.h"

/*
 * Writing a schema's fields, for the files that define them (report.c,
 * bench-report.c, segment-report.c, counter-report.c) and no other: short
 * names, kept out of schema.h. GET(name) opens field name's get function,
 * get_name(rec, ctx, v); TEXT(name) its table text, text_name(rec, ctx,
 * compact, buf, len). GET_U64 and GET_STR define a get function whose
 * value is an expression of rec, DATA(key, get) a field only CSV and JSON
 * show.
 */
#define GET(name)                                                              \
	static void get_##name(const void *rec, const void *ctx,               \
			       struct value *v)
#define TEXT(name)                                                             \
	static const char *text_##name(const void *rec, const void *ctx,       \
				       bool compact, char *buf, size_t len)
#define GET_U64(name, expr)                                                    \
	GET(name)                                                              \
	{                                                                      \
		(void)ctx;                                                     \
		*v = (struct value){ .kind = VALUE_U64, .u = (expr) };         \
	}
#define GET_STR(name, expr)                                                    \
	GET(name)                                                              \
	{                                                                      \
		(void)ctx;                                                     \
		*v = (struct value){ .kind = VALUE_STR, .s = (expr) };         \
	}
#define DATA(key, get)                                                         \
	{                                                                      \
		key, IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get, NULL, \
		    NULL, NULL                                                 \
	}

#endif
