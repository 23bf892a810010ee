// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_debugfs - a seeded fuzzer for every file of altmm.ko that a person
 * can write: debugfs ctl, the vm/ tunables, a memory block's state and
 * online_type, memory/probe, and the module parameters writable at run time
 * (init_on_alloc, init_on_free, swap_mb).  altmm has no ioctl.
 *
 *   fuzz_debugfs [-s SEED] [-n OPS] [-c CORPUS] [-d DIR] [-v] [-x]
 *
 * Each operation is one write(2) to one target, made one of three ways:
 *   - from the grammar: a ctl command (alloc tag= order= count= gfp=
 *     node=, free, drain, reclaim, kswapd, misuse kind=) or a tunable's
 *     value, with numbers drawn from the boundaries of each range;
 *   - mutated: a grammar input or a corpus input with boundary, negative,
 *     huge and overflowing numbers, a missing '=', a duplicated or unknown
 *     key, a very long line, an embedded NUL, bytes that are not UTF-8,
 *     whitespace and newlines, truncation, flipped bytes;
 *   - raw junk: random bytes.
 * Some writes go at an offset, or in two parts.  One operation in 16 also
 * reads a readable file of the directory to its end.
 *
 * "New behaviour" stands in for new code, because the kernel this runs on
 * has no KCOV: a behaviour is a target with the result of the write (its
 * errno, or success), or a target with one kernel log line the write
 * caused, after the line is normalised (numbers, quoted words, tag names
 * and flag lists blanked), so "bad number '12abc' for count" and "bad
 * number 'x' for count" are one behaviour, "bad number" and "count 0" two.
 * An input that shows a behaviour not seen before in this run is printed
 * as a "fuzz-corpus:" line; kept in the corpus file, it is replayed first
 * on every run (and mutated later in that run).
 *
 * Checks, any of which fails the run (exit 1):
 *   - no kernel report (WARNING:, BUG:, KASAN, UBSAN, Oops, lockdep,
 *     refcount_t:, general protection, Call Trace) in the log it reads
 *     after every write from /dev/kmsg;
 *   - a refused write changed nothing: a tunable reads as before, and the
 *     rows of ctl_status (what each tag holds) are as before;
 *   - at the end, every tunable is written back to its value at the start
 *     and reads so.
 * What the tags still hold is left for the caller to free and check
 * (selftests/fuzz_debugfs.sh).
 *
 * Output: the seed first, then a line per finding and per new corpus
 * input ("fuzz-corpus: TARGET<TAB>INPUT"), each new behaviour with -v, and
 * a summary.  Corpus files have the same lines, the input escaped as C
 * does (\n, \t, \\, \xHH) and \{N} for N more of the byte before; lines
 * starting with '#' are comments.  Built with gcc -static by
 * scripts/mkinitramfs.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FUZZ_INPUT_MAX	70000
#define MAX_CORPUS	4096
#define FEATURE_BITS	16
#define READ_MAX	(1 << 20)

/* === Random numbers: splitmix64, so a seed gives the same run === */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 .. n-1 */
static unsigned int rnd(unsigned int n)
{
	return n ? rnd64() % n : 0;
}

/* true with probability pct % */
static int chance(unsigned int pct)
{
	return rnd(100) < pct;
}

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PICK(a)		((a)[rnd(ARRAY_SIZE(a))])

/* === Inputs === */

struct buf {
	size_t len;
	char d[FUZZ_INPUT_MAX];
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (n > FUZZ_INPUT_MAX - b->len)
		n = FUZZ_INPUT_MAX - b->len;
	memcpy(b->d + b->len, s, n);
	b->len += n;
}

#define __printf(a, b)	__attribute__((format(printf, a, b)))

static __printf(2, 3) void buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		buf_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* === Targets === */

enum kind { K_CTL, K_INT, K_VEC, K_BOOL, K_WORD, K_ADDR };

struct target {
	const char *name;	/* in the corpus and the output */
	const char *path;	/* relative to the debugfs directory, or absolute */
	enum kind kind;
	long long min, max;	/* the documented range of K_INT */
	int nr;			/* values of K_VEC */
	int present;
	char saved[256];	/* its value at the start */
	unsigned long ops, ok;
};

