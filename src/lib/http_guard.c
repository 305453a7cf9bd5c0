// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lib/http_guard.h"

struct conn {
	int fd;
	unsigned char addr[16]; /* IPv4 as v4-mapped IPv6: one address, one share */
	double since;		/* accept, or the last response */
	bool cut;		/* shut down: counted until the server closes it */
};

struct http_guard {
	size_t limit, per_addr;
	double deadline;
	struct conn *v; /* a few dozen: linear scans are cheaper than an index */
	size_t n, cap;
	unsigned long long ncut;
};

struct http_guard *http_guard__new(size_t limit, size_t per_addr, double deadline)
{
	struct http_guard *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->limit = limit;
	g->per_addr = per_addr;
	g->deadline = deadline;
	return g;
}

void http_guard__free(struct http_guard *g)
{
	if (!g)
		return;
	free(g->v);
	free(g);
}

static void addr_key(const struct sockaddr *sa, socklen_t len, unsigned char out[16])
{
	memset(out, 0, 16);
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	}
}

/*
 * shutdown(), not close(): the descriptor stays the server's, which sees
 * the end of the connection at its next run and closes it itself.
 */
static void cut(struct http_guard *g, struct conn *c)
{
	if (c->cut)
		return;
	shutdown(c->fd, SHUT_RDWR);
	c->cut = true;
	g->ncut++;
}

/* The oldest connection not yet cut, of this address when addr is set. */
static struct conn *oldest(struct http_guard *g, const unsigned char *addr, size_t *live)
{
	struct conn *best = NULL;

	*live = 0;
	for (size_t i = 0; i < g->n; i++) {
		struct conn *c = &g->v[i];

		if (c->cut || (addr && memcmp(c->addr, addr, 16)))
			continue;
		(*live)++;
		if (!best || c->since < best->since)
			best = c;
	}
	return best;
}

void http_guard__admit(struct http_guard *g, const struct sockaddr *addr, socklen_t len)
{
	unsigned char key[16];
	struct conn *c;
	size_t live;

	addr_key(addr, len, key);
	c = oldest(g, key, &live);
	if (c && live >= g->per_addr) {
		cut(g, c);
		return;
	}
	c = oldest(g, NULL, &live);
	if (c && live >= g->limit)
		cut(g, c);
}

void http_guard__opened(struct http_guard *g, int fd, const struct sockaddr *addr, double now)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 64;
		struct conn *v = realloc(g->v, cap * sizeof(*v));

		if (!v)
			return; /* untracked: libmicrohttpd's own limits still hold */
		g->v = v;
		g->cap = cap;
	}
	g->v[g->n] = (struct conn){ .fd = fd, .since = now };
	if (addr)
		addr_key(addr,
			 addr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
						    : sizeof(struct sockaddr_in6),
			 g->v[g->n].addr);
	g->n++;
}

void http_guard__closed(struct http_guard *g, int fd)
{
	for (size_t i = 0; i < g->n; i++) {
		if (g->v[i].fd == fd) {
			g->v[i] = g->v[--g->n];
			return;
		}
	}
}

void http_guard__answered(struct http_guard *g, int fd, double now)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].fd == fd)
			g->v[i].since = now;
}

size_t http_guard__expire(struct http_guard *g, double now)
{
	size_t k = 0;

	for (size_t i = 0; i < g->n; i++) {
		if (!g->v[i].cut && now - g->v[i].since >= g->deadline) {
			cut(g, &g->v[i]);
			k++;
		}
	}
	return k;
}

size_t http_guard__open(const struct http_guard *g)
{
	return g->n;
}

unsigned long long http_guard__cut(const struct http_guard *g)
{
	return g->ncut;
}
