/*
 * spawn_rusage: run a command and record its resource usage, for bench/timeit.py.
 *
 *   spawn_rusage RESULTFILE CMD [ARG ...]
 *
 * Forks, execs CMD, waits for it with wait4() and writes one line to RESULTFILE:
 *   "<wait status> <user µs> <sys µs> <ru_maxrss KiB>\n"
 * then exits 0 (or 2 on its own errors; an exec failure shows up as wait status 127 << 8).
 *
 * Why not os.wait4() straight from Python?  On exec, Linux folds the *old* address space's RSS
 * high-water mark into the new process's ru_maxrss (fs/exec.c: setmax_mm_hiwater_rss).  A child
 * forked from a ~15 MB Python interpreter therefore never reports a peak below ~15 MB, which would
 * hide the real footprint of small tools such as the cmark baseline.  Forking from this tiny process
 * lowers that floor to about a megabyte.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: spawn_rusage RESULTFILE CMD [ARG ...]\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) { perror("spawn_rusage: fork"); return 2; }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "spawn_rusage: %s: %s\n", argv[2], strerror(errno));
        _exit(errno == ENOENT ? 127 : 126);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) { perror("spawn_rusage: wait4"); return 2; }
    }
    FILE *f = fopen(argv[1], "w");
    if (!f) { perror("spawn_rusage: result file"); return 2; }
    fprintf(f, "%d %lld %lld %ld\n", status,
            (long long)ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec,
            (long long)ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec,
            ru.ru_maxrss);
    fclose(f);
    return 0;
}
