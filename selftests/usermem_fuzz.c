// SPDX-License-Identifier: GPL-2.0
/*
 * usermem_fuzz - /dev/altmm driven by many processes and by random calls,
 * for usermem_fuzz.sh.
 *
 *   usermem_fuzz storm N       N children (8 at a time) fork from a process
 *                              holding a shared object; each writes its slot
 *                              of it, maps an object of its own, touches,
 *                              mremaps and munmaps some, maybe forks a
 *                              grandchild, and exits or kills itself
 *   usermem_fuzz fuzz SEED OPS OPS random calls on /dev/altmm files and
 *                              their mappings (seed 0: one from the clock,
 *                              printed)
 *
 * Each prints "ok <what>" or "FAIL <what>: <why>" lines and exits 1 on a
 * FAIL.  The verdicts that matter are outside: the kernel log stays clean
 * and altmm's free frames come back once every process is gone.
 *
 * The fuzzer keeps up to MAX_FDS files and MAX_MAPS mappings and picks, per
 * step, one of: open (read-write or read-only), close, ioctl (the two
 * commands, an unknown one, good and bad arguments: bad fds, directories,
 * write-only and O_APPEND files, the device itself, bad pointers, flags),
 * mmap (lengths from 0 to absurd, any protection, shared, private or
 * neither, odd offsets), munmap of part of a mapping, mremap (grow, shrink,
 * move), mprotect, madvise (DONTNEED, COLD, PAGEOUT, WILLNEED), a read or
 * write of a random byte (SIGBUS and SIGSEGV are caught: a file shrunk
 * under its mapping, a read-only mapping), msync, fsync, ftruncate of the
 * backing file, and fork (the child touches a few pages and exits).
 * Errors returned are expected and only counted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* module/include/uapi: scripts/mkinitramfs.sh has it in the include path. */
#include "altmm_dev.h"

#define DEV		"/dev/altmm"
#define MAX_FDS		4
#define MAX_MAPS	8
#define MAX_PAGES	64

static long page_size;
static int failed;

static void result(int ok, const char *what, const char *why)
{
	if (ok) {
		printf("ok %s\n", what);
	} else {
		printf("FAIL %s: %s\n", what, why);
		failed = 1;
	}
}

/* === A fork/exit storm === */

static void child(volatile uint64_t *shared, int i)
{
	int fd = open(DEV, O_RDWR);
	size_t len = (size_t)(1 + i % 32) * page_size;
	char *p, *q;
	size_t off;

	shared[i] = 0x5a5a000000000000ULL | i;
	if (fd < 0)
		_exit(2);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		_exit(3);
	for (off = 0; off < len; off += page_size)
		p[off] = (char)i;
	q = mremap(p, len, 2 * len, MREMAP_MAYMOVE);
	if (q != MAP_FAILED) {
		q[len] = 1;
		munmap(q + page_size, len);
		p = q;
	}
	if (i % 5 == 0 && fork() == 0) {
		p[0] = 2;
		_exit(0);
	}
	if (i % 7 == 0)
		raise(SIGKILL);
	/* Every third leaves its mapping and file for exit to clean up. */
	if (i % 3) {
		munmap(p, page_size);
		close(fd);
	}
	_exit(0);
}

static int storm(int n)
{
	size_t len = (size_t)n * sizeof(uint64_t);
	volatile uint64_t *shared;
	int fd = open(DEV, O_RDWR), i, running = 0, bad = 0, status;
	char why[96];

	if (fd < 0) {
		perror("open " DEV);
		return 1;
	}
	shared = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (shared == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (i = 0; i < n; i++) {
		pid_t pid;

		if (running == 8) {
			wait(&status);
			running--;
		}
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (!pid)
			child(shared, i);
		running++;
	}
	while (wait(&status) > 0)
		;
	for (i = 0; i < n; i++)
		if (shared[i] != (0x5a5a000000000000ULL | i))
			bad++;
	snprintf(why, sizeof(why), "%d of %d slots do not hold what their child wrote", bad, n);
	result(!bad, "every child's write to the shared object is there", why);
	munmap((void *)shared, len);
	close(fd);
	return failed;
}

/* === Random calls === */

static uint64_t rng;

static uint32_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ULL) >> 32);
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

