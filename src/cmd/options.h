/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line options shared by the monitoring commands. */
#ifndef DROPSCOPE_OPTIONS_H
#define DROPSCOPE_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "trace/config.h"

/*
 * Parse argv (after the command word cfg->cmd). Returns 0, or 2 after
 * printing a one-line error (exit code for bad input), or 1 for --help
 * (the command's help printed).
 */
int options_parse(int argc, char **argv, struct config *cfg);

/* Does this command line of cmd ask for --json (before "--"), and does
 * cmd take it? Then messages are JSON from the first (lib/msg.h). */
bool options_want_json(int argc, char **argv, const char *cmd);

/* Every command and option (`dropscope help`). */
void usage(FILE *out);

/* One command's usage and options, from the same table as the parser. */
void usage_cmd(FILE *out, const char *cmd);

/*
 * Say which option getopt_long() refused: word is argv[optind - 1], opt
 * getopt's optopt. Names a long option properly ("--json takes no value")
 * and escapes what the user typed; with cmd, points to `dropscope CMD --help`.
 */
void option_error(const struct option *longopts, const char *word, int opt, const char *cmd);

/* A hex number (0x optional, digits only) for --kaslr-offset. 0 or -1. */
int options_parse_hex(const char *s, uint64_t *v);

#endif /* DROPSCOPE_OPTIONS_H */