static struct target targets[] = {
	{ "ctl", "ctl", K_CTL },
	{ "vm/min_free_kbytes", "vm/min_free_kbytes", K_INT, 0, INT_MAX },
	{ "vm/watermark_scale_factor", "vm/watermark_scale_factor", K_INT, 1, 3000 },
	{ "vm/lowmem_reserve_ratio", "vm/lowmem_reserve_ratio", K_VEC, INT_MIN, INT_MAX, 6 },
	{ "vm/percpu_pagelist_high_fraction", "vm/percpu_pagelist_high_fraction",
	  K_INT, 0, INT_MAX },
	{ "vm/page_group_by_mobility_disabled", "vm/page_group_by_mobility_disabled", K_INT, 0, 1 },
	{ "vm/swappiness", "vm/swappiness", K_INT, 0, 200 },
	{ "vm/dirty_background_ratio", "vm/dirty_background_ratio", K_INT, 0, 100 },
	{ "vm/dirty_ratio", "vm/dirty_ratio", K_INT, 0, 100 },
	{ "vm/dirty_expire_centisecs", "vm/dirty_expire_centisecs", K_INT, 0, INT_MAX },
	{ "vm/dirty_writeback_centisecs", "vm/dirty_writeback_centisecs", K_INT, 0, INT_MAX },
	{ "vm/watermark_boost_factor", "vm/watermark_boost_factor", K_INT, 0, INT_MAX },
	{ "vm/compaction_proactiveness", "vm/compaction_proactiveness", K_INT, 0, 100 },
	{ "vm/extfrag_threshold", "vm/extfrag_threshold", K_INT, 0, 1000 },
	/* Not probability nor verbose: failures (and stack dumps) on purpose are not the point. */
	{ "fail_page_alloc/interval", "fail_page_alloc/interval", K_INT, 0, LLONG_MAX },
	{ "fail_page_alloc/times", "fail_page_alloc/times", K_INT, INT_MIN, INT_MAX },
	{ "fail_page_alloc/min-order", "fail_page_alloc/min-order", K_INT, 0, UINT_MAX },
	{ "fail_page_alloc/ignore-gfp-wait", "fail_page_alloc/ignore-gfp-wait", K_BOOL },
	{ "failslab/space", "failslab/space", K_INT, INT_MIN, INT_MAX },
	{ "failslab/cache-filter", "failslab/cache-filter", K_BOOL },
	{ "failslab/verbose_ratelimit_burst", "failslab/verbose_ratelimit_burst", K_INT,
	  0, UINT_MAX },
	{ "param/init_on_alloc", "/sys/module/altmm/parameters/init_on_alloc", K_BOOL },
	{ "param/init_on_free", "/sys/module/altmm/parameters/init_on_free", K_BOOL },
	{ "param/swap_mb", "/sys/module/altmm/parameters/swap_mb", K_INT, 0, 16384 },
	/* A memory block: offline and online for real, put back online at the end. */
	{ "memory/memory1/state", "memory/memory1/state", K_WORD },
	{ "memory/memory1/online_type", "memory/memory1/online_type", K_WORD },
	/*
	 * probe adds only in holes (none in the layouts fuzzed), so it is
	 * all refusals; remove is left out: a removed memory1 would have no
	 * state file to be put back online through.
	 */
	{ "memory/probe", "memory/probe", K_ADDR },
};

#define NR_TARGETS	((int)ARRAY_SIZE(targets))

/* Files read now and then: whatever a write changed must still print. */
static const char * const readables[] = {
	"ctl_status", "zoneinfo", "buddyinfo", "pagetypeinfo", "vmstat",
	"meminfo", "slabinfo", "vmallocinfo", "sections", "layout",
	"extfrag/unusable_index", "extfrag/extfrag_index", "memblock/memory",
	"memblock/reserved", "vm/min_free_kbytes", "vm/lowmem_reserve_ratio",
	"memory/block_size_bytes", "memory/memory1/state", "memory/memory1/valid_zones",
	"memory/memory1/online_type", "memory/memory1/phys_index",
};

static const char *dir = "/sys/kernel/debug/altmm";
static int verbose, trace;

static void target_path(const struct target *t, char *out, size_t n)
{
	if (t->path[0] == '/')
		snprintf(out, n, "%s", t->path);
	else
		snprintf(out, n, "%s/%s", dir, t->path);
}

static struct target *find_target(const char *name)
{
	int i;

	for (i = 0; i < NR_TARGETS; i++)
		if (!strcmp(targets[i].name, name))
			return &targets[i];
	return NULL;
}

/* The whole of a file, NUL-terminated, in @out; its length or -1. */
static ssize_t read_path(const char *path, char *out, size_t n)
{
	size_t len = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while (len + 1 < n && (r = read(fd, out + len, n - 1 - len)) > 0)
		len += r;
	close(fd);
	out[len] = '\0';
	return len;
}

/* === The grammar === */

static const char * const gfp_names[] = {
	"GFP_ATOMIC", "GFP_KERNEL", "GFP_KERNEL_ACCOUNT", "GFP_NOWAIT",
	"GFP_NOIO", "GFP_NOFS", "GFP_USER", "GFP_DMA", "GFP_DMA32",
	"GFP_HIGHUSER", "GFP_HIGHUSER_MOVABLE", "GFP_TRANSHUGE_LIGHT",
	"GFP_TRANSHUGE", "__GFP_DMA", "__GFP_HIGHMEM", "__GFP_DMA32",
	"__GFP_MOVABLE", "__GFP_RECLAIMABLE", "__GFP_HIGH", "__GFP_IO",
	"__GFP_FS", "__GFP_ZERO", "__GFP_ATOMIC", "__GFP_DIRECT_RECLAIM",
	"__GFP_KSWAPD_RECLAIM", "__GFP_RECLAIM", "__GFP_WRITE", "__GFP_NOWARN",
	"__GFP_RETRY_MAYFAIL", "__GFP_NOFAIL", "__GFP_NORETRY",
	"__GFP_MEMALLOC", "__GFP_COMP", "__GFP_NOMEMALLOC", "__GFP_HARDWALL",
	"__GFP_THISNODE", "__GFP_ACCOUNT", "__GFP_ZEROTAGS", "__GFP_SKIP_ZERO",
	"__GFP_SKIP_KASAN_UNPOISON", "__GFP_SKIP_KASAN_POISON",
	"__GFP_NOLOCKDEP",
	/* not names */
	"GFP_KERNAL", "gfp_kernel", "__GFP_", "GFP_KERNEL ", "",
};

