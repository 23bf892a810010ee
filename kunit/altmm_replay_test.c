// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the trace replayer (replay/): its line parser, its
 * compiler (chunks to lines, frees paired to allocations) and its engine
 * on a private altmm instance.
 *
 * The replayer's sources are compiled into this module, so it needs no
 * altmm_replay.ko: only altmm.ko, which the runner loads first.
 *
 * The lines are the 6.1 kmem events as `cat /sys/kernel/tracing/trace`
 * and `trace-cmd report` print them; every gfp_flags spelling of
 * selftests/traces/vm-smallfiles-pipes.trace.gz is checked (listed by
 *   zcat ... | grep -o 'gfp_flags=[^ ]*' | sort -u
 * ), each against the mask its names stand for and printed back by a copy
 * of show_gfp_flags()'s loop.  Every compiled trace is checked by
 * check_trace(): each line in exactly one count, and the ops a consistent
 * sequence of allocations and frees of slots.  The random tests print
 * their seed; the module parameter seed= repeats a run.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/random.h>

#include "../replay/parse.c"
#include "../replay/compile.c"
#include "../replay/engine.c"

#include "altmm_test.h"

static unsigned int seed;
module_param(seed, uint, 0444);
MODULE_PARM_DESC(seed, "seed of the random tests (0: a new one each run)");

static u32 test_seed(struct kunit *test)
{
	u32 s = seed ?: get_random_u32();

	kunit_info(test, "seed %u (repeat with seed=%u)\n", s, s);
	return s;
}

/* gfp_t is a sparse-restricted type: compare the bits. */
#define EXPECT_GFP_EQ(test, a, b) \
	KUNIT_EXPECT_EQ(test, (__force u32)(a), (__force u32)(b))
