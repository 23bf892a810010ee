// SPDX-License-Identifier: GPL-2.0
/*
 * altmm.ko: module parameters describe the default instance, which is built
 * at load and published under /sys/kernel/debug/altmm/.  Everything else
 * (tests, later consumers) builds its own instances with
 * altmm_system_create(); nothing here is global but the default.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mmzone.h"
#include "debugfs.h"
#include "dev.h"
#include "page_alloc.h"
#include "usermem.h"

static unsigned int arena_mb = 256;
module_param(arena_mb, uint, 0444);
MODULE_PARM_DESC(arena_mb, "Size of the emulated physical address space in MiB, a multiple of 4 (default 256)");

static unsigned int nodes = 2;
module_param(nodes, uint, 0444);
MODULE_PARM_DESC(nodes, "Number of emulated NUMA nodes, 1..8 (default 2)");

static unsigned int node_mb[ALTMM_MAX_NUMNODES];
static unsigned int nr_node_mb;
module_param_array(node_mb, uint, &nr_node_mb, 0444);
MODULE_PARM_DESC(node_mb, "Per-node sizes in MiB, adding up to arena_mb (default: even split)");

static unsigned int distance[ALTMM_MAX_NUMNODES * ALTMM_MAX_NUMNODES];
static unsigned int nr_distance;
module_param_array(distance, uint, &nr_distance, 0444);
MODULE_PARM_DESC(distance, "Node distance table, nodes*nodes values row by row (default: 10 local, 20 remote)");

static unsigned int cpu_node[ALTMM_MAX_CPU_PARAMS];
static unsigned int nr_cpu_node;
module_param_array(cpu_node, uint, &nr_cpu_node, 0444);
MODULE_PARM_DESC(cpu_node, "Node of each CPU (default: CPU i on node i % nodes)");

static unsigned int dma_mb = 16;
module_param(dma_mb, uint, 0444);
MODULE_PARM_DESC(dma_mb, "End of ZONE_DMA in MiB, 0 for none (default 16)");

static unsigned int dma32_mb = 128;
module_param(dma32_mb, uint, 0444);
MODULE_PARM_DESC(dma32_mb, "End of ZONE_DMA32 in MiB, standing in for 4 GiB; 0 for none (default 128)");

static unsigned int highmem_mb;
module_param(highmem_mb, uint, 0444);
MODULE_PARM_DESC(highmem_mb, "Start of ZONE_HIGHMEM in MiB, 0 for none (default 0)");

static unsigned int device_mb;
module_param(device_mb, uint, 0444);
MODULE_PARM_DESC(device_mb, "MiB at the top of the space kept out of the allocator as ZONE_DEVICE (default 0)");

static char *kernelcore;
module_param(kernelcore, charp, 0444);
MODULE_PARM_DESC(kernelcore, "As the kernel parameter: memory for non-movable allocations, e.g. 64M or 25%");

static char *movablecore;
module_param(movablecore, charp, 0444);
MODULE_PARM_DESC(movablecore, "As the kernel parameter: memory for ZONE_MOVABLE, e.g. 32M or 10%");

/*
 * init_on_alloc and init_on_free describe the default instance like the
 * others, but may also be written at run time: a write goes to its
 * tunables at once (private instances keep their own).  The module's
 * parameter lock, held around every write, also covers publishing and
 * withdrawing the instance a write changes.
 */
static bool param_init_on_alloc;
static bool param_init_on_free;
static struct altmm_system *param_sys;	/* under kernel_param_lock() */

static void apply_init_flags(struct altmm_system *sys)
{
	WRITE_ONCE(sys->tune.init_on_alloc, param_init_on_alloc);
	WRITE_ONCE(sys->tune.init_on_free, param_init_on_free);
}

static int set_init_flag(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_bool(val, kp);

	if (ret) {
		/* A write from the shell ends in a newline. */
		pr_err("%s: '%.*s' is not a boolean (0, 1, y, n, on, off)\n",
		       kp->name, (int)strcspn(val, "\n"), val);
		return ret;
	}
	if (param_sys)
		apply_init_flags(param_sys);
	return 0;
}