static const char * const misuse_kinds[] = {
	"double_free", "wrong_order", "foreign", "tail", "bad_gfp",
	"DOUBLE_FREE", "double", "", "tail2",
};

static const char * const verbs_junk[] = {
	"allocate", "ALLOC", "fre", "drain2", "reclaim!", "kswap", "misuses",
	"help", "status",
};

/* Numbers at the edges of every range the files have. */
static const char * const edge_numbers[] = {
	"0", "1", "-1", "2", "7", "8", "9", "10", "11", "12", "63", "64",
	"1023", "1024", "1025", "2999", "3000", "3001", "65535", "65536",
	"262144", "1048575", "1048576", "1048577", "2147483647",
	"2147483648", "-2147483648", "-2147483649", "4294967295",
	"4294967296", "9223372036854775807", "9223372036854775808",
	"18446744073709551615", "18446744073709551616",
	"99999999999999999999999999999999", "-0", "+1", "0x0", "0x10",
	"0xffffffff", "0x7fffffff", "0x80000000", "0xFFFFFFFFFFFFFFFF",
	"017", "08", "0x", "0b1", "1e3", "1.5", " 1", "1 ", "--1", "0x-1",
	"-0x1",
};

static const char *tag_name(void)
{
	static const char * const pool[] = {
		"a", "b", "c", "d", "t0", "t1", "big", "x.y:z-_",
		"abcdefghijklmnopqrstuvwxyz01234",	/* 31: the longest */
		"abcdefghijklmnopqrstuvwxyz012345",	/* 32: too long */
		"a/b", "t\xff", "*",
	};

	/* Mostly a handful, so that frees find what allocs made. */
	return chance(85) ? pool[rnd(6)] : PICK(pool);
}

static void gen_number(struct buf *b, long long lo, long long hi)
{
	if (chance(65) && hi >= lo) {
		unsigned long long span = (unsigned long long)(hi - lo) + 1;

		buf_printf(b, "%lld", lo + (long long)(span ? rnd64() % span : rnd64()));
	} else {
		buf_printf(b, "%s", PICK(edge_numbers));
	}
}

static void gen_gfp(struct buf *b)
{
	int n = 1 + rnd(3), i;

	if (chance(10)) {
		buf_printf(b, "%#x", (unsigned int)rnd64() & (chance(80) ? 0xffffff : ~0u));
		return;
	}
	for (i = 0; i < n; i++) {
		if (i)
			buf_add(b, "|", 1);
		/* The first names are the usual masks: favour them. */
		buf_printf(b, "%s", chance(60) ? gfp_names[rnd(13)] : PICK(gfp_names));
	}
}

struct kv {
	const char *key;
	struct buf val;
};

static struct kv kvs[8];

static void gen_ctl(struct buf *b)
{
	static const char * const verbs[] = {
		"alloc", "alloc", "alloc", "alloc", "free", "free", "free",
		"drain", "reclaim", "kswapd", "misuse",
	};
	const char *verb = chance(4) ? PICK(verbs_junk) : PICK(verbs);
	int n = 0, i, order = rnd(11);

#define KV(k) (kvs[n].key = (k), kvs[n].val.len = 0, &kvs[n++].val)
	if (!strcmp(verb, "alloc")) {
		struct buf *v;

		buf_printf(KV("tag"), "%s", tag_name());
		v = KV("order");
		if (chance(85))
			buf_printf(v, "%d", order);
		else
			gen_number(v, -1, 11);
		v = KV("count");
		if (chance(80))
			buf_printf(v, "%u", 1 + rnd(order > 6 ? 4 : 64));
		else if (chance(50))
			buf_printf(v, "%u", (1u << 20 >> order) + rnd(2));
		else
			gen_number(v, 0, 4096);
		gen_gfp(KV("gfp"));
		if (chance(50))
			gen_number(KV("node"), -1, 2);
	} else if (!strcmp(verb, "free")) {
		buf_printf(KV("tag"), "%s", tag_name());
		if (chance(40))
			gen_number(KV("count"), 0, 64);
	} else if (!strcmp(verb, "reclaim")) {
		if (chance(60))
			gen_number(KV("node"), -1, 2);
	} else if (!strcmp(verb, "kswapd")) {
		gen_number(KV("node"), -1, 2);
	} else if (!strcmp(verb, "misuse")) {
		buf_printf(KV("kind"), "%s",
			   chance(90) ? misuse_kinds[rnd(5)] : PICK(misuse_kinds));
	}
#undef KV

	/* Keys come in any order. */
	for (i = n - 1; i > 0; i--) {
		int j = rnd(i + 1);
		struct kv t = kvs[i];

		kvs[i] = kvs[j];
		kvs[j] = t;
	}
	buf_printf(b, "%s", verb);
	for (i = 0; i < n; i++) {
		buf_printf(b, " %s=", kvs[i].key);
		buf_add(b, kvs[i].val.d, kvs[i].val.len);
	}
	if (chance(80))
		buf_add(b, "\n", 1);
}

