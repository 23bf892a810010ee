// SPDX-License-Identifier: GPL-2.0
/*
 * What an instance shows under debugfs about its memory model; the files
 * shaped like /proc ones (zoneinfo, buddyinfo, ...) are in procfs.c,
 * slabinfo and slab/ in slabinfo.c.
 *
 *   sections            one line per section of the emulated space
 *   layout              the boot-log summary of free_area_init()
 *   memblock/memory     /sys/kernel/debug/memblock/memory
 *   memblock/reserved   /sys/kernel/debug/memblock/reserved
 *   node/nodeN/compact  /sys/devices/system/node/nodeN/compact (write 1)
 *   memory/             /sys/devices/system/memory/: block_size_bytes and
 *                       one memoryN/ per present section (state,
 *                       online_type, valid_zones, phys_index,
 *                       phys_device, removable)
 *
 * The files and their state (&struct altmm_debugfs) belong to this layer,
 * not to the instance: whoever publishes an instance makes them, and
 * removes them before the instance is torn down.  debugfs's proxy fops
 * make a read that races with removal fail cleanly.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/stackdepot.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compaction.h"
#include "memory_hotplug.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "debugfs.h"
#include "ctl.h"
#include "slabinfo.h"
#include "tunables.h"
#include "vmalloc.h"

/* === sections === */

