// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/counters/workload.c: cgroup v2 paths of the four
 * runtimes in their systemd and cgroupfs layouts, the JSON reader the
 * state files go through (depth-aware, escapes decoded, malformed input
 * refused), containers.json, and whole resolutions on a state tree the
 * test writes: hostile names come back raw (callers escape), a 10 MB file,
 * a symbolic link (a loop, and one to a real file) and a file that keeps
 * vanishing are skipped, never followed, never a crash.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "counters/workload.h"

#define ID64(c)                                                                                    \
	c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c  \
		c c c c c c c c c c c c c c c c c c c
#define IDA ID64("a")
#define IDB ID64("b")
#define IDC ID64("c")
#define IDD ID64("d")
#define IDE ID64("e")

static void test_cgroup_layouts(void **state)
{
	struct wl_cgroup c;

	(void)state;
	workload_parse_cgroup("/kubepods.slice/kubepods-besteffort.slice/"
			      "kubepods-besteffort-pod6f1c2a9e_1b2c_4d5e_8f90_aabbccddeeff.slice/"
			      "cri-containerd-" IDA ".scope",
			      &c);
	assert_int_equal(c.runtime, WL_CONTAINERD);
	assert_string_equal(c.id, IDA);
	assert_string_equal(c.pod_uid, "6f1c2a9e-1b2c-4d5e-8f90-aabbccddeeff");
	assert_string_equal(c.unit, "");

	workload_parse_cgroup("/kubepods/burstable/pod0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9/" IDB,
			      &c);
	assert_int_equal(c.runtime, WL_NONE);
	assert_string_equal(c.id, IDB);
	assert_string_equal(c.pod_uid, "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9");

	workload_parse_cgroup(
		"/kubepods.slice/kubepods-pod11111111_2222_4333_8444_555555555555.slice/"
		"crio-conmon-" IDC ".scope",
		&c);
	assert_string_equal(c.id, ""); /* the runtime's monitor, not the container */
	workload_parse_cgroup(
		"/kubepods.slice/kubepods-pod11111111_2222_4333_8444_555555555555.slice/"
		"crio-" IDC ".scope",
		&c);
	assert_int_equal(c.runtime, WL_CRIO);

	workload_parse_cgroup("/system.slice/docker-" IDD ".scope", &c);
	assert_int_equal(c.runtime, WL_DOCKER);
	assert_string_equal(c.unit, "");
	workload_parse_cgroup("/docker/" IDD, &c);
	assert_int_equal(c.runtime, WL_DOCKER);
	assert_string_equal(c.id, IDD);
	workload_parse_cgroup("/machine.slice/libpod-" IDA ".scope/container", &c);
	assert_int_equal(c.runtime, WL_PODMAN);
	workload_parse_cgroup("/machine.slice/libpod-conmon-" IDA ".scope", &c);
	assert_string_equal(c.id, "");
	assert_string_equal(c.unit, "libpod-conmon-" IDA ".scope");

	workload_parse_cgroup("/system.slice/foo.service", &c);
	assert_string_equal(c.unit, "foo.service");
	assert_string_equal(c.id, "");
	workload_parse_cgroup("/user.slice/user-0.slice/session-4.scope", &c);
	assert_string_equal(c.unit, "session-4.scope");
	/* Not ids: upper case, too short, outside a runtime's place. */
	workload_parse_cgroup("/docker-ABCDEF0123456789.scope", &c);
	assert_string_equal(c.id, "");
	workload_parse_cgroup("/docker-abc.scope", &c);
	assert_string_equal(c.id, "");
	workload_parse_cgroup("/" IDA, &c);
	assert_string_equal(c.id, "");
	workload_parse_cgroup("/kubepods-pod.slice", &c);
	assert_string_equal(c.pod_uid, "");
	workload_parse_cgroup("", &c);
	assert_string_equal(c.id, "");
	workload_parse_cgroup("////", &c);
	assert_string_equal(c.unit, "");
}

static int get(const char *json, const char *k1, const char *k2, char *out, size_t len)
{
	const char *keys[] = { k1, k2 };

	return workload_json_get(json, strlen(json), keys, k2 ? 2 : 1, out, len);
}