static void gen_tunable(struct buf *b, const struct target *t)
{
	static const char * const seps[] = { " ", "\t", "  ", "\n", " \t " };
	int n, i;

	switch (t->kind) {
	case K_INT:
		/*
		 * Mostly inside the range, near its small end: a huge
		 * min_free_kbytes starves every allocation after it.
		 */
		if (chance(70))
			gen_number(b, t->min, t->max > 100000 ? t->min + 20000 : t->max);
		else
			gen_number(b, t->min - 1, t->max);
		break;
	case K_VEC:
		n = chance(80) ? 1 + rnd(t->nr) : rnd(t->nr + 3);
		for (i = 0; i < n; i++) {
			if (i)
				buf_printf(b, "%s", PICK(seps));
			if (chance(80))
				gen_number(b, 0, 512);
			else
				buf_printf(b, "%s", PICK(edge_numbers));
		}
		break;
	case K_BOOL: {
		static const char * const v[] = {
			"0", "1", "Y", "N", "y", "n", "yes", "no", "on", "off",
			"2", "-1", "true", "",
		};

		buf_printf(b, "%s", PICK(v));
		break;
	}
	case K_ADDR: {
		static const char * const v[] = {
			"0x0", "0x400000", "0x400001", "4194304", "0x7ffffffffffff000",
			"-4194304", "0x", "0x400000 0x800000", "1e6", "0x40000000",
		};

		if (chance(50))
			buf_printf(b, "%#llx", (unsigned long long)rnd(4096) << 22);
		else
			buf_printf(b, "%s", PICK(v));
		break;
	}
	case K_WORD: {
		static const char * const v[] = {
			"offline", "online", "online_kernel", "online_movable",
			"going-offline", "Online", "online_", "offline online", "",
		};

		buf_printf(b, "%s", PICK(v));
		break;
	}
	default:
		break;
	}
	if (chance(70))
		buf_add(b, "\n", 1);
}

/* === Mutations === */

static void insert_at(struct buf *b, size_t pos, const char *s, size_t n)
{
	if (n > FUZZ_INPUT_MAX - b->len)
		n = FUZZ_INPUT_MAX - b->len;
	memmove(b->d + pos + n, b->d + pos, b->len - pos);
	memcpy(b->d + pos, s, n);
	b->len += n;
}

static void delete_at(struct buf *b, size_t pos, size_t n)
{
	if (pos + n > b->len)
		n = b->len - pos;
	memmove(b->d + pos, b->d + pos + n, b->len - pos - n);
	b->len -= n;
}

/* The start of a random run of digits in @b, or -1. */
static long find_number(const struct buf *b, size_t *len)
{
	size_t starts[64], lens[64], i = 0, n = 0;

	while (i < b->len && n < 64) {
		if (b->d[i] >= '0' && b->d[i] <= '9') {
			size_t s = i;

			while (i < b->len && ((b->d[i] >= '0' && b->d[i] <= '9') ||
					      b->d[i] == 'x'))
				i++;
			starts[n] = s;
			lens[n++] = i - s;
		} else {
			i++;
		}
	}
	if (!n)
		return -1;
	i = rnd(n);
	*len = lens[i];
	return starts[i];
}

/* A random word (space-separated) of @b: its start, or -1. */
static long find_word(const struct buf *b, size_t *len)
{
	size_t starts[64], lens[64], i = 0, n = 0;

	while (i < b->len && n < 64) {
		if (b->d[i] != ' ' && b->d[i] != '\n') {
			size_t s = i;

			while (i < b->len && b->d[i] != ' ' && b->d[i] != '\n')
				i++;
			starts[n] = s;
			lens[n++] = i - s;
		} else {
			i++;
		}
	}
	if (!n)
		return -1;
	i = rnd(n);
	*len = lens[i];
	return starts[i];
}

