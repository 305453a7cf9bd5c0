/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Standard output, watched: every command's text goes through stdout, and
 * a failed write must end the run with a message and exit 1, never be
 * lost behind exit 0. stdio keeps no errno with its error flag, so stdout
 * is replaced by a stream (fopencookie) whose write side records the first
 * error and counts the lines that reached the descriptor.
 *
 * A reader that went away (EPIPE: `| head`, a closed pager) is a quiet
 * end, not an error: nothing is said and the exit code stays what it was
 * (0 after a normal run), as with SIGPIPE's default for a shell pipeline
 * minus the signal. Line counts then still say only what was written.
 */
#ifndef DROPSCOPE_OUTPUT_H
#define DROPSCOPE_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * First thing in main(): open /dev/null on any of descriptors 0-2 that is
 * closed (else the first file we open would become stdout, and text would
 * go into a pcapng file), then set up the watched stdout. 0, or -1 when
 * /dev/null cannot be opened.
 */
int output_init(void);

/* The first write error on stdout (errno value), 0 when none. */
int output_error(void);

/* Flush stdout; true when stdout is broken (a write failed, now or before). */
bool output_failed(void);

/* Newlines that reached stdout's descriptor so far. */
uint64_t output_lines(void);

/*
 * At the end of a command: flush, and on a write error other than EPIPE
 * say so once on stderr ("dropscope: writing to standard output: CAUSE")
 * and turn an exit code of 0 into 1. Returns the exit code to use.
 */
int output_end(int rc);

#endif /* DROPSCOPE_OUTPUT_H */
