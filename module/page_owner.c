// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation owners: who allocated each block still held, as 6.1's
 * mm/page_owner.c tracks it (page_owner=on), and a report of what is
 * still allocated grouped by the allocating stack.
 *
 * What altmm keeps of 6.1:
 *   - per allocation: the stack (in the kernel's stack depot), the GFP
 *     mask, the order, the pid, tgid and comm of the task and the time;
 *     at its free, the freeing stack and time; after a migration, the
 *     reason; a split gives each frame the record with order 0;
 *   - the page_owner file's format, record by record as
 *     print_page_owner() writes it ("Page allocated via order ...",
 *     "PFN ... type ... Block ... type ... Flags ...", the stack, the
 *     migration line, a blank line), so that 6.1's
 *     tools/vm/page_owner_sort sorts it; PFN and Block are altmm's.
 * Where it differs: a record per allocation, kept by its first frame, in
 * a side table of the instance (6.1 keeps one in every page's
 * page_ext); no memcg line; the report grouped by stack (page_owner's
 * later "show_stacks") is a file here, page_owner_stacks, and is also
 * written to the log when an instance is torn down with blocks still
 * allocated.
 *
 * Locking: a record belongs to whoever holds its block, as the frame
 * does; readers of the files see records being written, as 6.1's do.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/migrate_mode.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/sort.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>
#include <linux/vmalloc.h>

#include "page_alloc.h"

#define OWNER_STACK_DEPTH	16

/*
 * The stack depot, looked up when owners are first tracked: a kernel
 * built without it (the UML one of make bench) still loads altmm, and
 * refuses page_owner with a log line.
 */
static struct {
	int (*init)(void);
	depot_stack_handle_t (*save)(unsigned long *entries, unsigned int nr,
				     gfp_t gfp);
	int (*snprint)(depot_stack_handle_t handle, char *buf, size_t size,
		       int spaces);
	void (*print)(depot_stack_handle_t handle);
} depot;

static int depot_get(void)
{
	if (READ_ONCE(depot.print))
		return 0;
	depot.init = symbol_get(stack_depot_init);
	depot.save = symbol_get(stack_depot_save);
	depot.snprint = symbol_get(stack_depot_snprint);
	/* Set last: its being set says the others are. */
	smp_store_release(&depot.print, symbol_get(stack_depot_print));
	return depot.init && depot.save && depot.snprint && depot.print ? 0 : -ENOENT;
}

/**
 * altmm_page_owner_snprint() - a stack of the depot, a frame a line
 * @handle: the stack
 * @buf: where
 * @size: its bytes
 *
 * Return: what the whole stack takes (more than @size when cut).
 */
int altmm_page_owner_snprint(depot_stack_handle_t handle, char *buf, size_t size)
{
	return handle && depot.snprint ? depot.snprint(handle, buf, size, 0) : 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_page_owner_snprint, ALTMM_INTERNAL);

static const char * const migrate_reasons[MR_TYPES] = {
	[MR_COMPACTION]		= "compaction",
	[MR_MEMORY_FAILURE]	= "memory_failure",
	[MR_MEMORY_HOTPLUG]	= "memory_hotplug",
	[MR_SYSCALL]		= "syscall_or_cpuset",
	[MR_MEMPOLICY_MBIND]	= "mempolicy_mbind",
	[MR_NUMA_MISPLACED]	= "numa_misplaced",
	[MR_CONTIG_RANGE]	= "contig_range",
	[MR_LONGTERM_PIN]	= "longterm_pin",
	[MR_DEMOTION]		= "demotion",
};

/**
 * altmm_page_owner_init() - the side table, when the instance tracks owners
 * @sys: instance with its layout
 *
 * Context: process context.
 * Return: 0, -EINVAL when the kernel has no stack depot, or -ENOMEM.
 */
int altmm_page_owner_init(struct altmm_system *sys)
{
	if (!sys->page_owner_on)
		return 0;
	if (depot_get()) {
		pr_err("%s: page_owner: the kernel has no stack depot (CONFIG_STACKDEPOT)\n",
		       sys->name);
		return -EINVAL;
	}
	if (depot.init())
		return -ENOMEM;
	sys->page_owner = vzalloc(array_size(sys->layout.end_pfn,
					     sizeof(*sys->page_owner)));
	return sys->page_owner ? 0 : -ENOMEM;
}

void altmm_page_owner_exit(struct altmm_system *sys)
{
	vfree(sys->page_owner);
	sys->page_owner = NULL;
}

static depot_stack_handle_t save_stack(void)
{
	unsigned long entries[OWNER_STACK_DEPTH];
	unsigned int n = stack_trace_save(entries, ARRAY_SIZE(entries), 2);

	/* Any context may allocate: the depot takes what it can without waiting. */
	return depot.save(entries, n, GFP_NOWAIT | __GFP_NOWARN);
}

/* set_page_owner(): the block at @pfn was just allocated. */
void __altmm_page_owner_alloc(struct altmm_system *sys, unsigned long pfn,
			      unsigned int order, gfp_t gfp)
{
	struct altmm_page_owner *o = &sys->page_owner[pfn];

	o->handle = save_stack();
	o->gfp_mask = gfp;
	o->order = order;
	o->last_migrate_reason = -1;
	o->pid = current->pid;
	o->tgid = current->tgid;
	get_task_comm(o->comm, current);
	o->ts_nsec = local_clock();
	WRITE_ONCE(o->allocated, true);
}

/* __reset_page_owner(): the block at @pfn goes back. */
void __altmm_page_owner_free(struct altmm_system *sys, unsigned long pfn)
{
	struct altmm_page_owner *o = &sys->page_owner[pfn];

	o->free_handle = save_stack();
	o->free_ts_nsec = local_clock();
	WRITE_ONCE(o->allocated, false);
}

/* split_page_owner(): every frame of the block at @pfn is its own. */
void __altmm_page_owner_split(struct altmm_system *sys, unsigned long pfn,
			      unsigned int order)
{
	struct altmm_page_owner *o = &sys->page_owner[pfn];
	unsigned long i;

	o->order = 0;
	for (i = 1; i < BIT(order); i++)
		o[i] = *o;
}

/* folio_copy_owner(): @dst takes @src's record; @src's says it migrated. */
void __altmm_page_owner_migrate(struct altmm_system *sys, unsigned long src,
				unsigned long dst, int reason)
{
	struct altmm_page_owner *s = &sys->page_owner[src];
	struct altmm_page_owner *d = &sys->page_owner[dst];

	d->handle = s->handle;
	d->gfp_mask = s->gfp_mask;
	d->pid = s->pid;
	d->tgid = s->tgid;
	memcpy(d->comm, s->comm, sizeof(d->comm));
	d->ts_nsec = s->ts_nsec;
	d->order = s->order;
	s->last_migrate_reason = reason;
	d->last_migrate_reason = reason;
}

/* === page_owner === */

/* The next held block at or after *@pos; false at the end. */
static bool next_owner(struct altmm_system *sys, loff_t *pos)
{
	for (; *pos < sys->layout.end_pfn; (*pos)++) {
		struct altmm_page_owner *o = &sys->page_owner[*pos];

		if (READ_ONCE(o->allocated) && IS_ALIGNED(*pos, BIT(o->order)) &&
		    altmm_pfn_valid(sys, *pos))
			return true;
		if ((*pos & (SZ_4K - 1)) == SZ_4K - 1)
			cond_resched();
	}
	return false;
}

static void *owner_start(struct seq_file *m, loff_t *pos)
{
	struct altmm_system *sys = m->private;

	return sys->page_owner && next_owner(sys, pos) ? pos : NULL;
}

static void *owner_next(struct seq_file *m, void *v, loff_t *pos)
{
	(*pos)++;
	return next_owner(m->private, pos) ? pos : NULL;
}

static void owner_stop(struct seq_file *m, void *v)
{
}

static void show_stack(struct seq_file *m, depot_stack_handle_t handle)
{
	char *buf;
	size_t len = seq_get_buf(m, &buf);
	int n;

	if (!handle || !len)
		return;
	n = altmm_page_owner_snprint(handle, buf, len);
	/* Too long for what is left: seq_file retries with a larger buffer. */
	seq_commit(m, n < len ? n : -1);
}

static int owner_show(struct seq_file *m, void *v)
{
	struct altmm_system *sys = m->private;
	unsigned long pfn = *(loff_t *)v;
	struct altmm_page_owner o = sys->page_owner[pfn];
	struct page *page = altmm_pfn_to_host_page(sys, pfn);
	int mt = altmm_gfp_migratetype(o.gfp_mask, false);

	seq_printf(m, "Page allocated via order %u, mask %#x(%pGg), pid %d, tgid %d (%s), ts %llu ns, free_ts %llu ns\n",
		   o.order, o.gfp_mask, &o.gfp_mask, o.pid, o.tgid, o.comm,
		   o.ts_nsec, o.free_ts_nsec);
	seq_printf(m, "PFN %lu type %s Block %lu type %s Flags %pGp\n", pfn,
		   altmm_migratetype_names[mt < 0 ? ALTMM_MIGRATE_UNMOVABLE : mt],
		   pfn >> ALTMM_PAGEBLOCK_ORDER,
		   altmm_migratetype_names[altmm_get_pageblock_migratetype(sys, pfn)],
		   &page->flags);
	show_stack(m, o.handle);
	if (o.last_migrate_reason >= 0 && o.last_migrate_reason < MR_TYPES)
		seq_printf(m, "Page has been migrated, last migrate reason: %s\n",
			   migrate_reasons[o.last_migrate_reason]);
	seq_putc(m, '\n');
	return 0;
}

const struct seq_operations altmm_page_owner_seq_ops = {
	.start	= owner_start,
	.next	= owner_next,
	.stop	= owner_stop,
	.show	= owner_show,
};
EXPORT_SYMBOL_NS_GPL(altmm_page_owner_seq_ops, ALTMM_INTERNAL);

/* === Grouped by stack === */

struct owner_stack {
	depot_stack_handle_t handle;
	unsigned long blocks;
	unsigned long frames;
};

static int cmp_handle(const void *a, const void *b)
{
	const struct owner_stack *x = a, *y = b;

	return x->handle < y->handle ? -1 : x->handle > y->handle;
}

static int cmp_frames(const void *a, const void *b)
{
	const struct owner_stack *x = a, *y = b;

	return x->frames > y->frames ? -1 : x->frames < y->frames;
}

/**
 * altmm_page_owner_stacks() - the blocks still held, grouped by the stack
 *	that allocated them, most frames first
 * @sys: instance tracking owners
 * @emit: called for each stack with its blocks and frames
 * @data: passed to @emit
 *
 * Context: process context, may sleep.
 * Return: the blocks held, or -ENOMEM (-ENOENT when @sys tracks no owners).
 */
long altmm_page_owner_stacks(struct altmm_system *sys,
			     void (*emit)(void *data, depot_stack_handle_t handle,
					  unsigned long blocks, unsigned long frames),
			     void *data)
{
	struct owner_stack *s;
	unsigned long pfn, n = 0, groups = 0, i;

	if (!sys->page_owner)
		return -ENOENT;
	s = vmalloc(array_size(sys->layout.end_pfn, sizeof(*s)));
	if (!s)
		return -ENOMEM;
	for (pfn = 0; pfn < sys->layout.end_pfn; pfn++) {
		struct altmm_page_owner *o = &sys->page_owner[pfn];

		if (!READ_ONCE(o->allocated) || !IS_ALIGNED(pfn, BIT(o->order)) ||
		    !altmm_pfn_valid(sys, pfn))
			continue;
		s[n++] = (struct owner_stack){ o->handle, 1, BIT(o->order) };
	}
	sort(s, n, sizeof(*s), cmp_handle, NULL);
	for (i = 0; i < n; i++) {
		if (groups && s[groups - 1].handle == s[i].handle) {
			s[groups - 1].blocks++;
			s[groups - 1].frames += s[i].frames;
		} else {
			s[groups++] = s[i];
		}
	}
	sort(s, groups, sizeof(*s), cmp_frames, NULL);
	for (i = 0; i < groups; i++)
		emit(data, s[i].handle, s[i].blocks, s[i].frames);
	vfree(s);
	return n;
}
EXPORT_SYMBOL_NS_GPL(altmm_page_owner_stacks, ALTMM_INTERNAL);

static void log_stack(void *data, depot_stack_handle_t handle, unsigned long blocks,
		      unsigned long frames)
{
	struct altmm_system *sys = data;

	pr_warn("%s: page_owner: %lu blocks (%lu frames) still allocated from:\n",
		sys->name, blocks, frames);
	if (handle)
		depot.print(handle);
}

/**
 * altmm_page_owner_report_leaks() - what teardown finds still held, by stack
 * @sys: instance being torn down
 *
 * Context: process context.
 */
void altmm_page_owner_report_leaks(struct altmm_system *sys)
{
	if (sys->page_owner)
		altmm_page_owner_stacks(sys, log_stack, sys);
}
