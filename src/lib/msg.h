/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What dropscope tells the user on stderr, one line per message:
 * "dropscope: TEXT" (an error, or a note such as events' closing count),
 * "dropscope: warning: TEXT". Under --json each is one JSON object
 * instead, {"error":"TEXT"}, {"warning":"TEXT"} or {"info":"TEXT"}, as
 * bpftool does: a program that reads our JSON on stdout reads our
 * complaints on stderr without parsing prose. Every command says its
 * errors through here.
 */
#ifndef DROPSCOPE_MSG_H
#define DROPSCOPE_MSG_H

#include <stdarg.h>
#include <stdbool.h>

enum msg_kind { MSG_ERROR, MSG_WARNING, MSG_INFO };

/*
 * Messages as JSON from now on (on) or as text (off, the start). main()
 * sets it once, before any command runs and before any other thread
 * starts: the one process-wide setting, as stdout's watcher is.
 */
void msg_json(bool on);

/* TEXT is printf's fmt without the "dropscope: " prefix and without the
 * trailing newline; it is written as given (escape untrusted parts). */
__attribute__((format(printf, 2, 3))) void msg_print(enum msg_kind kind, const char *fmt, ...);
__attribute__((format(printf, 2, 0))) void msg_vprint(enum msg_kind kind, const char *fmt,
						      va_list ap);

#define msg_error(...) msg_print(MSG_ERROR, __VA_ARGS__)
#define msg_warn(...)  msg_print(MSG_WARNING, __VA_ARGS__)
#define msg_info(...)  msg_print(MSG_INFO, __VA_ARGS__)

#endif /* DROPSCOPE_MSG_H */
