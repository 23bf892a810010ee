// SPDX-License-Identifier: GPL-2.0
/*
 * usermem_prog - a process living in /dev/altmm memory, for usermem.sh.
 *
 *   usermem_prog basic MB       map MB, check the life cycle (below)
 *   usermem_prog pressure MB N  write MB with a pattern, read it back N times
 *   usermem_prog oom MB         touch MB and expect to be killed for it
 *   usermem_prog hold MB        touch MB, print "held MB", keep it until
 *                               standard input ends
 *   usermem_prog ioctls PATH    the errors of ALTMM_IOC_SET_BACKING and
 *                               ALTMM_IOC_SET_NODE (PATH: a scratch file)
 *   usermem_prog file MB PATH   a file of MB at PATH as an object's
 *                               backing: its life cycle (below)
 *   usermem_prog filepressure MB PATH
 *                               the same with more than the arena: every
 *                               page written, read back twice, in the file
 *   usermem_prog filero PATH    a backing file opened O_RDONLY
 *   usermem_prog sigbus PATH    SIGBUS past the backing file's end
 *   usermem_prog migrate MB ROUNDS
 *                               move MB between nodes ROUNDS times while a
 *                               child rewrites half of it (ALTMM_IOC_MIGRATE)
 *   usermem_prog compact MB ROUNDS
 *                               fragment the arena, then compact it ROUNDS
 *                               times while a child rewrites half of it
 *   usermem_prog hotplug MB ROUNDS BLOCKS
 *                               take up to BLOCKS memory blocks offline and
 *                               back ROUNDS times while a child rewrites
 *                               half of MB (memory/memoryN/state)
 *
 * Every mode but pressure, oom and hold prints its checks, each a line
 * "ok <what>" or "FAIL <what>: <why>", and exits 1 on any FAIL.
 *
 * basic checks: fresh pages read as zero; what is written reads back; the
 * mapping's Rss in /proc/self/smaps is MB; altmm's AnonPages grew by MB
 * while it is mapped; a child of fork() sees the parent's data and its
 * writes are seen by the parent (objects are shared); MAP_PRIVATE maps the
 * same object; mremap() grows a mapping keeping its data, the new part
 * zero; after munmap and close, AnonPages is back.
 *
 * file checks, on a file written with write() (pass 0): the mapping reads
 * the file; reading maps every page, counted in Cached and Mapped, and
 * dirties none; writing every page through the mapping (pass 1) shows in
 * Dirty, and the file LRU lines add up to Cached; msync(MS_SYNC) writes
 * them to the file and Dirty is back; writing the even pages again (pass
 * 2) dirties them again; fsync() of the device writes them; after munmap
 * Mapped is back; writing the odd pages (pass 3) and closing writes them
 * too, and Cached and Dirty are back.
 *
 * pressure's pattern puts each page's index, the pass and a seed in the
 * page's first and last words, so a page swapped out and read back into
 * the wrong place, or lost, shows.  It prints "pressure ok" or the first
 * bad page.  The file modes fill whole pages with it, each word offset by
 * its index in the page.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

/* module/include/uapi: scripts/mkinitramfs.sh has it in the include path. */
#include "altmm_dev.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define DEV		"/dev/altmm"
#define MEMINFO		"/sys/kernel/debug/altmm/meminfo"
#define ZONEINFO	"/sys/kernel/debug/altmm/zoneinfo"
#define ALTMM_DIR	"/sys/kernel/debug/altmm/"

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

/*
 * Write MB, then PASSES times read every page back and write it again:
 * a page comes back by a read fault, so it sits in the swap cache when
 * the store through its PTE dirties it.  A last pass only reads, so that
 * reclaim finds clean swap cache pages.  Prints the most SwapCached seen
 * between passes.
 */
static int pressure(long mb, int passes)
{
	size_t len = (size_t)mb << 20, pages = len / page_size, i;
	size_t words = page_size / sizeof(uint64_t);
	long cached, cached_max = 0;
	uint64_t *w;
	int fd, pass;
	char *p;

	fd = open_dev();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	for (pass = 0; pass <= passes + 1; pass++) {
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
			if (pass > passes)
				continue;
			w[0] = pattern(i, pass);
			w[words - 1] = pattern(i, pass);
		}
		cached = meminfo_kb("SwapCached");
		if (cached > cached_max)
			cached_max = cached;
	}
	printf("pressure ok: %zu pages, %d passes and a read-only one; SwapCached up to %ld kB\n",
	       pages, passes, cached_max);
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

/* Touch @mb MiB with oom_score_adj @adj, say so, and wait to be killed. */
static int hold_adj(long mb, const char *adj)
{
	FILE *f = fopen("/proc/self/oom_score_adj", "w");

	if (!f || fprintf(f, "%s\n", adj) < 0 || fclose(f))
		die("oom_score_adj");
	map_touched(mb);
	printf("held %ld\n", mb);
	for (;;)
		pause();
	return 0;
}

