/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arithmetic of altmm_bench.ko, kept apart from the timing so that
 * kunit/altmm_bench_test.c checks it on hand-made numbers: per-operation
 * figures, min/median/max over rounds, the altmm/host ratio of each round
 * and its median, and the CSV rows.
 *
 * Figures are fixed point in thousandths ("milli"): ns/op is kept in
 * picoseconds, cycles/op in thousandths of a cycle, a ratio in
 * thousandths, so the kernel needs no floating point and every figure
 * prints as "%llu.%03llu".
 *
 * A series is one case at one CPU count: for each side (host, altmm) one
 * sample per kept round, in the order the rounds ran.  A sample that was
 * never written stays BENCH_EMPTY; the CSV prints it as "missing", so a
 * hole in the results shows instead of silently shortening them.
 *
 * Everything here is static inline: the bench module and its KUnit suite
 * each compile their own copy, and neither depends on the other.
 */
#ifndef _ALTMM_BENCH_STATS_H
#define _ALTMM_BENCH_STATS_H

#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/sort.h>
#include <linux/types.h>

/* === Samples and series === */

enum bench_side {
	BENCH_HOST,
	BENCH_ALTMM,
	BENCH_NR_SIDES
};

static const char * const bench_side_names[BENCH_NR_SIDES] = {
	[BENCH_HOST]	= "host",
	[BENCH_ALTMM]	= "altmm",
};

enum bench_status {
	BENCH_EMPTY,		/* never written: a hole in the results */
	BENCH_OK,
	BENCH_SKIPPED,		/* the case cannot run on this side */
	BENCH_FAILED,		/* an allocation failed during the round */
};

/**
 * struct bench_sample - one side's result of one kept round
 * @status: &enum bench_status; the figures mean something only for BENCH_OK
 * @ps_per_op: picoseconds per operation
 * @mcyc_per_op: thousandths of a cycle per operation; 0 without a cycle
 *	counter
 */
struct bench_sample {
	u8 status;
	u64 ps_per_op;
	u64 mcyc_per_op;
};

/**
 * struct bench_series - one case at one CPU count, every kept round
 * @name: the case
 * @cpus: CPUs that ran it at once
 * @rounds: kept rounds (the warm-up round is not stored)
 * @s: per side, @rounds samples
 */
struct bench_series {
	const char *name;
	unsigned int cpus;
	unsigned int rounds;
	struct bench_sample *s[BENCH_NR_SIDES];
};

/**
 * struct bench_summary - min, median and max of a set of figures
 * @n: how many there were; the rest is 0 when none
 * @min: smallest
 * @median: middle one; for an even count, the mean of the two middle
 *	ones, rounded half up
 * @max: largest
 */
struct bench_summary {
	unsigned int n;
	u64 min;
	u64 median;
	u64 max;
};

/* === Arithmetic === */

/* @total / @ops in thousandths, rounded to nearest; 0 for no operations. */
static inline u64 bench_per_op(u64 total, u64 ops)
{
	if (!ops)
		return 0;
	return div64_u64(total * 1000 + ops / 2, ops);
}

/* @num / @den in thousandths, rounded to nearest; 0 when @den is 0. */
static inline u64 bench_ratio(u64 num, u64 den)
{
	if (!den)
		return 0;
	return div64_u64(num * 1000 + den / 2, den);
}

static inline int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @v (@n entries) in place and summarises it. */
static inline void bench_summarise(u64 *v, unsigned int n,
				   struct bench_summary *out)
{
	*out = (struct bench_summary){ .n = n };
	if (!n)
		return;
	sort(v, n, sizeof(*v), bench_cmp_u64, NULL);
	out->min = v[0];
	out->max = v[n - 1];
	if (n & 1)
		out->median = v[n / 2];
	else
		out->median = v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1] + 1) / 2;
}

