// SPDX-License-Identifier: GPL-2.0
/*
 * altmm_replay.ko: replay a kernel's kmem trace on altmm and on the host.
 *
 * /sys/kernel/debug/altmm_replay/
 *   trace    write-only.  Opening it for writing starts a new trace (one
 *            writer at a time: a second open fails with EBUSY); the text
 *            may come in writes of any size (`cat t > trace`, `zcat t.gz >
 *            trace`); closing it compiles the last line and replays the
 *            trace, so when the writer's close returns the report is ready.
 *   report   the last replay's results, "key value..." lines (see
 *            render_report()); "state reading" or "state replaying" while
 *            one is under way.
 *
 * Each replay builds a private altmm instance from the module parameters
 * (arena_mb, nodes; the zones are altmm's defaults: DMA to 16 MiB, DMA32
 * to 128 MiB), runs the trace on it and on the host for `rounds` rounds,
 * reads its buddy lists after the last event, and destroys it: a replay
 * starts from a fresh allocator every time, whatever ran before, and
 * leaves altmm's default instance alone.  A writer killed before or
 * during the replay (a fatal signal) stops it between rounds: the report
 * then says "state failed", "error -4", with the rounds that ran.
 *
 * Locking: replay_lock protects state and report; it is never held while
 * a trace is compiled or replayed.  The writer's own mutex serialises
 * writes on one open file (threads sharing it).  state READING or
 * REPLAYING means a writer owns the only trace.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mmzone.h"
#include "page_alloc.h"
#include "replay.h"

#define REPORT_VERSION	1
#define REPORT_SIZE	(64 * 1024)
#define WRITE_CHUNK	(16 * 1024)
#define LOG_MALFORMED	5	/* malformed lines also told to the kernel log */

/* === Parameters: read when a replay starts === */

static unsigned int rounds = 3;
module_param(rounds, uint, 0644);
MODULE_PARM_DESC(rounds, "rounds per side, 1..32; sides alternate going first (default 3)");

static unsigned int arena_mb = 256;
module_param(arena_mb, uint, 0644);
MODULE_PARM_DESC(arena_mb, "MiB of the altmm instance a replay runs on (default 256)");

static unsigned int nodes = 1;
module_param(nodes, uint, 0644);
MODULE_PARM_DESC(nodes, "its nodes (default 1)");

static unsigned int max_events = 4000000;
module_param(max_events, uint, 0644);
MODULE_PARM_DESC(max_events, "most ops a trace compiles to, 16 bytes each; later events are skipped (default 4000000)");

static char *fail;
module_param(fail, charp, 0644);
MODULE_PARM_DESC(fail, "fault injection into the replay's instance, \"<interval>,<probability>,<space>,<times>\" as the kernel's fail_page_alloc= and failslab=, for every page and slab request, reclaiming ones included (default none)");

#define MAX_EVENTS_LIMIT	BIT(26)

/* === State === */

enum replay_state {
	STATE_IDLE,
	STATE_READING,
	STATE_REPLAYING,
	STATE_DONE,
	STATE_FAILED,
};

static const char * const state_names[] = {
	[STATE_IDLE]		= "idle",
	[STATE_READING]		= "reading",
	[STATE_REPLAYING]	= "replaying",
	[STATE_DONE]		= "done",
	[STATE_FAILED]		= "failed",
};

static DEFINE_MUTEX(replay_lock);
static enum replay_state state;		/* under replay_lock */
static char *report;			/* under replay_lock; kvmalloc'd */
static size_t report_len;
static struct dentry *dir;

/**
 * struct writer - an open trace file
 * @lock: serialises writes to it
 * @t: the trace being compiled
 * @buf: bounce buffer for the user's bytes
 */
struct writer {
	struct mutex lock;	/* serialises writes to this open file */
	struct altmm_replay_trace t;
	char buf[WRITE_CHUNK];
};

/* === The report === */

static_assert(ALTMM_REPLAY_MAX_ORDER + 1 == ALTMM_MAX_ORDER,
	      "the report prints altmm's orders");

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static __printf(2, 3) void out(struct out *o, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	o->len += vscnprintf(o->buf + o->len, o->size - o->len, fmt, args);
	va_end(args);
}

/* A value in thousandths as a decimal, "-0.500". */
static void out_milli(struct out *o, const char *sep, s64 v)
{
	u64 a = v < 0 ? -v : v;

	out(o, "%s%s%llu.%03llu", sep, v < 0 ? "-" : "", a / 1000, a % 1000);
}

static u64 median(const u64 *v, unsigned int n)
{
	u64 s[ALTMM_REPLAY_MAX_ROUNDS], x;
	unsigned int i, j;

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && s[j - 1] > x; j--)
			s[j] = s[j - 1];
		s[j] = x;
	}
	return n & 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* ns per event, in tenths. */
