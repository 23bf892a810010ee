// SPDX-License-Identifier: GPL-2.0
/*
 * modload - load or unload one kernel module, exactly once.
 *
 * busybox insmod falls back to init_module(2) when finit_module(2) fails,
 * so a module whose init returns an error has that init run twice and the
 * caller only sees a generic message. The selftests need the errno of a
 * single attempt, so this helper makes one syscall and reports its result:
 *
 *   modload <file.ko> [param=value ...]   finit_module(fd, "params", 0)
 *   modload -r <name>                     delete_module(name, O_NONBLOCK)
 *
 * On failure it prints "modload: <file>: <ERRNO NAME> (<strerror>)" on
 * stderr and exits with the errno value, so a shell test can compare $?
 * with 22 (EINVAL), 12 (ENOMEM) and so on. Built with gcc -static.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ERRNO_ENTRY(e) { e, #e }

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	ERRNO_ENTRY(EPERM),	ERRNO_ENTRY(ENOENT),	ERRNO_ENTRY(ESRCH),
	ERRNO_ENTRY(EINTR),	ERRNO_ENTRY(EIO),	ERRNO_ENTRY(ENXIO),
	ERRNO_ENTRY(E2BIG),	ERRNO_ENTRY(ENOEXEC),	ERRNO_ENTRY(EBADF),
	ERRNO_ENTRY(EAGAIN),	ERRNO_ENTRY(ENOMEM),	ERRNO_ENTRY(EACCES),
	ERRNO_ENTRY(EFAULT),	ERRNO_ENTRY(EBUSY),	ERRNO_ENTRY(EEXIST),
	ERRNO_ENTRY(ENODEV),	ERRNO_ENTRY(ENOTDIR),	ERRNO_ENTRY(EISDIR),
	ERRNO_ENTRY(EINVAL),	ERRNO_ENTRY(ENFILE),	ERRNO_ENTRY(EMFILE),
	ERRNO_ENTRY(ETXTBSY),	ERRNO_ENTRY(EFBIG),	ERRNO_ENTRY(ENOSPC),
	ERRNO_ENTRY(ERANGE),	ERRNO_ENTRY(EDEADLK),	ERRNO_ENTRY(ENAMETOOLONG),
	ERRNO_ENTRY(ENOSYS),	ERRNO_ENTRY(ENOTEMPTY),	ERRNO_ENTRY(ENOKEY),
	ERRNO_ENTRY(EKEYREJECTED), ERRNO_ENTRY(EOVERFLOW), ERRNO_ENTRY(ETIMEDOUT),
	ERRNO_ENTRY(EOPNOTSUPP), ERRNO_ENTRY(EBADMSG),
};

static const char *errno_name(int err)
{
	size_t i;

	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return "E?";
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "modload: %s: %s (%s)\n", what, errno_name(err),
		strerror(err));
	/* An exit status is 8 bits; every errno we care about fits. */
	return err > 0 && err < 256 ? err : 1;
}

static int usage(FILE *f, int status)
{
	fprintf(f,
		"usage: modload <file.ko> [param=value ...]\n"
		"       modload -r <module name>\n"
		"Loads a module with one finit_module(2) call (no init_module\n"
		"retry) or unloads one with delete_module(O_NONBLOCK). On failure\n"
		"prints the errno name and exits with the errno value.\n");
	return status;
}

/* Join argv[from..] with single spaces, as insmod does. */
static char *join_params(int argc, char **argv, int from)
{
	size_t len = 1;
	char *params;
	int i;

	for (i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	params = calloc(1, len);
	if (!params)
		return NULL;
	for (i = from; i < argc; i++) {
		if (i > from)
			strcat(params, " ");
		strcat(params, argv[i]);
	}
	return params;
}

int main(int argc, char **argv)
{
	char *params;
	int fd;

	if (argc < 2)
		return usage(stderr, 2);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return usage(stdout, 0);

	if (!strcmp(argv[1], "-r")) {
		if (argc != 3)
			return usage(stderr, 2);
		if (syscall(SYS_delete_module, argv[2], O_NONBLOCK))
			return fail(argv[2], errno);
		return 0;
	}

	params = join_params(argc, argv, 2);
	if (!params)
		return fail(argv[1], ENOMEM);
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(argv[1], errno);
	if (syscall(SYS_finit_module, fd, params, 0))
		return fail(argv[1], errno);
	close(fd);
	free(params);
	return 0;
}
