// openat2 has no glibc wrapper before 2.38's headers reach every distribution, and Swift cannot call the variadic
// syscall(2); this file is the shim.
#define _GNU_SOURCE
#include "file_access.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#include <linux/openat2.h>
#endif

int archbook_open_beneath(int dirfd, const char *path) {
#if defined(__linux__) && defined(SYS_openat2)
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
#else
    (void)dirfd; (void)path;
    errno = ENOSYS;
    return -1;
#endif
}
