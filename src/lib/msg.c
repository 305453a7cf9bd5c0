// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>

#include "lib/json.h"
#include "lib/msg.h"

/* Set once by main() before anything is said (msg.h says why it is global). */
static bool as_json;

void msg_json(bool on)
{
	as_json = on;
}

void msg_vprint(enum msg_kind kind, const char *fmt, va_list ap)
{
	static const char *const key[] = {
		[MSG_ERROR] = "error", [MSG_WARNING] = "warning", [MSG_INFO] = "info"
	};
	char line[2048];
	struct json j;

	vsnprintf(line, sizeof(line), fmt, ap);
	if (!as_json) {
		fprintf(stderr, "dropscope: %s%s\n", kind == MSG_WARNING ? "warning: " : "", line);
		return;
	}
	json_init(&j, stderr);
	json_object_begin(&j, NULL);
	json_str(&j, key[kind], line);
	json_object_end(&j);
	json_newline(&j);
}

void msg_print(enum msg_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vprint(kind, fmt, ap);
	va_end(ap);
}
