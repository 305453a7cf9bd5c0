/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is a PEM certificate and private key a pair the exporter can serve with?
 * Asked of GnuTLS, the library libmicrohttpd itself loads them with, so it
 * answers for exactly what the server would accept, and says which of the
 * two files is at fault. GnuTLS is loaded at run time like libmicrohttpd
 * (lib/microhttpd.h says why): called after mhd_load(), it is already
 * mapped as libmicrohttpd's dependency and costs nothing to load.
 */
#ifndef DROPSCOPE_TLS_KEYPAIR_H
#define DROPSCOPE_TLS_KEYPAIR_H

#include <stddef.h>

enum tls_keypair {
	TLS_PAIR_OK,
	TLS_PAIR_UNCHECKED, /* no GnuTLS to ask (why says so): the server will tell */
	TLS_PAIR_BAD_CERT,  /* the certificate file holds no PEM certificate */
	TLS_PAIR_BAD_KEY,   /* the key file holds no (unencrypted) PEM private key */
	TLS_PAIR_MISMATCH,  /* both read, but the key is not the certificate's */
	TLS_PAIR_BAD,	    /* GnuTLS refused the pair for another reason (why) */
};

/*
 * Check NUL-terminated PEM texts. `why` gets GnuTLS's own words for what
 * it refused (or why it could not be asked).
 */
enum tls_keypair tls_keypair_check(const char *cert_pem, const char *key_pem, char *why,
				   size_t whylen);

#endif /* DROPSCOPE_TLS_KEYPAIR_H */