#define EXPECT_GFP_EQ_MSG(test, a, b, fmt, ...) \
	KUNIT_EXPECT_EQ_MSG(test, (__force u32)(a), (__force u32)(b), fmt, ##__VA_ARGS__)
#define ASSERT_GFP_EQ_MSG(test, a, b, fmt, ...) \
	KUNIT_ASSERT_EQ_MSG(test, (__force u32)(a), (__force u32)(b), fmt, ##__VA_ARGS__)

/* An ftrace 6.1 context, as `cat trace` prints it. */
#define CTX	"            init-1       [001] .....     2.002654: "

static enum altmm_replay_line_kind parse(const char *line,
					 struct altmm_replay_event *ev,
					 struct altmm_replay_parse_result *res)
{
	return altmm_replay_parse_line(line, strlen(line), ev, res);
}

/* === Parser: every event, both printers === */

/**
 * struct event_case - a well-formed line and what it says
 * @line: the line
 * @type: its event
 * @key: pfn or pointer
 * @null: page or pointer NULL
 * @order: page events
 * @bytes: bytes_alloc
 * @gfp: the mask
 */
struct event_case {
	const char *line;
	enum altmm_replay_event_type type;
	u64 key;
	bool null;
	unsigned int order;
	u64 bytes;
	gfp_t gfp;
};

static const struct event_case event_cases[] = {
	/* cat /sys/kernel/tracing/trace, 6.1, from the sample trace */
	{ CTX
	  "mm_page_alloc: page=000000004d4f2e48 pfn=0x1ff50 order=1 migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO",
	  ALTMM_REPLAY_MM_PAGE_ALLOC, 0x1ff50, false, 1, 0,
	  GFP_KERNEL_ACCOUNT | __GFP_ZERO },
	{ CTX "mm_page_free: page=000000002c019956 pfn=0x185a order=1",
	  ALTMM_REPLAY_MM_PAGE_FREE, 0x185a, false, 1 },
	{
	  "           mkdir-90      [000] ...2.     2.011736: mm_page_free_batched: page=000000001b6bf347 pfn=0x2ee4 order=0",
	  ALTMM_REPLAY_MM_PAGE_FREE_BATCHED, 0x2ee4 },
	{ CTX
	  "kmalloc: call_site=tracepoint_add_func+0xf7/0x3f0 ptr=000000005a3bab10 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false",
	  ALTMM_REPLAY_KMALLOC, 0x5a3bab10, false, 0, 64, GFP_KERNEL },
	{ CTX
	  "kmem_cache_alloc: call_site=copy_process+0x20e/0x1ae0 ptr=0000000008b64b46 bytes_req=8392 bytes_alloc=8448 gfp_flags=GFP_KERNEL node=-1 accounted=true",
	  ALTMM_REPLAY_KMEM_CACHE_ALLOC, 0x8b64b46, false, 0, 8448, GFP_KERNEL },
	{ CTX "kfree: call_site=tomoyo_check_open_permission+0x107/0x190 ptr=0000000000000000",
	  ALTMM_REPLAY_KFREE, 0, true },
	{ CTX
	  "kmem_cache_free: call_site=__fput+0x100/0x250 ptr=0000000073ffb583 name=lsm_file_cache",
	  ALTMM_REPLAY_KMEM_CACHE_FREE, 0x73ffb583 },
	/* a failed allocation, as 6.1 prints it */
	{ CTX
	  "mm_page_alloc: page=0000000000000000 pfn=0x0 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE",
	  ALTMM_REPLAY_MM_PAGE_ALLOC, 0, true, 9, 0, GFP_TRANSHUGE },
	/* no_hash_pointers: raw addresses */
	{ CTX "kfree: call_site=kfree_skb_reason+0x4b/0x110 ptr=ffff888100a2b400",
	  ALTMM_REPLAY_KFREE, 0xffff888100a2b400ULL },
	/* a module's call site */
	{ CTX
	  "kmalloc: call_site=ext4_fill_super+0x1f/0x2a30 [ext4] ptr=00000000c0ffee00 bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL|__GFP_ZERO node=0 accounted=false",
	  ALTMM_REPLAY_KMALLOC, 0xc0ffee00, false, 0, 128, GFP_KERNEL | __GFP_ZERO },
	/* a cache name with a space, which name= takes to the end */
	{ CTX "kmem_cache_free: call_site=f+0x1/0x2 ptr=0000000000000010 name=odd cache",
	  ALTMM_REPLAY_KMEM_CACHE_FREE, 0x10 },
	/* trace-cmd report: padded names, libtraceevent's %p */
	{
	  "       trace-cmd-8617  [000] 93716.394397: kmalloc:              call_site=__kmalloc+0x1b ptr=0xffff888100a2b400 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false",
	  ALTMM_REPLAY_KMALLOC, 0xffff888100a2b400ULL, false, 0, 64, GFP_KERNEL },
	{
	  "            bash-1977  [001] 17284.993652: kfree:                call_site=kfree_skb+0x10 ptr=(nil)",
	  ALTMM_REPLAY_KFREE, 0, true },
	{
	  "            bash-1977  [001] 17284.993652: mm_page_alloc:        page=0x1ff50 pfn=0x1ff50 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP",
	  ALTMM_REPLAY_MM_PAGE_ALLOC, 0x1ff50, false, 0, 0,
	  GFP_HIGHUSER_MOVABLE | __GFP_COMP },
	{
	  "            bash-1977  [001] 17284.993652: mm_page_alloc:        page=(nil) pfn=0x0 order=0 migratetype=0 gfp_flags=GFP_ATOMIC",
	  ALTMM_REPLAY_MM_PAGE_ALLOC, 0, true, 0, 0, GFP_ATOMIC },
	/* decimal pfn, as kernels before 4.x printed it */
	{ CTX "mm_page_free: page=000000002c019956 pfn=4660 order=0",
	  ALTMM_REPLAY_MM_PAGE_FREE, 4660 },
	/* the names before 6.0 */
	{ CTX
	  "kmalloc_node: call_site=f+0x1/0x2 ptr=00000000000000ab bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL node=1",
	  ALTMM_REPLAY_KMALLOC, 0xab, false, 0, 8, GFP_KERNEL },
	{ CTX
	  "kmem_cache_alloc_node: call_site=f+0x1/0x2 ptr=00000000000000ac bytes_req=24 bytes_alloc=32 gfp_flags=GFP_ATOMIC node=0",
	  ALTMM_REPLAY_KMEM_CACHE_ALLOC, 0xac, false, 0, 32, GFP_ATOMIC },
	/* fields in another order, CRLF */
	{ CTX
	  "mm_page_alloc: gfp_flags=none order=10 pfn=0xffff migratetype=2 page=0000000012345678\r",
	  ALTMM_REPLAY_MM_PAGE_ALLOC, 0xffff, false, 10, 0, 0 },
};

static void event_case_desc(const struct event_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s_%zu",
		 altmm_replay_event_names[c->type], (size_t)(c - event_cases));
}

KUNIT_ARRAY_PARAM(event_case, event_cases, event_case_desc);

static void parse_event_test(struct kunit *test)
{
	const struct event_case *c = test->param_value;
	struct altmm_replay_parse_result res;
	struct altmm_replay_event ev;

	KUNIT_ASSERT_EQ_MSG(test, parse(c->line, &ev, &res), ALTMM_REPLAY_LINE_EVENT,
			    "%s: %s", altmm_replay_reason_names[res.reason], res.detail);
	KUNIT_EXPECT_EQ(test, ev.type, c->type);
	KUNIT_EXPECT_EQ(test, ev.key, c->key);
	KUNIT_EXPECT_EQ(test, ev.null, c->null);
	KUNIT_EXPECT_EQ(test, ev.order, c->order);
	KUNIT_EXPECT_EQ(test, ev.bytes_alloc, c->bytes);
	EXPECT_GFP_EQ(test, ev.gfp, c->gfp);
}

/* === Parser: gfp_flags === */

/* show_gfp_flags(): 6.1's __print_flags() loop over gfp_names[]. */
static void print_gfp(gfp_t gfp, char *buf, size_t size)
{
	unsigned long flags = (__force unsigned long)gfp;
	size_t len = 0;
	int i;

	buf[0] = '\0';
	if (!flags) {
		strscpy(buf, "none", size);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(gfp_names) && flags; i++) {
		unsigned long mask = (__force unsigned long)gfp_names[i].gfp;

		if (!mask || (flags & mask) != mask)
			continue;
		flags &= ~mask;
		len += scnprintf(buf + len, size - len, "%s%s", len ? "|" : "",
				 gfp_names[i].name);
	}
	if (flags)
		scnprintf(buf + len, size - len, "%s0x%lx", len ? "|" : "", flags);
}

/**
 * struct gfp_case - a gfp_flags spelling and its mask
 * @text: as printed
 * @gfp: the mask
 * @printed: how show_gfp_flags() prints the mask, if not as @text (the
 *	names may be joined in any order; it takes composites first)
 */
struct gfp_case {
	const char *text;
	gfp_t gfp;
	const char *printed;
};

/* Every spelling in selftests/traces/vm-smallfiles-pipes.trace.gz. */
static const struct gfp_case sample_gfp_cases[] = {
	{ "GFP_KERNEL", GFP_KERNEL },
	{ "GFP_KERNEL_ACCOUNT|__GFP_ZERO", GFP_KERNEL_ACCOUNT | __GFP_ZERO },
	{ "GFP_HIGHUSER_MOVABLE|__GFP_COMP", GFP_HIGHUSER_MOVABLE | __GFP_COMP },
	{ "GFP_KERNEL|__GFP_ZERO", GFP_KERNEL | __GFP_ZERO },
	{ "GFP_NOWAIT|__GFP_NOWARN", GFP_NOWAIT | __GFP_NOWARN },
	{ "GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO",
	  GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_ZERO },
	{ "GFP_NOFS|__GFP_ZERO", GFP_NOFS | __GFP_ZERO },
	{ "GFP_ATOMIC", GFP_ATOMIC },
	{ "GFP_HIGHUSER|__GFP_ACCOUNT", GFP_HIGHUSER | __GFP_ACCOUNT },
	{ "GFP_NOFS", GFP_NOFS },
	{ "GFP_ATOMIC|__GFP_NOWARN", GFP_ATOMIC | __GFP_NOWARN },
	{ "GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY",
	  GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY },
	{ "GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_RECLAIMABLE",
	  GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY | __GFP_RECLAIMABLE },
	{ "__GFP_IO|__GFP_FS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_NOMEMALLOC",
	  __GFP_IO | __GFP_FS | __GFP_NOWARN | __GFP_NORETRY | __GFP_COMP |
	  __GFP_NOMEMALLOC },
	{
	  "__GFP_IO|__GFP_FS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_NOMEMALLOC|__GFP_RECLAIMABLE",
	  __GFP_IO | __GFP_FS | __GFP_NOWARN | __GFP_NORETRY | __GFP_COMP |
	  __GFP_NOMEMALLOC | __GFP_RECLAIMABLE },
	{ "GFP_NOFS|__GFP_NOWARN|__GFP_NORETRY",
	  GFP_NOFS | __GFP_NOWARN | __GFP_NORETRY },
	{ "GFP_ATOMIC|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_RECLAIMABLE",
	  GFP_ATOMIC | __GFP_NOWARN | __GFP_NORETRY | __GFP_COMP |
	  __GFP_RECLAIMABLE },
	{ "GFP_ATOMIC|__GFP_NOWARN|__GFP_NORETRY",
	  GFP_ATOMIC | __GFP_NOWARN | __GFP_NORETRY },
	/* and what else show_gfp_flags() prints */
	{ "none", 0 },
	{ "0x8000000", (__force gfp_t)0x8000000 },
	{ "GFP_KERNEL|0x8000000", GFP_KERNEL | (__force gfp_t)0x8000000 },
	{ "GFP_TRANSHUGE", GFP_TRANSHUGE },
	{ "GFP_TRANSHUGE_LIGHT", GFP_TRANSHUGE_LIGHT },
	{ "GFP_DMA", GFP_DMA },
	{ "GFP_DMA32|__GFP_ZERO", GFP_DMA32 | __GFP_ZERO },
	{ "GFP_USER|__GFP_HIGHMEM", GFP_USER | __GFP_HIGHMEM, "GFP_HIGHUSER" },
	{ "GFP_NOIO|__GFP_THISNODE", GFP_NOIO | __GFP_THISNODE },
	{ "__GFP_HIGH|__GFP_ATOMIC|__GFP_KSWAPD_RECLAIM|__GFP_MEMALLOC",
	  __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM | __GFP_MEMALLOC,
	  "GFP_ATOMIC|__GFP_MEMALLOC" },
	{ "GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOFAIL|__GFP_HARDWALL|__GFP_WRITE|__GFP_ZEROTAGS",
	  GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | __GFP_HARDWALL |
	  __GFP_WRITE | __GFP_ZEROTAGS,
	  "GFP_USER|__GFP_RETRY_MAYFAIL|__GFP_NOFAIL|__GFP_WRITE|__GFP_ZEROTAGS" },
	{ "__GFP_MOVABLE|__GFP_RECLAIM", __GFP_MOVABLE | __GFP_RECLAIM,
	  "GFP_NOIO|__GFP_MOVABLE" },
	{ "__GFP_ZERO|GFP_KERNEL", GFP_KERNEL | __GFP_ZERO, "GFP_KERNEL|__GFP_ZERO" },
	{ "__GFP_DIRECT_RECLAIM", __GFP_DIRECT_RECLAIM },
};

static void gfp_case_desc(const struct gfp_case *c, char *desc)
{
	strscpy(desc, c->text, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(gfp_case, sample_gfp_cases, gfp_case_desc);

/*
 * The spelling parses to its mask, inside an mm_page_alloc line too, and
 * show_gfp_flags() prints the mask back as that spelling.
 */
static void parse_gfp_spelling_test(struct kunit *test)
{
	const struct gfp_case *c = test->param_value;
	struct altmm_replay_parse_result res;
	struct altmm_replay_event ev;
	char line[256], back[256];
	gfp_t gfp = (__force gfp_t)0xdead;

	KUNIT_ASSERT_EQ(test, altmm_replay_parse_gfp(c->text, strlen(c->text),
						     &gfp, &res), 0);
	EXPECT_GFP_EQ(test, gfp, c->gfp);
	print_gfp(gfp, back, sizeof(back));
	KUNIT_EXPECT_STREQ(test, back, c->printed ?: c->text);

	snprintf(line, sizeof(line),
		 CTX
		 "mm_page_alloc: page=000000001b6bf347 pfn=0x2ee4 order=0 migratetype=0 gfp_flags=%s",
		 c->text);
	KUNIT_ASSERT_EQ(test, parse(line, &ev, &res), ALTMM_REPLAY_LINE_EVENT);
	EXPECT_GFP_EQ(test, ev.gfp, c->gfp);
}

/* Every name of the table alone, and random masks printed and read back. */
static void parse_gfp_roundtrip_test(struct kunit *test)
{
	struct altmm_replay_parse_result res;
	struct rnd_state rs;
	char text[512];
	gfp_t gfp, back;
	int i;

	for (i = 0; i < ARRAY_SIZE(gfp_names); i++) {
		const char *n = gfp_names[i].name;

		KUNIT_ASSERT_EQ_MSG(test, altmm_replay_parse_gfp(n, strlen(n), &gfp,
								 &res), 0, "%s", n);
		EXPECT_GFP_EQ_MSG(test, gfp, gfp_names[i].gfp, "%s", n);
	}

	prandom_seed_state(&rs, test_seed(test));
	for (i = 0; i < 20000; i++) {
		gfp = (__force gfp_t)(prandom_u32_state(&rs) &
				      GENMASK(ALTMM_REPLAY_GFP_BITS - 1, 0));
		/* Never two zone modifiers: 6.1 callers do not pass those. */
		if (hweight32((__force u32)(gfp & (__GFP_DMA | __GFP_DMA32 |
						   __GFP_HIGHMEM))) > 1)
			gfp &= ~(__GFP_DMA | __GFP_DMA32);
		print_gfp(gfp, text, sizeof(text));
		KUNIT_ASSERT_EQ_MSG(test, altmm_replay_parse_gfp(text, strlen(text),
								 &back, &res), 0,
				    "%s: %s", text, altmm_replay_reason_names[res.reason]);
		ASSERT_GFP_EQ_MSG(test, back, gfp, "%s", text);
	}
}

/* === Parser: contexts, headers === */

static const char * const contexts[] = {
	CTX,
	"          <idle>-0       [000] d.h1.   123.456789: ",
	"           <...>-1234    [001] ....     1.000000: ",
	"     kworker/0:1-12      [000] ..s1.     5.5: ",
	"            bash-1977    (   1977) [000] ..... 17284.993652: ",
	"            bash-1977    (-------) [000] ..... 17284.993652: ",
	"            init-1       [001]     2.003967: ",
	"            init-1       [001] .....  1234567890: ",
	"       trace-cmd-8617  [000] 93716.394397: ",
	"     Web Content-3456    [001] DNZf. 1.0: ",
	"       my-prog-2-77      [000] bpH3a 1.0: ",
	"init-1\t[001]\t.....\t2.0:\t",
	"x-1 [1] 0: ",
};

static void parse_context_test(struct kunit *test)
{
	struct altmm_replay_parse_result res;
	struct altmm_replay_event ev;
	char line[256];
	int i;

	for (i = 0; i < ARRAY_SIZE(contexts); i++) {
		snprintf(line, sizeof(line), "%skfree: call_site=f+0x1/0x2 ptr=00000000deadbeef",
			 contexts[i]);
		KUNIT_EXPECT_EQ_MSG(test, parse(line, &ev, &res), ALTMM_REPLAY_LINE_EVENT,
				    "\"%s\": %s %s", line,
				    altmm_replay_reason_names[res.reason], res.detail);
		KUNIT_EXPECT_EQ(test, ev.key, 0xdeadbeefULL);
	}
}

/**
 * struct kind_case - a line and the kind it is
 * @line: the line
 * @kind: its kind
 * @lost: for a lost line, the count
 */
struct kind_case {
	const char *line;
	enum altmm_replay_line_kind kind;
	u64 lost;
};

static const struct kind_case kind_cases[] = {
	{ "", ALTMM_REPLAY_LINE_BLANK },
	{ "   \t \r", ALTMM_REPLAY_LINE_BLANK },
	{ "# tracer: nop", ALTMM_REPLAY_LINE_COMMENT },
	{ "#", ALTMM_REPLAY_LINE_COMMENT },
	{ "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION", ALTMM_REPLAY_LINE_COMMENT },
	{ "##### CPU 1 buffer started ####", ALTMM_REPLAY_LINE_COMMENT },
	{ "   # indented", ALTMM_REPLAY_LINE_COMMENT },
	{ "cpus=2", ALTMM_REPLAY_LINE_HEADER },
	{ "CPU 0 is empty", ALTMM_REPLAY_LINE_HEADER },
	{ "version = 6", ALTMM_REPLAY_LINE_HEADER },
	{ "CPU:1 [LOST 42 EVENTS]", ALTMM_REPLAY_LINE_LOST, 42 },
	{ "CPU:0 [LOST EVENTS]", ALTMM_REPLAY_LINE_LOST, 0 },
	{ CTX "sched_switch: prev_comm=init prev_pid=1", ALTMM_REPLAY_LINE_UNSUPPORTED },
	{ CTX
	  "mm_page_alloc_zone_locked: page=00000000a pfn=0x1 order=0 migratetype=1 percpu_refill=1",
	  ALTMM_REPLAY_LINE_UNSUPPORTED },
	{ CTX "mm_page_pcpu_drain:", ALTMM_REPLAY_LINE_UNSUPPORTED },
	/* not headers after all */
	{ "cpus=", ALTMM_REPLAY_LINE_MALFORMED },
	{ "CPU:1 [LOST x EVENTS]", ALTMM_REPLAY_LINE_MALFORMED },
	{ "CPU 0 is full", ALTMM_REPLAY_LINE_MALFORMED },
};

static void parse_kind_test(struct kunit *test)
{
	struct altmm_replay_parse_result res;
	struct altmm_replay_event ev;
	int i;

	for (i = 0; i < ARRAY_SIZE(kind_cases); i++) {
		const struct kind_case *c = &kind_cases[i];

		KUNIT_EXPECT_EQ_MSG(test, parse(c->line, &ev, &res), c->kind,
				    "\"%s\"", c->line);
		if (c->kind == ALTMM_REPLAY_LINE_LOST)
			KUNIT_EXPECT_EQ(test, res.lost, c->lost);
	}
	parse(CTX "sched_switch: prev_comm=init", &ev, &res);
	KUNIT_EXPECT_STREQ(test, res.name, "sched_switch");
}

/* === Parser: malformed lines, each reason === */

/**
 * struct bad_case - a malformed line and why
 * @line: the line ('@' stands for a NUL byte)
 * @why: the reason
 */
struct bad_case {
	const char *line;
	enum altmm_replay_reason why;
};

#define KFREE	CTX "kfree: call_site=f+0x1/0x2 "
#define PALLOC	CTX "mm_page_alloc: page=000000001b6bf347 pfn=0x2ee4 migratetype=0 "
#define KMALLOC	CTX "kmalloc: call_site=f+0x1/0x2 ptr=00000000000000ab node=-1 "

static const struct bad_case bad_cases[] = {
	{ KFREE "ptr=0000000000000001@", ALTMM_REPLAY_NUL_BYTE },
	{ "@", ALTMM_REPLAY_NUL_BYTE },
	{ "hello world", ALTMM_REPLAY_BAD_CONTEXT },
	{ "init-1 001 ..... 1.0: kfree: ptr=0", ALTMM_REPLAY_BAD_CONTEXT },
	{ "[001] ..... 1.0: kfree: ptr=0", ALTMM_REPLAY_BAD_CONTEXT },
	{ "-1 [001] ..... 1.0: kfree: ptr=0", ALTMM_REPLAY_BAD_CONTEXT },
	{ "init-1 [001] ..... 1.0 kfree: ptr=0", ALTMM_REPLAY_BAD_CONTEXT },
	{ "init-x [001] ..... 1.0: kfree: ptr=0", ALTMM_REPLAY_BAD_CONTEXT },
	{ "init-1 [001] ..?.. 1.0: kfree: ptr=0", ALTMM_REPLAY_BAD_CONTEXT },
	{ "init-1 [001] ..... 1.: kfree: ptr=0", ALTMM_REPLAY_BAD_CONTEXT },
	{ "init-1 [001] ..... .5: kfree: ptr=0", ALTMM_REPLAY_BAD_CONTEXT },
	{ "init-1 [] ..... 1.0: kfree: ptr=0", ALTMM_REPLAY_BAD_CONTEXT },
	{ "init-1 (12a) [001] ..... 1.0: kfree: ptr=0", ALTMM_REPLAY_BAD_CONTEXT },
	{ "init-1 [001] ..... 1.0:", ALTMM_REPLAY_BAD_CONTEXT },
	{ CTX "Kfree: ptr=0", ALTMM_REPLAY_BAD_EVENT_NAME },
	{ CTX "kfree ptr=0", ALTMM_REPLAY_BAD_EVENT_NAME },
	{ CTX "kfree:ptr=0", ALTMM_REPLAY_BAD_EVENT_NAME },
	{ CTX ": ptr=0", ALTMM_REPLAY_BAD_EVENT_NAME },
	{ CTX "kfree", ALTMM_REPLAY_BAD_EVENT_NAME },
	{ KFREE "ptr=0 garbage", ALTMM_REPLAY_BAD_FIELD },
	{ KFREE "=5 ptr=0", ALTMM_REPLAY_BAD_FIELD },
	{ CTX "kfree: call_site= ptr=0", ALTMM_REPLAY_BAD_FIELD },
	{ KMALLOC "bytes_alloc=8 gfp_flags=GFP_KERNEL accounted=maybe", ALTMM_REPLAY_BAD_FIELD },
	{ KFREE "ptr=0 order=1", ALTMM_REPLAY_UNKNOWN_FIELD },
	{ KFREE "foo=1 ptr=0", ALTMM_REPLAY_UNKNOWN_FIELD },
	{ CTX
	  "mm_page_free: page=0000000000000001 pfn=0x1 order=0 name=x",
	  ALTMM_REPLAY_UNKNOWN_FIELD },
	{ KFREE "ptr=0 ptr=1", ALTMM_REPLAY_DUPLICATE_FIELD },
	{ PALLOC "order=0 order=0 gfp_flags=GFP_KERNEL", ALTMM_REPLAY_DUPLICATE_FIELD },
	{ CTX "kfree: call_site=f+0x1/0x2", ALTMM_REPLAY_MISSING_FIELD },
	{ CTX "kfree:", ALTMM_REPLAY_MISSING_FIELD },
	{ PALLOC "order=0", ALTMM_REPLAY_MISSING_FIELD },
	{ CTX "mm_page_free: pfn=0x1", ALTMM_REPLAY_MISSING_FIELD },
	{ KMALLOC "gfp_flags=GFP_KERNEL", ALTMM_REPLAY_MISSING_FIELD },
	{ CTX "mm_page_free: pfn=0xzz order=0", ALTMM_REPLAY_BAD_NUMBER },
	{ CTX "mm_page_free: pfn=0x order=0", ALTMM_REPLAY_BAD_NUMBER },
	{ CTX "mm_page_free: pfn=0x12345678901234567 order=0", ALTMM_REPLAY_BAD_NUMBER },
	{ CTX "mm_page_free: pfn=18446744073709551616 order=0", ALTMM_REPLAY_BAD_NUMBER },
	{ CTX "mm_page_free: pfn=-1 order=0", ALTMM_REPLAY_BAD_NUMBER },
	{ CTX "mm_page_free: pfn=0x1 order=abc", ALTMM_REPLAY_BAD_NUMBER },
	{ CTX "mm_page_free: pfn=0x1 order=99999999999999999999", ALTMM_REPLAY_BAD_NUMBER },
	{ KMALLOC
	  "bytes_alloc=99999999999999999999999 gfp_flags=GFP_KERNEL",
	  ALTMM_REPLAY_BAD_NUMBER },
	{ KMALLOC "bytes_req=-1 bytes_alloc=8 gfp_flags=GFP_KERNEL", ALTMM_REPLAY_BAD_NUMBER },
	{ CTX
	  "kmalloc: ptr=00000000000000ab node=-2 bytes_alloc=8 gfp_flags=GFP_KERNEL",
	  ALTMM_REPLAY_BAD_NUMBER },
	{ CTX
	  "kmalloc: ptr=00000000000000ab node=1024 bytes_alloc=8 gfp_flags=GFP_KERNEL",
	  ALTMM_REPLAY_BAD_NUMBER },
	{ PALLOC "order=0 gfp_flags=GFP_KERNEL migratetype=16", ALTMM_REPLAY_DUPLICATE_FIELD },
	{ CTX
	  "mm_page_alloc: pfn=0x1 order=0 migratetype=16 gfp_flags=GFP_KERNEL",
	  ALTMM_REPLAY_BAD_NUMBER },
	{ CTX
	  "mm_page_alloc: pfn=0x1 order=0 migratetype= gfp_flags=GFP_KERNEL",
	  ALTMM_REPLAY_BAD_NUMBER },
	{ KFREE "ptr=xyz", ALTMM_REPLAY_BAD_POINTER },
	{ KFREE "ptr=(____ptrval____)", ALTMM_REPLAY_BAD_POINTER },
	{ KFREE "ptr=", ALTMM_REPLAY_BAD_POINTER },
	{ KFREE "ptr=0x", ALTMM_REPLAY_BAD_POINTER },
	{ KFREE "ptr=12345678901234567", ALTMM_REPLAY_BAD_POINTER },
	{ CTX "mm_page_free: page=nope pfn=0x1 order=0", ALTMM_REPLAY_BAD_POINTER },
	{ CTX "mm_page_free: pfn=0x1 order=11", ALTMM_REPLAY_BAD_ORDER },
	{ CTX "mm_page_free: pfn=0x1 order=-1", ALTMM_REPLAY_BAD_ORDER },
	{ CTX "mm_page_free_batched: pfn=0x1 order=1", ALTMM_REPLAY_BAD_ORDER },
	{ KMALLOC "bytes_alloc=0 gfp_flags=GFP_KERNEL", ALTMM_REPLAY_BAD_SIZE },
	{ KMALLOC "bytes_alloc=4194305 gfp_flags=GFP_KERNEL", ALTMM_REPLAY_BAD_SIZE },
	{ KMALLOC "bytes_req=65 bytes_alloc=64 gfp_flags=GFP_KERNEL", ALTMM_REPLAY_BAD_SIZE },
	{ PALLOC "order=0 gfp_flags=GFP_KERNEL|__GFP_FOO", ALTMM_REPLAY_UNKNOWN_GFP_FLAG },
	{ PALLOC "order=0 gfp_flags=gfp_kernel", ALTMM_REPLAY_UNKNOWN_GFP_FLAG },
	{ PALLOC "order=0 gfp_flags=__GFP_NOLOCKDEP", ALTMM_REPLAY_UNKNOWN_GFP_FLAG },
	{ PALLOC "order=0 gfp_flags=GFP_TEMPORARY", ALTMM_REPLAY_UNKNOWN_GFP_FLAG },
	{ PALLOC "order=0 gfp_flags=GFP_KERNEL|none", ALTMM_REPLAY_UNKNOWN_GFP_FLAG },
	{ PALLOC "order=0 gfp_flags=__GFP_DMA32", ALTMM_REPLAY_UNKNOWN_GFP_FLAG },
	{ PALLOC "order=0 gfp_flags=1", ALTMM_REPLAY_UNKNOWN_GFP_FLAG },
	{ PALLOC "order=0 gfp_flags=GFP_KERNEL|", ALTMM_REPLAY_BAD_GFP },
	{ PALLOC "order=0 gfp_flags=|GFP_KERNEL", ALTMM_REPLAY_BAD_GFP },
	{ PALLOC "order=0 gfp_flags=GFP_KERNEL||__GFP_ZERO", ALTMM_REPLAY_BAD_GFP },
	{ PALLOC "order=0 gfp_flags=", ALTMM_REPLAY_BAD_GFP },
	{ PALLOC "order=0 gfp_flags=0x10000000", ALTMM_REPLAY_BAD_GFP },
	{ PALLOC "order=0 gfp_flags=0xzz", ALTMM_REPLAY_BAD_GFP },
	{ PALLOC "order=0 gfp_flags=GFP_KERNEL|0x", ALTMM_REPLAY_BAD_GFP },
	{ PALLOC "order=0 gfp_flags=GFP_DMA|__GFP_HIGHMEM", ALTMM_REPLAY_GFP_ZONES },
	{ PALLOC "order=0 gfp_flags=GFP_DMA32|GFP_DMA", ALTMM_REPLAY_GFP_ZONES },
	{ PALLOC "order=0 gfp_flags=0x3", ALTMM_REPLAY_GFP_ZONES },
};

static void bad_case_desc(const struct bad_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s_%zu",
		 altmm_replay_reason_names[c->why], (size_t)(c - bad_cases));
}

KUNIT_ARRAY_PARAM(bad_case, bad_cases, bad_case_desc);

static void parse_malformed_test(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	size_t i, len = strlen(c->line);
	struct altmm_replay_parse_result res;
	struct altmm_replay_event ev;
	char *line;

	line = kunit_kmalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, line);
	for (i = 0; i <= len; i++)
		line[i] = c->line[i] == '@' ? '\0' : c->line[i];
	KUNIT_EXPECT_EQ_MSG(test, altmm_replay_parse_line(line, len, &ev, &res),
			    ALTMM_REPLAY_LINE_MALFORMED, "\"%s\"", c->line);
	KUNIT_EXPECT_EQ_MSG(test, res.reason, c->why, "\"%s\": %s (%s)", c->line,
			    altmm_replay_reason_names[res.reason], res.detail);
	KUNIT_EXPECT_LT(test, strnlen(res.detail, sizeof(res.detail)), sizeof(res.detail));
}

/* === Parser: truncation and random garbage === */

/* Whatever the parser says of a line must be self-consistent. */
static void check_parse_result(struct kunit *test, const char *line, size_t len)
{
	enum altmm_replay_line_kind kind;
	struct altmm_replay_parse_result res;
	struct altmm_replay_event ev;
	size_t i, n;

	kind = altmm_replay_parse_line(line, len, &ev, &res);
	KUNIT_ASSERT_LE(test, kind, ALTMM_REPLAY_LINE_MALFORMED);
	KUNIT_ASSERT_EQ(test, kind == ALTMM_REPLAY_LINE_MALFORMED,
			res.reason != ALTMM_REPLAY_OK);
	KUNIT_ASSERT_LT(test, res.reason, ALTMM_REPLAY_NR_REASONS);
	n = strnlen(res.detail, sizeof(res.detail));
	KUNIT_ASSERT_LT(test, n, sizeof(res.detail));
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_TRUE(test, res.detail[i] >= 0x20 && res.detail[i] < 0x7f);
	KUNIT_ASSERT_LT(test, strnlen(res.name, sizeof(res.name)), sizeof(res.name));
	if (kind != ALTMM_REPLAY_LINE_EVENT)
		return;
	KUNIT_ASSERT_LT(test, ev.type, ALTMM_REPLAY_NR_EVENT_TYPES);
	KUNIT_ASSERT_LE(test, ev.order, ALTMM_REPLAY_MAX_ORDER);
	KUNIT_ASSERT_LE(test, ev.bytes_alloc, (u64)ALTMM_REPLAY_MAX_BYTES);
	KUNIT_ASSERT_LE(test, ev.bytes_req, ev.bytes_alloc);
	KUNIT_ASSERT_LE(test, hweight32((__force u32)(ev.gfp & (__GFP_DMA | __GFP_DMA32 |
								__GFP_HIGHMEM))), 1);
	if (ev.type == ALTMM_REPLAY_KMALLOC || ev.type == ALTMM_REPLAY_KMEM_CACHE_ALLOC)
		KUNIT_ASSERT_GT(test, ev.bytes_alloc, 0ULL);
}

/*
 * Every prefix of every good line: a copy of exactly that length, so a read
 * past it is a KASAN report.
 */
static void parse_truncated_test(struct kunit *test)
{
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(event_cases); i++) {
		const char *l = event_cases[i].line;
		size_t len = strlen(l);

		for (k = 0; k <= len; k++) {
			char *copy = kmemdup(l, k ?: 1, GFP_KERNEL);

			KUNIT_ASSERT_NOT_NULL(test, copy);
			check_parse_result(test, copy, k);
			kfree(copy);
		}
	}
}

