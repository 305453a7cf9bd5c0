/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Printable forms of untrusted text: a task's comm, device, symbol, module
 * and reason names come from the kernel, packets or files, and any user
 * can set a comm to "x\n\x1b[31m". One style everywhere in text output,
 * pcapng comments and error messages:
 *   - bytes 0x00-0x1f and 0x7f, C1 controls (U+0080-U+009F) and bytes that
 *     are not part of valid UTF-8 become \xNN (lower-case hex, per byte);
 *   - a backslash becomes \\, so the form can be read back unambiguously;
 *   - everything else, including valid UTF-8, is kept as it is.
 * JSON has its own escapes (json.c) but uses utf8_seq_len() from here.
 */
#ifndef DROPSCOPE_ESCAPE_H
#define DROPSCOPE_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Bytes of the printable UTF-8 character at s (2-4), or 0 when s does not
 * start one: an ASCII byte, a C1 control, an invalid, overlong, surrogate
 * or truncated sequence. s must be NUL-terminated.
 */
size_t utf8_seq_len(const unsigned char *s);

/*
 * Escaped copy of src in dst (always NUL-terminated when len > 0), cut
 * before an escape or character that would not fit. Returns dst.
 */
char *escape_str(char *dst, size_t len, const char *src);

/*
 * The same for one value of a "key=value key=value" text (a workload's
 * name): space and '=' become \x20 and \x3d as well, so a name from a
 * file or a user (`ip netns add "x container=y"`) cannot make words of its
 * own. The result is printed as it is, never escaped again.
 */
char *escape_word(char *dst, size_t len, const char *src);

/* Write the escaped form of s to f; returns EOF on a write error. */
int escape_fputs(const char *s, FILE *f);

/*
 * The text form of a name where "-" stands for none (a drop with no
 * device, no task): an empty name is "-", a name that is "-" itself (Linux
 * lets a device be called that) is \x2d, the escape form of its byte, so
 * the two read apart as JSON's null and "-" do. Else escape_fputs().
 */
#define ESCAPE_NONE "-"
int escape_fputs_name(const char *s, FILE *f);

/* The same for escape_str(): a constant for none and "-", else dst. */
const char *escape_name_or_none(char *dst, size_t len, const char *src);

/* Room escape_str() needs for any input of n bytes, NUL included. */
#define ESCAPED_SIZE(n) (4 * (n) + 1)

/*
 * The escaped form of s for one message (argv words and file names in
 * errors), in a buffer that lives until the end of the enclosing block.
 * Long words are cut.
 */
#define ESCAPE_MSG_MAX 512
#define ESC(s)	       escape_str((char[ESCAPE_MSG_MAX]){ 0 }, ESCAPE_MSG_MAX, (s))

#endif /* DROPSCOPE_ESCAPE_H */