struct map {
	char *addr;
	size_t len;
};

static int fds[MAX_FDS];
static struct map maps[MAX_MAPS];
static char scratch[64], scratch_dir[64];
static sigjmp_buf fault_env;
static unsigned long ops_ok, ops_err, faults_caught;

static void on_fault(int sig)
{
	siglongjmp(fault_env, sig);
}

static int any_fd(void)
{
	return fds[below(MAX_FDS)];
}

static struct map *any_map(void)
{
	return &maps[below(MAX_MAPS)];
}

static void count(long ret)
{
	if (ret < 0)
		ops_err++;
	else
		ops_ok++;
}

/* An fd to hand SET_BACKING: good, bad, or odd. */
static int backing_fd(int *close_it)
{
	static const int modes[] = { O_RDWR, O_RDONLY, O_WRONLY, O_RDWR | O_APPEND };

	*close_it = 1;
	switch (below(7)) {
	case 0:
		*close_it = 0;
		return -1;
	case 1:
		*close_it = 0;
		return 1000;
	case 2:
		return open(scratch_dir, O_RDONLY);
	case 3:
		*close_it = 0;
		return any_fd();
	default:
		return open(scratch, modes[below(4)]);
	}
}

static void do_ioctl(void)
{
	int fd = any_fd(), bfd, close_it, nid;
	struct altmm_backing b;

	switch (below(5)) {
	case 0:
	case 1:
		bfd = backing_fd(&close_it);
		b.fd = bfd;
		b.flags = below(8) ? 0 : rnd();
		count(ioctl(fd, ALTMM_IOC_SET_BACKING, &b));
		if (close_it && bfd >= 0)
			close(bfd);
		break;
	case 2:
		nid = (int)below(6) - 2;
		count(ioctl(fd, below(2) ? ALTMM_IOC_SET_NODE : ALTMM_IOC_MIGRATE, &nid));
		break;
	case 3:
		/* Bad pointers: EFAULT, never a crash. */
		count(ioctl(fd, below(3) ? (below(2) ? ALTMM_IOC_SET_BACKING : ALTMM_IOC_SET_NODE) :
			    ALTMM_IOC_MIGRATE, below(2) ? NULL : (void *)16));
		break;
	default:
		count(ioctl(fd, _IOC(_IOC_WRITE, ALTMM_IOC_MAGIC, below(16), below(64)), &b));
		break;
	}
}

static void do_mmap(void)
{
	static const int flags[] = { MAP_SHARED, MAP_PRIVATE, MAP_SHARED, 0,
				     MAP_SHARED | MAP_PRIVATE };
	struct map *m = any_map();
	size_t len = (size_t)below(MAX_PAGES + 1) * page_size;
	off_t off = (off_t)below(MAX_PAGES) * page_size;
	char *p;

	if (!below(16))
		len = below(2) ? (size_t)1 << 40 : 1 + below(page_size);
	if (!below(16))
		off = below(2) ? -page_size : 1 + below(page_size);
	p = mmap(NULL, len, below(8), flags[below(5)], any_fd(), off);
	if (p == MAP_FAILED) {
		ops_err++;
		return;
	}
	ops_ok++;
	if (m->addr)
		munmap(m->addr, m->len);
	m->addr = p;
	m->len = len;
}

static void do_touch(void)
{
	struct map *m = any_map();
	volatile char *p;

	if (!m->addr || !m->len)
		return;
	p = m->addr + below(m->len);
	if (sigsetjmp(fault_env, 1)) {
		faults_caught++;
		return;
	}
	if (below(2))
		*p = (char)rnd();
	else
		(void)*p;
	ops_ok++;
}

