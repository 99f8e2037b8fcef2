/* counter-report.c - the named counter's fields (counter-report.h). */
#include "out/counter-report.h"

#include "core/util.h"
#include "out/fields.h"

#define C(rec) ((const struct counter_row *)(rec))
/* A figure that may be unknown: empty in CSV, null in JSON. */
#define GET_IF(name, known, expr)                                              \
	GET(name)                                                              \
	{                                                                      \
		(void)ctx;                                                     \
		if (C(rec)->known)                                             \
			*v = (struct value){ .kind = VALUE_U64,                \
					     .u = C(rec)->expr };              \
	}

GET_STR(store, C(rec)->store)
GET_STR(name, C(rec)->name)
GET_STR(where, C(rec)->where)
GET_U64(value, C(rec)->value)
GET_U64(requested, C(rec)->requested)
GET_U64(finished, C(rec)->finished)
GET_U64(attempted, C(rec)->attempted)
GET_U64(incrs, C(rec)->incrs)
GET_U64(incrs_done, C(rec)->incrs_done)
GET_IF(lost, lost_known, lost)
GET_IF(lost_min, bounds_known, lost_min)
GET_IF(lost_max, bounds_known, lost_max)

static const struct field counter_fields[] = {
	DATA("store", get_store),
	DATA("name", get_name),
	DATA("where", get_where),
	DATA("value", get_value),
	DATA("requested", get_requested),
	DATA("finished", get_finished),
	DATA("attempted", get_attempted),
	DATA("incr_processes", get_incrs),
	DATA("incr_processes_done", get_incrs_done),
	DATA("lost", get_lost),
	DATA("lost_min", get_lost_min),
	DATA("lost_max", get_lost_max),
};

const struct schema counter_schema = {
	.name = "counter",
	.fields = counter_fields,
	.n = sizeof(counter_fields) / sizeof(counter_fields[0]),
};

void counter_report_print(FILE *f, enum format format,
			  const struct counter_row *row)
{
	report_record(f, format, &counter_schema, row);
}
