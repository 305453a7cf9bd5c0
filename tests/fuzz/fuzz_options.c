// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsing on arbitrary words: input byte 0 picks the command
 * (even: summary, odd: events), the rest split at NUL bytes is argv.
 * Whatever the words, options_parse() returns 0, 1 or 2, and a parsed
 * config stays in its documented bounds.
 */
#include <assert.h>

#include "fuzz.h"
#include "cmd/options.h"
#include "trace/packet.h"

#define MAX_WORDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *argv[MAX_WORDS + 2];
	struct config cfg = { .interval = 5, .snaplen = 128 };
	size_t i, start;
	int argc = 1, rc;

	if (!size)
		return 0;
	cfg.cmd = data[0] & 1 ? "events" : "summary";
	text = fuzz_strndup(data + 1, size - 1);
	argv[0] = (char *)cfg.cmd;
	for (i = 0, start = 0; i <= size - 1 && argc <= MAX_WORDS; i++) {
		if (i == size - 1 || text[i] == '\0') {
			text[i] = '\0';
			argv[argc++] = text + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;

	rc = options_parse(argc, argv, &cfg);
	assert(rc >= 0 && rc <= 2);
	if (rc == 0) {
		struct pkt_proto pr;

		assert(cfg.interval >= 0.01 && cfg.count >= 0 && cfg.duration >= 0);
		assert(cfg.snaplen >= 1 && cfg.snaplen <= 1024);
		if (strcmp(cfg.cmd, "events"))
			assert(!cfg.write && !cfg.filter_expr && cfg.snaplen == 128 && !cfg.rate);
		if (cfg.proto)
			packet__proto_parse(cfg.proto, &pr);
	}
	free(text);
	return 0;
}
