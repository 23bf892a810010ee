// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the arithmetic of altmm_bench.ko (bench/bench_stats.h) on
 * hand-made numbers - per-operation figures, min/median/max of odd and
 * even counts, the per-round ratio and its median, skipped and failed
 * rounds, and the CSV rows, one per case x side x kept round with holes
 * shown as "missing".  No timing is measured or asserted here.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "bench_stats.h"

/* === Per-operation figures and ratios === */

/*
 * A zero the compiler and sparse cannot see through: a constant 0 reaching
 * the (guarded) division of an inlined helper makes sparse warn.
 */
static u64 opaque_zero(void)
{
	u64 zero = 0;

	OPTIMIZER_HIDE_VAR(zero);
	return zero;
}

static void bench_test_per_op(struct kunit *test)
{
	/* 2,000,000 ns over 100,000 pairs: 20 ns, kept as 20000 ps. */
	KUNIT_EXPECT_EQ(test, bench_per_op(2000000, 100000), 20000ULL);
	/* 1 ns over 3 ops: 333.33 ps rounds to 333; 2 ns: 666.67 to 667. */
	KUNIT_EXPECT_EQ(test, bench_per_op(1, 3), 333ULL);
	KUNIT_EXPECT_EQ(test, bench_per_op(2, 3), 667ULL);
	/* A half rounds up. */
	KUNIT_EXPECT_EQ(test, bench_per_op(1, 2000), 1ULL);
	KUNIT_EXPECT_EQ(test, bench_per_op(5, opaque_zero()), 0ULL);
	/* A long round does not overflow: 1000 s over 10^9 ops is 1 us. */
	KUNIT_EXPECT_EQ(test, bench_per_op(1000000000000ULL, 1000000000ULL),
			1000000ULL);
}

static void bench_test_ratio(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, bench_ratio(20000, 20000), 1000ULL);
	KUNIT_EXPECT_EQ(test, bench_ratio(15000, 20000), 750ULL);
	KUNIT_EXPECT_EQ(test, bench_ratio(30000, 20000), 1500ULL);
	/* 1/3 = 0.333, 2/3 = 0.667 (rounded to nearest). */
	KUNIT_EXPECT_EQ(test, bench_ratio(1, 3), 333ULL);
	KUNIT_EXPECT_EQ(test, bench_ratio(2, 3), 667ULL);
	/* No host figure: no ratio. */
	KUNIT_EXPECT_EQ(test, bench_ratio(20000, opaque_zero()), 0ULL);
}

/* === min / median / max === */

struct median_case {
	const char *name;
	u64 v[8];
	unsigned int n;
	u64 min, median, max;
};

static const struct median_case median_cases[] = {
	{ "one", { 7 }, 1, 7, 7, 7 },
	{ "odd_sorted", { 1, 2, 3, 4, 5 }, 5, 1, 3, 5 },
	{ "odd_shuffled", { 50, 10, 40, 30, 20 }, 5, 10, 30, 50 },
	{ "odd_repeats", { 9, 9, 1, 9, 1 }, 5, 1, 9, 9 },
	{ "two", { 10, 20 }, 2, 10, 15, 20 },
	{ "even_shuffled", { 40, 10, 30, 20 }, 4, 10, 25, 40 },
	/* Mean of 2 and 3 is 2.5: rounded half up to 3. */
	{ "even_half_up", { 3, 1, 2, 4 }, 4, 1, 3, 4 },
	{ "even_equal_middle", { 5, 1, 5, 9 }, 4, 1, 5, 9 },
	{ "even_large", { 20000, 21000, 19000, 40000, 20500, 19500 }, 6,
	  19000, 20250, 40000 },
};

