// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/altmm: anonymous memory, or a host file's pages, on altmm frames
 * for real processes.
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
 * Before its first mmap(), ALTMM_IOC_SET_BACKING (include/uapi/altmm_dev.h)
 * makes the object the page cache of a host file (filemap.c): its
 * mappings then read the file, writes through a MAP_SHARED mapping reach
 * it by writeback, fsync() and msync() of the device's file write back,
 * and a MAP_PRIVATE mapping of it may only read (there is no
 * copy-on-write to keep its writes from the file).  ALTMM_IOC_SET_NODE
 * picks the altmm node new pages come from; ALTMM_IOC_MIGRATE moves the
 * resident ones (migrate.c).
 *
 * The file's f_mapping is the object's address_space, so the kernel puts
 * the mapping VMAs on its i_mmap tree and reclaim finds and unmaps the
 * PTEs of a page through it.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include "dev.h"
#include "migrate.h"
#include "mmzone.h"
#include "usermem.h"
#include "uapi/altmm_dev.h"

static struct altmm_system *dev_sys;

static vm_fault_t altmm_vm_fault(struct vm_fault *vmf)
{
	struct altmm_uobj *obj = vmf->vma->vm_file->private_data;
	struct page *page;
	vm_fault_t ret;

	altmm_count_event(obj->sys, ALTMM_PGFAULT, 1);
	ret = altmm_uobj_fault(obj, vmf->pgoff, vmf->flags, &page);
	if (ret & VM_FAULT_OOM) {
		/*
		 * The allocator's OOM killer has run and found nothing to
		 * kill, or chose this task: the host's own must not run, so
		 * only a dying task sees VM_FAULT_OOM (6.1's
		 * pagefault_out_of_memory() lets it go quietly).
		 */
		return fatal_signal_pending(current) ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	}
	vmf->page = page;
	return ret;
}

/* A file page's first write: its presence makes the mappings write-notified. */
static vm_fault_t altmm_vm_page_mkwrite(struct vm_fault *vmf)
{
	return altmm_uobj_mkwrite(vmf->vma->vm_file->private_data, vmf->page);
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

static const struct vm_operations_struct altmm_file_vm_ops = {
	.open = altmm_vm_open,
	.close = altmm_uobj_vma_close,
	.fault = altmm_vm_fault,
	.page_mkwrite = altmm_vm_page_mkwrite,
};

/* Whether @vma may map @obj, and if so the flags it must have. */
static int mmap_check(struct altmm_uobj *obj, struct file *file,
		      struct vm_area_struct *vma)
{
	/* Whoever may not write the object's data may not map it writable. */
	bool may_write = obj->backing ? obj->backing->f_mode & FMODE_WRITE :
					file->f_mode & FMODE_WRITE;

	if (!(vma->vm_flags & VM_SHARED)) {
		/* No copy-on-write: a private mapping of a file could only write the file. */
		if (obj->backing)
			may_write = false;
		vma->vm_flags |= VM_SHARED | VM_MAYSHARE;
	}
	if (!may_write) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	return 0;
}

static int altmm_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct altmm_uobj *obj = file->private_data;
	int ret;

	/* Against ALTMM_IOC_SET_BACKING: the object is one kind or the other. */
	mutex_lock(&obj->lock);
	ret = mmap_check(obj, file, vma);
	if (ret)
		goto out;
	/*
	 * VM_IO: no get_user_pages() pins, so that every page can always be
	 * reclaimed, and given back when its object goes; no mlock either.
	 */
	vma->vm_flags |= VM_IO | VM_DONTDUMP;
	vma->vm_ops = obj->backing ? &altmm_file_vm_ops : &altmm_vm_ops;
	altmm_uobj_vma_open(obj, vma);
out:
	mutex_unlock(&obj->lock);
	return ret;
}

static long set_backing(struct altmm_uobj *obj, void __user *arg)
{
	struct altmm_backing b;
	struct file *file;
	int ret;

	if (copy_from_user(&b, arg, sizeof(b)))
		return -EFAULT;
	if (b.flags) {
		pr_info_ratelimited("%s: ALTMM_IOC_SET_BACKING: unknown flags %#x\n",
				    obj->sys->name, b.flags);
		return -EINVAL;
	}
	file = fget(b.fd);
	if (!file)
		return -EBADF;
	ret = altmm_uobj_set_backing(obj, file);
	if (ret)
		fput(file);
	return ret;
}

static long altmm_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct altmm_uobj *obj = file->private_data;
	int nid;

	switch (cmd) {
	case ALTMM_IOC_SET_BACKING:
		return set_backing(obj, (void __user *)arg);
	case ALTMM_IOC_SET_NODE:
		if (get_user(nid, (int __user *)arg))
			return -EFAULT;
		return altmm_uobj_set_node(obj, nid);
	case ALTMM_IOC_MIGRATE:
		if (get_user(nid, (int __user *)arg))
			return -EFAULT;
		return altmm_uobj_migrate(obj, nid, MIGRATE_SYNC, NULL);
	default:
		return -ENOTTY;
	}
}

static int altmm_dev_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	return altmm_uobj_fsync(file->private_data, start, end, datasync);
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
	struct altmm_uobj *obj = file->private_data;

	/* The cache goes with the object: what is dirty goes to its file first. */
	if (altmm_uobj_writeback(obj, 0, ULONG_MAX, true))
		pr_warn("%s: a closed /dev/altmm lost data its file would not take\n",
			obj->sys->name);
	altmm_uobj_put(obj);
	return 0;
}

static const struct file_operations altmm_dev_fops = {
	.owner = THIS_MODULE,
	.open = altmm_dev_open,
	.release = altmm_dev_release,
	.mmap = altmm_dev_mmap,
	.unlocked_ioctl = altmm_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.fsync = altmm_dev_fsync,
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
