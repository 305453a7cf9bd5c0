// SPDX-License-Identifier: GPL-2.0
/* Per-drop events: one line (or JSON object, or pcapng packet) per drop. */
#include <stdio.h>

#include "commands.h"

int cmd_events(struct config *cfg)
{
	(void)cfg;
	fprintf(stderr, "dropscope: events mode is not implemented yet\n");
	return 1;
}