/* Touch @mb MiB, then exit: killed on the way if the OOM killer picks it. */
static int touch(long mb)
{
	map_touched(mb);
	printf("ok touched %ld MiB\n", mb);
	return 0;
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

/* === File-backed objects === */

/* Pass @pass's pattern over the whole of page @index. */
static void fill_page(void *page, size_t index, int pass)
{
	uint64_t *w = page;
	size_t k, words = page_size / sizeof(*w);

	for (k = 0; k < words; k++)
		w[k] = pattern(index, pass) + k;
}

/* Whether @page holds what fill_page() put there; says why not in @why. */
static int page_holds(const void *page, size_t index, int pass, char *why,
		      size_t len)
{
	const uint64_t *w = page;
	size_t k, words = page_size / sizeof(*w);

	for (k = 0; k < words; k++)
		if (w[k] != pattern(index, pass) + k) {
			snprintf(why, len, "page %zu word %zu is %#llx, pass %d wrote %#llx",
				 index, k, (unsigned long long)w[k], pass,
				 (unsigned long long)(pattern(index, pass) + k));
			return 0;
		}
	return 1;
}

/* The pass a page should hold: @even's on even pages, @odd's on odd ones. */
static int pass_of(size_t index, int even, int odd)
{
	return index % 2 ? odd : even;
}

/* Whether the first @pages pages at @p hold their passes' patterns. */
static int map_holds(const char *p, size_t pages, int even, int odd, char *why,
		     size_t len)
{
	size_t i;

	for (i = 0; i < pages; i++)
		if (!page_holds(p + i * page_size, i, pass_of(i, even, odd), why, len))
			return 0;
	return 1;
}

/* The same for the host file at @fd, read with pread(). */
static int file_holds(int fd, size_t pages, int even, int odd, char *why,
		      size_t len)
{
	char *buf = malloc(page_size);
	int ok = 1;
	ssize_t n;
	size_t i;

	if (!buf)
		die("malloc");
	for (i = 0; ok && i < pages; i++) {
		n = pread(fd, buf, page_size, (off_t)(i * page_size));
		if (n != page_size) {
			snprintf(why, len, "pread of page %zu returned %zd (%s)", i, n,
				 n < 0 ? strerror(errno) : "short");
			ok = 0;
		} else {
			ok = page_holds(buf, i, pass_of(i, even, odd), why, len);
		}
	}
	free(buf);
	return ok;
}

/* Write @pass's pattern to the pages of the mapping @p that pass_of() names. */
static void map_fill(char *p, size_t pages, int even, int odd, int pass)
{
	size_t i;

	for (i = 0; i < pages; i++)
		if (pass_of(i, even, odd) == pass)
			fill_page(p + i * page_size, i, pass);
}

/* A new file of @pages pages at @path, each holding @pass's pattern. */
static int create_file(const char *path, size_t pages, int pass)
{
	char *buf = malloc(page_size);
	size_t i;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || !buf)
		die(path);
	if (ftruncate(fd, (off_t)(pages * page_size)))
		die("ftruncate");
	for (i = 0; i < pages; i++) {
		fill_page(buf, i, pass);
		if (pwrite(fd, buf, page_size, (off_t)(i * page_size)) != page_size)
			die("write");
	}
	free(buf);
	return fd;
}

/* ALTMM_IOC_SET_BACKING of @fd on the object @dev: 0 or the errno. */
static int set_backing(int dev, int fd, unsigned int flags)
{
	struct altmm_backing b = { .fd = fd, .flags = flags };

	return ioctl(dev, ALTMM_IOC_SET_BACKING, &b) ? errno : 0;
}

static int set_node(int dev, int nid)
{
	__s32 v = nid;

	return ioctl(dev, ALTMM_IOC_SET_NODE, &v) ? errno : 0;
}

/* A result as the checks name it; good for two calls in one printf(). */
static const char *err_name(int err)
{
	static char bufs[2][32];
	static int next;
	char *buf = bufs[next++ % 2];

	switch (err) {
	case 0: return "success";
	case EACCES: return "EACCES";
	case EBADF: return "EBADF";
	case EBUSY: return "EBUSY";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	}
	snprintf(buf, sizeof(bufs[0]), "errno %d", err);
	return buf;
}

static void check_err(int got, int want, const char *what)
{
	check(got == want, what, "%s, want %s", err_name(got), err_name(want));
}

/* The file lines of altmm's meminfo, from one read of it, in kB. */
struct file_meminfo {
	long cached, dirty, mapped, lru;
};

