// SPDX-License-Identifier: GPL-2.0
/*
 * usermem_bench - user memory on altmm against the host kernel's own, in
 * one boot: page faults per second, and reclaim throughput under a
 * memory limit.  bench/run.sh runs it in the test VM for `make bench`;
 * BENCHMARKS.md says what it measures and what it does not.
 *
 *   usermem_bench faults  [-m MB] [-r ROUNDS] [-c CPU] [-o RAW]
 *   usermem_bench reclaim [-m MB] [-r ROUNDS] [-c CPU] [-o RAW] [-g CGROUP]
 *
 * faults: map MB (default 32) and write one byte to each page, so that
 * every page is one first-touch fault, timed with CLOCK_MONOTONIC around
 * the loop.  Three sides per round, their order rotating: "altmm", a
 * MAP_SHARED mapping of /dev/altmm; "host", MAP_SHARED|MAP_ANONYMOUS, the
 * kernel's equivalent (an object of shared, zeroed, swap-backed pages
 * indexed by offset: shmem); "host_private", MAP_PRIVATE|MAP_ANONYMOUS,
 * the anonymous memory most programs have.  Host mappings are
 * MADV_NOHUGEPAGE (Debian's THP is "always"), so both count 4 KiB faults;
 * getrusage()'s minor faults per page show that each page was one fault.
 *
 * reclaim: a working set of MB (default 128, twice the limit bench/run.sh
 * sets) written page by page twice over; the second pass checks what the
 * first wrote.  Each side runs in a child process that reads the reclaim
 * counters just before and just after the two passes: "altmm" maps
 * /dev/altmm and reads altmm's vmstat; "host" maps MAP_SHARED|MAP_ANONYMOUS
 * from inside the cgroup v2 directory CGROUP (whose memory.max is the
 * limit) and reads the cgroup's memory.stat (6.1 counts cgroup reclaim's
 * pgscan_* and pgsteal_* there, not in /proc/vmstat) and /proc/vmstat's
 * pswpout and pswpin.  Without -g the host side is not run.
 *
 * Figures: faults: ns_per_fault, faults_per_s, minflt_per_page; reclaim:
 * elapsed_s (the two passes), scanned_per_s and stolen_per_s (pgscan_* and
 * pgsteal_*, kswapd's and direct, over elapsed_s), the counts scanned and
 * stolen, stolen_per_scanned, kswapd_share (of the scanning), pswpout,
 * pswpin.
 *
 * Round 0 of every side is a warm-up and is not kept (default 15 kept
 * rounds for faults, 3 for reclaim).  The process is bound to CPU (default
 * 0).  Output, CSV:
 *   stdout  the summary, "case,metric,host,altmm,ratio": the median over
 *           the kept rounds of each side, and the median of the per-round
 *           ratios altmm/host ("NA" for a side that did not run); the
 *           usermem_faults_private lines take host_private for the host
 *   RAW     every kept round, "case,side,round,metric,value"
 * Exit status 0 when every side that was asked for ran and read back
 * intact, 1 otherwise, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEV		"/dev/altmm"
#define ALTMM_VMSTAT	"/sys/kernel/debug/altmm/vmstat"
#define HOST_VMSTAT	"/proc/vmstat"
#define MAX_ROUNDS	1000

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(n)		(1u << (n))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __noreturn	__attribute__((noreturn))
/* The stores of a pass are done before the clock or a counter is read. */
#define barrier()	__asm__ __volatile__("" : : : "memory")

static long page_size;

static void die(const char *fmt, ...) __printf(1, 2) __noreturn;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "usermem_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* === Sides === */

enum side {
	SIDE_HOST,		/* MAP_SHARED | MAP_ANONYMOUS: shmem */
	SIDE_HOST_PRIVATE,	/* MAP_PRIVATE | MAP_ANONYMOUS */
	SIDE_ALTMM,		/* MAP_SHARED of /dev/altmm */
	NR_SIDES
};