static int sections_show(struct seq_file *m, void *v)
{
	struct altmm_system *sys = m->private;
	const struct altmm_layout *l = &sys->layout;
	unsigned long nr;

	seq_puts(m, "section node zone     state   online  pfns                      host_pfns\n");
	for (nr = 0; nr < l->nr_sections; nr++) {
		const struct altmm_section *sec = &sys->sections[nr];
		unsigned long pfn = nr << ALTMM_PFN_SECTION_SHIFT;
		unsigned long last = pfn + ALTMM_PAGES_PER_SECTION - 1;
		int nid = 0;

		if (!(sec->flags & ALTMM_SECTION_PRESENT)) {
			while (nid + 1 < l->nr_nodes && l->node_range[nid].end <= pfn)
				nid++;
			seq_printf(m, "%7lu %4d %-8s %-7s %-7s %#010lx-%#010lx -\n",
				   nr, nid, "-", "absent", "offline", pfn, last);
			continue;
		}
		seq_printf(m, "%7lu %4d %-8s %-7s %-7s %#010lx-%#010lx %#010lx-%#010lx\n",
			   nr, sec->nid, altmm_zone_names[sec->zone],
			   sec->flags & ALTMM_SECTION_DEVICE ? "device" : "present",
			   sec->flags & ALTMM_SECTION_ONLINE ? "online" : "offline",
			   pfn, last, sec->host_pfn,
			   sec->host_pfn + ALTMM_PAGES_PER_SECTION - 1);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sections);

/* === layout === */

/*
 * The layout is rendered line by line into a sink that either prints
 * each line (at load) or puts it in a seq_file (on read): no buffer holds
 * the whole text, whose CPU map grows with nr_cpu_ids.  Every line is
 * bounded: the longest is a CPU map line, LAYOUT_CPUS_PER_LINE entries of
 * at most " 99999:255".
 */
#define LAYOUT_CPUS_PER_LINE	16
#define LAYOUT_LINE_MAX		192

static_assert(sizeof("CPU to node:") + LAYOUT_CPUS_PER_LINE * sizeof(" 99999:255") <
	      LAYOUT_LINE_MAX);

struct layout_sink {
	altmm_layout_emit_t emit;
	void *ctx;
	unsigned int len;
	char line[LAYOUT_LINE_MAX];
};

/* Add to the current line; one that would not fit is cut, with a WARN. */
static __printf(2, 3) void sink_add(struct layout_sink *s, const char *fmt, ...)
{
	size_t room = sizeof(s->line) - s->len;
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(s->line + s->len, room, fmt, args);
	va_end(args);
	if (WARN_ON_ONCE(n >= (int)room))
		n = room - 1;
	s->len += n;
}

/* Hand the current line (without its newline) to the sink's owner. */
static void sink_end(struct layout_sink *s)
{
	s->line[s->len] = '\0';
	s->emit(s->ctx, s->line);
	s->len = 0;
}

/**
 * altmm_layout_show() - the boot-log summary of a layout, line by line
 * @l: a built layout
 * @nr_cpus: entries of @l->cpu_node to show (nr_cpu_ids for a real one)
 * @emit: called once per line, the line without its newline; the line is
 *	gone when @emit returns
 * @ctx: for @emit
 *
 * The first part has the shape of 6.1's free_area_init() messages ("Zone
 * ranges:", "Movable zone start for each node", "Early memory node
 * ranges", "Initmem setup node"); altmm then adds its node distances (as
 * numactl --hardware prints them), the CPU-to-node map, at most
 * %LAYOUT_CPUS_PER_LINE CPUs a line, each line starting "CPU to node:",
 * and the section count.
 *
 * Context: any context @emit may run in; allocates nothing.
 */
void altmm_layout_show(const struct altmm_layout *l, unsigned int nr_cpus,
		       altmm_layout_emit_t emit, void *ctx)
{
	struct layout_sink s = { .emit = emit, .ctx = ctx };
	unsigned long nr, present = 0;
	unsigned int cpu;
	int i, j, zt;

	sink_add(&s, "Zone ranges:");
	sink_end(&s);
	for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
		if (zt == ALTMM_ZONE_MOVABLE)
			continue;
		sink_add(&s, "  %-8s ", altmm_zone_names[zt]);
		if (l->zone_low[zt] == l->zone_high[zt])
			sink_add(&s, "empty");
		else
			sink_add(&s, "[mem %#018llx-%#018llx]",
				 (u64)l->zone_low[zt] << PAGE_SHIFT,
				 ((u64)l->zone_high[zt] << PAGE_SHIFT) - 1);
		sink_end(&s);
	}
	sink_add(&s, "Movable zone start for each node");
	sink_end(&s);
	for (i = 0; i < l->nr_nodes; i++) {
		if (!l->zone_movable_pfn[i])
			continue;
		sink_add(&s, "  Node %d: %#018llx", i,
			 (u64)l->zone_movable_pfn[i] << PAGE_SHIFT);
		sink_end(&s);
	}
	sink_add(&s, "Early memory node ranges");
	sink_end(&s);
	for (i = 0; i < l->nr_mem; i++) {
		sink_add(&s, "  node %3d: [mem %#018llx-%#018llx]",
			 l->mem[i].nid, (u64)l->mem[i].start << PAGE_SHIFT,
			 ((u64)l->mem[i].end << PAGE_SHIFT) - 1);
		sink_end(&s);
	}
	for (i = 0; i < l->nr_nodes; i++) {
		unsigned long start, end;

		altmm_layout_node_mem_span(l, i, &start, &end);
		if (start == end)
			sink_add(&s, "Initializing node %d as memoryless", i);
		else
			sink_add(&s, "Initmem setup node %d [mem %#018llx-%#018llx]",
				 i, (u64)start << PAGE_SHIFT,
				 ((u64)end << PAGE_SHIFT) - 1);
		sink_end(&s);
	}

	sink_add(&s, "node distances:");
	sink_end(&s);
	sink_add(&s, "node ");
	for (i = 0; i < l->nr_nodes; i++)
		sink_add(&s, "%4d", i);
	sink_end(&s);
	for (i = 0; i < l->nr_nodes; i++) {
		sink_add(&s, "  %2d:", i);
		for (j = 0; j < l->nr_nodes; j++)
			sink_add(&s, "%4d", l->distance[i][j]);
		sink_end(&s);
	}
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		if (cpu % LAYOUT_CPUS_PER_LINE == 0)
			sink_add(&s, "CPU to node:");
		sink_add(&s, " %u:%u", cpu, l->cpu_node[cpu]);
		if (cpu % LAYOUT_CPUS_PER_LINE == LAYOUT_CPUS_PER_LINE - 1 ||
		    cpu == nr_cpus - 1)
			sink_end(&s);
	}
	for (nr = 0; nr < l->nr_sections; nr++)
		present += !altmm_layout_pfn_absent(l, nr << ALTMM_PFN_SECTION_SHIFT);
	sink_add(&s, "Sections: %lu of %uM, %lu present, %lu absent",
		 l->nr_sections, ALTMM_SECTION_MB, present,
		 l->nr_sections - present);
	sink_end(&s);
}
EXPORT_SYMBOL_NS_GPL(altmm_layout_show, ALTMM_INTERNAL);

