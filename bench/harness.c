// SPDX-License-Identifier: GPL-2.0
/*
 * harness: run one tool under test around one load, and measure the tool.
 *
 *   harness [options] -- TOOL [ARGS...] :: LOAD [ARGS...]
 *
 * 1. starts TOOL (pinned with --cpu), stdout and stderr to --tool-out (or stdout to
 *    --tool-stdout, e.g. /dev/null for a tool whose output is the cost measured);
 * 2. waits until it is attached: --ready-file F appears, or a line of its output
 *    contains --ready-line S, or it holds --ready-perf-fds N perf event fds
 *    (perf stat prints nothing when its counters are open); the time from fork to
 *    that moment is attach_ms, the tool's time on CPU until then attach_cpu_ms
 *    (its main thread's; schedstat);
 * 3. waits --settle-ms more, then runs LOAD to completion (stdout inherited, so
 *    flood's result line goes where the harness's stdout goes);
 * 4. reads the tool's VmHWM and utime+stime from /proc, sends SIGINT, waits up to
 *    --stop-timeout for it to print its report and exit (then SIGKILL), and takes
 *    the whole life's CPU time from wait4()'s rusage; the time from the first
 *    SIGINT to the tool being reaped is stop_ms.
 * Writes one JSON object to --stats. With an empty TOOL ("-- :: LOAD") it only times
 * LOAD, which is the "none" configuration and the kallsyms timing.
 *
 * Being one C process rather than shell polling gives millisecond attach times and
 * exact ordering: the tool is always attached before the first packet and stopped
 * after the last one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct opts {
	int cpu;
	const char *ready_file;
	const char *ready_line;
	int ready_perf_fds;
	const char *tool_out;
	const char *tool_stdout; /* NULL: stdout goes to tool_out with stderr */
	const char *stats;
	double attach_timeout;
	double settle_ms;
	double load_timeout;
	double stop_timeout;
	char **tool; /* NULL when there is no tool */
	char **load;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: harness [--cpu N] [--ready-file F | --ready-line S | --ready-perf-fds N]\n"
		"               [--tool-out FILE] [--tool-stdout FILE] [--stats FILE] [--settle-ms "
		"MS]\n"
		"               [--attach-timeout S] [--load-timeout S] [--stop-timeout S]\n"
		"               -- [TOOL ARGS...] :: LOAD ARGS...\n");
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	int i, sep = -1;

	*o = (struct opts){ .cpu = -1,
			    .tool_out = "/dev/null",
			    .attach_timeout = 30,
			    .settle_ms = 200,
			    .load_timeout = 120,
			    .stop_timeout = 30 };
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			sep = i;
			break;
		}
		if (i + 1 >= argc)
			return -1;
		if (!strcmp(a, "--cpu"))
			o->cpu = atoi(argv[++i]);
		else if (!strcmp(a, "--ready-file"))
			o->ready_file = argv[++i];
		else if (!strcmp(a, "--ready-line"))
			o->ready_line = argv[++i];
		else if (!strcmp(a, "--ready-perf-fds"))
			o->ready_perf_fds = atoi(argv[++i]);
		else if (!strcmp(a, "--tool-out"))
			o->tool_out = argv[++i];
		else if (!strcmp(a, "--tool-stdout"))
			o->tool_stdout = argv[++i];
		else if (!strcmp(a, "--stats"))
			o->stats = argv[++i];
		else if (!strcmp(a, "--settle-ms"))
			o->settle_ms = atof(argv[++i]);
		else if (!strcmp(a, "--attach-timeout"))
			o->attach_timeout = atof(argv[++i]);
		else if (!strcmp(a, "--load-timeout"))
			o->load_timeout = atof(argv[++i]);
		else if (!strcmp(a, "--stop-timeout"))
			o->stop_timeout = atof(argv[++i]);
		else
			return -1;
	}
	if (sep < 0)
		return -1;
	/* Split "TOOL... :: LOAD..." in place: argv is ours to cut. */
	for (i = sep + 1; i < argc; i++) {
		if (!strcmp(argv[i], "::")) {
			argv[i] = NULL;
			o->tool = i > sep + 1 ? &argv[sep + 1] : NULL;
			o->load = &argv[i + 1];
			return *o->load ? 0 : -1;
		}
	}
	return -1;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "harness: pin to CPU %d: %s\n", cpu, strerror(errno));
}

/* Output of the tool: a pipe we copy to tool_out, scanning for the ready line. */
struct pump {
	int fd;	 /* read end, -1 once closed */
	int out; /* tool_out */
	char line[4096];
	size_t len;
	const char *needle;
	bool found;
};