static void mutate(struct buf *b)
{
	static const char * const unknown[] = {
		" colour=red", " key=", " =1", " tag", " order==1", " node=0=1",
		" kind=tail", " gfp=", " count=1",
	};
	static const size_t long_lens[] = {
		511, 512, 513, 4094, 4095, 4096, 4097, 8192, 65536,
	};
	size_t len, n, pos = b->len ? rnd(b->len + 1) : 0;
	long at;
	char c;

	switch (rnd(14)) {
	case 0:	/* a number at an edge */
		at = find_number(b, &len);
		if (at >= 0) {
			const char *e = PICK(edge_numbers);

			delete_at(b, at, len);
			insert_at(b, at, e, strlen(e));
		}
		break;
	case 1:	/* negative */
		at = find_number(b, &len);
		if (at >= 0)
			insert_at(b, at, "-", 1);
		break;
	case 2:	/* no '=' */
		for (n = 0; n < b->len; n++)
			if (b->d[n] == '=' && chance(50))
				break;
		if (n < b->len)
			delete_at(b, n, 1);
		break;
	case 3:	/* a word twice */
		at = find_word(b, &len);
		if (at > 0) {
			char w[256];

			n = len < sizeof(w) - 1 ? len : sizeof(w) - 1;
			w[0] = ' ';
			memcpy(w + 1, b->d + at, n);
			insert_at(b, at + len, w, n + 1);
		}
		break;
	case 4: {	/* an unknown or malformed key, before the newline */
		const char *u = PICK(unknown);

		n = b->len && b->d[b->len - 1] == '\n';
		insert_at(b, b->len - n, u, strlen(u));
		break;
	}
	case 5:	/* very long */
		n = PICK(long_lens);
		if (n > b->len) {
			static char fill[FUZZ_INPUT_MAX];

			memset(fill, chance(50) ? 'a' : '9', n - b->len);
			insert_at(b, chance(50) ? pos : b->len, fill, n - b->len);
		}
		break;
	case 6:	/* an embedded NUL */
		insert_at(b, pos, "", 1);
		break;
	case 7:	/* not UTF-8 */
		c = (char)(0x80 + rnd(128));
		insert_at(b, pos, &c, 1);
		if (chance(50))
			insert_at(b, pos, "\xc3\x28\xfe\xff", 4);
		break;
	case 8:	/* a flipped byte */
		if (b->len)
			b->d[rnd(b->len)] ^= (char)(1 << rnd(8));
		break;
	case 9:	/* cut short */
		b->len = pos;
		break;
	case 10: {	/* whitespace, or a second line */
		static const char * const ws[] = {
			" ", "\t", "\n", "\n\n", "\r", "\v", "  ", "\ndrain",
		};
		const char *w = PICK(ws);

		insert_at(b, pos, w, strlen(w));
		break;
	}
	case 11:	/* an empty value */
		for (n = 0; n < b->len; n++)
			if (b->d[n] == '=' && chance(50))
				break;
		while (n + 1 < b->len && b->d[n + 1] != ' ' && b->d[n + 1] != '\n')
			delete_at(b, n + 1, 1);
		break;
	case 12:	/* upper case */
		at = find_word(b, &len);
		for (n = 0; at >= 0 && n < len; n++)
			if (b->d[at + n] >= 'a' && b->d[at + n] <= 'z')
				b->d[at + n] -= 32;
		break;
	default:	/* a word dropped */
		at = find_word(b, &len);
		if (at >= 0)
			delete_at(b, at, len);
		break;
	}
}

static void gen_junk(struct buf *b)
{
	size_t n = chance(90) ? rnd(600) : rnd(5000), i;
	int printable = chance(50);

	for (i = 0; i < n; i++) {
		char c = printable ? (char)(32 + rnd(95)) : (char)rnd64();

		buf_add(b, &c, 1);
	}
}

/* === The kernel log === */

static int kmsg_fd = -1;

static const char * const report_patterns[] = {
	"WARNING:", "BUG:", "KASAN", "UBSAN", "Oops", "refcount_t:",
	"possible circular locking", "possible recursive locking",
	"inconsistent lock state", "general protection", "Call Trace",
	"Kernel panic", "blocked for more than", "detected stalls",
	"suspicious RCU usage",
};

/*
 * altmm quotes bad input back in its refusals ("ctl: BUG: unknown
 * command"), and the log judges (this program's and scripts/vm.sh's)
 * look for these words: an input never carries one of their stems.
 */
static const char * const report_stems[] = {
	"WARNING", "BUG", "KASAN", "UBSAN", "Oops", "refcount_t",
	"circular locking", "recursive locking", "inconsistent lock",
	"general protection", "Call Trace", "Kernel panic", "blocked for",
	"detected stalls", "suspicious RCU",
};

static void defang(char *d, size_t len)
{
	size_t i;
	char *p;

	for (i = 0; i < ARRAY_SIZE(report_stems); i++) {
		size_t n = strlen(report_stems[i]);

		while ((p = memmem(d, len, report_stems[i], n)))
			*p ^= 0x20;	/* the first letter's case */
	}
}

/* Lines of the log since the last call, one per record, text only. */
static int kmsg_next(char *line, size_t n)
{
	char rec[8192];
	ssize_t r;
	char *semi, *nl;

	for (;;) {
		r = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (r < 0 && errno == EPIPE)	/* overwritten: go on */
			continue;
		if (r <= 0)
			return 0;
		rec[r] = '\0';
		semi = strchr(rec, ';');
		if (!semi)
			continue;
		nl = strchr(semi + 1, '\n');
		if (nl)
			*nl = '\0';
		snprintf(line, n, "%s", semi + 1);
		return 1;
	}
}

/* ctl's commands, which its log lines name after "ctl: ". */
static const char * const ctl_verbs[] = {
	"alloc", "free", "drain", "reclaim", "kswapd", "misuse", "(empty)",
};

/*
 * A log line with what varies blanked: quoted words, tag names, flag
 * lists in parentheses, numbers, and an unknown command named after
 * "ctl: " (which is the input's first word).
 */