static const struct kernel_param_ops init_flag_ops = {
	.set	= set_init_flag,
	.get	= param_get_bool,
};

module_param_cb(init_on_alloc, &init_flag_ops, &param_init_on_alloc, 0644);
__MODULE_PARM_TYPE(init_on_alloc, "bool");
MODULE_PARM_DESC(init_on_alloc, "Zero pages and objects when they are allocated, as the kernel's init_on_alloc=1 (default 0)");

module_param_cb(init_on_free, &init_flag_ops, &param_init_on_free, 0644);
__MODULE_PARM_TYPE(init_on_free, "bool");
MODULE_PARM_DESC(init_on_free, "Zero pages and objects when they are freed, as the kernel's init_on_free=1 (default 0)");

static char *slab_debug;
module_param(slab_debug, charp, 0444);
MODULE_PARM_DESC(slab_debug, "Debug every cache, as slub_debug= does: letters F (sanity, always on), Z (red zone), P (poison), U (store user); empty or \"-\" for none");

/*
 * swap_mb may also be written at run time, as swapon and swapoff are
 * used: the default instance's area takes the new size (a smaller one
 * once the pages past its end are back in memory, usermem.c).
 */
static unsigned int swap_mb;

static int set_swap_mb(const char *val, const struct kernel_param *kp)
{
	unsigned int mb;
	int ret = kstrtouint(val, 0, &mb);

	if (ret || mb > ALTMM_MAX_SWAP_MB) {
		pr_err("swap_mb: '%.*s' is not a size in MiB from 0 to %u\n",
		       (int)strcspn(val, "\n"), val, ALTMM_MAX_SWAP_MB);
		return -EINVAL;
	}
	if (param_sys) {
		ret = altmm_usermem_set_swap(param_sys, mb);
		if (ret)
			return ret;
	}
	swap_mb = mb;
	return 0;
}

static const struct kernel_param_ops swap_mb_ops = {
	.set	= set_swap_mb,
	.get	= param_get_uint,
};

module_param_cb(swap_mb, &swap_mb_ops, &swap_mb, 0644);
__MODULE_PARM_TYPE(swap_mb, "uint");
MODULE_PARM_DESC(swap_mb, "Swap area for /dev/altmm memory in MiB, on host pages taken as it fills (default 0: none; at most 16384); may be written at run time");

static char *holes;
module_param(holes, charp, 0444);
MODULE_PARM_DESC(holes, "Absent ranges size@start[,size@start...], 4M aligned, e.g. 8M@64M");

static bool page_owner;
module_param(page_owner, bool, 0444);
MODULE_PARM_DESC(page_owner, "Track who allocated each block, as the kernel's page_owner=on: the page_owner and page_owner_stacks files, and a leak report by stack at unload (default off)");

static char *fail_page_alloc;
module_param(fail_page_alloc, charp, 0444);
MODULE_PARM_DESC(fail_page_alloc, "Fault injection into the page allocator from load on: <interval>,<probability>,<space>,<times>, as the kernel's boot parameter (the other knobs in fail_page_alloc/)");

static char *failslab;
module_param(failslab, charp, 0444);
MODULE_PARM_DESC(failslab, "Fault injection into the slab caches from load on, as fail_page_alloc= (the other knobs in failslab/)");

/* The files of the default instance, under /sys/kernel/debug/altmm/. */
static struct altmm_debugfs *default_debugfs;

static void fill_params(struct altmm_params *p)
{
	memset(p, 0, sizeof(*p));
	p->arena_mb = arena_mb;
	p->nr_nodes = nodes;
	p->nr_node_mb = nr_node_mb;
	memcpy(p->node_mb, node_mb, sizeof(node_mb));
	p->nr_distance = nr_distance;
	memcpy(p->distance, distance, sizeof(distance));
	p->nr_cpu_node = nr_cpu_node;
	memcpy(p->cpu_node, cpu_node, sizeof(cpu_node));
	p->dma_mb = dma_mb;
	p->dma32_mb = dma32_mb;
	p->highmem_mb = highmem_mb;
	p->device_mb = device_mb;
	p->kernelcore = kernelcore;
	p->movablecore = movablecore;
	p->holes = holes;
	p->init_on_alloc = param_init_on_alloc;
	p->init_on_free = param_init_on_free;
	p->swap_mb = swap_mb;
	p->page_owner = page_owner;
}

