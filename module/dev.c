// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/altmm: anonymous memory on altmm frames for real processes.
 *
 * Each open() of the device is a new object (usermem.c); mmap() of the
 * file at any offset maps the object's pages, which are allocated on the
 * first touch of each by the fault handler here and reclaimed under
 * pressure by vmscan.c.  So
 *
 *	fd = open("/dev/altmm", O_RDWR);
 *	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
 *
 * is malloc() memory on altmm.  The pages are mapped into the process's
 * real page tables as a driver's pages are (its /proc/PID/smaps shows
 * them, as Rss and, for the kernel, RssFile: the kernel cannot count
 * another allocator's pages as anonymous), and counted in the instance's
 * meminfo and vmstat as anonymous memory.
 *
 * Every mapping of one object shares its pages: fork() shares them with
 * the child, and MAP_PRIVATE is turned into a shared mapping (altmm has
 * no copy-on-write), the one way this differs from MAP_ANONYMOUS memory.
 * A mapping of a file opened read-only cannot become writable.  The
 * mappings are VM_IO: the kernel's get_user_pages() refuses them (no
 * O_DIRECT, vmsplice or ptrace peeks into them; read() and write() work),
 * and mlock() leaves them alone.
 *
 * The file's f_mapping is the object's address_space, so the kernel puts
 * the mapping VMAs on its i_mmap tree and reclaim finds and unmaps the
 * PTEs of a page through it.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>

#include "dev.h"
#include "mmzone.h"
#include "usermem.h"

static struct altmm_system *dev_sys;

static vm_fault_t altmm_vm_fault(struct vm_fault *vmf)
{
	struct altmm_uobj *obj = vmf->vma->vm_file->private_data;
	struct page *page;
	vm_fault_t ret;

	altmm_count_event(obj->sys, ALTMM_PGFAULT, 1);
	ret = altmm_uobj_fault(obj, vmf->pgoff, &page);
	if (ret & VM_FAULT_OOM) {
		/* Retried once a victim has gone; nothing to kill is an error. */
		return altmm_out_of_memory(obj->sys) ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	}
	vmf->page = page;
	return ret;
}

static void altmm_vm_open(struct vm_area_struct *vma)
{
	altmm_uobj_vma_open(vma->vm_file->private_data, vma);
}

static const struct vm_operations_struct altmm_vm_ops = {
	.open = altmm_vm_open,
	.close = altmm_uobj_vma_close,
	.fault = altmm_vm_fault,
};

static int altmm_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_SHARED)) {
		/* No copy-on-write: private mappings share the object too. */
		if (!(file->f_mode & FMODE_WRITE)) {
			if (vma->vm_flags & VM_WRITE)
				return -EACCES;
			vma->vm_flags &= ~VM_MAYWRITE;
		}
		vma->vm_flags |= VM_SHARED | VM_MAYSHARE;
	}
	/*
	 * VM_IO: no get_user_pages() pins, so that every page can always be
	 * reclaimed, and given back when its object goes; no mlock either.
	 */
	vma->vm_flags |= VM_IO | VM_DONTDUMP;
	vma->vm_ops = &altmm_vm_ops;
	altmm_uobj_vma_open(file->private_data, vma);
	return 0;
}

static int altmm_dev_open(struct inode *inode, struct file *file)
{
	struct altmm_uobj *obj;

	obj = altmm_uobj_create(dev_sys, NUMA_NO_NODE);
	if (!obj)
		return -ENOMEM;
	/* The VFS reads f_mapping->host right after open (readahead state). */
	obj->mapping.host = inode;
	file->private_data = obj;
	file->f_mapping = &obj->mapping;
	return 0;
}

static int altmm_dev_release(struct inode *inode, struct file *file)
{
	altmm_uobj_put(file->private_data);
	return 0;
}

static const struct file_operations altmm_dev_fops = {
	.owner = THIS_MODULE,
	.open = altmm_dev_open,
	.release = altmm_dev_release,
	.mmap = altmm_dev_mmap,
	.llseek = noop_llseek,
};

static struct miscdevice altmm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "altmm",
	.fops = &altmm_dev_fops,
	.mode = 0600,
};

/**
 * altmm_dev_register() - create /dev/altmm for an instance
 * @sys: the instance whose memory the device hands out (the default one)
 *
 * Context: process context.
 * Return: 0 or misc_register()'s error.
 */
int altmm_dev_register(struct altmm_system *sys)
{
	int ret;

	dev_sys = sys;
	ret = misc_register(&altmm_misc);
	if (ret) {
		pr_err("%s: cannot register /dev/altmm: %d\n", sys->name, ret);
		dev_sys = NULL;
	}
	return ret;
}

/**
 * altmm_dev_unregister() - remove /dev/altmm
 *
 * No file of it is open: each holds a reference to the module.
 */
void altmm_dev_unregister(void)
{
	if (!dev_sys)
		return;
	misc_deregister(&altmm_misc);
	dev_sys = NULL;
}