static void median_case_desc(const struct median_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(median, median_cases, median_case_desc);

static void bench_test_summarise(struct kunit *test)
{
	const struct median_case *c = test->param_value;
	struct bench_summary s;
	u64 v[8];

	memcpy(v, c->v, sizeof(v));
	bench_summarise(v, c->n, &s);
	KUNIT_EXPECT_EQ(test, s.n, c->n);
	KUNIT_EXPECT_EQ(test, s.min, c->min);
	KUNIT_EXPECT_EQ(test, s.median, c->median);
	KUNIT_EXPECT_EQ(test, s.max, c->max);
}

static void bench_test_summarise_empty(struct kunit *test)
{
	struct bench_summary s = { .n = 99, .min = 1, .median = 2, .max = 3 };
	u64 v[1] = { 42 };

	bench_summarise(v, 0, &s);
	KUNIT_EXPECT_EQ(test, s.n, 0U);
	KUNIT_EXPECT_EQ(test, s.min, 0ULL);
	KUNIT_EXPECT_EQ(test, s.median, 0ULL);
	KUNIT_EXPECT_EQ(test, s.max, 0ULL);
}

/* === Series === */

#define ROUNDS	5

struct test_series {
	struct bench_sample host[ROUNDS], altmm[ROUNDS];
	struct bench_series sr;
};

static void series_init(struct test_series *t, const u64 *host_ps,
			const u64 *altmm_ps)
{
	unsigned int r;

	memset(t, 0, sizeof(*t));
	t->sr = (struct bench_series){ .name = "order0_pair", .cpus = 1,
				       .rounds = ROUNDS };
	t->sr.s[BENCH_HOST] = t->host;
	t->sr.s[BENCH_ALTMM] = t->altmm;
	for (r = 0; r < ROUNDS; r++) {
		t->host[r] = (struct bench_sample){ BENCH_OK, host_ps[r], 0 };
		t->altmm[r] = (struct bench_sample){ BENCH_OK, altmm_ps[r], 0 };
	}
}

/*
 * The ratio is taken per round, then its median: not the ratio of the
 * medians.  Here they differ: both medians are 20 ns (1.000), while the
 * per-round ratios 0.500 0.900 2.000 1.250 1.100 have median 1.100.
 */
static void bench_test_series_ratio(struct kunit *test)
{
	static const u64 host[ROUNDS] = { 40000, 20000, 10000, 20000, 16000 };
	static const u64 altmm[ROUNDS] = { 20000, 18000, 20000, 25000, 17600 };
	struct bench_summary ns, cyc, ratio;
	struct test_series t;
	u64 scratch[ROUNDS];

	series_init(&t, host, altmm);
	bench_series_side(&t.sr, BENCH_HOST, scratch, &ns, &cyc);
	KUNIT_EXPECT_EQ(test, ns.n, ROUNDS);
	KUNIT_EXPECT_EQ(test, ns.min, 10000ULL);
	KUNIT_EXPECT_EQ(test, ns.median, 20000ULL);
	KUNIT_EXPECT_EQ(test, ns.max, 40000ULL);
	/* No cycle counter: no cycles summary. */
	KUNIT_EXPECT_EQ(test, cyc.n, 0U);

	bench_series_side(&t.sr, BENCH_ALTMM, scratch, &ns, &cyc);
	KUNIT_EXPECT_EQ(test, ns.median, 20000ULL);

	bench_series_ratio(&t.sr, scratch, &ratio);
	KUNIT_EXPECT_EQ(test, ratio.n, ROUNDS);
	KUNIT_EXPECT_EQ(test, ratio.min, 500ULL);
	KUNIT_EXPECT_EQ(test, ratio.median, 1100ULL);
	KUNIT_EXPECT_EQ(test, ratio.max, 2000ULL);
	/* The samples themselves are left in round order. */
	KUNIT_EXPECT_EQ(test, t.host[0].ps_per_op, 40000ULL);
}

/* Rounds that did not run on one side have no ratio; an even count remains. */
static void bench_test_series_partial(struct kunit *test)
{
	static const u64 host[ROUNDS] = { 10000, 20000, 30000, 40000, 50000 };
	static const u64 altmm[ROUNDS] = { 10000, 10000, 15000, 60000, 50000 };
	struct bench_summary ns, cyc, ratio;
	struct test_series t;
	u64 scratch[ROUNDS];
	unsigned int r;

	series_init(&t, host, altmm);
	t.altmm[3].status = BENCH_FAILED;
	t.host[2].mcyc_per_op = 7000;
	t.host[4].mcyc_per_op = 9000;

	bench_series_side(&t.sr, BENCH_ALTMM, scratch, &ns, &cyc);
	KUNIT_EXPECT_EQ(test, ns.n, 4U);
	/* 10000 10000 15000 50000: mean of the middle two, 12500. */
	KUNIT_EXPECT_EQ(test, ns.median, 12500ULL);
	KUNIT_EXPECT_EQ(test, ns.max, 50000ULL);

	bench_series_side(&t.sr, BENCH_HOST, scratch, &ns, &cyc);
	KUNIT_EXPECT_EQ(test, cyc.n, 2U);
	KUNIT_EXPECT_EQ(test, cyc.median, 8000ULL);

	/* Ratios of rounds 1, 2, 3, 5: 1.000 0.500 0.500 1.000. */
	bench_series_ratio(&t.sr, scratch, &ratio);
	KUNIT_EXPECT_EQ(test, ratio.n, 4U);
	KUNIT_EXPECT_EQ(test, ratio.median, 750ULL);

	/* Nothing on one side: no ratio at all. */
	for (r = 0; r < ROUNDS; r++)
		t.altmm[r].status = BENCH_SKIPPED;
	bench_series_ratio(&t.sr, scratch, &ratio);
	KUNIT_EXPECT_EQ(test, ratio.n, 0U);
	KUNIT_EXPECT_EQ(test, bench_series_missing(&t.sr), 0U);
}

/* === CSV === */

static void bench_test_fmt_milli(struct kunit *test)
{
	char buf[24];

	bench_fmt_milli(buf, sizeof(buf), 20500);
	KUNIT_EXPECT_STREQ(test, buf, "20.500");
	bench_fmt_milli(buf, sizeof(buf), 7);
	KUNIT_EXPECT_STREQ(test, buf, "0.007");
	bench_fmt_milli(buf, sizeof(buf), 1000000);
	KUNIT_EXPECT_STREQ(test, buf, "1000.000");
	bench_fmt_milli(buf, sizeof(buf), 0);
	KUNIT_EXPECT_STREQ(test, buf, "0.000");
}

static void bench_test_csv_row(struct kunit *test)
{
	static const u64 ps[ROUNDS] = { 20500, 1, 2, 3, 4 };
	struct test_series t;
	char line[160];

	series_init(&t, ps, ps);
	t.host[0].mcyc_per_op = 41250;
	bench_csv_row(line, sizeof(line), &t.sr, BENCH_HOST, 0);
	KUNIT_EXPECT_STREQ(test, line, "order0_pair,1,host,1,20.500,41.250\n");
	bench_csv_row(line, sizeof(line), &t.sr, BENCH_ALTMM, 0);
	KUNIT_EXPECT_STREQ(test, line, "order0_pair,1,altmm,1,20.500,NA\n");

	t.sr.name = "scale_slab64_pair";
	t.sr.cpus = 2;
	t.altmm[4].status = BENCH_SKIPPED;
	bench_csv_row(line, sizeof(line), &t.sr, BENCH_ALTMM, 4);
	KUNIT_EXPECT_STREQ(test, line, "scale_slab64_pair,2,altmm,5,skipped,skipped\n");
	t.host[2].status = BENCH_FAILED;
	bench_csv_row(line, sizeof(line), &t.sr, BENCH_HOST, 2);
	KUNIT_EXPECT_STREQ(test, line, "scale_slab64_pair,2,host,3,failed,failed\n");
	t.host[3].status = BENCH_EMPTY;
	bench_csv_row(line, sizeof(line), &t.sr, BENCH_HOST, 3);
	KUNIT_EXPECT_STREQ(test, line, "scale_slab64_pair,2,host,4,missing,missing\n");
}

/* case,cpus,side,round,ns_per_op,cycles_per_op */
#define ROW_FORMAT	"%31[^,],%u,%7[^,],%u,%15[^,],%15s"

/*
 * Every case x side x kept round gets exactly one row, holes included,
 * and bench_series_missing() counts the holes that would read "missing".
 */
static void bench_test_csv_complete(struct kunit *test)
{
	static const u64 ps[ROUNDS] = { 1000, 2000, 3000, 4000, 5000 };
	static const char * const names[] = { "order0_pair", "slab64_pair",
					      "vmalloc64k_pair" };
	unsigned int i, r, side, rows = 0, seen[ARRAY_SIZE(names)][2][ROUNDS];
	struct test_series *t;
	unsigned int missing = 0, n_missing = 0;
	char line[160], name[32], sidename[8], a[16], b[16];
	unsigned int cpus, round;
	int fields;

	/* Off the stack: UML kernels warn above 1 KiB frames. */
	t = kunit_kcalloc(test, ARRAY_SIZE(names), sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		series_init(&t[i], ps, ps);
		t[i].sr.name = names[i];
	}
	/* A skipped side is complete; a hole is not. */
	for (r = 0; r < ROUNDS; r++)
		t[2].altmm[r].status = BENCH_SKIPPED;
	t[1].host[2].status = BENCH_EMPTY;
	t[1].altmm[4].status = BENCH_EMPTY;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		missing += bench_series_missing(&t[i].sr);
		for (r = 0; r < ROUNDS; r++) {
			for (side = 0; side < BENCH_NR_SIDES; side++) {
				bench_csv_row(line, sizeof(line), &t[i].sr, side, r);
				rows++;
				fields = sscanf(line, ROW_FORMAT, name, &cpus,
						sidename, &round, a, b);
				KUNIT_ASSERT_EQ_MSG(test, fields, 6, "row '%s'", line);
				KUNIT_EXPECT_STREQ(test, name, names[i]);
				KUNIT_EXPECT_STREQ(test, sidename, bench_side_names[side]);
				KUNIT_ASSERT_GE(test, round, 1U);
				KUNIT_ASSERT_LE(test, round, ROUNDS);
				seen[i][side][round - 1]++;
				n_missing += !strcmp(a, "missing");
			}
		}
	}
	KUNIT_EXPECT_EQ(test, rows, ARRAY_SIZE(names) * 2 * ROUNDS);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		for (side = 0; side < BENCH_NR_SIDES; side++)
			for (r = 0; r < ROUNDS; r++)
				KUNIT_EXPECT_EQ_MSG(test, seen[i][side][r], 1U,
						    "%s %s round %u", names[i],
						    bench_side_names[side], r + 1);
	KUNIT_EXPECT_EQ(test, missing, 2U);
	KUNIT_EXPECT_EQ(test, n_missing, 2U);
}

static struct kunit_case altmm_bench_test_cases[] = {
	KUNIT_CASE(bench_test_per_op),
	KUNIT_CASE(bench_test_ratio),
	KUNIT_CASE_PARAM(bench_test_summarise, median_gen_params),
	KUNIT_CASE(bench_test_summarise_empty),
	KUNIT_CASE(bench_test_series_ratio),
	KUNIT_CASE(bench_test_series_partial),
	KUNIT_CASE(bench_test_fmt_milli),
	KUNIT_CASE(bench_test_csv_row),
	KUNIT_CASE(bench_test_csv_complete),
	{}
};

static struct kunit_suite altmm_bench_test_suite = {
	.name = "altmm_bench",
	.test_cases = altmm_bench_test_cases,
};

kunit_test_suite(altmm_bench_test_suite);

MODULE_DESCRIPTION("KUnit: altmm_bench's arithmetic");
MODULE_LICENSE("GPL");
