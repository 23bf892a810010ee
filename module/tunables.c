// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/altmm/vm/: the page allocator's /proc/sys/vm knobs,
 * one file each, read and written as the kernel's sysctls are.
 *
 *   min_free_kbytes                 >= 0; also becomes user_min_free_kbytes,
 *                                   so it is no longer derived
 *   watermark_scale_factor          1..3000
 *   lowmem_reserve_ratio            one value per zone type (DMA, DMA32,
 *                                   Normal, HighMem, Movable, Device);
 *                                   values below 1 become 0
 *   percpu_pagelist_high_fraction   0, or 8 and more
 *   page_group_by_mobility_disabled 0 or 1: anti-fragmentation off (the
 *                                   kernel sets it itself on small
 *                                   machines; here a person may)
 *   swappiness                      0..200: how readily reclaim takes
 *                                   anonymous user pages rather than file
 *                                   pages (vmscan.c)
 *   dirty_background_ratio          0..100: dirty file pages, in percent of
 *                                   free and file memory, that wake the
 *                                   flusher (filemap.c)
 *   dirty_ratio                     0..100: the percentage at which a
 *                                   writer writes back its own pages
 *   dirty_expire_centisecs          >= 0: age at which the flusher writes
 *                                   a dirty page back
 *   dirty_writeback_centisecs       >= 0: the flusher's period (0: only
 *                                   when woken)
 *   watermark_boost_factor          >= 0: how far a fallback that steals a
 *                                   pageblock may raise the watermarks, in
 *                                   1/10000 of the high one (buddy.c)
 *   compaction_proactiveness        0..100: how hard kcompactd compacts in
 *                                   the background (compaction.c); a write
 *                                   of a value above 0 starts a round
 *   extfrag_threshold               0..1000: the fragmentation index at or
 *                                   below which compaction leaves a zone
 *                                   alone for a costly order (compaction.c)
 *   compact_memory                  write-only: writing 1 compacts every
 *                                   zone of every node
 *
 * Reading prints what proc_dointvec() prints: the values separated by
 * tabs, then a newline.  A write is parsed as proc_dointvec_minmax()
 * parses (whitespace-separated decimal, 0x hex or 0-octal integers), and
 * as there, a vector may be written in part: lowmem_reserve_ratio takes 1
 * to 6 values and changes that many leading entries.  Where 6.1 applies
 * the values it parsed before the first bad one (lowmem_reserve_ratio) or
 * ignores trailing values, altmm refuses the whole write with -EINVAL and
 * a log line and changes nothing.
 *
 * A good write stores the values and recomputes everything they decide
 * (altmm_setup_watermarks()) under &altmm_system.tune_lock, so concurrent
 * writers apply one after the other and readers of the watermarks see
 * either the old or the new set per zone.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compaction.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "tunables.h"

/* As the sysctl code: the first page of a write, less the NUL. */
#define TUNABLE_WRITE_MAX	(PAGE_SIZE - 1)

/**
 * struct tunable - one file of vm/
 * @name: file name, as under /proc/sys/vm
 * @offset: the field in &struct altmm_tunables
 * @nr: values in the field (an int or an array of int)
 * @min: smallest value accepted
 * @max: largest value accepted
 * @check: a further rule on the values, or NULL; returns why they are refused
 * @fixup: how values are stored, or NULL
 * @changed: what else a new value starts, or NULL (called after the store)
 * @fops: the file's operations; handlers find the tunable from them
 */
struct tunable {
	const char *name;
	size_t offset;
	int nr;
	int min;
	int max;
	const char *(*check)(const int *vals, int nr);
	void (*fixup)(int *vals, int nr);
	void (*changed)(struct altmm_system *sys);
	const struct file_operations fops;
};

static const char *check_high_fraction(const int *vals, int nr)
{
	/* MIN_PERCPU_PAGELIST_HIGH_FRACTION: avoid a pcp imbalance. */
	if (vals[0] && vals[0] < 8)
		return "must be 0 or at least 8";
	return NULL;
}

static void fixup_ratio(int *vals, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		if (vals[i] < 1)
			vals[i] = 0;
}

static ssize_t tunable_read(struct file *file, char __user *ubuf, size_t count,
			    loff_t *ppos);
static ssize_t tunable_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos);

#define TUNABLE_FOPS {				\
	.owner	= THIS_MODULE,			\
	.open	= simple_open,			\
	.read	= tunable_read,			\
	.write	= tunable_write,		\
	.llseek	= default_llseek,		\
}