static const char * const side_names[NR_SIDES] = {
	[SIDE_HOST]		= "host",
	[SIDE_HOST_PRIVATE]	= "host_private",
	[SIDE_ALTMM]		= "altmm",
};

static_assert(ARRAY_SIZE(side_names) == NR_SIDES, "a name per side");

/* A mapping of @len bytes on @side; *@fd is /dev/altmm's, or -1. */
static char *map_side(enum side side, size_t len, int *fd)
{
	int prot = PROT_READ | PROT_WRITE;
	char *p;

	*fd = -1;
	switch (side) {
	case SIDE_ALTMM:
		*fd = open(DEV, O_RDWR);
		if (*fd < 0)
			die("open %s: %s", DEV, strerror(errno));
		p = mmap(NULL, len, prot, MAP_SHARED, *fd, 0);
		break;
	case SIDE_HOST:
		p = mmap(NULL, len, prot, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		break;
	default:
		p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		break;
	}
	if (p == MAP_FAILED)
		die("mmap %zu bytes (%s): %s", len, side_names[side], strerror(errno));
	/* One fault per 4 KiB page on both sides, whatever THP is set to. */
	if (side != SIDE_ALTMM && madvise(p, len, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE): %s", strerror(errno));
	return p;
}

static void unmap_side(char *p, size_t len, int fd)
{
	if (munmap(p, len))
		die("munmap: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static void bind_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("bind to CPU %d: %s", cpu, strerror(errno));
}

/* === Statistics === */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of @n values (of an even count: the mean of the middle two). */
static double median(const double *v, int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/*
 * A figure of one case: per side, one value per kept round.  @fmt prints
 * a side's median; the ratio always has three decimals.
 */
struct metric {
	const char *name;
	const char *fmt;
	double v[NR_SIDES][MAX_ROUNDS];
	int ran[NR_SIDES];
};

static FILE *raw;
static int rounds;

static void record(const char *name, struct metric *m, enum side sd, int round,
		   double value)
{
	m->v[sd][round] = value;
	m->ran[sd] = 1;
	if (raw)
		fprintf(raw, "%s,%s,%d,%s,%.3f\n", name, side_names[sd], round + 1,
			m->name, value);
}

/* One summary line: @host's and altmm's medians, the median ratio. */
static void summary(const char *name, const struct metric *m, enum side host)
{
	int both = m->ran[host] && m->ran[SIDE_ALTMM];
	double ratio[MAX_ROUNDS];
	int r;

	printf("%s,%s,", name, m->name);
	if (m->ran[host])
		printf(m->fmt, median(m->v[host], rounds));
	else
		printf("NA");
	printf(",");
	if (m->ran[SIDE_ALTMM])
		printf(m->fmt, median(m->v[SIDE_ALTMM], rounds));
	else
		printf("NA");
	/* A ratio needs both sides, and no round of the host's at 0. */
	for (r = 0; both && r < rounds; r++) {
		if (m->v[host][r] == 0)
			both = 0;
		else
			ratio[r] = m->v[SIDE_ALTMM][r] / m->v[host][r];
	}
	if (both)
		printf(",%.3f\n", median(ratio, rounds));
	else
		printf(",NA\n");
}

/* === Faults === */

enum { F_NS, F_PER_S, F_MINFLT, NR_FAULT_METRICS };

static struct metric fault_metrics[NR_FAULT_METRICS] = {
	[F_NS]		= { .name = "ns_per_fault",	.fmt = "%.1f" },
	[F_PER_S]	= { .name = "faults_per_s",	.fmt = "%.0f" },
	[F_MINFLT]	= { .name = "minflt_per_page",	.fmt = "%.3f" },
};

/* Touch each page of a fresh mapping once; ns per page, faults per page. */
static void fault_round(enum side side, size_t len, double *ns, double *flt)
{
	size_t pages = len / page_size, i;
	double t0, t1;
	long f0, f1;
	char *p;
	int fd;

	p = map_side(side, len, &fd);
	f0 = minflt();
	t0 = now_ns();
	for (i = 0; i < pages; i++)
		p[i * page_size] = 1;
	barrier();
	t1 = now_ns();
	f1 = minflt();
	unmap_side(p, len, fd);
	*ns = (t1 - t0) / pages;
	*flt = (double)(f1 - f0) / pages;
}

static int faults(long mb)
{
	size_t len = (size_t)mb << 20;
	double ns, flt;
	int r, k, side;

	for (r = -1; r < rounds; r++) {
		/* Rotate the order, so that no side always runs first. */
		for (k = 0; k < NR_SIDES; k++) {
			side = (k + r + 1) % NR_SIDES;
			fault_round(side, len, &ns, &flt);
			if (r < 0)
				continue;	/* the warm-up round */
			record("usermem_faults", &fault_metrics[F_NS], side, r, ns);
			record("usermem_faults", &fault_metrics[F_PER_S], side, r, 1e9 / ns);
			record("usermem_faults", &fault_metrics[F_MINFLT], side, r, flt);
		}
	}
	for (k = 0; k < NR_FAULT_METRICS; k++)
		summary("usermem_faults", &fault_metrics[k], SIDE_HOST);
	for (k = 0; k < NR_FAULT_METRICS; k++)
		summary("usermem_faults_private", &fault_metrics[k], SIDE_HOST_PRIVATE);
	return 0;
}

/* === Reclaim === */

enum counter {
	C_SCAN_KSWAPD,
	C_SCAN_DIRECT,
	C_STEAL_KSWAPD,
	C_STEAL_DIRECT,
	C_PSWPOUT,
	C_PSWPIN,
	NR_COUNTERS
};

static const char * const counter_names[NR_COUNTERS] = {
	[C_SCAN_KSWAPD]		= "pgscan_kswapd",
	[C_SCAN_DIRECT]		= "pgscan_direct",
	[C_STEAL_KSWAPD]	= "pgsteal_kswapd",
	[C_STEAL_DIRECT]	= "pgsteal_direct",
	[C_PSWPOUT]		= "pswpout",
	[C_PSWPIN]		= "pswpin",
};

static_assert(ARRAY_SIZE(counter_names) == NR_COUNTERS, "a name per counter");

/* Fill @val[c] for each counter of @path ("name value" lines) in @want. */
static void read_counters(const char *path, unsigned int want, long long *val)
{
	char line[256], name[128];
	long long v;
	unsigned int found = 0;
	int c;
	FILE *f = fopen(path, "r");

	if (!f)
		die("open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lld", name, &v) != 2)
			continue;
		for (c = 0; c < NR_COUNTERS; c++)
			if ((want & BIT(c)) && !strcmp(name, counter_names[c])) {
				val[c] = v;
				found |= BIT(c);
			}
	}
	fclose(f);
	if (found != want)
		die("%s lacks a reclaim counter", path);
}

#define SCAN_STEAL	(BIT(C_SCAN_KSWAPD) | BIT(C_SCAN_DIRECT) | \
			 BIT(C_STEAL_KSWAPD) | BIT(C_STEAL_DIRECT))
#define SWAP		(BIT(C_PSWPOUT) | BIT(C_PSWPIN))

/* The reclaim counters of @side: altmm's, or the cgroup's and the host's swap. */
static void read_side_counters(enum side side, const char *memstat, long long *val)
{
	if (side == SIDE_ALTMM) {
		read_counters(ALTMM_VMSTAT, SCAN_STEAL | SWAP, val);
		return;
	}
	read_counters(memstat, SCAN_STEAL, val);
	read_counters(HOST_VMSTAT, SWAP, val);
}

/**
 * struct reclaim_result - one side's run, written by the child
 * @done: the child got to the end
 * @bad_page: first page that did not read back, + 1; 0 when all did
 * @ns: the two passes, wall clock
 * @delta: the counters' growth over the two passes
 */
struct reclaim_result {
	int done;
	size_t bad_page;
	double ns;
	long long delta[NR_COUNTERS];
};

/* What a pass writes in a page's first word: the page's index and the pass. */
static unsigned long stamp(size_t page, int pass)
{
	return (unsigned long)page << 8 | 0xa0 | pass;
}

/* The child: join @cgroup (host side), two passes over @len, counters around. */
static void reclaim_child(enum side side, size_t len, const char *cgroup,
			  struct reclaim_result *res)
{
	size_t pages = len / page_size, i;
	long long before[NR_COUNTERS], after[NR_COUNTERS];
	char path[512] = "";
	unsigned long *w;
	double t0;
	int fd, c;
	FILE *f;
	char *p;

	if (side != SIDE_ALTMM) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
		f = fopen(path, "w");
		if (!f || fprintf(f, "0\n") < 0 || fclose(f))
			die("join %s: %s", cgroup, strerror(errno));
		snprintf(path, sizeof(path), "%s/memory.stat", cgroup);
	}
	p = map_side(side, len, &fd);
	read_side_counters(side, path, before);
	t0 = now_ns();
	for (i = 0; i < pages; i++)
		*(unsigned long *)(p + i * page_size) = stamp(i, 0);
	barrier();
	for (i = 0; i < pages; i++) {
		w = (unsigned long *)(p + i * page_size);
		if (*w != stamp(i, 0) && !res->bad_page)
			res->bad_page = i + 1;
		*w = stamp(i, 1);
	}
	barrier();
	res->ns = now_ns() - t0;
	read_side_counters(side, path, after);
	for (c = 0; c < NR_COUNTERS; c++)
		res->delta[c] = after[c] - before[c];
	res->done = 1;
	unmap_side(p, len, fd);
}

