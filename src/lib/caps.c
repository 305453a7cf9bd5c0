// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include "lib/caps.h"

static bool caps_in(cap_value_t cap, cap_flag_t set)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (!caps)
		return false;
	if (cap_get_flag(caps, cap, set, &v))
		v = CAP_CLEAR;
	cap_free(caps);
	return v == CAP_SET;
}

bool caps_effective(cap_value_t cap)
{
	return caps_in(cap, CAP_EFFECTIVE);
}

bool caps_permitted(cap_value_t cap)
{
	return caps_in(cap, CAP_PERMITTED);
}

int caps_set_effective(cap_value_t cap, bool on)
{
	cap_t caps = cap_get_proc();
	int rc = 0;

	if (!caps)
		return -errno;
	if (cap_set_flag(caps, CAP_EFFECTIVE, 1, &cap, on ? CAP_SET : CAP_CLEAR) ||
	    cap_set_proc(caps))
		rc = -errno;
	cap_free(caps);
	return rc;
}

int caps_apply_effective(cap_t caps, cap_value_t cap, bool on)
{
	if (cap_set_flag(caps, CAP_EFFECTIVE, 1, &cap, on ? CAP_SET : CAP_CLEAR) ||
	    cap_set_proc(caps))
		return -errno;
	return 0;
}