static void layout_emit_seq(void *ctx, const char *line)
{
	struct seq_file *m = ctx;

	seq_puts(m, line);
	seq_putc(m, '\n');
}

static int layout_show(struct seq_file *m, void *v)
{
	struct altmm_system *sys = m->private;

	altmm_layout_show(&sys->layout, nr_cpu_ids, layout_emit_seq, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(layout);

static void layout_emit_log(void *ctx, const char *line)
{
	pr_info("%s\n", line);
}

/**
 * altmm_layout_print() - write an instance's layout to the kernel log
 * @sys: a built instance
 *
 * The lines of the debugfs file "layout", one log line each, as the
 * kernel logs its own at boot.
 *
 * Context: process context.
 */
void altmm_layout_print(const struct altmm_system *sys)
{
	altmm_layout_show(&sys->layout, nr_cpu_ids, layout_emit_log, NULL);
}

/* === node/ === */

/* node/nodeN/compact: a write of 1 compacts the node (compact_store()). */
static ssize_t node_compact_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct altmm_node *node = file->private_data;
	const char *why;
	int ret;

	ret = altmm_tunables_parse_trigger(ubuf, count, &why);
	if (ret == -EINVAL)
		pr_warn("%s: node/node%d/compact: write refused: %s\n",
			node->sys->name, node->nid, why);
	if (!ret)
		ret = altmm_compact_node(node->sys, node->nid, NULL);
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

static const struct file_operations node_compact_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= node_compact_write,
	.llseek	= default_llseek,
};

static void node_files_create(struct altmm_system *sys, struct dentry *dir)
{
	struct dentry *nodes = debugfs_create_dir("node", dir);
	struct dentry *node_dirs[ALTMM_MAX_NUMNODES];
	struct altmm_node *node;
	char name[16];
	int nid;

	for_each_altmm_node(sys, node, nid) {
		snprintf(name, sizeof(name), "node%d", nid);
		node_dirs[nid] = debugfs_create_dir(name, nodes);
		debugfs_create_file("compact", 0200, node_dirs[nid], node,
				    &node_compact_fops);
	}
	altmm_procfs_node_files(sys, nodes, node_dirs);
}

/* === fail_page_alloc/ and failslab/ === */

/*
 * The files of fault_create_debugfs_attr() and of each user's own knobs,
 * with the kernel's names, modes and formats (fault.c has the rules).
 * The kernel's debugfs files take a bad write silently (a boolean's) or
 * quietly (a number's); these refuse it with EINVAL and a log line, and
 * every value they take is one the rules take as it is.
 */
enum fault_knob {
	KNOB_ULONG,	/* debugfs_create_ulong(): "%lu" */
	KNOB_INT,	/* debugfs_create_atomic_t(): "%d", signed */
	KNOB_U32,	/* debugfs_create_u32(): "%u" */
	KNOB_BOOL,	/* debugfs_create_bool(): "Y" or "N" */
};

static ssize_t knob_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos, enum fault_knob type)
{
	void *v = file->private_data;
	char buf[32];
	int len;

	switch (type) {
	case KNOB_ULONG:
		len = scnprintf(buf, sizeof(buf), "%lu\n", READ_ONCE(*(unsigned long *)v));
		break;
	case KNOB_INT:
		len = scnprintf(buf, sizeof(buf), "%d\n", atomic_read((atomic_t *)v));
		break;
	case KNOB_U32:
		len = scnprintf(buf, sizeof(buf), "%u\n", READ_ONCE(*(u32 *)v));
		break;
	default:
		len = scnprintf(buf, sizeof(buf), "%c\n", READ_ONCE(*(bool *)v) ? 'Y' : 'N');
		break;
	}
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t knob_write(struct file *file, const char __user *ubuf, size_t count,
			  loff_t *ppos, enum fault_knob type)
{
	static const char * const what[] = {
		[KNOB_ULONG] = "a number 0..ULONG_MAX", [KNOB_INT] = "an int",
		[KNOB_U32] = "a number 0..4294967295", [KNOB_BOOL] = "Y or N (1, 0)",
	};
	void *v = file->private_data;
	char buf[32], *s;
	unsigned long ul;
	bool b;
	int ret, i;
	u32 u;

	if (count >= sizeof(buf)) {
		pr_warn("%pd3: write refused: %zu bytes\n", file->f_path.dentry, count);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	s = strim(buf);
	switch (type) {
	case KNOB_ULONG:
		ret = kstrtoul(s, 0, &ul);
		if (!ret)
			WRITE_ONCE(*(unsigned long *)v, ul);
		break;
	case KNOB_INT:
		ret = kstrtoint(s, 0, &i);
		if (!ret)
			atomic_set((atomic_t *)v, i);
		break;
	case KNOB_U32:
		ret = kstrtou32(s, 0, &u);
		if (!ret)
			WRITE_ONCE(*(u32 *)v, u);
		break;
	default:
		ret = kstrtobool(s, &b);
		if (!ret)
			WRITE_ONCE(*(bool *)v, b);
		break;
	}
	if (ret) {
		pr_warn("%pd3: write refused: '%s' is not %s\n", file->f_path.dentry, s,
			what[type]);
		return -EINVAL;
	}
	return count;
}

#define FAULT_KNOB_FOPS(_name, _type)						\
static ssize_t _name##_read(struct file *f, char __user *u, size_t n, loff_t *p)	\
{										\
	return knob_read(f, u, n, p, _type);					\
}										\
static ssize_t _name##_write(struct file *f, const char __user *u, size_t n,	\
			     loff_t *p)						\
{										\
	return knob_write(f, u, n, p, _type);					\
}										\
static const struct file_operations _name##_fops = {				\
	.owner	= THIS_MODULE,							\
	.open	= simple_open,							\
	.read	= _name##_read,							\
	.write	= _name##_write,						\
	.llseek	= default_llseek,						\
}

