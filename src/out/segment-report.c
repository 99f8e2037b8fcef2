/* segment-report.c - the named counter's fields (segment-report.h). */
#include "out/segment-report.h"

#include "core/util.h"
#include "out/fields.h"

#define S(rec) ((const struct segment_row *)(rec))

GET_STR(key, S(rec)->key)
GET_U64(counter, S(rec)->counter)
GET_U64(requested, S(rec)->requested)
GET_U64(completed, S(rec)->completed)
GET_U64(unfinished, S(rec)->unfinished)
GET_U64(recoveries, S(rec)->recoveries)
GET_U64(incrs, S(rec)->incrs)
GET_U64(attached, S(rec)->attached)
GET_STR(strategy, S(rec)->strategy)

GET(shmid)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_I64, .i = S(rec)->shmid };
}

/* "0644", as ls and chmod write it. */
GET(mode)
{
	static char buf[8];

	(void)ctx;
	snprintf(buf, sizeof(buf), "%04o", S(rec)->mode & 0777);
	*v = (struct value){ .kind = VALUE_STR, .s = buf };
}

GET(lost)
{
	(void)ctx;
	if (S(rec)->lost_known)
		*v = (struct value){ .kind = VALUE_U64, .u = S(rec)->lost };
}

GET(lock_file)
{
	(void)ctx;
	if (S(rec)->lock_file)
		*v =
		    (struct value){ .kind = VALUE_STR, .s = S(rec)->lock_file };
}

/* In the order of racelab 0.1's CSV columns; lock_file was JSON only. */
static const struct field segment_fields[] = {
	DATA("key", get_key),
	DATA("shmid", get_shmid),
	DATA("strategy", get_strategy),
	DATA("mode", get_mode),
	DATA("counter", get_counter),
	DATA("requested", get_requested),
	DATA("completed", get_completed),
	DATA("unfinished", get_unfinished),
	DATA("lost", get_lost),
	DATA("recoveries", get_recoveries),
	DATA("incr_processes", get_incrs),
	DATA("attached", get_attached),
	{ "lock_file", IN_JSON, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_lock_file, NULL, NULL, NULL },
};

const struct schema segment_schema = {
	.name = "segment",
	.fields = segment_fields,
	.n = sizeof(segment_fields) / sizeof(segment_fields[0]),
};

void segment_report_print(FILE *f, enum format format,
			  const struct segment_row *row)
{
	report_record(f, format, &segment_schema, row);
}