static void file_meminfo(struct file_meminfo *m)
{
	long active = -1, inactive = -1, v;
	char line[256], key[64];
	FILE *f = fopen(MEMINFO, "r");

	if (!f)
		die(MEMINFO);
	m->cached = -1;
	m->dirty = -1;
	m->mapped = -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %ld", key, &v) != 2)
			continue;
		if (!strcmp(key, "Cached"))
			m->cached = v;
		else if (!strcmp(key, "Dirty"))
			m->dirty = v;
		else if (!strcmp(key, "Mapped"))
			m->mapped = v;
		else if (!strcmp(key, "Active(file)"))
			active = v;
		else if (!strcmp(key, "Inactive(file)"))
			inactive = v;
	}
	fclose(f);
	m->lru = active < 0 || inactive < 0 ? -1 : active + inactive;
}

/*
 * The ioctls' errors, each a check.  The refusals all go to one object,
 * which must then still take a backing file: a refused ioctl changes
 * nothing.
 */
static int ioctls(const char *path)
{
	static const unsigned long unknown[] = {
		_IO(ALTMM_IOC_MAGIC, 0),
		_IOW(ALTMM_IOC_MAGIC, 4, __s32),
		_IOW(ALTMM_IOC_MAGIC, 1, __s32),	/* SET_BACKING's number, another size */
		_IOR(ALTMM_IOC_MAGIC, 2, __s32),	/* SET_NODE's, another direction */
		_IOR(ALTMM_IOC_MAGIC, 3, __s32),	/* MIGRATE's, another direction */
	};
	int dev, other, fd, wr, dir, null, pipefd[2], closed, err, err2, nid;
	struct altmm_backing zero = { 0 };
	char *p;
	size_t i;

	dev = open_dev();
	fd = create_file(path, 1, 0);
	wr = open(path, O_WRONLY);
	dir = open("/", O_RDONLY | O_DIRECTORY);
	null = open("/dev/null", O_RDWR);
	if (wr < 0 || dir < 0 || null < 0 || pipe(pipefd))
		die("open");

	check_err(set_backing(dev, -1, 0), EBADF, "SET_BACKING of fd -1 is EBADF");
	closed = dup(fd);
	if (closed < 0)
		die("dup");
	close(closed);
	check_err(set_backing(dev, closed, 0), EBADF, "SET_BACKING of a closed fd is EBADF");
	check_err(set_backing(dev, wr, 0), EBADF,
		  "SET_BACKING of a file opened O_WRONLY is EBADF");
	err = set_backing(dev, fd, 1);
	err2 = set_backing(dev, fd, 1U << 31);
	check(err == EINVAL && err2 == EINVAL, "SET_BACKING with flags other than 0 is EINVAL",
	      "flags 1: %s, flags 1<<31: %s", err_name(err), err_name(err2));
	check_err(set_backing(dev, dir, 0), EINVAL, "SET_BACKING of a directory is EINVAL");
	other = open_dev();
	err = set_backing(dev, dev, 0);
	err2 = set_backing(dev, other, 0);
	check(err == EINVAL && err2 == EINVAL, "SET_BACKING of /dev/altmm is EINVAL",
	      "its own fd: %s, another open of it: %s", err_name(err),
	      err_name(err2));
	check_err(set_backing(dev, pipefd[0], 0), EINVAL, "SET_BACKING of a pipe is EINVAL");
	check_err(set_backing(dev, null, 0), EINVAL, "SET_BACKING of /dev/null is EINVAL");
	err = set_backing(dev, fd, 0);
	err2 = err ? -1 : set_backing(dev, fd, 0);
	check(!err && err2 == EBUSY,
	      "after the refusals SET_BACKING succeeds, and a second one is EBUSY",
	      "first: %s, second: %s", err_name(err),
	      err2 < 0 ? "not tried" : err_name(err2));

	/* An anonymous object that has been mapped and touched. */
	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, other, 0);
	if (p == MAP_FAILED)
		die("mmap");
	p[0] = 1;
	check_err(set_backing(other, fd, 0), EBUSY,
		  "SET_BACKING of an object mapped and touched is EBUSY");
	munmap(p, page_size);
	check_err(set_backing(other, fd, 0), EBUSY,
		  "SET_BACKING of an object unmapped but with pages is EBUSY");

	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		err = ioctl(dev, unknown[i], &zero) ? errno : 0;
		if (err != ENOTTY)
			break;
	}
	check(i == ARRAY_SIZE(unknown), "an unknown ioctl is ENOTTY",
	      "%#lx: %s", i < ARRAY_SIZE(unknown) ? unknown[i] : 0,
	      err_name(err));

	close(other);
	other = open_dev();
	check_err(set_node(other, -1), 0, "SET_NODE -1 (the faulting CPU's node) succeeds");
	check_err(set_node(other, 0), 0, "SET_NODE 0 succeeds");
	check_err(set_node(other, -2), EINVAL, "SET_NODE -2 is EINVAL");
	check_err(set_node(other, 99), EINVAL, "SET_NODE 99 is EINVAL");
	nid = 0;
	check_err(ioctl(other, ALTMM_IOC_MIGRATE, &nid) < 0 ? errno : 0, 0,
		  "MIGRATE 0 of an object with no page is 0");
	nid = 99;
	err = ioctl(other, ALTMM_IOC_MIGRATE, &nid) < 0 ? errno : 0;
	err2 = ioctl(other, ALTMM_IOC_MIGRATE, NULL) < 0 ? errno : 0;
	check(err == EINVAL && err2 == EFAULT, "MIGRATE 99 is EINVAL, with a NULL pointer EFAULT",
	      "%s, %s", err_name(err), err_name(err2));

	close(other);
	close(dev);
	close(pipefd[0]);
	close(pipefd[1]);
	close(null);
	close(dir);
	close(wr);
	close(fd);
	unlink(path);
	return failed;
}