static const char fuzz_alphabet[] =
	" \t-[]().:=|_0123456789abcdefxX#GFP_KERNEL__GFP_ZERO\r\x7f\x80\xff\0";

static const char * const fuzz_tokens[] = {
	"pfn=", "order=", "ptr=", "gfp_flags=", "bytes_alloc=", "bytes_req=",
	"page=", "name=", "call_site=", "node=", "accounted=", "migratetype=",
	"kfree:", "kmalloc:", "mm_page_alloc:", "0x", "(nil)", "|", "GFP_KERNEL",
	"__GFP_COMP", "99999999999999999999999999", "-", "[000]", " ", "none",
	"18446744073709551615", "0xffffffffffffffff", "4194304",
};

/*
 * Random edits of good lines, and random bytes, each parsed in a copy of
 * exactly its length.
 */
static void parse_fuzz_test(struct kunit *test)
{
	unsigned int kinds[ALTMM_REPLAY_LINE_MALFORMED + 1] = {};
	const size_t cap = 600;
	struct rnd_state rs;
	char *buf, *copy;
	int round, k;

	buf = kunit_kmalloc(test, cap, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	prandom_seed_state(&rs, test_seed(test));

	for (round = 0; round < 30000; round++) {
		size_t len, pos, n;
		u32 r = prandom_u32_state(&rs);

		if (r % 8 == 0) {
			/* random bytes */
			len = prandom_u32_state(&rs) % 200;
			for (pos = 0; pos < len; pos++)
				buf[pos] = (r & 0x100) ? prandom_u32_state(&rs) :
					   fuzz_alphabet[prandom_u32_state(&rs) %
							 (sizeof(fuzz_alphabet) - 1)];
		} else {
			const char *l = event_cases[prandom_u32_state(&rs) %
						    ARRAY_SIZE(event_cases)].line;

			len = strlen(l);
			memcpy(buf, l, len);
			for (k = 1 + prandom_u32_state(&rs) % 4; k > 0; k--) {
				pos = len ? prandom_u32_state(&rs) % len : 0;
				switch (prandom_u32_state(&rs) % 5) {
				case 0:	/* flip a byte */
					buf[pos] = prandom_u32_state(&rs);
					break;
				case 1:	/* cut */
					len = pos;
					break;
				case 2: {	/* insert a token */
					const char *t = fuzz_tokens[prandom_u32_state(&rs) %
								    ARRAY_SIZE(fuzz_tokens)];

					n = strlen(t);
					if (len + n > cap)
						break;
					memmove(buf + pos + n, buf + pos, len - pos);
					memcpy(buf + pos, t, n);
					len += n;
					break;
				}
				case 3:	/* a NUL */
					buf[pos] = '\0';
					break;
				default:	/* delete a run */
					n = min_t(size_t, len - pos,
						  prandom_u32_state(&rs) % 8);
					memmove(buf + pos, buf + pos + n, len - pos - n);
					len -= n;
					break;
				}
			}
		}
		copy = kmemdup(buf, len ?: 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, copy);
		check_parse_result(test, copy, len);
		{
			struct altmm_replay_parse_result res;
			struct altmm_replay_event ev;

			kinds[altmm_replay_parse_line(copy, len, &ev, &res)]++;
		}
		kfree(copy);
	}
	kunit_info(test, "blank %u comment %u header %u lost %u event %u unsupported %u malformed %u\n",
		   kinds[0], kinds[1], kinds[2], kinds[3], kinds[4], kinds[5], kinds[6]);
	/* The edits leave many lines good and make many bad. */
	KUNIT_EXPECT_GT(test, kinds[ALTMM_REPLAY_LINE_EVENT], 1000U);
	KUNIT_EXPECT_GT(test, kinds[ALTMM_REPLAY_LINE_MALFORMED], 1000U);
}

static struct kunit_case parse_cases[] = {
	KUNIT_CASE_PARAM(parse_event_test, event_case_gen_params),
	KUNIT_CASE_PARAM(parse_gfp_spelling_test, gfp_case_gen_params),
	KUNIT_CASE(parse_gfp_roundtrip_test),
	KUNIT_CASE(parse_context_test),
	KUNIT_CASE(parse_kind_test),
	KUNIT_CASE_PARAM(parse_malformed_test, bad_case_gen_params),
	KUNIT_CASE(parse_truncated_test),
	KUNIT_CASE(parse_fuzz_test),
	{}
};

static struct kunit_suite parse_suite = {
	.name = "altmm_replay_parse",
	.test_cases = parse_cases,
};

/* === Compiler === */

static int trace_resource_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static void trace_resource_free(struct kunit_resource *res)
{
	altmm_replay_trace_release(res->data);
}

/* An empty trace whose tables are released when the test ends, however. */
static struct altmm_replay_trace *new_trace(struct kunit *test, u32 max_ops)
{
	struct altmm_replay_trace *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	altmm_replay_trace_init(t, max_ops);
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, trace_resource_init,
							 trace_resource_free,
							 GFP_KERNEL, t));
	return t;
}