static void test_json(void **state)
{
	char v[64];

	(void)state;
	/* Depth-aware: the nested "Name" is not the top-level one. */
	assert_int_equal(
		get("{\"HostConfig\":{\"RestartPolicy\":{\"Name\":\"no\"}},\"Name\":\"/db\"}",
		    "Name", NULL, v, sizeof(v)),
		0);
	assert_string_equal(v, "/db");
	assert_int_equal(get("{\"a\":{\"Name\":\"x\"}}", "Name", NULL, v, sizeof(v)), -1);
	assert_int_equal(get("{\"annotations\":{\"k\":\"v\"},\"x\":[1,2,{\"y\":null}]}",
			     "annotations", "k", v, sizeof(v)),
			 0);
	assert_string_equal(v, "v");
	/* the first "annotations" lacks it, a later one has it */
	assert_int_equal(get("{\"annotations\":{},\"annotations\":{\"k\":\"w\"}}", "annotations",
			     "k", v, sizeof(v)),
			 0);
	assert_string_equal(v, "w");
	/* escapes decoded, \u0000 left out, UTF-8 written */
	assert_int_equal(
		get("{\"n\":\"a\\u001b[31m\\n\\u0000b\\u00e9\\\"\"}", "n", NULL, v, sizeof(v)), 0);
	assert_string_equal(v, "a\x1b[31m\nb\xc3\xa9\"");
	/* raw invalid UTF-8 comes back raw */
	assert_int_equal(get("{\"n\":\"\xff\xfe\"}", "n", NULL, v, sizeof(v)), 0);
	assert_string_equal(v, "\xff\xfe");
	/* cut to the buffer */
	assert_int_equal(get("{\"n\":\"0123456789\"}", "n", NULL, v, 5), 0);
	assert_string_equal(v, "0123");
	/* not a string, absent, malformed */
	assert_int_equal(get("{\"n\":12}", "n", NULL, v, sizeof(v)), -1);
	assert_int_equal(get("{\"n\":\"x\"", "m", NULL, v, sizeof(v)), -1);
	assert_int_equal(get("{\"n\":\"x", "n", NULL, v, sizeof(v)), -1);
	assert_int_equal(get("{\"a\":\"\\u12\"}", "a", NULL, v, sizeof(v)), -1);
	assert_int_equal(get("[\"n\"]", "n", NULL, v, sizeof(v)), -1);
	assert_int_equal(get("", "n", NULL, v, sizeof(v)), -1);
	assert_int_equal(get("{\"a\" 1}", "a", NULL, v, sizeof(v)), -1);
}

static void test_json_deep(void **state)
{
	size_t n = 200000;
	char *s = malloc(n + 32), v[8];

	(void)state;
	assert_non_null(s);
	strcpy(s, "{\"x\":");
	memset(s + 5, '[', n);
	strcpy(s + 5 + n, "],\"n\":\"v\"}");
	/* Nesting past the bound is refused, not recursed into. */
	assert_int_equal(get(s, "n", NULL, v, sizeof(v)), -1);
	free(s);
}

static void test_storage(void **state)
{
	const char *j =
		"[{\"id\":\"" IDB "\",\"names\":[\"other\"]},"
		"{\"id\":\"" IDA "\",\"names\":[\"cache\",\"alias\"],\"flags\":{\"a\":[1]}}]";
	char v[32];

	(void)state;
	assert_int_equal(workload_storage_name(j, strlen(j), IDA, v, sizeof(v)), 0);
	assert_string_equal(v, "cache");
	assert_int_equal(workload_storage_name(j, strlen(j), IDB, v, sizeof(v)), 0);
	assert_string_equal(v, "other");
	assert_int_equal(workload_storage_name(j, strlen(j), IDC, v, sizeof(v)), -1);
	assert_int_equal(workload_storage_name("[{\"id\":\"x\"", 11, "x", v, sizeof(v)), -1);
	assert_int_equal(workload_storage_name("{}", 2, "x", v, sizeof(v)), -1);
}

/* ---- resolutions on a state tree ---- */

static char root[64];