/* A shared mapping of @pages of the object @dev; exits on failure. */
static char *map_file(int dev, size_t pages, int prot)
{
	char *p = mmap(NULL, pages * page_size, prot, MAP_SHARED, dev, 0);

	if (p == MAP_FAILED)
		die("mmap of a file-backed object");
	return p;
}

static int file_backed(long mb, const char *path)
{
	size_t pages = ((size_t)mb << 20) / page_size, len = pages * page_size;
	long kb = mb * 1024;
	struct file_meminfo m0, m;
	char why[160];
	int fd, dev;
	char *p;

	file_meminfo(&m0);
	fd = create_file(path, pages, 0);
	dev = open_dev();
	check_err(set_backing(dev, fd, 0), 0,
		  "SET_BACKING of a regular file opened O_RDWR succeeds");
	p = map_file(dev, pages, PROT_READ | PROT_WRITE);

	check(map_holds(p, pages, 0, 0, why, sizeof(why)),
	      "the mapping reads what the file holds", "%s", why);
	file_meminfo(&m);
	check(m.cached - m0.cached == kb && m.mapped - m0.mapped == kb,
	      "once read, every page is in Cached and Mapped",
	      "Cached %ld -> %ld kB, Mapped %ld -> %ld kB, want +%ld", m0.cached,
	      m.cached, m0.mapped, m.mapped, kb);
	check(m.dirty == m0.dirty, "reading dirties nothing",
	      "Dirty %ld -> %ld kB", m0.dirty, m.dirty);

	map_fill(p, pages, 1, 1, 1);
	file_meminfo(&m);
	check(m.dirty - m0.dirty >= kb / 2 && m.dirty - m0.dirty <= kb &&
	      m.cached - m0.cached >= kb / 2,
	      "writing every page through the mapping shows in Dirty",
	      "Dirty %ld -> %ld kB, Cached %ld -> %ld kB, want at least +%ld (at most +%ld dirty)",
	      m0.dirty, m.dirty, m0.cached, m.cached, kb / 2, kb);
	check(m.lru == m.cached, "Active(file) + Inactive(file) is Cached",
	      "%ld kB, Cached %ld kB", m.lru, m.cached);

	check_err(msync(p, len, MS_SYNC) ? errno : 0, 0, "msync(MS_SYNC) succeeds");
	file_meminfo(&m);
	check(m.dirty == m0.dirty, "after msync Dirty is back",
	      "%ld kB, was %ld", m.dirty, m0.dirty);
	check(file_holds(fd, pages, 1, 1, why, sizeof(why)),
	      "after msync the file holds what was written", "%s", why);

	/* Writeback write-protects: a write after it must dirty the page again. */
	map_fill(p, pages, 2, 1, 2);
	file_meminfo(&m);
	check(m.dirty - m0.dirty >= kb / 4 && m.dirty - m0.dirty <= kb / 2,
	      "writing half the pages again dirties them again",
	      "Dirty %ld -> %ld kB, want +%ld to +%ld", m0.dirty, m.dirty, kb / 4, kb / 2);
	check_err(fsync(dev) ? errno : 0, 0, "fsync() of the device succeeds");
	file_meminfo(&m);
	check(m.dirty == m0.dirty && file_holds(fd, pages, 2, 1, why, sizeof(why)),
	      "after fsync Dirty is back and the file holds the pages written again",
	      "Dirty %ld kB (was %ld); %s", m.dirty, m0.dirty,
	      m.dirty == m0.dirty ? why : "file not read");

	map_fill(p, pages, 2, 3, 3);
	if (munmap(p, len))
		die("munmap");
	file_meminfo(&m);
	check(m.mapped == m0.mapped, "after munmap Mapped is back",
	      "%ld kB, was %ld", m.mapped, m0.mapped);
	close(dev);
	check(file_holds(fd, pages, 2, 3, why, sizeof(why)),
	      "the last close writes back what is still dirty", "%s", why);
	file_meminfo(&m);
	check(m.cached == m0.cached && m.dirty == m0.dirty,
	      "after close Cached and Dirty are back",
	      "Cached %ld kB (was %ld), Dirty %ld kB (was %ld)", m.cached, m0.cached,
	      m.dirty, m0.dirty);
	close(fd);
	return failed;
}