FAULT_KNOB_FOPS(knob_ulong, KNOB_ULONG);
FAULT_KNOB_FOPS(knob_int, KNOB_INT);
FAULT_KNOB_FOPS(knob_u32, KNOB_U32);
FAULT_KNOB_FOPS(knob_bool, KNOB_BOOL);

static struct dentry *fault_dir_create(struct altmm_fault_attr *attr,
				       struct dentry *dir)
{
	umode_t mode = S_IFREG | 0600;
	struct dentry *d = debugfs_create_dir(attr->name, dir);

	debugfs_create_file("probability", mode, d, &attr->probability, &knob_ulong_fops);
	debugfs_create_file("interval", mode, d, &attr->interval, &knob_ulong_fops);
	debugfs_create_file("times", mode, d, &attr->times, &knob_int_fops);
	debugfs_create_file("space", mode, d, &attr->space, &knob_int_fops);
	debugfs_create_file("verbose", mode, d, &attr->verbose, &knob_ulong_fops);
	/* The kernel's file writes the ratelimit's interval as it is: jiffies. */
	debugfs_create_file("verbose_ratelimit_interval_ms", mode, d,
			    &attr->ratelimit_state.interval, &knob_u32_fops);
	debugfs_create_file("verbose_ratelimit_burst", mode, d,
			    &attr->ratelimit_state.burst, &knob_u32_fops);
	debugfs_create_file("task-filter", mode, d, &attr->task_filter, &knob_bool_fops);
	debugfs_create_file("ignore-gfp-wait", mode, d, &attr->ignore_gfp_reclaim,
			    &knob_bool_fops);
	return d;
}