/*
 * The invariants of a compiled trace: each line in exactly one count;
 * the ops fill a slot only when it is empty and empty it only when it is
 * full, and a free is of what filled the slot; what is full at the end is
 * live_at_end and matches the slot table.
 */
static void check_trace(struct kunit *test, const struct altmm_replay_trace *t)
{
	const u64 *c = t->count;
	u64 events = 0, skipped = 0, full = 0;
	u8 *kind;
	u32 i;

	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_LINES],
			c[ALTMM_REPLAY_LINES_COMMENT] + c[ALTMM_REPLAY_LINES_HEADER] +
			c[ALTMM_REPLAY_LINES_BLANK] + c[ALTMM_REPLAY_EVENTS_READ]);
	for (i = ALTMM_REPLAY_SKIPPED_UNPAIRED_FREE; i <= ALTMM_REPLAY_SKIPPED_OVER_LIMIT; i++)
		skipped += c[i];
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_EVENTS_READ],
			c[ALTMM_REPLAY_EVENTS_REPLAYED] + skipped);
	for (i = 0; i < ALTMM_REPLAY_NR_EVENT_TYPES; i++)
		events += t->events[i];
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_EVENTS_READ],
			events + c[ALTMM_REPLAY_SKIPPED_MALFORMED] +
			c[ALTMM_REPLAY_SKIPPED_UNSUPPORTED]);
	KUNIT_EXPECT_EQ(test, (u64)t->nr_ops,
			c[ALTMM_REPLAY_EVENTS_REPLAYED] + c[ALTMM_REPLAY_ALLOC_OF_LIVE_KEY]);
	KUNIT_EXPECT_LE(test, t->nr_ops, t->max_ops);
	KUNIT_EXPECT_LE(test, t->nr_malformed, (unsigned int)ALTMM_REPLAY_MAX_MALFORMED);
	KUNIT_EXPECT_EQ(test, (u64)t->nr_malformed,
			min_t(u64, c[ALTMM_REPLAY_SKIPPED_MALFORMED],
			      ALTMM_REPLAY_MAX_MALFORMED));

	/* kind[slot]: 0 empty, else 1 + the allocating op */
	kind = kunit_kzalloc(test, max_t(u32, t->nr_slots, 1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kind);
	for (i = 0; i < t->nr_ops; i++) {
		const struct altmm_replay_op *op = &t->ops[i];

		KUNIT_ASSERT_LT(test, op->slot, t->nr_slots);
		KUNIT_ASSERT_LT(test, op->kind, (u8)ALTMM_REPLAY_NR_OP_KINDS);
		if (op->kind <= ALTMM_REPLAY_OP_CACHE_ALLOC) {
			KUNIT_ASSERT_EQ_MSG(test, kind[op->slot], 0, "op %u fills a full slot", i);
			kind[op->slot] = 1 + op->kind;
			if (op->kind == ALTMM_REPLAY_OP_CACHE_ALLOC)
				KUNIT_ASSERT_LT(test, op->cache, t->nr_caches);
			if (op->kind == ALTMM_REPLAY_OP_PAGE_ALLOC)
				KUNIT_ASSERT_LE(test, op->order, ALTMM_REPLAY_MAX_ORDER);
			continue;
		}
		KUNIT_ASSERT_NE_MSG(test, kind[op->slot], 0, "op %u frees an empty slot", i);
		switch (kind[op->slot] - 1) {
		case ALTMM_REPLAY_OP_PAGE_ALLOC:
			KUNIT_ASSERT_EQ(test, op->kind, (u8)ALTMM_REPLAY_OP_PAGE_FREE);
			break;
		case ALTMM_REPLAY_OP_CACHE_ALLOC:
			KUNIT_ASSERT_EQ(test, op->kind, (u8)ALTMM_REPLAY_OP_CACHE_FREE);
			break;
		default:
			KUNIT_ASSERT_EQ(test, op->kind, (u8)ALTMM_REPLAY_OP_KFREE);
			break;
		}
		kind[op->slot] = 0;
	}
	for (i = 0; i < t->nr_slots; i++) {
		full += !!kind[i];
		KUNIT_EXPECT_EQ_MSG(test, !!kind[i], t->slots[i].live, "slot %u", i);
		if (kind[i])
			KUNIT_EXPECT_EQ(test, kind[i] - 1, t->slots[i].kind);
	}
	KUNIT_EXPECT_EQ(test, full, c[ALTMM_REPLAY_LIVE_AT_END]);
	KUNIT_EXPECT_LE(test, c[ALTMM_REPLAY_LIVE_AT_END], c[ALTMM_REPLAY_PEAK_LIVE]);
}

