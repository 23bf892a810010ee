/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read before each of the kernel's test files (-include): their allocator
 * calls become altmm's.  altmm_compat.h wants to come after every kernel
 * header; read first, it makes a file's own #includes of those headers
 * no-ops, and <linux/module.h>, which it does not include, is read here
 * before it.  The kernel's test files define pr_fmt before their first
 * #include, which the headers read here would already have defined:
 * defined here first, identically, the file's definition is no change.
 */
#ifndef _ALTMM_UPSTREAM_H
#define _ALTMM_UPSTREAM_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "altmm_compat.h"

#endif /* _ALTMM_UPSTREAM_H */