static u64 per_event_x10(u64 ns, u64 events)
{
	return events ? div64_u64(ns * 10, events) : 0;
}

static void render_side(struct out *o, const char *name,
			const struct altmm_replay_side_result *s, u64 events)
{
	u64 lo = U64_MAX, hi = 0, med = median(s->ns, s->nr_rounds), x;
	unsigned int i;

	for (i = 0; i < s->nr_rounds; i++) {
		lo = min(lo, s->ns[i]);
		hi = max(hi, s->ns[i]);
	}
	if (!s->nr_rounds)
		lo = 0;
	out(o, "%s_alloc_failures %llu\n", name, s->alloc_failures);
	out(o, "%s_frees_skipped %llu\n", name, s->frees_skipped);
	out(o, "%s_free_refused %llu\n", name, s->free_refused);
	out(o, "%s_cache_failures %u\n", name, s->cache_failures);
	out(o, "%s_peak_frames_in_use %llu\n", name, s->peak_frames);
	out(o, "%s_ns_first_round %llu\n", name, s->nr_rounds ? s->ns[0] : 0);
	x = per_event_x10(lo, events);
	out(o, "%s_ns_per_event_min %llu.%llu\n", name, x / 10, x % 10);
	x = per_event_x10(med, events);
	out(o, "%s_ns_per_event_median %llu.%llu\n", name, x / 10, x % 10);
	x = per_event_x10(hi, events);
	out(o, "%s_ns_per_event_max %llu.%llu\n", name, x / 10, x % 10);
}

static void render_zones(struct out *o, const struct altmm_replay_result *res)
{
	unsigned long nr_free[ALTMM_MAX_ORDER];
	unsigned int i, k;

	out(o, "altmm_zones %u\n", res->nr_zones);
	for (i = 0; i < res->nr_zones; i++) {
		const struct altmm_replay_zone_state *z = &res->zones[i];

		memcpy(nr_free, z->nr_free, sizeof(nr_free));
		out(o, "altmm_buddyinfo %d %s", z->nid, z->zone);
		for (k = 0; k < ALTMM_MAX_ORDER; k++)
			out(o, " %lu", nr_free[k]);
		out(o, "\naltmm_unusable_index %d %s", z->nid, z->zone);
		for (k = 0; k < ALTMM_MAX_ORDER; k++)
			out_milli(o, " ", altmm_unusable_index(nr_free, k));
		out(o, "\naltmm_extfrag_index %d %s", z->nid, z->zone);
		for (k = 0; k < ALTMM_MAX_ORDER; k++)
			out_milli(o, " ", altmm_fragmentation_index(nr_free, k));
		out(o, "\n");
	}
}

/*
 * The report: one "key value..." line each; a key is one token, values
 * are the rest.  The keys up to altmm_zones always appear, once, in this
 * order; then altmm_buddyinfo/altmm_unusable_index/altmm_extfrag_index
 * once per zone (values: node, zone, one figure per order 0..10),
 * unsupported_event per distinct name (name, count) and malformed_line
 * per kept line (line number, reason, the text at fault).
 */
static void render_report(struct out *o, enum replay_state st, int error,
			  const struct altmm_replay_trace *t,
			  const struct altmm_replay_result *res,
			  const struct altmm_params *p)
{
	u64 events = t->count[ALTMM_REPLAY_EVENTS_REPLAYED];
	u64 am, hm;
	int i;

	out(o, "altmm_replay_report %d\n", REPORT_VERSION);
	out(o, "state %s\n", state_names[st]);
	out(o, "error %d\n", error);
	for (i = 0; i < ALTMM_REPLAY_NR_COUNTS; i++)
		out(o, "%s %llu\n", altmm_replay_count_names[i], t->count[i]);
	for (i = 0; i < ALTMM_REPLAY_NR_EVENT_TYPES; i++)
		out(o, "event_%s %llu\n", altmm_replay_event_names[i], t->events[i]);
	out(o, "ops %u\n", t->nr_ops);
	out(o, "caches %u\n", t->nr_caches);
	out(o, "rounds %u\n", res->side[ALTMM_REPLAY_ALTMM].nr_rounds);
	out(o, "altmm_arena_mb %u\n", p->arena_mb);
	out(o, "altmm_nodes %u\n", p->nr_nodes);
	render_side(o, "altmm", &res->side[ALTMM_REPLAY_ALTMM], events);
	render_side(o, "host", &res->side[ALTMM_REPLAY_HOST], events);
	am = median(res->side[ALTMM_REPLAY_ALTMM].ns,
		    res->side[ALTMM_REPLAY_ALTMM].nr_rounds);
	hm = median(res->side[ALTMM_REPLAY_HOST].ns,
		    res->side[ALTMM_REPLAY_HOST].nr_rounds);
	out_milli(o, "ratio_median ", hm ? div64_u64(am * 1000 + hm / 2, hm) : 0);
	out(o, "\n");
	render_zones(o, res);
	out(o, "unsupported_events %u\n", t->nr_unsupported);
	for (i = 0; i < t->nr_unsupported; i++)
		out(o, "unsupported_event %s %llu\n", t->unsupported[i],
		    t->unsupported_count[i]);
	out(o, "malformed_shown %u\n", t->nr_malformed);
	for (i = 0; i < t->nr_malformed; i++)
		out(o, "malformed_line %llu %s %s\n", t->malformed[i].line,
		    altmm_replay_reason_names[t->malformed[i].reason],
		    t->malformed[i].detail);
}

