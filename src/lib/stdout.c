// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/stdout.h"
#include "lib/msg.h"

/*
 * stdout is process-wide, and so is what we know about it: this is the
 * one piece of global state outside signal handling.
 */
static struct {
	bool watched;
	int err;
	uint64_t lines;
	bool said;
} out;

static ssize_t out_write(void *cookie, const char *buf, size_t n)
{
	size_t done = 0;
	const char *p;
	(void)cookie;

	if (out.err) {
		errno = out.err;
		return -1;
	}
	while (done < n) {
		ssize_t w = write(STDOUT_FILENO, buf + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			out.err = w < 0 ? errno : EIO;
			break;
		}
		done += (size_t)w;
	}
	for (p = buf; (p = memchr(p, '\n', (size_t)(buf + done - p))); p++)
		out.lines++;
	if (out.err) {
		errno = out.err;
		return -1;
	}
	return (ssize_t)done;
}

int output_init(void)
{
	cookie_io_functions_t io = { .write = out_write };
	FILE *f;
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free descriptor: fd itself, the ones below are open. */
		if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			return -1;
	}
	f = fopencookie(NULL, "w", io);
	if (!f)
		return 0; /* plain stdout still works, only less watched */
	/* A terminal wants each line at once, as stdout would give it. */
	setvbuf(f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, 64 << 10);
	/* glibc documents stdout as an assignable variable. */
	stdout = f;
	out.watched = true;
	return 0;
}

int output_error(void)
{
	if (!out.watched && ferror(stdout))
		return EIO;
	return out.err;
}

bool output_failed(void)
{
	if (fflush(stdout) && !out.err && !out.watched)
		out.err = errno ? errno : EIO;
	return output_error() != 0;
}

uint64_t output_lines(void)
{
	return out.lines;
}

int output_end(int rc)
{
	int err;

	if (!output_failed())
		return rc;
	err = output_error();
	if (err == EPIPE)
		return rc;
	if (!out.said)
		msg_error("writing to standard output: %s", strerror(err));
	out.said = true;
	return rc ? rc : 1;
}