static void normalise(const char *in, char *out, size_t n)
{
	const char *verb = strstr(in, "ctl: "), *end;
	size_t o = 0, i, len;
	char tmp[1024];

	if (verb && (end = strstr(verb + 5, ": ")) &&
	    !strncmp(end, ": unknown command", 17)) {
		len = end - verb - 5;
		for (i = 0; i < ARRAY_SIZE(ctl_verbs); i++)
			if (len == strlen(ctl_verbs[i]) &&
			    !strncmp(verb + 5, ctl_verbs[i], len))
				break;
		if (i == ARRAY_SIZE(ctl_verbs)) {
			snprintf(tmp, sizeof(tmp), "%.*s*%s", (int)(verb + 5 - in), in, end);
			in = tmp;
		}
	}

	/* Room for the longest replacement and the NUL. */
	while (*in && o + 8 < n) {
		if (*in == '\'') {
			/* To the last quote: the quoted input may hold quotes. */
			const char *end = strrchr(in + 1, '\'');

			if (end) {
				out[o++] = '\'';
				out[o++] = '*';
				in = end;
			}
			out[o++] = *in++;
		} else if (!strncmp(in, "tag=", 4)) {
			memcpy(out + o, "tag=*", 5);
			o += 5;
			in += 4;
			while (*in && *in != ' ' && *in != ':')
				in++;
		} else if (*in == '(') {
			const char *end = strchr(in, ')');

			/* A list cut short by the line's length: to its end. */
			out[o++] = '(';
			out[o++] = '*';
			out[o++] = ')';
			in = end ? end + 1 : in + strlen(in);
		} else if (*in >= '0' && *in <= '9') {
			out[o++] = '#';
			while ((*in >= '0' && *in <= '9') || *in == 'x' ||
			       (*in >= 'a' && *in <= 'f'))
				in++;
		} else {
			out[o++] = *in++;
		}
	}
	out[o] = '\0';
}

/* === Behaviours === */

static uint64_t features[1 << FEATURE_BITS];
static unsigned long nr_features;

static uint64_t hash(const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 1099511628211ULL;
	h = (h ^ '|') * 1099511628211ULL;
	for (; *b; b++)
		h = (h ^ (unsigned char)*b) * 1099511628211ULL;
	return h | 1;
}

/* Record a behaviour; 1 when it is new. */
static int feature(const char *target, const char *what)
{
	uint64_t h = hash(target, what);
	size_t i = h & ((1 << FEATURE_BITS) - 1);

	while (features[i]) {
		if (features[i] == h)
			return 0;
		i = (i + 1) & ((1 << FEATURE_BITS) - 1);
	}
	if (nr_features + 1 >= (1 << FEATURE_BITS) / 2)
		return 0;	/* full: nothing is new any more */
	features[i] = h;
	nr_features++;
	if (verbose)
		printf("# new behaviour: %s: %s\n", target, what);
	return 1;
}

/* === Corpus === */

struct entry {
	struct target *t;
	size_t len;
	char *d;
};

static struct entry corpus[MAX_CORPUS];
static int nr_corpus, nr_loaded;

/* C escapes, and "\\{N}" for N more of the byte before: long lines stay short. */
static void escape(const char *s, size_t n, FILE *f)
{
	size_t i, run;

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '\\')
			fputs("\\\\", f);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 32 || c > 126)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
		for (run = 1; i + run < n && s[i + run] == s[i]; run++)
			;
		if (run > 8) {
			fprintf(f, "\\{%zu}", run - 1);
			i += run - 1;
		}
	}
}

static size_t unescape(const char *s, char *out, size_t n)
{
	size_t o = 0;

	while (*s && *s != '\n' && o < n) {
		if (*s != '\\' || !s[1]) {
			out[o++] = *s++;
			continue;
		}
		s++;
		if (*s == 'n') {
			out[o++] = '\n';
			s++;
		} else if (*s == 't') {
			out[o++] = '\t';
			s++;
		} else if (*s == 'x') {
			char hex[3] = { s[1], s[1] ? s[2] : 0, 0 };

			out[o++] = (char)strtoul(hex, NULL, 16);
			s += 1 + strlen(hex);
		} else if (*s == '{' && o) {
			char *end;
			unsigned long k = strtoul(s + 1, &end, 10);

			while (k-- && o < n) {
				out[o] = out[o - 1];
				o++;
			}
			s = *end == '}' ? end + 1 : end;
		} else {
			out[o++] = *s++;
		}
	}
	return o;
}

static void corpus_add(struct target *t, const char *d, size_t len)
{
	struct entry *e;

	if (nr_corpus == MAX_CORPUS)
		return;
	e = &corpus[nr_corpus];
	e->d = malloc(len ? len : 1);
	if (!e->d)
		return;
	memcpy(e->d, d, len);
	e->len = len;
	e->t = t;
	nr_corpus++;
}

static int corpus_load(const char *path)
{
	static char line[4 * FUZZ_INPUT_MAX + 64], data[FUZZ_INPUT_MAX];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');
		struct target *t;

		if (line[0] == '#' || !tab)
			continue;
		*tab = '\0';
		t = find_target(line);
		if (!t) {
			printf("# corpus: unknown target '%s', line skipped\n", line);
			continue;
		}
		corpus_add(t, data, unescape(tab + 1, data, sizeof(data)));
		n++;
	}
	fclose(f);
	return n;
}

/* === One operation === */

static unsigned long nr_ops, nr_reports, nr_violations, nr_new, nr_reads;
static unsigned long errs[200];
static char before[READ_MAX], after[READ_MAX];

