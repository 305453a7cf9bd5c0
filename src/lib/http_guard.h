/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who may hold the exporter's connections, and for how long. libmicrohttpd's
 * own limits refuse a new client once the slots are taken, and its timeout
 * is on idleness: 64 clients trickling a header line every few seconds hold
 * every slot for ever and Prometheus is refused. Here a new client is
 * always let in: when the slots (or its address's share) are taken, the
 * oldest connection (of that address) is cut to make room; and every
 * request has a deadline from its connection's accept (or the previous
 * response) to its answer, however busy the client keeps it.
 */
#ifndef DROPSCOPE_HTTP_GUARD_H
#define DROPSCOPE_HTTP_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct http_guard;

/* At most limit connections, per_addr from one address, deadline seconds a request. */
struct http_guard *http_guard__new(size_t limit, size_t per_addr, double deadline);
void http_guard__free(struct http_guard *g);

/*
 * A client asks to connect: make room for it (cut the oldest connection of
 * its address when it has per_addr, else the oldest of all when there are
 * limit). Always admits: the cut connection ends at the server's next run.
 */
void http_guard__admit(struct http_guard *g, const struct sockaddr *addr, socklen_t len);
/* The server took a connection (its socket) / closed it. */
void http_guard__opened(struct http_guard *g, int fd, const struct sockaddr *addr, double now);
void http_guard__closed(struct http_guard *g, int fd);
/* A response was sent on fd: the next request's deadline starts now. */
void http_guard__answered(struct http_guard *g, int fd, double now);
/* Cut the connections past their deadline. Returns how many. */
size_t http_guard__expire(struct http_guard *g, double now);
/* Connections open now; connections cut so far. */
size_t http_guard__open(const struct http_guard *g);
unsigned long long http_guard__cut(const struct http_guard *g);

#endif /* DROPSCOPE_HTTP_GUARD_H */