static void pump_bytes(struct pump *p, const char *buf, size_t n)
{
	size_t i;

	if (write(p->out, buf, n) != (ssize_t)n)
		fprintf(stderr, "harness: short write to tool output\n");
	if (!p->needle || p->found)
		return;
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || p->len == sizeof(p->line) - 1) {
			p->line[p->len] = '\0';
			if (strstr(p->line, p->needle))
				p->found = true;
			p->len = 0;
			continue;
		}
		p->line[p->len++] = buf[i];
	}
	/* A prompt-like line without '\n' yet still counts once it is complete text. */
	p->line[p->len] = '\0';
	if (!p->found && strstr(p->line, p->needle))
		p->found = true;
}

/* Copy whatever the tool printed, waiting at most ms for it. */
static void pump_once(struct pump *p, int ms)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	char buf[65536];
	ssize_t n;

	if (p->fd < 0) {
		if (ms > 0)
			usleep((useconds_t)ms * 1000);
		return;
	}
	if (poll(&pfd, 1, ms) <= 0)
		return;
	n = read(p->fd, buf, sizeof(buf));
	if (n > 0) {
		pump_bytes(p, buf, (size_t)n);
	} else if (n == 0 || errno != EINTR) {
		close(p->fd);
		p->fd = -1;
	}
}

static int count_perf_fds(pid_t pid)
{
	char dir[64], path[PATH_MAX], target[256];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (!strcmp(target, "anon_inode:[perf_event]"))
			n++;
	}
	closedir(d);
	return n;
}