enum {
	R_ELAPSED, R_SCAN_PER_S, R_STEAL_PER_S, R_SCANNED, R_STOLEN,
	R_EFFICIENCY, R_KSWAPD_SHARE, R_PSWPOUT, R_PSWPIN, NR_RECLAIM_METRICS
};

static struct metric reclaim_metrics[NR_RECLAIM_METRICS] = {
	[R_ELAPSED]	= { .name = "elapsed_s",	.fmt = "%.3f" },
	[R_SCAN_PER_S]	= { .name = "scanned_per_s",	.fmt = "%.0f" },
	[R_STEAL_PER_S]	= { .name = "stolen_per_s",	.fmt = "%.0f" },
	[R_SCANNED]	= { .name = "scanned",		.fmt = "%.0f" },
	[R_STOLEN]	= { .name = "stolen",		.fmt = "%.0f" },
	[R_EFFICIENCY]	= { .name = "stolen_per_scanned", .fmt = "%.3f" },
	[R_KSWAPD_SHARE] = { .name = "kswapd_share",	.fmt = "%.3f" },
	[R_PSWPOUT]	= { .name = "pswpout",		.fmt = "%.0f" },
	[R_PSWPIN]	= { .name = "pswpin",		.fmt = "%.0f" },
};

/* One side's run in a child process; 0, or 1 when it failed. */
static int reclaim_round(enum side side, size_t len, const char *cgroup, int r,
			 struct reclaim_result *res)
{
	const char *name = "usermem_reclaim";
	long long *d = res->delta;
	double s, scanned, stolen;
	int status;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		reclaim_child(side, len, cgroup, res);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) || !res->done) {
		fprintf(stderr, "usermem_bench: reclaim, %s, round %d: the child %s %d\n",
			side_names[side], r + 1,
			WIFSIGNALED(status) ? "was killed by signal" : "exited with",
			WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return 1;
	}
	if (res->bad_page) {
		fprintf(stderr, "usermem_bench: reclaim, %s, round %d: page %zu read back wrong\n",
			side_names[side], r + 1, res->bad_page - 1);
		return 1;
	}
	if (r < 0)
		return 0;	/* the warm-up round */
	s = res->ns / 1e9;
	scanned = d[C_SCAN_KSWAPD] + d[C_SCAN_DIRECT];
	stolen = d[C_STEAL_KSWAPD] + d[C_STEAL_DIRECT];
	record(name, &reclaim_metrics[R_ELAPSED], side, r, s);
	record(name, &reclaim_metrics[R_SCAN_PER_S], side, r, scanned / s);
	record(name, &reclaim_metrics[R_STEAL_PER_S], side, r, stolen / s);
	record(name, &reclaim_metrics[R_SCANNED], side, r, scanned);
	record(name, &reclaim_metrics[R_STOLEN], side, r, stolen);
	record(name, &reclaim_metrics[R_EFFICIENCY], side, r,
	       scanned ? stolen / scanned : 0);
	record(name, &reclaim_metrics[R_KSWAPD_SHARE], side, r,
	       scanned ? d[C_SCAN_KSWAPD] / scanned : 0);
	record(name, &reclaim_metrics[R_PSWPOUT], side, r, d[C_PSWPOUT]);
	record(name, &reclaim_metrics[R_PSWPIN], side, r, d[C_PSWPIN]);
	return 0;
}