static void fault_files_create(struct altmm_system *sys, struct dentry *dir)
{
	umode_t mode = S_IFREG | 0600;
	struct dentry *d;

	d = fault_dir_create(&sys->fail_page_alloc, dir);
	debugfs_create_file("ignore-gfp-highmem", mode, d,
			    &sys->fail_page_alloc.ignore_gfp_highmem, &knob_bool_fops);
	debugfs_create_file("min-order", mode, d, &sys->fail_page_alloc.min_order,
			    &knob_u32_fops);
	d = fault_dir_create(&sys->failslab, dir);
	debugfs_create_file("cache-filter", mode, d, &sys->failslab.cache_filter,
			    &knob_bool_fops);
}

/* === page_owner and page_owner_stacks === */

static int page_owner_open(struct inode *inode, struct file *file)
{
	int ret = seq_open(file, &altmm_page_owner_seq_ops);

	if (!ret)
		((struct seq_file *)file->private_data)->private = inode->i_private;
	return ret;
}

static const struct file_operations page_owner_fops = {
	.owner		= THIS_MODULE,
	.open		= page_owner_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= seq_release,
};

static void show_owner_stack(void *data, depot_stack_handle_t handle,
			     unsigned long blocks, unsigned long frames)
{
	struct seq_file *m = data;
	char *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);

	seq_printf(m, "%lu blocks, %lu frames, allocated from:\n", blocks, frames);
	if (buf && handle) {
		altmm_page_owner_snprint(handle, buf, PAGE_SIZE);
		seq_puts(m, buf);
	}
	seq_putc(m, '\n');
	kfree(buf);
}

/* What is held now, by allocating stack, most frames first. */
static int page_owner_stacks_show(struct seq_file *m, void *v)
{
	long n = altmm_page_owner_stacks(m->private, show_owner_stack, m);

	return n < 0 ? n : 0;
}
DEFINE_SHOW_ATTRIBUTE(page_owner_stacks);

/**
 * struct altmm_debugfs - what the files of one instance keep
 * @sys: the instance shown
 * @dir: its directory, removed with everything in it
 * @ctl: the ctl file's state (ctl.c), or NULL
 * @slabinfo: the slab files' state (slabinfo.c), or NULL
 * @blocks: what the memory/memoryN/ files point to, one per section,
 *	or NULL
 * @memory: the memory/ directory
 * @memory_lock: memoryN/ directories come and go under it (probe, remove)
 *
 * The instance knows nothing of it: it is made and freed by whoever
 * publishes the instance (main.c, for the default one).
 */
struct altmm_debugfs {
	struct altmm_system *sys;
	struct dentry *dir;
	struct altmm_ctl *ctl;
	struct altmm_slabinfo *slabinfo;
	struct altmm_memory_block *blocks;
	struct dentry *memory;
	struct mutex memory_lock;	/* memoryN/ directories */
};

/* === memory/ === */

/**
 * struct altmm_memory_block - what the files of one memoryN/ point to
 * @sys: the instance
 * @nr: the section (altmm's memory block is one section)
 * @dir: its memoryN/, or NULL while the section is absent
 */
struct altmm_memory_block {
	struct altmm_system *sys;
	unsigned long nr;
	struct dentry *dir;
};

static int block_size_bytes_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%lx\n", (unsigned long)ALTMM_PAGES_PER_SECTION << PAGE_SHIFT);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(block_size_bytes);

static int memory_state_show(struct seq_file *m, void *v)
{
	const struct altmm_memory_block *mb = m->private;

	seq_printf(m, "%s\n", altmm_section_state_name(mb->sys, mb->nr));
	return 0;
}

/*
 * online_type: what the block is online as, or "offline".  6.1 has no
 * such file per block (the choice rides on state writes); altmm's
 * reads back the zone's kind and takes the same writes as state.
 */