/* Compile @text in one write, check it, return the trace. */
static struct altmm_replay_trace *compile(struct kunit *test, const char *text,
					  u32 max_ops)
{
	struct altmm_replay_trace *t = new_trace(test, max_ops);

	KUNIT_EXPECT_EQ(test, altmm_replay_trace_feed(t, text, strlen(text)), 0);
	KUNIT_EXPECT_EQ(test, altmm_replay_trace_finish(t), 0);
	check_trace(test, t);
	return t;
}

#define PA(pfn, order)	CTX "mm_page_alloc: page=0000000011111111 pfn=" pfn \
			" order=" order " migratetype=0 gfp_flags=GFP_KERNEL\n"
#define PF(pfn, order)	CTX "mm_page_free: page=0000000011111111 pfn=" pfn " order=" order "\n"
#define PB(pfn)		CTX "mm_page_free_batched: page=0000000011111111 pfn=" pfn " order=0\n"
#define KM(ptr, size)	CTX "kmalloc: call_site=f+0x1/0x2 ptr=" ptr " bytes_req=8" \
			" bytes_alloc=" size " gfp_flags=GFP_KERNEL node=-1 accounted=false\n"
#define KC(ptr, size)	CTX "kmem_cache_alloc: call_site=f+0x1/0x2 ptr=" ptr \
			" bytes_req=8 bytes_alloc=" size \
			" gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1 accounted=true\n"