/*
 * More than the arena: every page read from the file and written through
 * the mapping, then read back twice, so that dirty pages must be written
 * back to be reclaimed and dropped clean ones come back from the file.
 */
static int file_pressure(long mb, const char *path)
{
	size_t pages = ((size_t)mb << 20) / page_size, len = pages * page_size, i;
	char why[160] = "";
	int fd, dev, err, read_ok = 1, round;
	char *p;

	fd = create_file(path, pages, 0);
	dev = open_dev();
	err = set_backing(dev, fd, 0);
	if (err) {
		printf("FAIL SET_BACKING: %s\n", err_name(err));
		return 1;
	}
	p = map_file(dev, pages, PROT_READ | PROT_WRITE);
	for (i = 0; i < pages; i++) {
		if (read_ok)
			read_ok = page_holds(p + i * page_size, i, 0, why, sizeof(why));
		fill_page(p + i * page_size, i, 1);
	}
	check(read_ok, "every page read through the mapping holds the file's data",
	      "%s", why);
	for (round = 1; round <= 2; round++)
		if (!map_holds(p, pages, 1, 1, why, sizeof(why)))
			break;
	check(round > 2, "what was written reads back intact, twice",
	      "reading it back the %s time: %s", round == 1 ? "first" : "second", why);
	if (munmap(p, len))
		die("munmap");
	close(dev);
	check(file_holds(fd, pages, 1, 1, why, sizeof(why)),
	      "after close the file holds every page written", "%s", why);
	printf("filepressure: %zu pages\n", pages);
	close(fd);
	return failed;
}

/* A backing file opened O_RDONLY: read-only shared mappings only. */
static int file_readonly(const char *path)
{
	size_t pages = 2, len = pages * page_size;
	char why[160];
	int fd, dev, err;
	char *p;

	close(create_file(path, pages, 0));
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	dev = open_dev();
	check_err(set_backing(dev, fd, 0), 0,
		  "SET_BACKING of a file opened O_RDONLY succeeds");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, dev, 0);
	err = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED)
		munmap(p, len);
	check_err(err, EACCES, "a writable shared mapping of it is EACCES");
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, dev, 0);
	if (p == MAP_FAILED) {
		check(0, "a read-only shared mapping of it reads the file", "mmap: %s",
		      err_name(errno));
		check(0, "mprotect() cannot make that mapping writable", "no mapping");
		return failed;
	}
	check(map_holds(p, pages, 0, 0, why, sizeof(why)),
	      "a read-only shared mapping of it reads the file", "%s", why);
	check_err(mprotect(p, len, PROT_READ | PROT_WRITE) ? errno : 0, EACCES,
		  "mprotect() cannot make that mapping writable");
	munmap(p, len);
	close(dev);
	close(fd);
	return failed;
}

static sigjmp_buf sigbus_env;
static void *volatile sigbus_addr;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	sigbus_addr = si->si_addr;
	siglongjmp(sigbus_env, 1);
}

/*
 * Touch @addr, reading it or writing a byte: 1 when that is a SIGBUS at
 * @addr, 0 when it is not, -1 when it is a SIGBUS elsewhere.
 */
static int touch_sigbus(volatile char *addr, int store)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	struct sigaction old;
	int ret = 0;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &old))
		die("sigaction");
	sigbus_addr = NULL;
	if (!sigsetjmp(sigbus_env, 1)) {
		if (store)
			*addr = 1;
		else
			(void)*addr;
	} else {
		ret = sigbus_addr == (void *)addr ? 1 : -1;
	}
	sigaction(SIGBUS, &old, NULL);
	return ret;
}

static void check_sigbus(int got, const char *what)
{
	check(got == 1, what, "%s", got ? "the SIGBUS was at another address" : "no SIGBUS");
}

/* Past the end of a two-page file, and past it again once it is truncated. */
static int file_sigbus(const char *path)
{
	char why[160];
	int fd, dev;
	char *p;

	fd = create_file(path, 2, 0);
	dev = open_dev();
	check_err(set_backing(dev, fd, 0), 0, "SET_BACKING of a two-page file succeeds");
	/* Three pages: mmap() does not look at the file's size. */
	p = map_file(dev, 3, PROT_READ | PROT_WRITE);
	check(page_holds(p, 0, 0, why, sizeof(why)), "page 0 reads the file", "%s", why);
	check_sigbus(touch_sigbus(p + 2 * page_size, 0),
		     "reading the page past the file's end is SIGBUS");
	check_sigbus(touch_sigbus(p + 2 * page_size + 8, 1),
		     "writing the page past the file's end is SIGBUS");
	if (ftruncate(fd, 0))
		die("ftruncate");
	/* Page 1 was never touched: its fault finds the file empty. */
	check_sigbus(touch_sigbus(p + page_size, 0),
		     "once the file is truncated to 0, reading page 1 is SIGBUS");
	munmap(p, 3 * page_size);
	close(dev);
	close(fd);
	return failed;
}