static int reclaim(long mb, const char *cgroup)
{
	size_t len = (size_t)mb << 20;
	struct reclaim_result *res;
	enum side order[2] = { SIDE_HOST, SIDE_ALTMM };
	int r, k, failed = 0;

	/* Shared with the children, allocated before any of them runs. */
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	for (r = -1; r < rounds && !failed; r++) {
		for (k = 0; k < 2; k++) {
			/* Alternate which side goes first. */
			enum side side = order[(k + r + 1) % 2];

			if (side == SIDE_HOST && !cgroup)
				continue;
			failed |= reclaim_round(side, len, cgroup, r, res);
		}
	}
	for (k = 0; k < NR_RECLAIM_METRICS; k++)
		summary("usermem_reclaim", &reclaim_metrics[k], SIDE_HOST);
	return failed;
}

/* === Main === */

static void usage(void)
{
	fprintf(stderr,
		"usage: usermem_bench faults  [-m MB] [-r ROUNDS] [-c CPU] [-o RAW]\n"
		"       usermem_bench reclaim [-m MB] [-r ROUNDS] [-c CPU] [-o RAW] [-g CGROUP]\n"
		"faults: MB (default 32) touched page by page, per side, 15 rounds;\n"
		"reclaim: MB (default 128) written twice over, 3 rounds, the host side\n"
		"in the cgroup v2 directory CGROUP (not run without -g).\n"
		"Prints the summary CSV; RAW gets every kept round.\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *cgroup = NULL, *raw_path = NULL;
	int opt, cpu = 0, is_faults, rc;
	long mb = 0;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "faults"))
		is_faults = 1;
	else if (!strcmp(argv[1], "reclaim"))
		is_faults = 0;
	else
		usage();
	rounds = is_faults ? 15 : 3;
	optind = 2;
	while ((opt = getopt(argc, argv, "m:r:c:o:g:")) != -1) {
		switch (opt) {
		case 'm':
			mb = atol(optarg);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'c':
			cpu = atoi(optarg);
			break;
		case 'o':
			raw_path = optarg;
			break;
		case 'g':
			cgroup = optarg;
			break;
		default:
			usage();
		}
	}
	if (!mb)
		mb = is_faults ? 32 : 128;
	if (mb < 1 || rounds < 1 || rounds > MAX_ROUNDS || optind != argc)
		usage();

	page_size = sysconf(_SC_PAGESIZE);
	bind_cpu(cpu);
	if (raw_path) {
		raw = fopen(raw_path, "a");
		if (!raw)
			die("open %s: %s", raw_path, strerror(errno));
		/* Both commands may append to one file: one header. */
		if (!ftell(raw))
			fprintf(raw, "case,side,round,metric,value\n");
	}
	printf("case,metric,host,altmm,ratio\n");
	rc = is_faults ? faults(mb) : reclaim(mb, cgroup);
	if (raw)
		fclose(raw);
	return rc;
}