/* VmHWM in kB, the peak resident set so far; -1 if the process is gone. */
static long read_hwm_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* The start of /proc/PID/NAME into buf (NUL-terminated); -1 if gone. */
static int read_proc(pid_t pid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* utime+stime of the process (all its threads) in seconds, -1 if gone. */
static double read_cpu_s(pid_t pid)
{
	char buf[4096], *p;
	unsigned long long ut, st;

	if (read_proc(pid, "stat", buf, sizeof(buf)))
		return -1;
	/* comm may hold spaces and parentheses: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Time on CPU so far in ms, at nanosecond resolution (the first field of
 * /proc/PID/schedstat; /proc/PID/stat counts 10 ms ticks); -1 if unknown.
 * On a busy machine the CPU a tool spends until it is attached varies far
 * less than the wall clock time it takes. */
static double read_sched_cpu_ms(pid_t pid)
{
	char buf[128];
	unsigned long long ns;

	if (read_proc(pid, "schedstat", buf, sizeof(buf)))
		return -1;
	return sscanf(buf, "%llu", &ns) == 1 ? ns / 1e6 : -1;
}

static bool tool_ready(const struct opts *o, struct pump *p, pid_t pid)
{
	struct stat st;

	if (o->ready_file)
		return stat(o->ready_file, &st) == 0;
	if (o->ready_line)
		return p->found;
	if (o->ready_perf_fds > 0)
		return count_perf_fds(pid) >= o->ready_perf_fds;
	return true;
}

static pid_t spawn(char **argv, int cpu, int out_fd, int stdout_fd)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	pin(cpu);
	if (out_fd >= 0) {
		dup2(stdout_fd >= 0 ? stdout_fd : out_fd, STDOUT_FILENO);
		dup2(out_fd, STDERR_FILENO);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "harness: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/*
 * Wait for pid to exit, copying tool output meanwhile. After timeout_s, kill it and
 * return -1 if kill_at_end, else return -2 with it still running. Otherwise returns
 * the wait status.
 */
static int wait_pumping(pid_t pid, struct pump *p, double timeout_s, struct rusage *ru,
			bool honour_interrupt, bool kill_at_end, int poll_ms)
{
	double deadline = now() + timeout_s;
	int status = 0;

	for (;;) {
		pid_t r = wait4(pid, &status, WNOHANG, ru);

		if (r == pid)
			return status;
		if (now() > deadline && !kill_at_end)
			return -2;
		if (now() > deadline || (honour_interrupt && interrupted)) {
			kill(pid, SIGKILL);
			wait4(pid, &status, 0, ru);
			return -1;
		}
		pump_once(p, poll_ms);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct rusage ru = { 0 }, load_ru = { 0 };
	struct pump pump = { .fd = -1, .out = -1 };
	double t_fork = 0, t_ready = -1, t_load0, t_load1, cpu_ready = -1, cpu_stop = -1;
	double t_int = 0, t_reaped = -1, attach_cpu_ms = -1;
	long hwm = -1;
	pid_t tool = 0, load;
	int load_status, tool_status = 0, ret = 0, stdout_fd = -1;
	int stop_retries = 0;
	bool tool_died_early = false;
	struct opts o;
	FILE *sf;

	if (parse_args(argc, argv, &o)) {
		usage();
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Our polling must not steal cycles from the load's CPU. */
	pin(o.cpu);

	if (o.tool) {
		int fds[2];

		pump.out = open(o.tool_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (pump.out < 0 || pipe2(fds, O_CLOEXEC)) {
			fprintf(stderr, "harness: %s: %s\n", o.tool_out, strerror(errno));
			return 1;
		}
		pump.needle = o.ready_line;
		if (o.ready_file)
			unlink(o.ready_file);
		t_fork = now();
		if (o.tool_stdout) {
			stdout_fd =
				open(o.tool_stdout, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (stdout_fd < 0) {
				fprintf(stderr, "harness: %s: %s\n", o.tool_stdout,
					strerror(errno));
				return 1;
			}
		}
		tool = spawn(o.tool, o.cpu, fds[1], stdout_fd);
		close(fds[1]);
		if (stdout_fd >= 0)
			close(stdout_fd);
		pump.fd = fds[0];
		if (tool < 0) {
			fprintf(stderr, "harness: fork: %s\n", strerror(errno));
			return 1;
		}
		/* Poll at 1 ms: fine enough against a 100 ms target, cheap on CPU 1. */
		while (!interrupted && now() - t_fork < o.attach_timeout) {
			int st;

			if (tool_ready(&o, &pump, tool)) {
				t_ready = now();
				attach_cpu_ms = read_sched_cpu_ms(tool);
				break;
			}
			if (waitpid(tool, &st, WNOHANG) == tool) {
				tool_died_early = true;
				tool_status = st;
				break;
			}
			pump_once(&pump, 1);
		}
		if (t_ready < 0) {
			fprintf(stderr, "harness: %s did not attach (%s)\n", o.tool[0],
				tool_died_early ? "it exited" : "timeout");
			if (!tool_died_early) {
				kill(tool, SIGKILL);
				wait_pumping(tool, &pump, 5, &ru, false, true, 5);
			}
			while (pump.fd >= 0)
				pump_once(&pump, 100);
			return 1;
		}
		cpu_ready = read_cpu_s(tool);
		/* Let a tool that announces itself just before attaching finish attaching. */
		for (double end = now() + o.settle_ms / 1000; now() < end && !interrupted;)
			pump_once(&pump, 5);
	}

	t_load0 = now();
	load = interrupted ? -1 : spawn(o.load, -1, -1, -1);
	load_status =
		load > 0 ? wait_pumping(load, &pump, o.load_timeout, &load_ru, true, true, 5) : -1;
	t_load1 = now();
	if (load_status != 0) {
		fprintf(stderr, "harness: load %s failed (status %d)\n", o.load[0], load_status);
		ret = 1;
	}

	if (o.tool) {
		/* Peak RSS before SIGINT: the steady state, not the report printing. */
		hwm = read_hwm_kb(tool);
		cpu_stop = read_cpu_s(tool);
		/*
		 * bpftrace now and then misses a lone SIGINT on a loaded machine: ask up to
		 * three times before the SIGKILL that would lose the tool's report.
		 */
		/* Polled at 1 ms: the SIGINT-to-exit figure is held against 50 ms. */
		t_int = now();
		for (int i = 0; i < 3; i++) {
			kill(tool, SIGINT);
			tool_status = wait_pumping(tool, &pump, o.stop_timeout / 3, &ru, false,
						   i == 2, 1);
			if (tool_status != -2) {
				t_reaped = now();
				break;
			}
			stop_retries++;
			fprintf(stderr, "harness: %s still running %.0f s after SIGINT, again\n",
				o.tool[0], o.stop_timeout / 3);
		}
		while (pump.fd >= 0)
			pump_once(&pump, 100);
		close(pump.out);
		if (tool_status == -1) {
			fprintf(stderr,
				"harness: %s ignored SIGINT three times in %.0f s, killed\n",
				o.tool[0], o.stop_timeout);
			ret = 1;
		}
	}

	sf = o.stats ? fopen(o.stats, "we") : NULL;
	if (o.stats && !sf) {
		fprintf(stderr, "harness: %s: %s\n", o.stats, strerror(errno));
		return 1;
	}
	if (sf) {
		double tool_cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
				  ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;

		fprintf(sf, "{\"load_wall_s\":%.6f,\"load_status\":%d", t_load1 - t_load0,
			load_status);
		if (o.tool)
			fprintf(sf,
				",\"attach_ms\":%.3f,\"tool_cpu_s\":%.3f,\"tool_cpu_load_s\":%.3f,"
				"\"tool_hwm_kb\":%ld,\"tool_maxrss_kb\":%ld,\"tool_status\":%d,"
				"\"stop_retries\":%d,\"stop_ms\":%.3f,\"attach_cpu_ms\":%.3f",
				(t_ready - t_fork) * 1e3, tool_cpu,
				cpu_stop >= 0 && cpu_ready >= 0 ? cpu_stop - cpu_ready : -1.0, hwm,
				ru.ru_maxrss, tool_status, stop_retries,
				t_reaped >= 0 ? (t_reaped - t_int) * 1e3 : -1.0, attach_cpu_ms);
		fprintf(sf, "}\n");
		fclose(sf);
	}
	return ret;
}