/* ctl_status's tag rows: everything up to the first empty line. */
static void ctl_rows(char *out)
{
	char path[512], *blank;

	snprintf(path, sizeof(path), "%s/ctl_status", dir);
	if (read_path(path, out, READ_MAX) < 0) {
		out[0] = '\0';
		return;
	}
	blank = strstr(out, "\n\n");
	if (blank)
		blank[1] = '\0';
}

/* A corpus line (whole), or an input in a finding (its first 600 bytes). */
static void show_input(const char *what, const struct target *t,
		       const char *d, size_t len)
{
	size_t max = strcmp(what, "fuzz-corpus") ? 600 : len;

	printf("# %s: %s\t", what, t->name);
	escape(d, len > max ? max : len, stdout);
	if (len > max)
		printf("... (%zu bytes)", len);
	printf("\n");
}

static void snapshot(const struct target *t, char *out)
{
	char path[512];

	if (t->kind == K_CTL) {
		ctl_rows(out);
		return;
	}
	/* probe is write-only: what it would change is the sections. */
	if (t->kind == K_ADDR)
		snprintf(path, sizeof(path), "%s/sections", dir);
	else
		target_path(t, path, sizeof(path));
	if (read_path(path, out, READ_MAX) < 0)
		out[0] = '\0';
}

static void read_some_file(void)
{
	static char buf[READ_MAX];
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, PICK(readables));
	read_path(path, buf, sizeof(buf));
	nr_reads++;
}

static void run_one(struct target *t, char *d, size_t len, int replay)
{
	char path[512], line[1024], norm[1024], what[64];
	int fd, err = 0, is_new = 0, split = 0;
	ssize_t r = -1;
	off_t off = 0;
	size_t i;

	nr_ops++;
	t->ops++;
	defang(d, len);
	if (trace)
		show_input(replay ? "replay" : "op", t, d, len);
	else if (!(nr_ops % 1000))
		printf("# %lu operations\n", nr_ops);
	target_path(t, path, sizeof(path));
	/* ctl frees and allocates on its own; a refused one must not. */
	snapshot(t, before);

	if (!replay && chance(3))
		off = chance(50) ? 1 : rnd(100000);
	if (!replay && len > 1 && chance(3))
		split = 1 + rnd(len - 1);

	fd = open(path, O_WRONLY);
	if (fd < 0) {
		err = errno;
	} else {
		if (off)
			lseek(fd, off, SEEK_SET);
		if (split) {
			r = write(fd, d, split);
			if (r >= 0)
				r = write(fd, d + split, len - split);
		} else {
			r = write(fd, d, len);
		}
		if (r < 0)
			err = errno;
		close(fd);
	}
	if (!err)
		t->ok++;
	errs[err < 200 ? err : 199]++;
	snprintf(what, sizeof(what), "errno %s", err ? strerrorname_np(err) ?: "?" : "OK");
	is_new |= feature(t->name, what);

	while (kmsg_next(line, sizeof(line))) {
		for (i = 0; i < ARRAY_SIZE(report_patterns); i++)
			if (strstr(line, report_patterns[i]))
				break;
		if (i < ARRAY_SIZE(report_patterns)) {
			if (nr_reports++ < 20) {
				printf("# REPORT after op %lu: %s\n", nr_ops, line);
				show_input("REPORT input", t, d, len);
			}
		}
		/* Only altmm's own lines say what altmm did. */
		if (strncmp(line, "altmm", 5))
			continue;
		normalise(line, norm, sizeof(norm));
		is_new |= feature(t->name, norm);
	}

	if (err && !split) {
		snapshot(t, after);
		if (strcmp(before, after)) {
			if (nr_violations++ < 20) {
				printf("# VIOLATION after op %lu: a write refused with %s changed %s\n",
				       nr_ops, strerrorname_np(err) ?: "?",
				       t->kind == K_CTL ? "ctl_status" : t->name);
				show_input("VIOLATION input", t, d, len);
			}
		}
	}

	if (is_new && !replay) {
		nr_new++;
		corpus_add(t, d, len);
		show_input("fuzz-corpus", t, d, len);
	}
	if (chance(6))
		read_some_file();
}

/* === Setup and the end === */

static void save_tunables(void)
{
	char path[512];
	int i;

	for (i = 0; i < NR_TARGETS; i++) {
		struct target *t = &targets[i];
		struct stat st;

		target_path(t, path, sizeof(path));
		t->present = !stat(path, &st);
		if (!t->present) {
			printf("# target %s: %s is missing, not fuzzed\n", t->name, path);
			continue;
		}
		if (t->kind != K_CTL && t->kind != K_ADDR &&
		    read_path(path, t->saved, sizeof(t->saved)) < 0)
			t->saved[0] = '\0';
	}
}

/* Every tunable back to its first value; 0 when each reads so again. */
static int restore_tunables(void)
{
	char path[512], now[256];
	int i, rc = 0;

	for (i = 0; i < NR_TARGETS; i++) {
		struct target *t = &targets[i];
		int fd;

		if (!t->present || t->kind == K_CTL || t->kind == K_ADDR)
			continue;
		target_path(t, path, sizeof(path));
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, t->saved, strlen(t->saved)) < 0) {
			printf("# restore %s: %s\n", t->name, strerror(errno));
			rc = 1;
		}
		if (fd >= 0)
			close(fd);
		if (read_path(path, now, sizeof(now)) < 0 || strcmp(now, t->saved)) {
			printf("# restore %s: reads '%s', was '%s'\n", t->name, now, t->saved);
			rc = 1;
		}
	}
	return rc;
}