#define KF(ptr)		CTX "kfree: call_site=f+0x1/0x2 ptr=" ptr "\n"
#define KCF(ptr)	CTX "kmem_cache_free: call_site=f+0x1/0x2 ptr=" ptr " name=c\n"

static const char pairing_trace[] =
	"# tracer: nop\n"
	"#\n"
	PF("0x500", "0")		/* unpaired: allocated before */
	PB("0x500")			/* its batched half */
	PA("0x100", "2")
	KM("00000000000000a1", "64")
	KC("00000000000000c1", "256")
	KC("00000000000000c2", "256")
	KC("00000000000000c3", "8448")
	KF("00000000000000c1")		/* kfree of a cache object */
	KCF("00000000000000a1")		/* kmem_cache_free of kmalloc memory */
	PF("0x100", "1")		/* paired, another order */
	PB("0x100")			/* batched after its free */
	PA("0x200", "0")
	PB("0x200")			/* batched, still live: frees */
	KF("0000000000000000")		/* kfree(NULL) */
	CTX
	"mm_page_alloc: page=0000000000000000 pfn=0x0 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n"
	KF("00000000000000ff")		/* unpaired */
	PA("0x300", "3")		/* live at the end */
	PA("0x300", "0")		/* a live key: its free was lost */
	"\n"
	"CPU:1 [LOST 7 EVENTS]\n"
	CTX "sched_switch: prev_comm=x\n"
	"garbage\n"
	KC("00000000000000c4", "256");	/* last line, no newline; live */

static void compile_pairing_test(struct kunit *test)
{
	struct altmm_replay_trace *t = compile(test, pairing_trace, 1000);
	const u64 *c = t->count;
	static const u8 want[] = {
		ALTMM_REPLAY_OP_PAGE_ALLOC, ALTMM_REPLAY_OP_KMALLOC,
		ALTMM_REPLAY_OP_CACHE_ALLOC, ALTMM_REPLAY_OP_CACHE_ALLOC,
		ALTMM_REPLAY_OP_CACHE_ALLOC, ALTMM_REPLAY_OP_CACHE_FREE,
		ALTMM_REPLAY_OP_KFREE, ALTMM_REPLAY_OP_PAGE_FREE,
		ALTMM_REPLAY_OP_PAGE_ALLOC, ALTMM_REPLAY_OP_PAGE_FREE,
		ALTMM_REPLAY_OP_PAGE_ALLOC, ALTMM_REPLAY_OP_PAGE_FREE,
		ALTMM_REPLAY_OP_PAGE_ALLOC, ALTMM_REPLAY_OP_CACHE_ALLOC,
	};
	u32 i;

	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_LINES], 25ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_LINES_COMMENT], 2ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_LINES_BLANK], 1ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_LINES_HEADER], 1ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_LOST_EVENTS], 7ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_EVENTS_READ], 21ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_EVENTS_REPLAYED], 13ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_SKIPPED_UNPAIRED_FREE], 2ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_SKIPPED_FREE_BATCHED], 2ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_SKIPPED_NULL_FREE], 1ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_SKIPPED_FAILED_IN_TRACE], 1ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_SKIPPED_MALFORMED], 1ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_SKIPPED_UNSUPPORTED], 1ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_ALLOC_OF_LIVE_KEY], 1ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_FREE_ORDER_MISMATCH], 1ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_LIVE_AT_END], 4ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_PEAK_LIVE], 5ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_PEAK_PAGE_FRAMES], 8ULL);
	KUNIT_EXPECT_EQ(test, c[ALTMM_REPLAY_PEAK_OBJECT_BYTES], 64 + 2 * 256 + 8448ULL);
	KUNIT_EXPECT_EQ(test, t->events[ALTMM_REPLAY_MM_PAGE_FREE_BATCHED], 3ULL);
	KUNIT_EXPECT_EQ(test, t->nr_caches, 2U);
	KUNIT_EXPECT_EQ(test, t->cache_size[0], 256U);
	KUNIT_EXPECT_EQ(test, t->cache_size[1], 8448U);
	KUNIT_EXPECT_EQ(test, t->nr_malformed, 1U);
	KUNIT_EXPECT_EQ(test, t->malformed[0].line, 24ULL);
	KUNIT_EXPECT_EQ(test, t->malformed[0].reason, ALTMM_REPLAY_BAD_CONTEXT);
	KUNIT_EXPECT_STREQ(test, t->malformed[0].detail, "garbage");
	KUNIT_EXPECT_EQ(test, t->nr_unsupported, 1U);
	KUNIT_EXPECT_STREQ(test, t->unsupported[0], "sched_switch");

	KUNIT_ASSERT_EQ(test, t->nr_ops, (u32)ARRAY_SIZE(want));
	for (i = 0; i < t->nr_ops; i++)
		KUNIT_EXPECT_EQ_MSG(test, t->ops[i].kind, want[i], "op %u", i);
	KUNIT_EXPECT_EQ(test, t->ops[7].order, 2);	/* the allocation's order */
	KUNIT_EXPECT_EQ(test, t->ops[12].order, 0);
	KUNIT_EXPECT_EQ(test, t->ops[1].size, 64U);
	KUNIT_EXPECT_EQ(test, t->ops[4].cache, 1);
	/* The replayed masks can fail and never warn. */
	EXPECT_GFP_EQ(test, t->ops[0].gfp,
		      GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL);
}