static const struct tunable tunables[] = {
	{
		.name	= "min_free_kbytes",
		.offset	= offsetof(struct altmm_tunables, min_free_kbytes),
		.nr	= 1,
		.min	= 0,
		.max	= INT_MAX,
		.fops	= TUNABLE_FOPS,
	}, {
		.name	= "watermark_scale_factor",
		.offset	= offsetof(struct altmm_tunables, watermark_scale_factor),
		.nr	= 1,
		.min	= 1,
		.max	= 3000,
		.fops	= TUNABLE_FOPS,
	}, {
		.name	= "lowmem_reserve_ratio",
		.offset	= offsetof(struct altmm_tunables, lowmem_reserve_ratio),
		.nr	= ALTMM_NR_ZONES,
		.min	= INT_MIN,
		.max	= INT_MAX,
		.fixup	= fixup_ratio,
		.fops	= TUNABLE_FOPS,
	}, {
		.name	= "percpu_pagelist_high_fraction",
		.offset	= offsetof(struct altmm_tunables, percpu_pagelist_high_fraction),
		.nr	= 1,
		.min	= 0,
		.max	= INT_MAX,
		.check	= check_high_fraction,
		.fops	= TUNABLE_FOPS,
	}, {
		.name	= "page_group_by_mobility_disabled",
		.offset	= offsetof(struct altmm_tunables, page_group_by_mobility_disabled),
		.nr	= 1,
		.min	= 0,
		.max	= 1,
		.fops	= TUNABLE_FOPS,
	}, {
		.name	= "swappiness",
		.offset	= offsetof(struct altmm_tunables, swappiness),
		.nr	= 1,
		.min	= 0,
		.max	= 200,
		.fops	= TUNABLE_FOPS,
	}, {
		.name	= "dirty_background_ratio",
		.offset	= offsetof(struct altmm_tunables, dirty_background_ratio),
		.nr	= 1,
		.min	= 0,
		.max	= 100,
		.fops	= TUNABLE_FOPS,
	}, {
		.name	= "dirty_ratio",
		.offset	= offsetof(struct altmm_tunables, dirty_ratio),
		.nr	= 1,
		.min	= 0,
		.max	= 100,
		.fops	= TUNABLE_FOPS,
	}, {
		.name	= "dirty_expire_centisecs",
		.offset	= offsetof(struct altmm_tunables, dirty_expire_centisecs),
		.nr	= 1,
		.min	= 0,
		.max	= INT_MAX,
		.fops	= TUNABLE_FOPS,
	}, {
		.name	= "dirty_writeback_centisecs",
		.offset	= offsetof(struct altmm_tunables, dirty_writeback_centisecs),
		.nr	= 1,
		.min	= 0,
		.max	= INT_MAX,
		.fops	= TUNABLE_FOPS,
	}, {
		.name	= "watermark_boost_factor",
		.offset	= offsetof(struct altmm_tunables, watermark_boost_factor),
		.nr	= 1,
		.min	= 0,
		.max	= INT_MAX,
		.fops	= TUNABLE_FOPS,
	}, {
		.name	= "compaction_proactiveness",
		.offset	= offsetof(struct altmm_tunables, compaction_proactiveness),
		.nr	= 1,
		.min	= 0,
		.max	= 100,
		.changed = altmm_compaction_proactiveness_changed,
		.fops	= TUNABLE_FOPS,
	}, {
		.name	= "extfrag_threshold",
		.offset	= offsetof(struct altmm_tunables, extfrag_threshold),
		.nr	= 1,
		.min	= 0,
		.max	= 1000,
		.fops	= TUNABLE_FOPS,
	},
};

static_assert(sizeof_field(struct altmm_tunables, lowmem_reserve_ratio) ==
	      ALTMM_NR_ZONES * sizeof(int));

static const struct tunable *file_tunable(struct file *file)
{
	return container_of(debugfs_real_fops(file), const struct tunable, fops);
}

static int *tunable_field(struct altmm_system *sys, const struct tunable *t)
{
	return (int *)((char *)&sys->tune + t->offset);
}

/* === Reading === */

