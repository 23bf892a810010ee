// SPDX-License-Identifier: GPL-2.0
/*
 * usermem_prog - a process living in /dev/altmm memory, for usermem.sh.
 *
 *   usermem_prog basic MB       map MB, check the life cycle (below)
 *   usermem_prog pressure MB N  write MB with a pattern, read it back N times
 *   usermem_prog oom MB         touch MB and expect to be killed for it
 *   usermem_prog hold MB        touch MB, print "held MB", keep it until
 *                               standard input ends
 *
 * basic checks, each a line "ok <what>" or "FAIL <what>: <why>" (exit 1
 * on any FAIL): fresh pages read as zero; what is written reads back; the
 * mapping's Rss in /proc/self/smaps is MB; altmm's AnonPages grew by MB
 * while it is mapped; a child of fork() sees the parent's data and its
 * writes are seen by the parent (objects are shared); MAP_PRIVATE maps the
 * same object; mremap() grows a mapping keeping its data, the new part
 * zero; after munmap and close, AnonPages is back.
 *
 * pressure's pattern puts each page's index, the pass and a seed in the
 * page's first and last words, so a page swapped out and read back into
 * the wrong place, or lost, shows.  It prints "pressure ok" or the first
 * bad page.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEV		"/dev/altmm"
#define MEMINFO		"/sys/kernel/debug/altmm/meminfo"

static long page_size;
static int failed;

static void check(int ok, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check(int ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("ok %s\n", what);
		return;
	}
	printf("FAIL %s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed = 1;
}

static void die(const char *what)
{
	printf("FAIL %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A meminfo value of altmm's, in kB, or -1. */
static long meminfo_kb(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f = fopen(MEMINFO, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* The Rss of the mapping that starts at @addr, from /proc/self/smaps, in kB. */
static long smaps_rss_kb(void *addr)
{
	char line[512], want[32];
	int in = 0;
	long v = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want))) {
			in = 1;
			continue;
		}
		if (in && !strncmp(line, "Rss:", 4)) {
			v = strtol(line + 4, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static int open_dev(void)
{
	int fd = open(DEV, O_RDWR);

	if (fd < 0)
		die("open " DEV);
	return fd;
}

static int all_zero(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

static int basic(long mb)
{
	size_t len = (size_t)mb << 20, pages = len / page_size, i;
	long anon0, anon1, rss, anon_end;
	unsigned char *p, *q;
	int fd, status;
	pid_t pid;

	anon0 = meminfo_kb("AnonPages");
	fd = open_dev();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap MAP_SHARED");
	check(all_zero(p, len), "fresh pages read as zero", "a byte was not 0");
	for (i = 0; i < pages; i++)
		memset(p + i * page_size, (int)(i % 251) + 1, page_size);
	for (i = 0; i < pages; i++)
		if (p[i * page_size] != (unsigned char)(i % 251 + 1) ||
		    p[i * page_size + page_size - 1] != (unsigned char)(i % 251 + 1))
			break;
	check(i == pages, "what is written reads back", "page %zu differs", i);
	rss = smaps_rss_kb(p);
	check(rss == mb * 1024, "smaps shows the mapping's Rss", "Rss %ld kB, want %ld",
	      rss, mb * 1024);
	anon1 = meminfo_kb("AnonPages");
	check(anon1 - anon0 == mb * 1024, "altmm's AnonPages counts the pages",
	      "AnonPages went from %ld to %ld kB, want +%ld", anon0, anon1, mb * 1024);

	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		int ok = p[0] == 1 && p[len - 1] == (unsigned char)((pages - 1) % 251 + 1);

		p[1] = 0xab;
		_exit(ok ? 0 : 3);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a forked child sees the parent's data", "status %#x", status);
	check(p[1] == 0xab, "the parent sees the child's write (shared object)",
	      "byte is %#x", p[1]);

	q = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (q == MAP_FAILED)
		die("mmap MAP_PRIVATE");
	check(q[1] == 0xab, "MAP_PRIVATE maps the same object", "byte is %#x", q[1]);
	q[2] = 0xcd;
	check(p[2] == 0xcd, "a write through MAP_PRIVATE is the object's",
	      "byte is %#x", p[2]);
	munmap(q, page_size);

	q = mremap(p, len, 2 * len, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		die("mremap");
	check(q[1] == 0xab && q[len - 1] == (unsigned char)((pages - 1) % 251 + 1),
	      "mremap keeps the data", "bytes %#x %#x", q[1], q[len - 1]);
	check(all_zero(q + len, len), "the grown part reads as zero", "a byte was not 0");
	if (munmap(q, 2 * len))
		die("munmap");
	close(fd);
	anon_end = meminfo_kb("AnonPages");
	check(anon_end == anon0, "AnonPages is back after munmap and close",
	      "%ld kB, was %ld", anon_end, anon0);
	return failed;
}

static uint64_t pattern(size_t page, int pass)
{
	return ((uint64_t)page << 20) ^ ((uint64_t)pass << 8) ^ 0x5eed0000a17aULL;
}

static int pressure(long mb, int passes)
{
	size_t len = (size_t)mb << 20, pages = len / page_size, i;
	size_t words = page_size / sizeof(uint64_t);
	uint64_t *w;
	int fd, pass;
	char *p;

	fd = open_dev();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	for (pass = 0; pass <= passes; pass++) {
		for (i = 0; i < pages; i++) {
			w = (uint64_t *)(p + i * page_size);
			if (pass && (w[0] != pattern(i, pass - 1) ||
				     w[words - 1] != pattern(i, pass - 1))) {
				printf("FAIL pressure: pass %d page %zu: %#llx %#llx, want %#llx\n",
				       pass, i, (unsigned long long)w[0],
				       (unsigned long long)w[words - 1],
				       (unsigned long long)pattern(i, pass - 1));
				return 1;
			}
			w[0] = pattern(i, pass);
			w[words - 1] = pattern(i, pass);
		}
	}
	printf("pressure ok: %zu pages, %d passes\n", pages, passes);
	munmap(p, len);
	close(fd);
	return 0;
}

/* Map MB of a new object and touch every page of it. */
static void map_touched(long mb)
{
	size_t len = (size_t)mb << 20, i;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, open_dev(), 0);
	if (p == MAP_FAILED)
		die("mmap");
	for (i = 0; i < len; i += page_size)
		p[i] = 1;
}

static int oom(long mb)
{
	map_touched(mb);
	printf("FAIL oom: touched %ld MiB and lived\n", mb);
	return 1;
}

static int hold(long mb)
{
	char c;

	map_touched(mb);
	printf("held %ld\n", mb);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	long mb = argc > 2 ? strtol(argv[2], NULL, 0) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	if (argc >= 3 && !strcmp(argv[1], "basic") && mb > 0)
		return basic(mb);
	if (argc >= 4 && !strcmp(argv[1], "pressure") && mb > 0)
		return pressure(mb, atoi(argv[3]));
	if (argc >= 3 && !strcmp(argv[1], "oom") && mb > 0)
		return oom(mb);
	if (argc >= 3 && !strcmp(argv[1], "hold") && mb > 0)
		return hold(mb);
	fprintf(stderr, "usage: %s basic MB | pressure MB PASSES | oom MB | hold MB\n",
		argv[0]);
	return 2;
}