static int memory_online_type_show(struct seq_file *m, void *v)
{
	const struct altmm_memory_block *mb = m->private;
	const struct altmm_section *sec = &mb->sys->sections[mb->nr];
	int type = ALTMM_MMOP_OFFLINE;

	if (READ_ONCE(sec->flags) & ALTMM_SECTION_ONLINE)
		type = sec->zone == ALTMM_ZONE_MOVABLE ? ALTMM_MMOP_ONLINE_MOVABLE :
							 ALTMM_MMOP_ONLINE_KERNEL;
	seq_printf(m, "%s\n", altmm_online_type_names[type]);
	return 0;
}

/*
 * valid_zones_show(): an online block's zone; for an offline one the
 * default zone, then those online_kernel and online_movable would pick
 * when they differ (never, in altmm: see memory_hotplug.c).
 */
static int memory_valid_zones_show(struct seq_file *m, void *v)
{
	const struct altmm_memory_block *mb = m->private;
	const struct altmm_section *sec = &mb->sys->sections[mb->nr];
	struct altmm_zone *def, *zone;
	int type;

	if (READ_ONCE(sec->flags) & ALTMM_SECTION_ONLINE) {
		seq_printf(m, "%s\n", altmm_zone_names[sec->zone]);
		return 0;
	}
	def = altmm_hotplug_zone_for(mb->sys, mb->nr, ALTMM_MMOP_ONLINE);
	if (!def) {
		seq_puts(m, "none\n");
		return 0;
	}
	seq_puts(m, altmm_zone_names[def->type]);
	for (type = ALTMM_MMOP_ONLINE_KERNEL; type <= ALTMM_MMOP_ONLINE_MOVABLE; type++) {
		zone = altmm_hotplug_zone_for(mb->sys, mb->nr, type);
		if (zone && zone != def)
			seq_printf(m, " %s", altmm_zone_names[zone->type]);
	}
	seq_putc(m, '\n');
	return 0;
}

static int memory_phys_index_show(struct seq_file *m, void *v)
{
	const struct altmm_memory_block *mb = m->private;

	seq_printf(m, "%08lx\n", mb->nr);
	return 0;
}

/* phys_device and removable print what 6.1 prints on x86 with HOTREMOVE. */
static int memory_phys_device_show(struct seq_file *m, void *v)
{
	seq_puts(m, "0\n");
	return 0;
}

static int memory_removable_show(struct seq_file *m, void *v)
{
	seq_puts(m, "1\n");
	return 0;
}

/* state_store(): offline, online, online_kernel, online_movable. */
static ssize_t memory_state_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct altmm_memory_block *mb = file_inode(file)->i_private;
	const char *name = file->f_path.dentry->d_name.name;
	char buf[24];
	int type, ret;

	if (*ppos)
		return -EINVAL;
	if (!count || count >= sizeof(buf) || copy_from_user(buf, ubuf, count)) {
		pr_warn("%s: memory/memory%lu/%s: write refused: expected offline, online, online_kernel or online_movable\n",
			mb->sys->name, mb->nr, name);
		return count && count < sizeof(buf) ? -EFAULT : -EINVAL;
	}
	buf[count] = '\0';
	type = altmm_online_type_from_str(buf);
	if (type < 0) {
		pr_warn("%s: memory/memory%lu/%s: write refused: expected offline, online, online_kernel or online_movable\n",
			mb->sys->name, mb->nr, name);
		return -EINVAL;
	}
	if (type == ALTMM_MMOP_OFFLINE)
		ret = altmm_offline_section(mb->sys, mb->nr);
	else
		ret = altmm_online_section(mb->sys, mb->nr, type);
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

#define MEMORY_BLOCK_FILE(_name, _write)					\
static int memory_##_name##_open(struct inode *inode, struct file *file)	\
{										\
	return single_open(file, memory_##_name##_show, inode->i_private);	\
}										\
static const struct file_operations memory_##_name##_fops = {		\
	.owner		= THIS_MODULE,						\
	.open		= memory_##_name##_open,				\
	.read		= seq_read,						\
	.write		= _write,						\
	.llseek		= seq_lseek,						\
	.release	= single_release,					\
}

