// SPDX-License-Identifier: GPL-2.0
/*
 * The exit lib/test_meminit.c lacks.  The kernel builds it into vmlinux
 * or loads it once; a selftest loads it again and again to catch a rare
 * failure, which needs a module that can be unloaded.  Linked into the
 * same module as the unchanged kernel file.
 */
#include <linux/init.h>
#include <linux/module.h>

static void __exit test_meminit_exit(void)
{
}
module_exit(test_meminit_exit);
MODULE_DESCRIPTION("lib/test_meminit.c of Linux 6.1 on altmm");
