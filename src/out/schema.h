/*
 * schema.h - each kind of record (a run row, a bench point, a named
 * counter) described once, as a list of fields, and the one writer that
 * renders a record as a table row, a CSV line or a JSON object.
 *
 * A field says its CSV column and JSON key (the same name), its table
 * header and width, how the table shows it, and how soon the table drops
 * it to fit a narrow terminal. The CSV columns and JSON keys are a contract
 * with scripts and labs: later versions add fields at the end, never rename
 * or reorder them. SCHEMA_VERSION goes into every JSON document beside the
 * program's version; raise it when a key changes meaning.
 *
 * How to describe a new kind of record: an array of struct field in the
 * order of its CSV columns, each with a get() that fills a struct value
 * from the record, and one struct schema naming it (see report.c, the run
 * row, and bench-report.c, the bench point).
 */
#ifndef RACELAB_SCHEMA_H
#define RACELAB_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SCHEMA_VERSION	  2 /* 1: racelab 0.1, whose JSON had no "schema" */
#define SCHEMA_FIELDS_MAX 48

enum value_kind {
	VALUE_NULL, /* unknown or not applicable: empty in CSV, null in JSON */
	VALUE_STR,  /* text: quoted in CSV when it must be, escaped in JSON */
	VALUE_U64,  /* a count */
	VALUE_I64,  /* a signed count */
	VALUE_F64,  /* a measurement, printed with the field's decimals */
	VALUE_BOOL, /* 0/1 in CSV, false/true in JSON */
};

struct value {
	enum value_kind kind; /* which member holds it */
	const char *s;	      /* VALUE_STR */
	uint64_t u;	      /* VALUE_U64 */
	int64_t i;	      /* VALUE_I64 */
	double f;	      /* VALUE_F64 */
	bool b;		      /* VALUE_BOOL */
};

/* Where a field appears. */
enum {
	IN_CSV = 1,   /* a CSV column */
	IN_JSON = 2,  /* a JSON key */
	IN_TABLE = 4, /* a table column */
	IN_DATA = IN_CSV | IN_JSON,
	IN_ALL = IN_CSV | IN_JSON | IN_TABLE,
};

/* How the table shows a value (CSV and JSON always show it in full). */
enum cell {
	CELL_TEXT,  /* as it is */
	CELL_COUNT, /* 1,234,567; compact: 1.23M */
	CELL_FIG,   /* 3 significant digits, never an exponent */
	CELL_PCT,   /* 12.34% */
	CELL_FIXED, /* the field's decimals, as in CSV */
};

struct field {
	const char *key;    /* CSV column and JSON key */
	unsigned where;	    /* IN_* */
	unsigned prec;	    /* decimals of a VALUE_F64 in CSV and JSON */
	const char *header; /* table: the column's header */
	const char *group;  /* table: a header above consecutive columns */
	int width;	    /* table: columns; negative: left-aligned */
	int narrow;	    /* table: columns when compact (0: as width) */
	unsigned gap;	    /* table: spaces before it beyond the one */
	enum cell cell;	    /* table: how to show the value */
	unsigned drop;	    /* table: 0 kept; else dropped to fit, highest
			       first */
	/* The value of this field in rec; ctx is what the whole report
	 * shares (the run's seed, the sweep's options). */
	void (*get)(const void *rec, const void *ctx, struct value *v);
	/* Table: a text of its own instead of get() shown by cell, or NULL. */
	const char *(*text)(const void *rec, const void *ctx, bool compact,
			    char *buf, size_t len);
	/* Table: an ANSI colour for the cell, or NULL (only with colour). */
	const char *(*colour)(const void *rec, const void *ctx);
	/* Table: the header when compact, if header is wider than narrow. */
	const char *abbrev;
};

struct schema {
	const char *name;	    /* "run", "bench point", "segment" */
	const struct field *fields; /* in CSV order */
	unsigned n;		    /* how many */
};

/* Print s as a JSON string (quotes included, every control character,
 * quote and backslash escaped), or as a CSV field (quoted when it must). */
void schema_json_string(FILE *f, const char *s);
void schema_csv_string(FILE *f, const char *s);

/* The CSV header line and one record's CSV line (each with its '\n'). */
void schema_csv_header(FILE *f, const struct schema *sc);
void schema_csv_row(FILE *f, const struct schema *sc, const void *rec,
		    const void *ctx);

/* One record's JSON members, `"key": value, ...`, without the braces, so
 * that the caller may add members of its own after them. */
void schema_json_members(FILE *f, const struct schema *sc, const void *rec,
			 const void *ctx);

/* A table of records of one schema, fitted to a width. */
struct table {
	FILE *out;		      /* where */
	const struct schema *sc;      /* what */
	const void *ctx;	      /* passed to every get() */
	unsigned width;		      /* fit to this; 0: no limit */
	bool colour;		      /* ANSI colour from field.colour */
	bool compact;		      /* numbers compact (chosen by fit) */
	bool dropped;		      /* fit dropped a column */
	bool show[SCHEMA_FIELDS_MAX]; /* the columns shown */
};

/*
 * Set t up for sc with every table field shown, then fit: when the table
 * is wider than width, make numbers compact, then drop columns, the
 * highest drop first, until it fits or only drop-0 columns are left.
 */
void table_init(struct table *t, FILE *out, const struct schema *sc,
		const void *ctx, unsigned width, bool colour);

/* Hide the column with this key before table_fit (a column the report
 * does not need this time, such as the recovery when nothing crashed). */
void table_hide(struct table *t, const char *key);

/* Choose compact numbers and the columns to drop (after table_hide). */
void table_fit(struct table *t);

/* The table's width as it stands. */
unsigned table_columns(const struct table *t);

/* The header line(s) and one record's row. */
void table_header(const struct table *t);
void table_row(const struct table *t, const void *rec);

/* A row that is a name and a sentence ("peterson  skipped: ..."): the
 * first column's width, then text wrapped to the table's width. */
void table_note_row(const struct table *t, const char *name, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

#endif