static void put_file(const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/dstest-wl-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static const char *resolve(struct workloads *w, const char *cgroup)
{
	static char out[1024];

	workloads__resolve(w, cgroup, 0, 0, out, sizeof(out));
	return out;
}

static void test_resolve(void **state)
{
	struct workloads *w;

	(void)state;
	put_file("run/containerd/io.containerd.runtime.v2.task/k8s.io/" IDA "/config.json",
		 "{\"annotations\":{\"io.kubernetes.cri.sandbox-namespace\":\"team-a\","
		 "\"io.kubernetes.cri.sandbox-name\":\"web-0\","
		 "\"io.kubernetes.cri.container-name\":\"nginx\"}}");
	put_file("var/lib/docker/containers/" IDB "/config.v2.json", "{\"Name\":\"/db\"}");
	put_file("run/containers/storage/overlay-containers/" IDC "/userdata/config.json",
		 "{\"annotations\":{\"io.kubernetes.pod.namespace\":\"ns\","
		 "\"io.kubernetes.pod.name\":\"p\",\"io.kubernetes.container.name\":\"c\"}}");
	w = workloads__new(root);
	assert_non_null(w);
	assert_string_equal(
		resolve(w, "/kubepods.slice/kubepods-pod11111111_2222_4333_8444_555555555555"
			   ".slice/cri-containerd-" IDA ".scope"),
		"pod=team-a/web-0 container=nginx");
	assert_string_equal(resolve(w, "/system.slice/docker-" IDB ".scope"), "container=db");
	assert_string_equal(resolve(w, "/kubepods/pod11111111-2222-4333-8444-555555555555/" IDC),
			    "pod=ns/p container=c");
	assert_string_equal(resolve(w, "/system.slice/docker-" IDD ".scope"),
			    "container=docker:dddddddddddd");
	assert_string_equal(resolve(w, "/system.slice/foo.service"), "service=foo.service");
	assert_string_equal(resolve(w, "/user.slice/session-2.scope"), "unit=session-2.scope");
	assert_string_equal(resolve(w, "/"), "-");
	assert_string_equal(resolve(w, NULL), "-");
	workloads__free(w);
}

static void test_hostile(void **state)
{
	char path[512], big_rel[256];
	struct workloads *w;
	FILE *f;

	(void)state;
	/* Control bytes and invalid UTF-8: escaped where the name is made. */
	put_file("var/lib/docker/containers/" IDA "/config.v2.json",
		 "{\"Name\":\"/x\\u001b[31m\\nevil\xff\"}");
	/* A space and '=' in a value: escaped too, or they would make a word. */
	put_file("var/lib/docker/containers/" IDE "/config.v2.json",
		 "{\"Name\":\"/x container=evil\\\\\"}");
	/* 10 MB: skipped whole, not cut. */
	snprintf(big_rel, sizeof(big_rel), "var/lib/docker/containers/%s/config.v2.json", IDB);
	put_file(big_rel, "");
	snprintf(path, sizeof(path), "%s/%s", root, big_rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"Name\":\"/big\",\"pad\":\"", f);
	for (int i = 0; i < 10 * 1024; i++)
		for (int k = 0; k < 1024; k++)
			fputc('x', f);
	fputs("\"}", f);
	assert_int_equal(fclose(f), 0);
	/* A symbolic link loop, and a link to a real state file: neither followed. */
	snprintf(path, sizeof(path), "%s/var/lib/docker/containers/%s", root, IDC);
	mkdir(path, 0755);
	strcat(path, "/config.v2.json");
	assert_int_equal(symlink(path, path), 0);
	snprintf(path, sizeof(path), "%s/var/lib/docker/containers/%s", root, IDD);
	mkdir(path, 0755);
	strcat(path, "/config.v2.json");
	{
		char target[512];

		snprintf(target, sizeof(target), "%s/var/lib/docker/containers/%s/config.v2.json",
			 root, IDA);
		assert_int_equal(symlink(target, path), 0);
	}
	w = workloads__new(root);
	assert_non_null(w);
	assert_string_equal(resolve(w, "/docker-" IDA ".scope"),
			    "container=x\\x1b[31m\\x0aevil\\xff");
	assert_string_equal(resolve(w, "/docker-" IDE ".scope"),
			    "container=x\\x20container\\x3devil\\\\");
	assert_string_equal(resolve(w, "/docker-" IDB ".scope"), "container=docker:bbbbbbbbbbbb");
	assert_string_equal(resolve(w, "/docker-" IDC ".scope"), "container=docker:cccccccccccc");
	assert_string_equal(resolve(w, "/docker-" IDD ".scope"), "container=docker:dddddddddddd");
	workloads__free(w);
}

static volatile int stop_churn;

/* Rewrites and removes one state file as fast as it can. */
static void *churn(void *arg)
{
	const char *path = arg;

	while (!stop_churn) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			(void)!write(fd, "{\"Name\":", 8);
			(void)!write(fd, "\"/churn\"}", 9);
			close(fd);
		}
		unlink(path);
	}
	return NULL;
}

static void test_vanishing(void **state)
{
	char path[512];
	struct workloads *w;
	pthread_t t;
	int named = 0, fallback = 0;

	(void)state;
	put_file("var/lib/docker/containers/" IDA "/config.v2.json", "{}");
	snprintf(path, sizeof(path), "%s/var/lib/docker/containers/%s/config.v2.json", root, IDA);
	w = workloads__new(root);
	assert_non_null(w);
	stop_churn = 0;
	assert_int_equal(pthread_create(&t, NULL, churn, path), 0);
	for (int i = 0; i < 3000; i++) {
		const char *r = resolve(w, "/docker-" IDA ".scope");

		if (!strcmp(r, "container=churn"))
			named++;
		else if (!strcmp(r, "container=docker:aaaaaaaaaaaa"))
			fallback++;
		else
			fail_msg("half a file made a name: '%s'", r);
	}
	stop_churn = 1;
	pthread_join(t, NULL);
	assert_int_equal(named + fallback, 3000);
	workloads__free(w);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_layouts),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_deep),
		cmocka_unit_test(test_storage),
		cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vanishing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
