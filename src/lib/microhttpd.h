/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmicrohttpd, loaded when the exporter starts rather than linked: it
 * brings GnuTLS, whose constructor initializes itself (p11-kit, nettle) in
 * every process that links it. Linked, that cost ~2 MB of RSS and ~25 ms
 * at start in every command, for a library only `exporter` uses.
 */
#ifndef DROPSCOPE_MHD_H
#define DROPSCOPE_MHD_H

#include <stddef.h>
#include <microhttpd.h>

/* The functions the exporter calls, as libmicrohttpd declares them. */
struct mhd_api {
	void *handle;
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_run) *run;
	__typeof__(MHD_get_timeout) *get_timeout;
	__typeof__(MHD_get_daemon_info) *get_daemon_info;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
	__typeof__(MHD_get_connection_info) *get_connection_info;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
};

/*
 * Load the library (the soname the build was made against) and its
 * functions. 0, or -1 with the reason in err ("install libmicrohttpd12").
 */
int mhd_load(struct mhd_api *api, char *err, size_t errlen);
void mhd_unload(struct mhd_api *api);

#endif /* DROPSCOPE_MHD_H */