static void set_report(char *text, size_t len, enum replay_state st)
{
	mutex_lock(&replay_lock);
	kvfree(report);
	report = text;
	report_len = len;
	state = st;
	mutex_unlock(&replay_lock);
}

/* === A replay === */

static void log_summary(const struct altmm_replay_trace *t,
			const struct altmm_replay_result *res, int error)
{
	u64 ev = t->count[ALTMM_REPLAY_EVENTS_REPLAYED];
	u64 a = per_event_x10(median(res->side[ALTMM_REPLAY_ALTMM].ns,
				     res->side[ALTMM_REPLAY_ALTMM].nr_rounds), ev);
	u64 h = per_event_x10(median(res->side[ALTMM_REPLAY_HOST].ns,
				     res->side[ALTMM_REPLAY_HOST].nr_rounds), ev);
	unsigned int i;

	pr_info("%llu lines, %llu events read, %llu replayed, %llu malformed; altmm %llu.%llu ns/event, host %llu.%llu ns/event; error %d\n",
		t->count[ALTMM_REPLAY_LINES], t->count[ALTMM_REPLAY_EVENTS_READ],
		ev, t->count[ALTMM_REPLAY_SKIPPED_MALFORMED],
		a / 10, a % 10, h / 10, h % 10, error);
	for (i = 0; i < t->nr_malformed && i < LOG_MALFORMED; i++)
		pr_info("line %llu malformed (%s): %s\n", t->malformed[i].line,
			altmm_replay_reason_names[t->malformed[i].reason],
			t->malformed[i].detail);
}

/**
 * struct replay_buf - what a replay needs beyond its trace, off the stack
 * @p: the instance's parameters
 * @perr: why they were refused
 * @res: the results
 */
struct replay_buf {
	struct altmm_params p;
	struct altmm_param_error perr;
	struct altmm_replay_result res;
};

/*
 * The writer was killed (^C on zcat): it closes the file in its exit
 * path, where the signal that killed it is no longer pending but is the
 * low bits of its exit code; no replay is wanted there.
 */
static bool writer_killed(void)
{
	return fatal_signal_pending(current) ||
	       ((current->flags & PF_EXITING) && (current->exit_code & 0x7f));
}

/*
 * The fail= parameter on the replay's instance: both attributes, with the
 * filters that would spare reclaiming and order-0 requests off.
 */
static int setup_fail(struct altmm_system *sys)
{
	struct altmm_fault_attr *attrs[] = { &sys->fail_page_alloc, &sys->failslab };
	char *spec = READ_ONCE(fail);
	int i;

	if (!spec || !*spec)
		return 0;
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		WRITE_ONCE(attrs[i]->verbose, 0);
		WRITE_ONCE(attrs[i]->ignore_gfp_reclaim, false);
		WRITE_ONCE(attrs[i]->ignore_gfp_highmem, false);
		WRITE_ONCE(attrs[i]->min_order, 0);
		if (altmm_fault_attr_setup(attrs[i], spec)) {
			pr_warn("fail=%s: not <interval>,<probability>,<space>,<times>\n", spec);
			return -EINVAL;
		}
	}
	return 0;
}

