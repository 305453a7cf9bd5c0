/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands; main.c dispatches argv[1] through a table of these. */
#ifndef DROPSCOPE_COMMANDS_H
#define DROPSCOPE_COMMANDS_H

#include <string.h>
#include "cmd/options.h"

int cmd_summary(struct config *cfg);
int cmd_events(struct config *cfg);
int cmd_top(struct config *cfg);
int cmd_exporter(struct config *cfg);
int cmd_counters(int argc, char **argv);
int cmd_diagnose(struct config *cfg);

#endif /* DROPSCOPE_COMMANDS_H */
