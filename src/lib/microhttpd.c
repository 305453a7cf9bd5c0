// SPDX-License-Identifier: GPL-2.0
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "lib/microhttpd.h"

/* Debian 12's libmicrohttpd12; the ABI the headers describe. */
#define MHD_SONAME "libmicrohttpd.so.12"

int mhd_load(struct mhd_api *api, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		size_t off;
	} fns[] = {
#define FN(f) { "MHD_" #f, offsetof(struct mhd_api, f) }
		FN(start_daemon),
		FN(stop_daemon),
		FN(run),
		FN(get_timeout),
		FN(get_daemon_info),
		FN(lookup_connection_value),
		FN(get_connection_info),
		FN(create_response_from_buffer),
		FN(add_response_header),
		FN(queue_response),
		FN(destroy_response),
#undef FN
	};

	memset(api, 0, sizeof(*api));
	api->handle = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!api->handle) {
		snprintf(err, errlen, "cannot load %s: %s (install libmicrohttpd12)", MHD_SONAME,
			 dlerror());
		return -1;
	}
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		void *p = dlsym(api->handle, fns[i].name);

		if (!p) {
			snprintf(err, errlen, "%s has no %s", MHD_SONAME, fns[i].name);
			mhd_unload(api);
			return -1;
		}
		memcpy((char *)api + fns[i].off, &p, sizeof(p));
	}
	return 0;
}

void mhd_unload(struct mhd_api *api)
{
	if (api->handle)
		dlclose(api->handle);
	memset(api, 0, sizeof(*api));
}
