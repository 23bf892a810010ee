/* SPDX-License-Identifier: GPL-2.0 */
/* /dev/altmm: anonymous memory on altmm frames for processes (dev.c). */
#ifndef _ALTMM_DEV_H
#define _ALTMM_DEV_H

struct altmm_system;

int altmm_dev_register(struct altmm_system *sys);
void altmm_dev_unregister(void);

#endif /* _ALTMM_DEV_H */