static void compile_safe_gfp_test(struct kunit *test)
{
	EXPECT_GFP_EQ(test, altmm_replay_safe_gfp(GFP_KERNEL | __GFP_NOFAIL, false),
		      GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL);
	EXPECT_GFP_EQ(test, altmm_replay_safe_gfp(GFP_ATOMIC, false),
		      GFP_ATOMIC | __GFP_NOWARN);
	EXPECT_GFP_EQ(test, altmm_replay_safe_gfp(GFP_KERNEL | __GFP_NORETRY, false),
		      GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
	EXPECT_GFP_EQ(test, altmm_replay_safe_gfp(GFP_HIGHUSER_MOVABLE, true),
		      (GFP_HIGHUSER_MOVABLE & ~__GFP_HIGHMEM) | __GFP_NOWARN |
		      __GFP_RETRY_MAYFAIL);
	EXPECT_GFP_EQ(test, altmm_replay_safe_gfp(GFP_DMA32, true), __GFP_NOWARN);
	EXPECT_GFP_EQ(test, altmm_replay_safe_gfp(GFP_DMA, true),
		      GFP_DMA | __GFP_NOWARN);
	EXPECT_GFP_EQ(test, altmm_replay_safe_gfp((__force gfp_t)0xfffffff, false) &
		      ~__GFP_BITS_MASK, 0);
}

/* kmem_cache sizes: one cache each, up to the limits; then kmalloc. */
static void compile_caches_test(struct kunit *test)
{
	struct altmm_replay_trace *t = new_trace(test, 100000);
	char line[256];
	u32 i;

	for (i = 0; i < ALTMM_REPLAY_MAX_CACHES + 10; i++) {
		snprintf(line, sizeof(line),
			 CTX
			 "kmem_cache_alloc: call_site=f+0x1/0x2 ptr=%016x bytes_req=8 bytes_alloc=%u gfp_flags=GFP_KERNEL node=-1 accounted=false\n",
			 i + 1, 8 * (i + 1));
		altmm_replay_trace_feed(t, line, strlen(line));
	}
	snprintf(line, sizeof(line),
		 CTX
		 "kmem_cache_alloc: call_site=f+0x1/0x2 ptr=%016x bytes_req=8 bytes_alloc=%u gfp_flags=GFP_KERNEL node=-1 accounted=false\n",
		 999, ALTMM_REPLAY_CACHE_MAX_SIZE + 8);
	altmm_replay_trace_feed(t, line, strlen(line));
	altmm_replay_trace_finish(t);
	check_trace(test, t);

	KUNIT_EXPECT_EQ(test, t->nr_caches, (unsigned int)ALTMM_REPLAY_MAX_CACHES);
	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_CACHE_FALLBACKS], 11ULL);
	KUNIT_EXPECT_EQ(test, t->ops[ALTMM_REPLAY_MAX_CACHES - 1].kind,
			(u8)ALTMM_REPLAY_OP_CACHE_ALLOC);
	KUNIT_EXPECT_EQ(test, t->ops[ALTMM_REPLAY_MAX_CACHES].kind,
			(u8)ALTMM_REPLAY_OP_KMALLOC);
	KUNIT_EXPECT_EQ(test, t->ops[ALTMM_REPLAY_MAX_CACHES].size,
			8U * (ALTMM_REPLAY_MAX_CACHES + 1));
}

/*
 * Feeding the same text whole, a byte at a time or in random chunks compiles
 * the same trace.
 */
static void compile_chunks_test(struct kunit *test)
{
	size_t len = strlen(pairing_trace), pos, n;
	struct altmm_replay_trace *whole, *t;
	struct rnd_state rs;
	int mode;

	whole = compile(test, pairing_trace, 1000);
	prandom_seed_state(&rs, test_seed(test));
	for (mode = 0; mode < 20; mode++) {
		t = new_trace(test, 1000);
		for (pos = 0; pos < len; pos += n) {
			n = mode ? 1 + prandom_u32_state(&rs) % (mode * 40) : 1;
			n = min(n, len - pos);
			altmm_replay_trace_feed(t, pairing_trace + pos, n);
		}
		altmm_replay_trace_finish(t);
		check_trace(test, t);
		KUNIT_EXPECT_EQ(test, memcmp(t->count, whole->count, sizeof(t->count)), 0);
		KUNIT_ASSERT_EQ(test, t->nr_ops, whole->nr_ops);
		KUNIT_EXPECT_EQ(test, memcmp(t->ops, whole->ops,
					     t->nr_ops * sizeof(*t->ops)), 0);
		altmm_replay_trace_release(t);
	}
}

/* Lines at and past ALTMM_REPLAY_LINE_MAX, across chunks. */
static void compile_long_lines_test(struct kunit *test)
{
	const size_t max = ALTMM_REPLAY_LINE_MAX;
	struct altmm_replay_trace *t = new_trace(test, 1000);
	const char *good = KF("0000000000000001");
	char *buf = kunit_kmalloc(test, 3 * max, GFP_KERNEL);
	int n_pieces;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* a comment of exactly the maximum, in two writes */
	memset(buf, 'x', max);
	buf[0] = '#';
	altmm_replay_trace_feed(t, buf, max / 2);
	altmm_replay_trace_feed(t, buf + max / 2, max - max / 2);
	altmm_replay_trace_feed(t, "\n", 1);
	/* one byte more, then the rest of a huge line in small pieces */
	altmm_replay_trace_feed(t, buf, max);
	altmm_replay_trace_feed(t, "y", 1);
	for (n_pieces = 0; n_pieces < 50; n_pieces++)
		altmm_replay_trace_feed(t, buf, 100);
	altmm_replay_trace_feed(t, "\n", 1);
	/* the next line is read as usual */
	altmm_replay_trace_feed(t, good, strlen(good));
	/* a huge last line without a newline */
	altmm_replay_trace_feed(t, buf, max);
	altmm_replay_trace_feed(t, buf, max);
	altmm_replay_trace_finish(t);
	check_trace(test, t);

	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_LINES], 4ULL);
	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_LINES_COMMENT], 1ULL);
	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_SKIPPED_MALFORMED], 2ULL);
	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_SKIPPED_UNPAIRED_FREE], 1ULL);
	KUNIT_EXPECT_EQ(test, t->malformed[0].line, 2ULL);
	KUNIT_EXPECT_EQ(test, t->malformed[0].reason, ALTMM_REPLAY_TOO_LONG);
	KUNIT_EXPECT_EQ(test, t->malformed[1].line, 4ULL);
}

/* Past max_ops every event is over_limit: none is paired with a skipped one. */
static void compile_over_limit_test(struct kunit *test)
{
	static const char text[] =
		PA("0x1", "0") PA("0x2", "0") PA("0x3", "0")
		PF("0x1", "0") PF("0x3", "0") KF("0000000000000009");
	struct altmm_replay_trace *t = compile(test, text, 3);

	KUNIT_EXPECT_EQ(test, t->nr_ops, 3U);
	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_EVENTS_REPLAYED], 3ULL);
	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_SKIPPED_OVER_LIMIT], 3ULL);
	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_LIVE_AT_END], 3ULL);

	t = compile(test, text, 4);
	KUNIT_EXPECT_EQ(test, t->nr_ops, 4U);
	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_SKIPPED_OVER_LIMIT], 2ULL);
	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_LIVE_AT_END], 2ULL);
}

/* Many allocations live at once: the slot and bucket tables grow. */
static void compile_growth_test(struct kunit *test)
{
	struct altmm_replay_trace *t = new_trace(test, 1U << 20);
	const u32 n = 20000;
	char line[200];
	u32 i;

	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line),
			 CTX "kmalloc: ptr=%016x bytes_alloc=32 gfp_flags=GFP_KERNEL\n",
			 i * 64 + 0x1000);
		altmm_replay_trace_feed(t, line, strlen(line));
	}
	for (i = 0; i < n; i += 2) {
		snprintf(line, sizeof(line), CTX "kfree: ptr=%016x\n", i * 64 + 0x1000);
		altmm_replay_trace_feed(t, line, strlen(line));
	}
	KUNIT_EXPECT_EQ(test, altmm_replay_trace_finish(t), 0);
	check_trace(test, t);
	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_LIVE_AT_END], (u64)n / 2);
	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_PEAK_LIVE], (u64)n);
	KUNIT_EXPECT_EQ(test, t->nr_slots, n);
}

