// The one system call Swift cannot reach by name: opening a file with the kernel confining its path to a folder.
#ifndef ARCHBOOK_FILE_ACCESS_H
#define ARCHBOOK_FILE_ACCESS_H

/// Opens `path` (relative) read-only under the folder `dirfd` with openat2(2) and RESOLVE_BENEATH: the kernel
/// refuses (EXDEV) any resolution that leaves the folder, through `..` or a symbolic link, even one that comes back.
/// Returns the descriptor, or -1 with errno set (ENOSYS where the kernel or the C library has no openat2).
int archbook_open_beneath(int dirfd, const char *path);

#endif