static struct target *pick_target(void)
{
	struct target *t;

	/* ctl has the most to get wrong: half of all writes. */
	do {
		t = chance(50) ? &targets[0] : &targets[rnd(NR_TARGETS)];
	} while (!t->present);
	return t;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: fuzz_debugfs [-s SEED] [-n OPS] [-c CORPUS] [-d DIR] [-v] [-x]\n"
		"Fuzz altmm's writable files (ctl, vm/*, init_on_alloc, init_on_free).\n"
		"  -s SEED    random seed (default: from the clock; always printed)\n"
		"  -n OPS     random operations after the corpus replay (default 2000)\n"
		"  -c CORPUS  corpus file to replay first (TARGET<TAB>escaped input)\n"
		"  -d DIR     altmm's debugfs directory (default %s)\n"
		"  -v         print each new behaviour\n"
		"  -x         print each input before it is written (to find the one\n"
		"             a kernel crash followed)\n"
		"Exit 0 when no kernel report and no check failed, 1 otherwise, 2 on bad usage.\n",
		dir);
}

static void gen_input(struct buf *b, struct target **tp)
{
	struct target *t;
	int m;

	b->len = 0;
	if (nr_corpus && chance(35)) {
		struct entry *e = &corpus[rnd(nr_corpus)];

		t = e->t;
		buf_add(b, e->d, e->len);
		for (m = 1 + rnd(3); m; m--)
			mutate(b);
	} else {
		t = pick_target();
		if (chance(8)) {
			gen_junk(b);
		} else {
			if (t->kind == K_CTL)
				gen_ctl(b);
			else
				gen_tunable(b, t);
			if (chance(30))
				for (m = 1 + rnd(3); m; m--)
					mutate(b);
		}
	}
	*tp = t;
}

int main(int argc, char **argv)
{
	static struct buf b;
	unsigned long long seed = 0;
	unsigned long ops = 2000, i;
	const char *corpus_path = NULL;
	struct target *t;
	int opt, e, have_seed = 0, rc = 0;
	struct timespec ts;
	time_t start;

	while ((opt = getopt(argc, argv, "s:n:c:d:vxh")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			have_seed = 1;
			break;
		case 'n':
			ops = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			corpus_path = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'x':
			trace = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!have_seed) {
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (unsigned long long)ts.tv_sec * 1000003ULL ^ ts.tv_nsec;
	}
	rng_state = seed;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# fuzz_debugfs: seed %llu, %lu operations, corpus %s\n", seed, ops,
	       corpus_path ?: "(none)");

	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd < 0) {
		perror("fuzz_debugfs: /dev/kmsg");
		return 2;
	}
	lseek(kmsg_fd, 0, SEEK_END);
	save_tunables();
	if (!targets[0].present) {
		printf("# fuzz_debugfs: no %s/ctl: is altmm loaded?\n", dir);
		return 2;
	}
	start = time(NULL);

	if (corpus_path) {
		nr_loaded = corpus_load(corpus_path);
		if (nr_loaded < 0) {
			printf("# corpus %s: %s\n", corpus_path, strerror(errno));
			nr_loaded = 0;
		}
		for (e = 0; e < nr_loaded; e++)
			if (corpus[e].t->present)
				run_one(corpus[e].t, corpus[e].d, corpus[e].len, 1);
		printf("# replayed %d corpus inputs: %lu behaviours\n", nr_loaded,
		       nr_features);
	}

	for (i = 0; i < ops; i++) {
		gen_input(&b, &t);
		run_one(t, b.d, b.len, 0);
	}

	if (restore_tunables()) {
		printf("# VIOLATION: the tunables did not go back to their first values\n");
		nr_violations++;
	}
	/* The log of the last writes and of the restore. */
	{
		char line[1024];

		while (kmsg_next(line, sizeof(line)))
			for (e = 0; e < (int)(ARRAY_SIZE(report_patterns)); e++)
				if (strstr(line, report_patterns[e])) {
					printf("# REPORT at the end: %s\n", line);
					nr_reports++;
					break;
				}
	}

	printf("# fuzz_debugfs: seed %llu: %lu operations (%d replayed) in %lds, %lu file reads\n",
	       seed, nr_ops, nr_loaded, (long)(time(NULL) - start), nr_reads);
	for (e = 0; e < NR_TARGETS; e++)
		if (targets[e].present)
			printf("#   %-36s %7lu writes, %7lu accepted\n", targets[e].name,
			       targets[e].ops, targets[e].ok);
	printf("#   results:");
	for (e = 0; e < 200; e++)
		if (errs[e])
			printf(" %s=%lu", e ? strerrorname_np(e) ?: "?" : "OK", errs[e]);
	printf("\n# behaviours %lu, new corpus inputs %lu, kernel reports %lu, check failures %lu\n",
	       nr_features, nr_new, nr_reports, nr_violations);
	if (nr_reports || nr_violations)
		rc = 1;
	return rc;
}
