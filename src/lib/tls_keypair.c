// SPDX-License-Identifier: GPL-2.0
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "lib/tls_keypair.h"

/* libmicrohttpd12's GnuTLS (Debian 12: libgnutls30). */
#define GNUTLS_SONAME "libgnutls.so.30"

struct gnutls_api {
	__typeof__(gnutls_certificate_allocate_credentials) *alloc_cred;
	__typeof__(gnutls_certificate_free_credentials) *free_cred;
	__typeof__(gnutls_certificate_set_x509_key_mem) *set_key_mem;
	__typeof__(gnutls_x509_crt_init) *crt_init;
	__typeof__(gnutls_x509_crt_import) *crt_import;
	__typeof__(gnutls_x509_crt_deinit) *crt_deinit;
	__typeof__(gnutls_x509_privkey_init) *key_init;
	__typeof__(gnutls_x509_privkey_import2) *key_import;
	__typeof__(gnutls_x509_privkey_deinit) *key_deinit;
	__typeof__(gnutls_strerror) *strerror;
};

static int load(void *h, struct gnutls_api *g)
{
	static const struct {
		const char *name;
		size_t off;
	} fns[] = {
#define FN(f, n) { #n, offsetof(struct gnutls_api, f) }
		FN(alloc_cred, gnutls_certificate_allocate_credentials),
		FN(free_cred, gnutls_certificate_free_credentials),
		FN(set_key_mem, gnutls_certificate_set_x509_key_mem),
		FN(crt_init, gnutls_x509_crt_init),
		FN(crt_import, gnutls_x509_crt_import),
		FN(crt_deinit, gnutls_x509_crt_deinit),
		FN(key_init, gnutls_x509_privkey_init),
		FN(key_import, gnutls_x509_privkey_import2),
		FN(key_deinit, gnutls_x509_privkey_deinit),
		FN(strerror, gnutls_strerror),
#undef FN
	};

	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		void *p = dlsym(h, fns[i].name);

		if (!p)
			return -1;
		memcpy((char *)g + fns[i].off, &p, sizeof(p));
	}
	return 0;
}

/* GnuTLS's words, without the full stop: they go inside parentheses. */
static void say(char *why, size_t whylen, const char *msg)
{
	size_t n;

	snprintf(why, whylen, "%s", msg ? msg : "unknown error");
	n = strlen(why);
	if (n && why[n - 1] == '.')
		why[n - 1] = 0;
}

static gnutls_datum_t datum(const char *s)
{
	return (gnutls_datum_t){ .data = (unsigned char *)s, .size = (unsigned)strlen(s) };
}

/* Which file is at fault when GnuTLS refused the pair: each read alone. */
static enum tls_keypair blame(const struct gnutls_api *g, const gnutls_datum_t *cert,
			      const gnutls_datum_t *key, char *why, size_t whylen)
{
	gnutls_x509_crt_t crt;
	gnutls_x509_privkey_t pk;
	int err;

	if (g->crt_init(&crt) < 0)
		return TLS_PAIR_BAD;
	err = g->crt_import(crt, cert, GNUTLS_X509_FMT_PEM);
	g->crt_deinit(crt);
	if (err < 0) {
		say(why, whylen, g->strerror(err));
		return TLS_PAIR_BAD_CERT;
	}
	if (g->key_init(&pk) < 0)
		return TLS_PAIR_BAD;
	err = g->key_import(pk, key, GNUTLS_X509_FMT_PEM, NULL, 0);
	g->key_deinit(pk);
	if (err < 0) {
		say(why, whylen, g->strerror(err));
		return TLS_PAIR_BAD_KEY;
	}
	return TLS_PAIR_BAD;
}

enum tls_keypair tls_keypair_check(const char *cert_pem, const char *key_pem, char *why,
				   size_t whylen)
{
	gnutls_datum_t cert = datum(cert_pem), key = datum(key_pem);
	gnutls_certificate_credentials_t cred;
	struct gnutls_api g;
	enum tls_keypair r = TLS_PAIR_OK;
	void *h = dlopen(GNUTLS_SONAME, RTLD_NOW | RTLD_LOCAL);
	int err;

	*why = 0;
	if (!h) {
		snprintf(why, whylen, "%s", dlerror());
		return TLS_PAIR_UNCHECKED;
	}
	if (load(h, &g) || g.alloc_cred(&cred) < 0) {
		snprintf(why, whylen, "%s lacks what is needed", GNUTLS_SONAME);
		dlclose(h);
		return TLS_PAIR_UNCHECKED;
	}
	/* What libmicrohttpd does with MHD_OPTION_HTTPS_MEM_CERT/KEY. */
	err = g.set_key_mem(cred, &cert, &key, GNUTLS_X509_FMT_PEM);
	if (err == GNUTLS_E_CERTIFICATE_KEY_MISMATCH) {
		say(why, whylen, g.strerror(err));
		r = TLS_PAIR_MISMATCH;
	} else if (err < 0) {
		r = blame(&g, &cert, &key, why, whylen);
		if (!*why)
			say(why, whylen, g.strerror(err));
	}
	g.free_cred(cred);
	dlclose(h);
	return r;
}