MEMORY_BLOCK_FILE(state, memory_state_write);
MEMORY_BLOCK_FILE(online_type, memory_state_write);
MEMORY_BLOCK_FILE(valid_zones, NULL);
MEMORY_BLOCK_FILE(phys_index, NULL);
MEMORY_BLOCK_FILE(phys_device, NULL);
MEMORY_BLOCK_FILE(removable, NULL);

static void memory_block_dir_create(struct altmm_memory_block *mb, struct dentry *mem)
{
	char name[24];
	struct dentry *d;

	snprintf(name, sizeof(name), "memory%lu", mb->nr);
	d = debugfs_create_dir(name, mem);
	debugfs_create_file("state", 0644, d, mb, &memory_state_fops);
	debugfs_create_file("online_type", 0644, d, mb, &memory_online_type_fops);
	debugfs_create_file("valid_zones", 0444, d, mb, &memory_valid_zones_fops);
	debugfs_create_file("phys_index", 0444, d, mb, &memory_phys_index_fops);
	debugfs_create_file("phys_device", 0444, d, mb, &memory_phys_device_fops);
	debugfs_create_file("removable", 0444, d, mb, &memory_removable_fops);
	mb->dir = d;
}

/*
 * probe (probe_store()) and remove: a physical address, block aligned,
 * in any base kstrtoull() takes.  Returns the section, or -EINVAL with
 * a log line naming the file.
 */
static long memory_parse_block(struct altmm_system *sys, const char *file,
			       const char __user *ubuf, size_t count)
{
	char buf[32];
	u64 phys;

	if (!count || count >= sizeof(buf) || copy_from_user(buf, ubuf, count))
		goto bad;
	buf[count] = '\0';
	if (kstrtou64(strim(buf), 0, &phys) || phys & (((u64)1 << ALTMM_SECTION_SHIFT) - 1) ||
	    (phys >> ALTMM_SECTION_SHIFT) >= sys->layout.nr_sections)
		goto bad;
	return phys >> ALTMM_SECTION_SHIFT;
bad:
	pr_warn("%s: memory/%s: write refused: expected the physical address of a memory block (a multiple of %#lx below %#llx)\n",
		sys->name, file, 1UL << ALTMM_SECTION_SHIFT,
		(u64)sys->layout.nr_sections << ALTMM_SECTION_SHIFT);
	return -EINVAL;
}

/* probe: hot-add the section at that address, offline (add_memory()). */
static ssize_t memory_probe_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct altmm_debugfs *d = file->private_data;
	long nr = memory_parse_block(d->sys, "probe", ubuf, count);
	int ret;

	if (nr < 0)
		return nr;
	mutex_lock(&d->memory_lock);
	ret = altmm_add_memory(d->sys, nr);
	if (!ret && d->blocks) {
		d->blocks[nr].sys = d->sys;
		d->blocks[nr].nr = nr;
		memory_block_dir_create(&d->blocks[nr], d->memory);
	}
	mutex_unlock(&d->memory_lock);
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

/* remove: hot-remove the offline section at that address (remove_memory()). */
static ssize_t memory_remove_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct altmm_debugfs *d = file->private_data;
	long nr = memory_parse_block(d->sys, "remove", ubuf, count);
	int ret;

	if (nr < 0)
		return nr;
	mutex_lock(&d->memory_lock);
	ret = altmm_remove_memory(d->sys, nr);
	if (!ret && d->blocks) {
		debugfs_remove(d->blocks[nr].dir);
		d->blocks[nr].dir = NULL;
	}
	mutex_unlock(&d->memory_lock);
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

static const struct file_operations memory_probe_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= memory_probe_write,
	.llseek	= default_llseek,
};

static const struct file_operations memory_remove_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= memory_remove_write,
	.llseek	= default_llseek,
};

