// SPDX-License-Identifier: GPL-2.0
/*
 * The packet parser and both formatters on arbitrary bytes, as the BPF
 * side hands them over: the first 4 input bytes are the length on the
 * wire, the rest is the captured copy. Checked: the text line fits
 * PKT_FORMAT_MAX and is printable ASCII, a short buffer gets a terminated
 * prefix of it, the JSON members make a valid object.
 */
#include <assert.h>

#include "fuzz.h"
#include "trace/packet.h"

static const char *const protos[] = { "tcp",  "udp", "icmp",  "icmp6", "ipv4",
				      "ipv6", "arp", "ip:47", "0x88cc" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[PKT_FORMAT_MAX], shorter[17], *json = NULL, *copy;
	struct pkt_info p;
	uint32_t origlen;
	size_t jlen = 0, i;
	FILE *f;
	struct json j;
	int n;

	fuzz_take(&data, &size, &origlen, sizeof(origlen));
	/* An exact-size heap copy, so a read past the end is an ASan report. */
	copy = malloc(size ? size : 1);
	assert(copy);
	memcpy(copy, data, size);
	packet__parse(size ? (const uint8_t *)copy : NULL, size, origlen, &p);
	free(copy);
	assert(p.caplen == size);

	n = packet__format(&p, line, sizeof(line));
	assert(n >= 0 && (size_t)n < sizeof(line) && strlen(line) == (size_t)n);
	for (i = 0; i < (size_t)n; i++)
		assert(line[i] >= 0x20 && line[i] < 0x7f);
	assert(packet__format(&p, shorter, sizeof(shorter)) == n);
	assert(!strncmp(shorter, line, sizeof(shorter) - 1));
	assert(packet__format(&p, NULL, 0) == n);

	f = open_memstream(&json, &jlen);
	assert(f);
	json_init(&j, f);
	json_object_begin(&j, NULL);
	assert(packet__json(&p, &j) == 0);
	json_object_end(&j);
	assert(json_error(&j) == 0);
	assert(!fclose(f));
	assert(fuzz_json_valid(json, jlen));
	free(json);

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		struct pkt_proto pr;

		assert(!packet__proto_parse(protos[i], &pr));
		packet__proto_match(&pr, &p);
	}
	return 0;
}
