// SPDX-License-Identifier: GPL-2.0
/*
 * usermap: map altmm_consumer's debugfs file "usermap" into this process
 * and check that remap_vmalloc_range() gave it altmm's vmalloc_user()
 * area: the mapping starts zeroed, stores through it are what the
 * kernel reads through the vmalloc address (read() of the file), the
 * area is in altmm's vmallocinfo as a "vmalloc user" area of as many
 * pages while it is mapped, and a second mapping of the same open file
 * and one at an offset are refused.
 *
 *   usermap [FILE [VMALLOCINFO]]
 *
 * One line per check ("ok: ..." or "FAIL: ..."); exit 0 when all pass,
 * 1 when one fails, 4 (skip) when FILE cannot be opened.  Static, for the
 * busybox initramfs: mkinitramfs.sh builds it with gcc -static.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGES	5

static int failed;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	failed |= !ok;
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 12) * 13 + 1);
}

/* A line of @path with both needles, copied into @line; 0 if none. */
static int find_line(const char *path, const char *a, const char *b,
		     char *line, size_t len)
{
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, len, f))
		found = strstr(line, a) && strstr(line, b);
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/sys/kernel/debug/altmm_consumer/usermap";
	const char *info = argc > 2 ? argv[2] : "/sys/kernel/debug/altmm/vmallocinfo";
	size_t page = sysconf(_SC_PAGESIZE), size = PAGES * page, i, bad = 0;
	char line[512], words[64];
	unsigned char *p, *back;
	ssize_t got;
	void *q;
	int fd;

	fd = open(path, O_RDWR);
	if (fd < 0) {
		printf("skip: %s: %s\n", path, strerror(errno));
		return 4;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		printf("FAIL: mmap of %zu bytes: %s\n", size, strerror(errno));
		return 1;
	}
	check(p[0] == 0 && !memcmp(p, p + 1, size - 1), "the mapping starts zeroed");
	for (i = 0; i < size; i++)
		p[i] = pattern(i);

	back = malloc(size + 1);
	if (!back)
		return 1;
	got = pread(fd, back, size + 1, 0);
	check(got == (ssize_t)size, "read() returns the whole area");
	for (i = 0; got == (ssize_t)size && i < size; i++)
		bad += back[i] != pattern(i);
	check(got == (ssize_t)size && !bad,
	      "what was stored through the mapping is what the kernel reads");

	snprintf(words, sizeof(words), " pages=%d vmalloc user", PAGES);
	check(find_line(info, "usermap_mmap", words, line, sizeof(line)),
	      "vmallocinfo has the area as \"vmalloc user\" of usermap_mmap");
	printf("# %s", find_line(info, "usermap_mmap", "", line, sizeof(line)) ?
	       line : "no line of usermap_mmap\n");

	q = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	check(q == MAP_FAILED && errno == EBUSY, "a second mapping of the open file is refused");
	if (q != MAP_FAILED)
		munmap(q, page);
	q = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, page);
	check(q == MAP_FAILED && errno == EINVAL, "a mapping at an offset is refused");
	if (q != MAP_FAILED)
		munmap(q, page);

	check(!munmap(p, size), "munmap");
	check(!close(fd), "close (the area is freed)");
	free(back);
	return failed;
}