/* One memoryN/ per present section that is memory (not device). */
static void memory_files_create(struct altmm_debugfs *d, struct dentry *dir)
{
	struct altmm_system *sys = d->sys;
	unsigned long nr;

	mutex_init(&d->memory_lock);
	d->memory = debugfs_create_dir("memory", dir);
	debugfs_create_file("block_size_bytes", 0444, d->memory, sys, &block_size_bytes_fops);
	d->blocks = kcalloc(sys->layout.nr_sections, sizeof(*d->blocks), GFP_KERNEL);
	if (!d->blocks)
		return;
	debugfs_create_file("probe", 0200, d->memory, d, &memory_probe_fops);
	debugfs_create_file("remove", 0200, d->memory, d, &memory_remove_fops);
	for (nr = 0; nr < sys->layout.nr_sections; nr++) {
		const struct altmm_section *sec = &sys->sections[nr];
		struct altmm_memory_block *mb = &d->blocks[nr];

		if (!(sec->flags & ALTMM_SECTION_PRESENT) || (sec->flags & ALTMM_SECTION_DEVICE))
			continue;
		mb->sys = sys;
		mb->nr = nr;
		memory_block_dir_create(mb, d->memory);
	}
}

/* === memblock/ === */

static int memblock_show(struct seq_file *m, void *v)
{
	const struct altmm_mb_type *type = m->private;
	unsigned int i;

	/* %pa of a 64-bit phys_addr_t, spelled out for any architecture. */
	for (i = 0; i < type->cnt; i++)
		seq_printf(m, "%4d: 0x%016llx..0x%016llx\n", i,
			   type->regions[i].base,
			   type->regions[i].base + type->regions[i].size - 1);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(memblock);

/**
 * altmm_debugfs_create() - publish an instance's files
 * @sys: a fully built instance
 * @dir: its directory (created by the caller); removed by
 *	altmm_debugfs_destroy() from now on
 *
 * Context: process context.
 * Return: the files' state; NULL (having removed @dir) without memory.
 */
struct altmm_debugfs *altmm_debugfs_create(struct altmm_system *sys,
					   struct dentry *dir)
{
	struct altmm_debugfs *d = kzalloc(sizeof(*d), GFP_KERNEL);
	struct dentry *mb;

	if (!d) {
		debugfs_remove(dir);
		return NULL;
	}
	d->sys = sys;
	d->dir = dir;
	altmm_procfs_create(sys, dir);
	d->ctl = altmm_ctl_create(sys, dir);
	altmm_tunables_create(sys, dir);
	d->slabinfo = altmm_slabinfo_create(sys, dir);
	altmm_vmalloc_debugfs_create(sys, dir);
	debugfs_create_file("sections", 0444, dir, sys, &sections_fops);
	debugfs_create_file("layout", 0444, dir, sys, &layout_fops);
	node_files_create(sys, dir);
	fault_files_create(sys, dir);
	if (sys->page_owner) {
		debugfs_create_file("page_owner", 0400, dir, sys, &page_owner_fops);
		debugfs_create_file("page_owner_stacks", 0400, dir, sys,
				    &page_owner_stacks_fops);
	}
	memory_files_create(d, dir);
	mb = debugfs_create_dir("memblock", dir);
	debugfs_create_file("memory", 0444, mb, &sys->memblock.memory,
			    &memblock_fops);
	debugfs_create_file("reserved", 0444, mb, &sys->memblock.reserved,
			    &memblock_fops);
	return d;
}

/**
 * altmm_debugfs_destroy() - withdraw an instance's files and free their state
 * @d: from altmm_debugfs_create(), or NULL
 *
 * Frees what the ctl file still holds, so it runs while the instance is
 * whole, before altmm_system_destroy().
 *
 * Context: process context; returns once no reader is inside a show().
 */
void altmm_debugfs_destroy(struct altmm_debugfs *d)
{
	if (!d)
		return;
	altmm_slabinfo_remove(d->slabinfo);
	debugfs_remove(d->dir);
	altmm_ctl_release(d->ctl);
	kfree(d->blocks);
	kfree(d);
}