static void replay(struct altmm_replay_trace *t)
{
	unsigned int nr_rounds = clamp_t(unsigned int, READ_ONCE(rounds), 1,
					 ALTMM_REPLAY_MAX_ROUNDS);
	struct altmm_system *sys = NULL;
	struct replay_buf *b;
	struct out o = {};
	int error;

	error = altmm_replay_trace_finish(t);
	if (!error && writer_killed())
		error = -EINTR;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	o.buf = kvmalloc(REPORT_SIZE, GFP_KERNEL);
	if (!b || !o.buf) {
		kfree(b);
		kvfree(o.buf);
		set_report(NULL, 0, STATE_FAILED);
		return;
	}
	o.size = REPORT_SIZE;
	b->p.arena_mb = READ_ONCE(arena_mb);
	b->p.nr_nodes = READ_ONCE(nodes);
	b->p.dma_mb = 16;
	b->p.dma32_mb = 128;

	if (!error)
		error = altmm_system_create(&b->p, KBUILD_MODNAME, &sys, &b->perr);
	if (!error)
		error = setup_fail(sys);
	if (!error)
		error = altmm_replay_run(t, sys, nr_rounds, &b->res);
	altmm_system_destroy(sys);

	render_report(&o, error ? STATE_FAILED : STATE_DONE, error, t, &b->res,
		      &b->p);
	log_summary(t, &b->res, error);
	kfree(b);
	set_report(o.buf, o.len, error ? STATE_FAILED : STATE_DONE);
}

/* === Files === */

static int trace_open(struct inode *inode, struct file *file)
{
	struct writer *w;

	if ((file->f_mode & (FMODE_READ | FMODE_WRITE)) != FMODE_WRITE)
		return -EINVAL;
	w = kvzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	mutex_init(&w->lock);
	altmm_replay_trace_init(&w->t, clamp_t(unsigned int, READ_ONCE(max_events),
					       1, MAX_EVENTS_LIMIT));

	mutex_lock(&replay_lock);
	if (state == STATE_READING || state == STATE_REPLAYING) {
		mutex_unlock(&replay_lock);
		kvfree(w);
		return -EBUSY;
	}
	state = STATE_READING;
	mutex_unlock(&replay_lock);

	file->private_data = w;
	return nonseekable_open(inode, file);
}

static ssize_t trace_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	struct writer *w = file->private_data;
	size_t done = 0;

	mutex_lock(&w->lock);
	while (done < len) {
		size_t n = min_t(size_t, len - done, WRITE_CHUNK);

		if (copy_from_user(w->buf, ubuf + done, n))
			break;
		/* An error stops compiling, not counting: keep reading. */
		altmm_replay_trace_feed(&w->t, w->buf, n);
		done += n;
		cond_resched();
	}
	mutex_unlock(&w->lock);
	if (!done && len)
		return -EFAULT;
	*ppos += done;
	return done;
}

static int trace_release(struct inode *inode, struct file *file)
{
	struct writer *w = file->private_data;

	mutex_lock(&replay_lock);
	state = STATE_REPLAYING;
	mutex_unlock(&replay_lock);

	replay(&w->t);
	altmm_replay_trace_release(&w->t);
	kvfree(w);
	return 0;
}

static const struct file_operations trace_fops = {
	.owner		= THIS_MODULE,
	.open		= trace_open,
	.write		= trace_write,
	.release	= trace_release,
	.llseek		= no_llseek,
};

/**
 * struct snapshot - what one open of report reads
 * @len: bytes in @text
 * @text: the report as it was at open
 */
struct snapshot {
	size_t len;
	char text[];
};

static int report_open(struct inode *inode, struct file *file)
{
	struct snapshot *s;
	size_t len;
	bool whole;

	mutex_lock(&replay_lock);
	whole = (state == STATE_DONE || state == STATE_FAILED) && report;
	len = whole ? report_len : 64;
	s = kvmalloc(struct_size(s, text, len + 1), GFP_KERNEL);
	if (!s) {
		mutex_unlock(&replay_lock);
		return -ENOMEM;
	}
	if (whole)
		memcpy(s->text, report, len);
	else
		len = scnprintf(s->text, len + 1, "altmm_replay_report %d\nstate %s\n",
				REPORT_VERSION, state_names[state]);
	s->len = len;
	mutex_unlock(&replay_lock);
	file->private_data = s;
	return 0;
}

static ssize_t report_read(struct file *file, char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	struct snapshot *s = file->private_data;

	return simple_read_from_buffer(ubuf, len, ppos, s->text, s->len);
}

static int report_release(struct inode *inode, struct file *file)
{
	kvfree(file->private_data);
	return 0;
}

static const struct file_operations report_fops = {
	.owner		= THIS_MODULE,
	.open		= report_open,
	.read		= report_read,
	.release	= report_release,
	.llseek		= default_llseek,
};

/* === Module === */

static int __init altmm_replay_init(void)
{
	dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("trace", 0200, dir, NULL, &trace_fops);
	debugfs_create_file("report", 0444, dir, NULL, &report_fops);
	return 0;
}

static void __exit altmm_replay_exit(void)
{
	debugfs_remove(dir);
	kvfree(report);
}

module_init(altmm_replay_init);
module_exit(altmm_replay_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Replay a kernel's kmem trace events on altmm and on the host allocator");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
