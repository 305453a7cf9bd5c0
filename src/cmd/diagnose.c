// SPDX-License-Identifier: GPL-2.0
/* `dropscope diagnose`: the command; the work is in src/diagnose/. */
#include "cmd/commands.h"
#include "diagnose/diagnose.h"

int cmd_diagnose(struct config *cfg)
{
	return diagnose_run(cfg);
}
