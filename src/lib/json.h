/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON output: one streaming writer that places the commas and tracks the
 * nesting, so no caller writes a ',' or a '{' by hand, and strings escaped
 * our one way (lib/escape: control bytes and bytes that are not UTF-8
 * become \uXXXX, valid UTF-8 passes through).
 *
 *	struct json j;
 *
 *	json_init(&j, stdout);
 *	json_object_begin(&j, NULL);       // top level and in arrays: no key
 *	json_u64(&j, "count", 3);
 *	json_str(&j, "dev", NULL);          // NULL string -> null
 *	json_array_begin(&j, "frames");
 *	json_str(&j, NULL, "tcp_v4_rcv+0x1a/0x2c0");
 *	json_array_end(&j);
 *	json_object_end(&j);
 *	if (json_newline(&j))               // one JSON-lines record ends
 *		return -EIO;                // a write failed (or misuse)
 *	// {"count":3,"dev":null,"frames":["tcp_v4_rcv+0x1a/0x2c0"]}
 *
 * Every value call takes a key: a member name inside an object, NULL
 * inside an array and at the top level. The writer keeps no global state;
 * a struct json lives as long as the records it writes.
 */
#ifndef DROPSCOPE_JSON_H
#define DROPSCOPE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Deeper than any document we write; going deeper is misuse (json_error). */
#define JSON_MAX_DEPTH 32

struct json {
	FILE *out;
	int depth;
	/* Bit d: the container at depth d already holds a value (a comma is due). */
	uint64_t filled;
	bool misuse;
};

void json_init(struct json *j, FILE *out);

void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);

/* A string, escaped; NULL writes null. */
void json_str(struct json *j, const char *key, const char *s);
/* A string made by printf (an address "0x%llx"), escaped like json_str. */
__attribute__((format(printf, 3, 4))) void json_strf(struct json *j, const char *key,
						     const char *fmt, ...);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* A number made by printf ("%.6f", "%lld.%09lld"), written as it is: the
 * caller's format must make a JSON number. */
__attribute__((format(printf, 3, 4))) void json_numf(struct json *j, const char *key,
						     const char *fmt, ...);

/* Ends a JSON-lines record: '\n', and the next top-level value starts
 * afresh. Returns json_error(). */
int json_newline(struct json *j);

/* 0; -EIO when a write to the stream failed; -EINVAL when containers were
 * left open at a newline, closed without being opened or nested too deep. */
int json_error(const struct json *j);

/* The helpers the writer is made of, for writers not yet moved to it. */

/* Write s as a JSON string literal, quotes included; NULL writes null. */
void json_string(FILE *out, const char *s);

/* "name":"value", with value escaped. */
void json_member_str(FILE *out, const char *name, const char *value);

#endif /* DROPSCOPE_JSON_H */