/* slub_debug-style letters: Z red zone, P poison, U store user, F sanity. */
static int parse_slab_debug(const char *s, slab_flags_t *out)
{
	slab_flags_t flags = 0;

	if (!s || !strcmp(s, "-"))
		return 0;
	if (!*s)
		s = "FZPU";
	for (; *s; s++) {
		switch (*s) {
		case 'F': case 'f':
			break;
		case 'Z': case 'z':
			flags |= SLAB_RED_ZONE;
			break;
		case 'P': case 'p':
			flags |= SLAB_POISON;
			break;
		case 'U': case 'u':
			flags |= SLAB_STORE_USER;
			break;
		default:
			pr_err("slab_debug: unknown option '%c'; F, Z, P and U are known\n", *s);
			return -EINVAL;
		}
	}
	*out = flags;
	return 0;
}

/* fail_page_alloc= and failslab= are four numbers, or not given. */
static int __init check_fail_params(void)
{
	static const char * const names[] = { "fail_page_alloc", "failslab" };
	struct altmm_fault_attr scratch;
	const char *val;
	int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		val = i ? failslab : fail_page_alloc;
		altmm_fault_attr_init(&scratch, names[i]);
		if (val && altmm_fault_attr_setup(&scratch, val)) {
			pr_err("%s: '%s' is not <interval>,<probability>,<space>,<times>\n",
			       names[i], val);
			return -EINVAL;
		}
	}
	return 0;
}

static int __init altmm_init(void)
{
	/* Off the stack (its CPU map is large); nothing keeps it. */
	static struct altmm_params p __initdata;
	struct altmm_param_error err;
	struct altmm_system *sys;
	int ret;

	fill_params(&p);
	ret = parse_slab_debug(slab_debug, &p.slab_debug);
	if (ret)
		return ret;
	ret = check_fail_params();
	if (ret)
		return ret;

	ret = altmm_cpuhp_register();
	if (ret)
		return ret;
	ret = altmm_system_create(&p, KBUILD_MODNAME, &sys, &err);
	if (ret) {
		altmm_cpuhp_unregister();
		return ret;
	}
	/* Checked above: the syntax is right. */
	if (fail_page_alloc)
		altmm_fault_attr_setup(&sys->fail_page_alloc, fail_page_alloc);
	if (failslab)
		altmm_fault_attr_setup(&sys->failslab, failslab);
	/* A write since fill_params() is applied now. */
	kernel_param_lock(THIS_MODULE);
	apply_init_flags(sys);
	if (swap_mb != p.swap_mb)
		altmm_usermem_set_swap(sys, swap_mb);
	param_sys = sys;
	kernel_param_unlock(THIS_MODULE);
	altmm_default_sys = sys;
	altmm_layout_print(sys);
	default_debugfs = altmm_debugfs_create(sys, debugfs_create_dir(KBUILD_MODNAME, NULL));
	/* Without the device altmm still works: the log says why it is missing. */
	altmm_dev_register(sys);
	pr_info("%uM arena in %lu host chunks, %d nodes\n", arena_mb,
		sys->nr_chunks, sys->layout.nr_nodes);
	return 0;
}

static void __exit altmm_exit(void)
{
	altmm_dev_unregister();
	altmm_debugfs_destroy(default_debugfs);
	kernel_param_lock(THIS_MODULE);
	param_sys = NULL;
	kernel_param_unlock(THIS_MODULE);
	altmm_system_destroy(altmm_default_sys);
	altmm_cpuhp_unregister();
	pr_info("unloaded; every host page returned\n");
}

module_init(altmm_init);
module_exit(altmm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("altmm: an alternative physical-memory stack on an arena of host pages");
MODULE_AUTHOR("The altmm developers");