static volatile sig_atomic_t migrate_stop;
/* The mode that checks pages with rewrite(), for its FAIL lines. */
static const char *mode_name = "migrate";

static void migrate_stop_handler(int sig)
{
	migrate_stop = 1;
}

/* Check then rewrite pages [first, first + nr) from generation @gen - 1 to @gen. */
static int rewrite(char *p, size_t first, size_t nr, int gen, const char *who)
{
	size_t words = page_size / sizeof(uint64_t), i;
	uint64_t *w;

	for (i = first; i < first + nr; i++) {
		w = (uint64_t *)(p + i * page_size);
		if (gen && (w[0] != pattern(i, gen - 1) || w[words - 1] != pattern(i, gen - 1))) {
			printf("FAIL %s: %s: page %zu: %#llx %#llx, want %#llx\n",
			       mode_name, who, i, (unsigned long long)w[0],
			       (unsigned long long)w[words - 1],
			       (unsigned long long)pattern(i, gen - 1));
			return -1;
		}
		w[0] = pattern(i, gen);
		w[words - 1] = pattern(i, gen);
	}
	return 0;
}

/*
 * A child that checks and rewrites pages [first, first + nr) without
 * pause, a generation at a time, until stop_rewriter().
 */
static pid_t start_rewriter(char *p, size_t first, size_t nr)
{
	pid_t child;
	int gen;

	/* Before the fork, so that the child has it from its first instruction. */
	signal(SIGUSR1, migrate_stop_handler);
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		for (gen = 1; !migrate_stop; gen++)
			if (rewrite(p, first, nr, gen, "the child"))
				_exit(1);
		_exit(0);
	}
	return child;
}

/* Stop the child and check that every page it saw held what it wrote. */
static void stop_rewriter(pid_t child, const char *what)
{
	int status;

	kill(child, SIGUSR1);
	if (waitpid(child, &status, 0) != child)
		die("waitpid");
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, what, "status %#x", status);
}

/* nr_anon_pages of each altmm node, from the per-node stats of zoneinfo. */
static void node_anon(long *anon, int nr)
{
	char line[256];
	int nid = -1, i;
	long v;
	FILE *f = fopen(ZONEINFO, "r");

	for (i = 0; i < nr; i++)
		anon[i] = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d,", &i) == 1)
			nid = i;
		else if (nid >= 0 && nid < nr && anon[nid] < 0 &&
			 sscanf(line, " nr_anon_pages %ld", &v) == 1)
			anon[nid] = v;
	}
	fclose(f);
}

/*
 * ALTMM_IOC_MIGRATE while the memory is in use: MB on node 0, the first
 * half checked by this process between moves, the second half read and
 * rewritten without pause by a child sharing the mapping; ROUNDS moves
 * alternate between nodes 1 and 0.  Then, the child gone, one last move
 * to node 1 must move everything, and zoneinfo must show the pages
 * there.  A page the child holds at the moment of a move may stay
 * behind, and is counted; so is a move that found the node full.
 */
static int migrate(long mb, int rounds)
{
	size_t len = (size_t)mb << 20, pages = len / page_size, half = pages / 2;
	long left = 0, anon[2];
	int fd, r, nid, status, enomem = 0;
	pid_t child;
	char *p;

	fd = open_dev();
	nid = 0;
	if (ioctl(fd, ALTMM_IOC_SET_NODE, &nid))
		die("ALTMM_IOC_SET_NODE 0");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	if (rewrite(p, 0, pages, 0, "first write"))
		return 1;
	child = start_rewriter(p, half, pages - half);
	for (r = 0; r < rounds; r++) {
		nid = (r + 1) % 2;
		status = ioctl(fd, ALTMM_IOC_MIGRATE, &nid);
		if (status < 0 && errno == ENOMEM) {
			/* The node is full: what moved stays moved. */
			enomem++;
		} else if (status < 0) {
			kill(child, SIGKILL);
			die("ALTMM_IOC_MIGRATE");
		} else {
			left += status;
		}
		if (rewrite(p, 0, half, r + 1, "the parent")) {
			kill(child, SIGKILL);
			return 1;
		}
	}
	stop_rewriter(child, "the child's half survived every move");
	nid = 1;
	status = ioctl(fd, ALTMM_IOC_MIGRATE, &nid);
	check(status == 0, "with nobody else using it, every page moves", "%d left (%s)",
	      status, status < 0 ? strerror(errno) : "held");
	node_anon(anon, 2);
	check(anon[0] == 0 && anon[1] >= (long)pages, "zoneinfo has the pages on node 1",
	      "nr_anon_pages %ld on node 0, %ld on node 1", anon[0], anon[1]);
	if (rewrite(p, 0, half, rounds + 1, "the parent, at the end"))
		return 1;
	nid = 2;
	check(ioctl(fd, ALTMM_IOC_MIGRATE, &nid) == -1 && errno == EINVAL,
	      "node 2 is EINVAL", "errno %d", errno);
	printf("migrate: %d rounds, %ld pages left behind on the way, %d moves found the node full\n",
	       rounds, left, enomem);
	munmap(p, len);
	close(fd);
	return failed;
}