/* Random garbage with newlines, in random chunks: the counts stay whole. */
static void compile_garbage_test(struct kunit *test)
{
	const size_t size = 64 * 1024;
	struct altmm_replay_trace *t;
	struct rnd_state rs;
	size_t pos, n;
	char *buf;
	int round;

	buf = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	prandom_seed_state(&rs, test_seed(test));
	for (round = 0; round < 8; round++) {
		t = new_trace(test, 1000);
		for (pos = 0; pos < size; pos++) {
			u32 r = prandom_u32_state(&rs);

			buf[pos] = r % 50 == 0 ? '\n' : (round & 1) ? (char)(r >> 8) :
				   fuzz_alphabet[(r >> 8) % (sizeof(fuzz_alphabet) - 1)];
		}
		/* some good lines among it */
		for (pos = 0; pos + sizeof(pairing_trace) < size; pos += 8192)
			memcpy(buf + pos, pairing_trace, sizeof(pairing_trace) - 1);
		for (pos = 0; pos < size; pos += n) {
			n = min_t(size_t, size - pos, 1 + prandom_u32_state(&rs) % 5000);
			altmm_replay_trace_feed(t, buf + pos, n);
		}
		altmm_replay_trace_finish(t);
		check_trace(test, t);
		KUNIT_EXPECT_GT(test, t->count[ALTMM_REPLAY_SKIPPED_MALFORMED], 0ULL);
		altmm_replay_trace_release(t);
	}
}

static struct kunit_case compile_cases[] = {
	KUNIT_CASE(compile_pairing_test),
	KUNIT_CASE(compile_safe_gfp_test),
	KUNIT_CASE(compile_caches_test),
	KUNIT_CASE(compile_chunks_test),
	KUNIT_CASE(compile_long_lines_test),
	KUNIT_CASE(compile_over_limit_test),
	KUNIT_CASE(compile_growth_test),
	KUNIT_CASE(compile_garbage_test),
	{}
};

static struct kunit_suite compile_suite = {
	.name = "altmm_replay_compile",
	.test_cases = compile_cases,
};

/* === Engine, on a private instance === */

static const struct altmm_params engine_params = {
	.arena_mb = 32, .nr_nodes = 1, .dma_mb = 16, .dma32_mb = 128,
};

/* A trace of every op kind, some live at the end. */
static struct altmm_replay_trace *engine_trace(struct kunit *test)
{
	static const unsigned int sizes[] = { 8, 64, 192, 1024, 4096, 8448, 20000 };
	struct altmm_replay_trace *t = new_trace(test, 100000);
	char line[256];
	unsigned int i;

	for (i = 0; i < 400; i++) {
		snprintf(line, sizeof(line),
			 CTX
			 "mm_page_alloc: page=0000000011111111 pfn=%#x order=%u migratetype=0 gfp_flags=%s\n",
			 0x1000 + i * 16, i % 4,
			 i % 3 ? "GFP_KERNEL" : "GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO");
		altmm_replay_trace_feed(t, line, strlen(line));
		snprintf(line, sizeof(line),
			 CTX
			 "%s: call_site=f+0x1/0x2 ptr=%016x bytes_req=8 bytes_alloc=%u gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1 accounted=false\n",
			 i & 1 ? "kmalloc" : "kmem_cache_alloc", 0x100000 + i * 64,
			 sizes[i % ARRAY_SIZE(sizes)]);
		altmm_replay_trace_feed(t, line, strlen(line));
	}
	for (i = 0; i < 400; i++) {
		if (i % 10 == 9)
			continue;	/* live at the end */
		snprintf(line, sizeof(line),
			 CTX "mm_page_free: page=0000000011111111 pfn=%#x order=%u\n",
			 0x1000 + i * 16, i % 4);
		altmm_replay_trace_feed(t, line, strlen(line));
		snprintf(line, sizeof(line), CTX "%s: call_site=f+0x1/0x2 ptr=%016x\n",
			 i % 3 ? "kfree" : "kmem_cache_free", 0x100000 + i * 64);
		altmm_replay_trace_feed(t, line, strlen(line));
	}
	KUNIT_EXPECT_EQ(test, altmm_replay_trace_finish(t), 0);
	check_trace(test, t);
	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_EVENTS_REPLAYED], 1520ULL);
	KUNIT_EXPECT_EQ(test, t->count[ALTMM_REPLAY_LIVE_AT_END], 80ULL);
	return t;
}

static void engine_replay_test(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &engine_params);
	struct altmm_replay_trace *t = engine_trace(test);
	struct altmm_replay_result *res;
	unsigned long free_before = 0, free_after = 0;
	int s, i;

	res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);
	for (i = 0; i < ALTMM_NR_ZONES; i++)
		free_before += altmm_zone_free(&sys->nodes[0]->zones[i]);

	KUNIT_ASSERT_EQ(test, altmm_replay_run(t, sys, 3, res), 0);
	for (s = 0; s < ALTMM_REPLAY_NR_SIDES; s++) {
		const struct altmm_replay_side_result *r = &res->side[s];

		KUNIT_EXPECT_EQ_MSG(test, r->nr_rounds, 3U, "side %d", s);
		KUNIT_EXPECT_EQ_MSG(test, r->alloc_failures, 0ULL, "side %d", s);
		KUNIT_EXPECT_EQ_MSG(test, r->frees_skipped, 0ULL, "side %d", s);
		KUNIT_EXPECT_EQ_MSG(test, r->free_refused, 0ULL, "side %d", s);
		KUNIT_EXPECT_EQ_MSG(test, r->cache_failures, 0U, "side %d", s);
		for (i = 0; i < 3; i++)
			KUNIT_EXPECT_GT(test, r->ns[i], 0ULL);
	}
	/* 1.5 MiB of pages alone are live at the peak of the trace. */
	KUNIT_EXPECT_GT(test, res->side[ALTMM_REPLAY_ALTMM].peak_frames, 300ULL);
	KUNIT_EXPECT_GT(test, res->nr_zones, 0U);

	/* Everything came back (less what per-CPU lists and slabs keep). */
	for (i = 0; i < ALTMM_NR_ZONES; i++)
		free_after += altmm_zone_free(&sys->nodes[0]->zones[i]);
	kunit_info(test, "altmm free frames %lu before, %lu after\n", free_before,
		   free_after);
	/* altmm_test_exit() checks every invariant of the instance. */
}

/* More than the arena holds: altmm fails and skips the frees, and says so. */
static void engine_failure_test(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &engine_params);
	struct altmm_replay_trace *t = new_trace(test, 1000);
	const unsigned int n = 12;	/* 48 MiB of order-10 blocks in 32 */
	struct altmm_replay_result *res;
	char line[256];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line),
			 CTX
			 "mm_page_alloc: page=0000000011111111 pfn=%#x order=10 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_NOFAIL\n",
			 0x10000 + i * 1024);
		altmm_replay_trace_feed(t, line, strlen(line));
	}
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line),
			 CTX "mm_page_free: page=0000000011111111 pfn=%#x order=10\n",
			 0x10000 + i * 1024);
		altmm_replay_trace_feed(t, line, strlen(line));
	}
	altmm_replay_trace_finish(t);
	check_trace(test, t);

	res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);
	KUNIT_ASSERT_EQ(test, altmm_replay_run(t, sys, 1, res), 0);
	KUNIT_EXPECT_GT(test, res->side[ALTMM_REPLAY_ALTMM].alloc_failures, 0ULL);
	KUNIT_EXPECT_LT(test, res->side[ALTMM_REPLAY_ALTMM].alloc_failures, (u64)n);
	KUNIT_EXPECT_EQ(test, res->side[ALTMM_REPLAY_ALTMM].frees_skipped,
			res->side[ALTMM_REPLAY_ALTMM].alloc_failures);
	KUNIT_EXPECT_EQ(test, res->side[ALTMM_REPLAY_ALTMM].free_refused, 0ULL);
}

static struct kunit_case engine_cases[] = {
	KUNIT_CASE(engine_replay_test),
	KUNIT_CASE(engine_failure_test),
	{}
};

static struct kunit_suite engine_suite = {
	.name = "altmm_replay_engine",
	.init = altmm_test_init,
	.exit = altmm_test_exit,
	.test_cases = engine_cases,
};

kunit_test_suites(&parse_suite, &compile_suite, &engine_suite);

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