/*
 * Summarise one side of a series: ns/op (@ns) and cycles/op (@cyc) over
 * its BENCH_OK rounds, with @scratch (@sr->rounds entries) as room.  A
 * side without a cycle counter gets a cycles summary with n = 0.
 */
static inline void bench_series_side(const struct bench_series *sr,
				     enum bench_side side, u64 *scratch,
				     struct bench_summary *ns,
				     struct bench_summary *cyc)
{
	const struct bench_sample *s = sr->s[side];
	unsigned int r, n = 0;

	for (r = 0; r < sr->rounds; r++)
		if (s[r].status == BENCH_OK)
			scratch[n++] = s[r].ps_per_op;
	bench_summarise(scratch, n, ns);
	n = 0;
	for (r = 0; r < sr->rounds; r++)
		if (s[r].status == BENCH_OK && s[r].mcyc_per_op)
			scratch[n++] = s[r].mcyc_per_op;
	bench_summarise(scratch, n, cyc);
}

/*
 * The ratio altmm/host of each round in which both sides ran, paired by
 * round: the two ran back to back, so a slow moment of the machine hits
 * both.  Summarised into @out, with @scratch (@sr->rounds entries).
 */
static inline void bench_series_ratio(const struct bench_series *sr,
				      u64 *scratch, struct bench_summary *out)
{
	const struct bench_sample *h = sr->s[BENCH_HOST], *a = sr->s[BENCH_ALTMM];
	unsigned int r, n = 0;

	for (r = 0; r < sr->rounds; r++)
		if (h[r].status == BENCH_OK && a[r].status == BENCH_OK &&
		    h[r].ps_per_op)
			scratch[n++] = bench_ratio(a[r].ps_per_op, h[r].ps_per_op);
	bench_summarise(scratch, n, out);
}

/* Samples of a series never written, over both sides. */
static inline unsigned int bench_series_missing(const struct bench_series *sr)
{
	unsigned int side, r, n = 0;

	for (side = 0; side < BENCH_NR_SIDES; side++)
		for (r = 0; r < sr->rounds; r++)
			n += sr->s[side][r].status == BENCH_EMPTY;
	return n;
}

/* === Text === */

#define BENCH_CSV_HEADER "case,cpus,side,round,ns_per_op,cycles_per_op\n"

/* A thousandths figure as "12.345". */
static inline int bench_fmt_milli(char *buf, size_t len, u64 v)
{
	u32 rem;
	u64 q = div_u64_rem(v, 1000, &rem);

	return scnprintf(buf, len, "%llu.%03u", q, rem);
}

/*
 * One CSV row: case,cpus,side,round,ns_per_op,cycles_per_op.  Rounds are
 * numbered from 1 (round 0 was the warm-up).  A round that did not run
 * reads "skipped", "failed" or "missing" in both figures; cycles read "NA"
 * without a cycle counter.
 */
static inline int bench_csv_row(char *buf, size_t len,
				const struct bench_series *sr,
				enum bench_side side, unsigned int round)
{
	static const char * const what[] = {
		[BENCH_EMPTY] = "missing", [BENCH_SKIPPED] = "skipped",
		[BENCH_FAILED] = "failed",
	};
	const struct bench_sample *s = &sr->s[side][round];
	char ns[24], cyc[24];
	int n;

	n = scnprintf(buf, len, "%s,%u,%s,%u,", sr->name, sr->cpus,
		      bench_side_names[side], round + 1);
	if (s->status != BENCH_OK)
		return n + scnprintf(buf + n, len - n, "%s,%s\n",
				     what[s->status], what[s->status]);
	bench_fmt_milli(ns, sizeof(ns), s->ps_per_op);
	if (s->mcyc_per_op)
		bench_fmt_milli(cyc, sizeof(cyc), s->mcyc_per_op);
	else
		strscpy(cyc, "NA", sizeof(cyc));
	return n + scnprintf(buf + n, len - n, "%s,%s\n", ns, cyc);
}

#endif /* _ALTMM_BENCH_STATS_H */