/* Free blocks of order 9 and 10 in altmm's buddyinfo, over every zone; -1 if unreadable. */
static long free_order9(void)
{
	FILE *f = fopen(ALTMM_DIR "buddyinfo", "r");
	long v[11], sum = 0;
	char line[512], zone[32];
	int nid;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Node %d, zone %31s %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld",
			   &nid, zone, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7], &v[8], &v[9], &v[10]) == 13)
			sum += v[9] + v[10];
	fclose(f);
	return sum;
}

/* Write @text to altmm's debugfs file @name: 0, or the errno. */
static int write_altmm(const char *name, const char *text)
{
	char path[256];
	int fd, ret = 0;

	snprintf(path, sizeof(path), ALTMM_DIR "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = errno;
	close(fd);
	return ret;
}

#define THP_ALLOC	"alloc tag=compact_thp order=9 count=1 gfp=GFP_NOIO|__GFP_NOWARN"

/*
 * compact MB ROUNDS: two mappings of MB take pages in a random order until
 * altmm has no free order-9 block, and the second goes: its frames leave
 * holes all over the arena.  An order-9 GFP_NOIO allocation (which may not
 * compact) then fails.  vm/compact_memory is written ROUNDS times while
 * the process checks and rewrites one half of its pages between rounds
 * and a child sharing the mapping does the same to the other half without
 * pause; both halves must hold what was last written.  Then altmm has
 * free order-9 blocks, and the same allocation succeeds.
 */
static int compact(long mb, int rounds)
{
	size_t len = (size_t)mb << 20, pages = len / page_size, kept = 0, dropped = 0, half;
	unsigned int seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	long before, after;
	int keep_fd, drop_fd, r, err;
	char *keep, *drop;
	pid_t child;

	mode_name = "compact";
	printf("compact: seed %u\n", seed);
	srand(seed);
	keep_fd = open_dev();
	drop_fd = open_dev();
	keep = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, keep_fd, 0);
	drop = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, drop_fd, 0);
	if (keep == MAP_FAILED || drop == MAP_FAILED)
		die("mmap");
	while (kept < pages && dropped < pages) {
		if (rand() & 1) {
			if (rewrite(keep, kept++, 1, 0, "first write"))
				return 1;
		} else {
			drop[dropped++ * page_size] = 1;
		}
		if (!((kept + dropped) % 64) && free_order9() == 0)
			break;
	}
	check(kept < pages && dropped < pages, "the arena fragments before the mappings are full",
	      "%zu and %zu pages of %zu touched", kept, dropped, pages);
	munmap(drop, len);
	close(drop_fd);
	before = free_order9();
	err = write_altmm("ctl", THP_ALLOC);
	check(err == ENOMEM, "an order-9 GFP_NOIO allocation fails on the fragmented arena",
	      "%s, %ld free order-9 blocks", err ? strerror(err) : "it succeeded", before);
	if (!err)
		write_altmm("ctl", "free tag=compact_thp");

	half = kept / 2;
	child = start_rewriter(keep, half, kept - half);
	for (r = 0; r < rounds; r++) {
		err = write_altmm("vm/compact_memory", "1\n");
		if (err) {
			kill(child, SIGKILL);
			errno = err;
			die("write vm/compact_memory");
		}
		if (rewrite(keep, 0, half, r + 1, "the parent")) {
			kill(child, SIGKILL);
			return 1;
		}
	}
	stop_rewriter(child, "the child's half survived every compaction");
	after = free_order9();
	check(after > before, "compaction made free order-9 blocks", "%ld before, %ld after",
	      before, after);
	err = write_altmm("ctl", THP_ALLOC);
	check(!err, "the order-9 GFP_NOIO allocation succeeds after compaction", "%s",
	      strerror(err));
	if (!err)
		write_altmm("ctl", "free tag=compact_thp");
	if (rewrite(keep, 0, half, rounds + 1, "the parent, at the end"))
		return 1;
	printf("compact: %zu pages kept, %zu dropped, %d rounds, free order-9 blocks %ld -> %ld\n",
	       kept, dropped, rounds, before, after);
	munmap(keep, len);
	close(keep_fd);
	return failed;
}

