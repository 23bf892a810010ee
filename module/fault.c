// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection: failing allocations on purpose, as 6.1's
 * lib/fault-inject.c, mm/fail_page_alloc (in mm/page_alloc.c) and
 * mm/failslab.c do when the kernel is built with them (Debian's is not,
 * so altmm carries the same rules itself, per instance).
 *
 * What altmm keeps of 6.1:
 *   - struct fault_attr's knobs and their order of tests in
 *     should_fail_ex(): nothing with probability 0; nothing once times
 *     reaches 0 (-1 is no limit); the first "space" units of the requests
 *     pass, being subtracted from it; only every interval-th request that
 *     gets that far is considered; then it fails with the probability in
 *     percent; a failure decrements times and is reported (verbose 1: a
 *     line; 2: a line and the stack; under the ratelimit of
 *     verbose_ratelimit_interval_ms and _burst, both 0 by default: no
 *     limit), unless the request said __GFP_NOWARN;
 *   - fail_page_alloc: requests below min-order (1 by default) are never
 *     failed, nor __GFP_NOFAIL ones, nor, by default, __GFP_HIGHMEM ones
 *     (ignore-gfp-highmem) or ones that may reclaim (ignore-gfp-wait); a
 *     request counts 2^order units of space; a failed request fails at
 *     once, without the slow path, as prepare_alloc_pages() returning
 *     false does;
 *   - failslab: never the cache of caches, nor __GFP_NOFAIL, nor, by
 *     default, requests that may reclaim; with cache-filter only caches
 *     whose failslab file says 1; a request counts the object size.
 * What it leaves out: task-filter (6.1 asks /proc/<pid>/make-it-fail,
 * which the host kernel does not have: the file is kept, and while it
 * says Y nothing fails), the stack-trace filters, and fail_nth.
 *
 * Locking: none; as in 6.1 the knobs are plain words a writer may change
 * at any time, times and space are atomic, and the interval's count is a
 * racy hint.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/prandom.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>

#include "page_alloc.h"

/**
 * altmm_fault_attr_init() - 6.1's FAULT_ATTR_INITIALIZER
 * @attr: the attributes
 * @name: the directory name a report gives (fail_page_alloc, failslab)
 */
void altmm_fault_attr_init(struct altmm_fault_attr *attr, const char *name)
{
	*attr = (struct altmm_fault_attr){
		.name = name,
		.interval = 1,
		.times = ATOMIC_INIT(1),
		.verbose = 2,
		.ratelimit_state = RATELIMIT_STATE_INIT_DISABLED,
		.ignore_gfp_reclaim = true,
		.ignore_gfp_highmem = true,
		.min_order = 1,
	};
	raw_spin_lock_init(&attr->ratelimit_state.lock);
}

/**
 * altmm_fault_attr_setup() - set the knobs from "<interval>,<probability>,
 *	<space>,<times>", the syntax of 6.1's fail_page_alloc= and failslab=
 *	boot parameters (setup_fault_attr())
 * @attr: the attributes
 * @str: the four numbers
 *
 * Return: 0, or -EINVAL (and nothing changed) when @str is not four
 * numbers.
 */
int altmm_fault_attr_setup(struct altmm_fault_attr *attr, const char *str)
{
	unsigned long interval, probability;
	int space, times;
	char end;

	if (sscanf(str, "%lu,%lu,%d,%d%c", &interval, &probability, &space, &times,
		   &end) != 4)
		return -EINVAL;
	WRITE_ONCE(attr->interval, interval);
	atomic_set(&attr->space, space);
	atomic_set(&attr->times, times);
	WRITE_ONCE(attr->probability, probability);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_fault_attr_setup, ALTMM_INTERNAL);

static void fail_dump(struct altmm_system *sys, struct altmm_fault_attr *attr)
{
	if (READ_ONCE(attr->verbose) > 0 && __ratelimit(&attr->ratelimit_state)) {
		pr_notice("%s: FAULT_INJECTION: forcing a failure.\n"
			  "name %s, interval %lu, probability %lu, space %d, times %d\n",
			  sys->name, attr->name, READ_ONCE(attr->interval),
			  READ_ONCE(attr->probability), atomic_read(&attr->space),
			  atomic_read(&attr->times));
		if (READ_ONCE(attr->verbose) > 1)
			dump_stack();
	}
}

/**
 * altmm_should_fail() - should this request fail (should_fail_ex())
 * @sys: instance, for the report
 * @attr: its attributes
 * @size: the request's units of space
 * @nowarn: the request asked for no report
 *
 * Context: any.
 * Return: true to fail it.
 */
bool altmm_should_fail(struct altmm_system *sys, struct altmm_fault_attr *attr,
		       ssize_t size, bool nowarn)
{
	unsigned long interval;

	if (!READ_ONCE(attr->probability))
		return false;
	/* No task is marked make-it-fail on a kernel without fault injection. */
	if (READ_ONCE(attr->task_filter))
		return false;
	if (atomic_read(&attr->times) == 0)
		return false;
	if (atomic_read(&attr->space) > size) {
		atomic_sub(size, &attr->space);
		return false;
	}
	interval = READ_ONCE(attr->interval);
	if (interval > 1) {
		unsigned long count = READ_ONCE(attr->count) + 1;

		WRITE_ONCE(attr->count, count);
		if (count % interval)
			return false;
	}
	if (READ_ONCE(attr->probability) <= prandom_u32_max(100))
		return false;
	if (!nowarn)
		fail_dump(sys, attr);
	if (atomic_read(&attr->times) != -1)
		atomic_add_unless(&attr->times, -1, 0);
	return true;
}
EXPORT_SYMBOL_NS_GPL(altmm_should_fail, ALTMM_INTERNAL);