static ssize_t tunable_read(struct file *file, char __user *ubuf, size_t count,
			    loff_t *ppos)
{
	const struct tunable *t = file_tunable(file);
	struct altmm_system *sys = file->private_data;
	const int *field = tunable_field(sys, t);
	char buf[ALTMM_NR_ZONES * 12 + 1];
	int i, len = 0;

	for (i = 0; i < t->nr; i++)
		len += scnprintf(buf + len, sizeof(buf) - len, "%s%d",
				 i ? "\t" : "", READ_ONCE(field[i]));
	len += scnprintf(buf + len, sizeof(buf) - len, "\n");
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/* === Writing === */

/**
 * altmm_tunables_parse_ints() - integers as proc_dointvec() reads them
 * @buf: the text, NUL-terminated (modified)
 * @vals: where the integers go
 * @max: room in @vals
 * @nr: set to the number of integers read
 * @why: on failure, why the text was refused
 *
 * Integers are separated by spaces, tabs and newlines; each is an optional
 * '-' and a number in C notation (decimal, 0x hex, 0 octal) that fits an
 * int.  Nothing else is accepted: no '+', no trailing characters.
 *
 * Context: any.
 * Return: 0, or -EINVAL with @why set: no value, more than @max values, a
 * word that is not an integer, or one out of the range of int.
 */
int altmm_tunables_parse_ints(char *buf, int *vals, int max, int *nr,
			      const char **why)
{
	char *word;

	*nr = 0;
	while ((word = strsep(&buf, " \t\n"))) {
		const char *digits = word + (*word == '-');

		if (!*word)
			continue;
		if (*nr == max) {
			*why = "too many values";
			return -EINVAL;
		}
		if (!isdigit(*digits)) {
			*why = "not a number";
			return -EINVAL;
		}
		if (kstrtoint(word, 0, &vals[*nr])) {
			*why = "not an integer that fits an int";
			return -EINVAL;
		}
		(*nr)++;
	}
	if (!*nr) {
		*why = "no value";
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_tunables_parse_ints, ALTMM_INTERNAL);

static const char *tunable_check(const struct tunable *t, const int *vals,
				 int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		if (vals[i] < t->min || vals[i] > t->max)
			return "out of range";
	return t->check ? t->check(vals, nr) : NULL;
}

/* Store @vals and recompute what they decide. */
static void tunable_apply(struct altmm_system *sys, const struct tunable *t,
			  const int *vals, int nr)
{
	int *field = tunable_field(sys, t);
	int i;

	mutex_lock(&sys->tune_lock);
	for (i = 0; i < nr; i++)
		WRITE_ONCE(field[i], vals[i]);
	/* As min_free_kbytes_sysctl_handler(): a person's value is kept. */
	if (field == &sys->tune.min_free_kbytes)
		WRITE_ONCE(sys->tune.user_min_free_kbytes, vals[0]);
	altmm_setup_watermarks(sys);
	mutex_unlock(&sys->tune_lock);
	if (t->changed)
		t->changed(sys);
}

static ssize_t tunable_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	const struct tunable *t = file_tunable(file);
	struct altmm_system *sys = file->private_data;
	int vals[ALTMM_NR_ZONES], nr = 0;
	const char *why = NULL;
	char *buf;

	if (*ppos) {
		why = "write the whole value at once, from the start of the file";
	} else if (count > TUNABLE_WRITE_MAX) {
		why = "too long";
	} else {
		buf = memdup_user_nul(ubuf, count);
		if (IS_ERR(buf))
			return PTR_ERR(buf);
		if (strlen(buf) != count)
			why = "a NUL byte in the value";
		else if (!altmm_tunables_parse_ints(buf, vals, t->nr, &nr, &why))
			why = tunable_check(t, vals, nr);
		kfree(buf);
	}
	if (why) {
		pr_warn("%s: vm/%s: write refused: %s\n", sys->name, t->name, why);
		return -EINVAL;
	}
	if (t->fixup)
		t->fixup(vals, nr);
	tunable_apply(sys, t, vals, nr);
	*ppos += count;
	return count;
}

/* === compact_memory === */

/**
 * altmm_tunables_parse_trigger() - the value of a write to a file that
 *	starts something (vm/compact_memory, a node's compact)
 * @ubuf: what was written
 * @count: its length
 * @why: on failure, why it was refused
 *
 * The kernel's such files take any write; altmm wants the 1 their
 * documentation names and refuses anything else, so that a typo does not
 * start a long operation.
 *
 * Context: process context.
 * Return: 0, -EFAULT, or -EINVAL with @why set.
 */
int altmm_tunables_parse_trigger(const char __user *ubuf, size_t count,
				 const char **why)
{
	char buf[16];
	int val, nr;

	if (count >= sizeof(buf)) {
		*why = "too long";
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (strlen(buf) != count) {
		*why = "a NUL byte in the value";
		return -EINVAL;
	}
	if (altmm_tunables_parse_ints(buf, &val, 1, &nr, why))
		return -EINVAL;
	if (val != 1) {
		*why = "write 1";
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_tunables_parse_trigger, ALTMM_INTERNAL);

/* A write of 1 compacts every zone of every node, as the kernel's does. */
static ssize_t compact_memory_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct altmm_system *sys = file->private_data;
	const char *why;
	int ret;

	ret = altmm_tunables_parse_trigger(ubuf, count, &why);
	if (ret == -EINVAL)
		pr_warn("%s: vm/compact_memory: write refused: %s\n", sys->name, why);
	if (!ret)
		ret = altmm_compact_nodes(sys);
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

static const struct file_operations compact_memory_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= compact_memory_write,
	.llseek	= default_llseek,
};

/**
 * altmm_tunables_create() - the vm/ directory of an instance
 * @sys: a ready instance
 * @dir: its debugfs directory
 *
 * Context: process context.
 */
void altmm_tunables_create(struct altmm_system *sys, struct dentry *dir)
{
	struct dentry *vm = debugfs_create_dir("vm", dir);
	int i;

	for (i = 0; i < ARRAY_SIZE(tunables); i++)
		debugfs_create_file(tunables[i].name, 0644, vm, sys,
				    &tunables[i].fops);
	debugfs_create_file("compact_memory", 0200, vm, sys, &compact_memory_fops);
}