/* === Memory hotplug === */

#define MAX_BLOCKS	4096

/* The numbers of altmm's memory blocks (memory/memoryN), sorted; how many. */
static int memory_blocks(int *nr, int max)
{
	DIR *d = opendir(ALTMM_DIR "memory");
	struct dirent *e;
	int n = 0, i, j, v;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max)
		if (sscanf(e->d_name, "memory%d", &v) == 1)
			nr[n++] = v;
	closedir(d);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && nr[j - 1] > nr[j]; j--) {
			v = nr[j];
			nr[j] = nr[j - 1];
			nr[j - 1] = v;
		}
	return n;
}

/* Write @state to memory block @nr's state file: 0 or the errno. */
static int block_state(int nr, const char *state)
{
	char name[64];

	snprintf(name, sizeof(name), "memory/memory%d/state", nr);
	return write_altmm(name, state);
}

/*
 * hotplug MB ROUNDS BLOCKS: MB in use, the first half checked and
 * rewritten by this process between steps, the second by a child sharing
 * the mapping without pause.  Each round writes "offline" to the state
 * of memory blocks, starting further along each round, until BLOCKS of
 * them went offline (EBUSY for a block holding kernel memory and ENOMEM
 * when the rest is full are right answers), then "online" to each of
 * those.  Every page must hold what was last written, every round must
 * have taken some block offline and brought it back.
 */
static int hotplug(long mb, int rounds, int blocks)
{
	size_t len = (size_t)mb << 20, pages = len / page_size, half = pages / 2;
	static int nr[MAX_BLOCKS], off[MAX_BLOCKS];
	int fd, r, i, n, noff, err, total = 0, busy = 0, nomem = 0, back = 1;
	pid_t child;
	char *p;

	mode_name = "hotplug";
	n = memory_blocks(nr, MAX_BLOCKS);
	check(n > 0, "memory/ lists the memory blocks", "none found");
	fd = open_dev();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	if (rewrite(p, 0, pages, 0, "first write"))
		return 1;
	child = start_rewriter(p, half, pages - half);
	for (r = 0; r < rounds && n; r++) {
		noff = 0;
		for (i = 0; i < n && noff < blocks; i++) {
			int b = nr[(i + r * blocks) % n];

			err = block_state(b, "offline");
			if (!err)
				off[noff++] = b;
			else if (err == EBUSY)
				busy++;
			else if (err == ENOMEM)
				nomem++;
			else
				printf("FAIL hotplug: offline of memory%d: %s\n", b, strerror(err));
		}
		total += noff;
		if (rewrite(p, 0, half, 2 * r + 1, "the parent, blocks offline")) {
			kill(child, SIGKILL);
			return 1;
		}
		for (i = 0; i < noff; i++) {
			err = block_state(off[i], "online");
			if (err) {
				printf("FAIL hotplug: online of memory%d: %s\n", off[i], strerror(err));
				back = 0;
			}
		}
		if (!noff)
			printf("FAIL hotplug: round %d took no block offline\n", r);
		if (rewrite(p, 0, half, 2 * r + 2, "the parent, blocks back")) {
			kill(child, SIGKILL);
			return 1;
		}
	}
	stop_rewriter(child, "the child's half survived every offline");
	check(total >= rounds, "every round took blocks offline", "%d in %d rounds", total,
	      rounds);
	check(back, "every block came back online", "see above");
	printf("hotplug: %d rounds, %d blocks offlined, %d busy, %d without room\n", rounds,
	       total, busy, nomem);
	munmap(p, len);
	close(fd);
	return failed;
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
	if (argc >= 4 && !strcmp(argv[1], "holdadj") && mb > 0)
		return hold_adj(mb, argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "touch") && mb > 0)
		return touch(mb);
	if (argc >= 3 && !strcmp(argv[1], "ioctls"))
		return ioctls(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "file") && mb > 0)
		return file_backed(mb, argv[3]);
	if (argc >= 4 && !strcmp(argv[1], "filepressure") && mb > 0)
		return file_pressure(mb, argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "filero"))
		return file_readonly(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "sigbus"))
		return file_sigbus(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "migrate") && mb > 0)
		return migrate(mb, atoi(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "compact") && mb > 0)
		return compact(mb, atoi(argv[3]));
	if (argc >= 5 && !strcmp(argv[1], "hotplug") && mb > 0)
		return hotplug(mb, atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr,
		"usage: %s basic MB | pressure MB PASSES | oom MB | hold MB | holdadj MB ADJ |\n"
		"       touch MB | ioctls PATH |\n"
		"       file MB PATH | filepressure MB PATH | filero PATH | sigbus PATH |\n"
		"       migrate MB ROUNDS | compact MB ROUNDS | hotplug MB ROUNDS BLOCKS\n",
		argv[0]);
	return 2;
}