static void do_remap(void)
{
	struct map *m = any_map();
	size_t len = (size_t)(1 + below(2 * MAX_PAGES)) * page_size;
	char *p;

	if (!m->addr || !m->len)
		return;
	switch (below(4)) {
	case 0:
		p = mremap(m->addr, m->len, len, below(2) ? MREMAP_MAYMOVE : 0);
		if (p == MAP_FAILED) {
			ops_err++;
			return;
		}
		ops_ok++;
		m->addr = p;
		m->len = len;
		break;
	case 1:
		count(mprotect(m->addr, m->len, below(8)));
		break;
	case 2: {
		static const int advice[] = { MADV_DONTNEED, MADV_COLD, MADV_PAGEOUT,
					      MADV_WILLNEED, MADV_SEQUENTIAL };

		count(madvise(m->addr, m->len, advice[below(5)]));
		break;
	}
	default:
		/* Part of it goes: the rest stays mapped until it is replaced. */
		count(munmap(m->addr + (m->len / page_size / 2) * page_size, page_size));
		break;
	}
}

static void do_fork(void)
{
	pid_t pid = fork();
	int i, status;

	if (pid < 0) {
		ops_err++;
		return;
	}
	if (!pid) {
		for (i = 0; i < 4; i++)
			do_touch();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ops_ok++;
}

static void step(void)
{
	int i = below(MAX_FDS), fd;

	switch (below(20)) {
	case 0:
		fd = open(DEV, below(3) ? O_RDWR : O_RDONLY);
		count(fd);
		if (fd >= 0) {
			close(fds[i]);
			fds[i] = fd;
		}
		break;
	case 1:
		/* Close one: its mappings keep the object. */
		close(fds[i]);
		fds[i] = open(DEV, O_RDWR);
		break;
	case 2:
	case 3:
		do_ioctl();
		break;
	case 4:
	case 5:
		do_mmap();
		break;
	case 6:
	case 7:
	case 8:
	case 9:
	case 10:
	case 11:
		do_touch();
		break;
	case 12:
	case 13:
	case 14:
		do_remap();
		break;
	case 15:
		count(fsync(any_fd()));
		break;
	case 16: {
		struct map *m = any_map();

		if (m->addr)
			count(msync(m->addr, m->len, below(2) ? MS_SYNC : MS_ASYNC));
		break;
	}
	case 17:
		count(truncate(scratch, (off_t)below(MAX_PAGES + 1) * page_size / (1 + below(2))));
		break;
	case 18:
		do_fork();
		break;
	default:
		do_touch();
		break;
	}
}

static int fuzz(uint64_t seed, long ops)
{
	struct sigaction sa = { .sa_handler = on_fault };
	long n;
	int i, fd;

	if (!seed)
		seed = (uint64_t)time(NULL) * 2654435761ULL ^ (uint64_t)getpid();
	rng = seed | 1;
	printf("# seed %llu (usermem_fuzz fuzz %llu %ld repeats this run)\n",
	       (unsigned long long)seed, (unsigned long long)seed, ops);
	snprintf(scratch, sizeof(scratch), "/tmp/usermem_fuzz.%d", getpid());
	snprintf(scratch_dir, sizeof(scratch_dir), "/tmp");
	fd = open(scratch, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, MAX_PAGES * page_size)) {
		perror(scratch);
		return 1;
	}
	close(fd);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	for (i = 0; i < MAX_FDS; i++)
		fds[i] = open(DEV, O_RDWR);
	for (n = 0; n < ops; n++)
		step();
	for (i = 0; i < MAX_MAPS; i++)
		if (maps[i].addr)
			munmap(maps[i].addr, maps[i].len);
	for (i = 0; i < MAX_FDS; i++)
		close(fds[i]);
	unlink(scratch);
	printf("# %ld steps: %lu calls succeeded, %lu failed, %lu faults caught\n",
	       ops, ops_ok, ops_err, faults_caught);
	result(ops_ok > 0 && ops_err > 0, "the calls both succeeded and failed, the process lived",
	       "the mix did not reach both outcomes");
	return failed;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	if (argc == 3 && !strcmp(argv[1], "storm") && atoi(argv[2]) > 0)
		return storm(atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "fuzz"))
		return fuzz(strtoull(argv[2], NULL, 0), atol(argv[3]));
	fprintf(stderr, "usage: %s storm N | fuzz SEED OPS\n", argv[0]);
	return 2;
}
