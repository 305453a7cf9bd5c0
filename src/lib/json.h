/* SPDX-License-Identifier: GPL-2.0 */
/* The few pieces of JSON output every writer needs: escaped strings. */
#ifndef DROPSCOPE_JSON_H
#define DROPSCOPE_JSON_H

#include <stdio.h>

/* Write s as a JSON string literal, quotes included; NULL writes null. */
void json_string(FILE *out, const char *s);

/* "name":"value", with value escaped. */
void json_member_str(FILE *out, const char *name, const char *value);

#endif /* DROPSCOPE_JSON_H */
