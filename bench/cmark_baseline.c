/*
 * cmark_baseline: the floor archbook is compared against -- cmark-gfm alone parsing the same files.
 *
 *   cmark_baseline [--threads N] [--list FILE] [FILE ...]
 *
 * Reads every file (named on the command line and/or one per line in FILE; `--list -` reads stdin),
 * parses it with cmark-gfm with the table, tasklist, strikethrough, autolink and tagfilter extensions
 * attached and CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8, and frees the tree.  N worker threads
 * (default 2) take one file at a time from a shared atomic index.  Prints "files N bytes B" on stdout.
 *
 * Build: cc -O2 -pthread -o cmark_baseline cmark_baseline.c $(pkg-config --cflags --libs libcmark-gfm) \
 *            -lcmark-gfm-extensions
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>

static const char *const kExtensions[] = {"table", "tasklist", "strikethrough", "autolink", "tagfilter"};
#define N_EXTENSIONS (sizeof kExtensions / sizeof kExtensions[0])

static char **g_files;
static size_t g_count, g_cap;
static atomic_size_t g_next;
static atomic_ullong g_bytes;
static atomic_size_t g_parsed;
static atomic_int g_failed;
static cmark_syntax_extension *g_ext[N_EXTENSIONS];

static void add_file(const char *path) {
    if (g_count == g_cap) {
        g_cap = g_cap ? g_cap * 2 : 1024;
        g_files = realloc(g_files, g_cap * sizeof *g_files);
        if (!g_files) { perror("realloc"); exit(2); }
    }
    g_files[g_count] = strdup(path);
    if (!g_files[g_count]) { perror("strdup"); exit(2); }
    g_count++;
}

static void read_list(const char *list) {
    FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
    if (!f) { fprintf(stderr, "cmark_baseline: %s: %s\n", list, strerror(errno)); exit(2); }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        if (n > 0) add_file(line);
    }
    free(line);
    if (f != stdin) fclose(f);
}

/* Reads a whole file into *buf (grown as needed); returns its length or -1. */
static long read_file(const char *path, char **buf, size_t *cap) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t len = 0;
    for (;;) {
        if (len == *cap) {
            size_t ncap = *cap ? *cap * 2 : 64 * 1024;
            char *nb = realloc(*buf, ncap);
            if (!nb) { fclose(f); return -1; }
            *buf = nb;
            *cap = ncap;
        }
        size_t got = fread(*buf + len, 1, *cap - len, f);
        len += got;
        if (got == 0) break;
    }
    int err = ferror(f);
    fclose(f);
    return err ? -1 : (long)len;
}

static void *worker(void *arg) {
    (void)arg;
    char *buf = NULL;
    size_t cap = 0;
    const int options = CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8;
    for (;;) {
        size_t i = atomic_fetch_add(&g_next, 1);
        if (i >= g_count) break;
        long len = read_file(g_files[i], &buf, &cap);
        if (len < 0) {
            fprintf(stderr, "cmark_baseline: %s: %s\n", g_files[i], strerror(errno));
            atomic_store(&g_failed, 1);
            continue;
        }
        cmark_parser *parser = cmark_parser_new(options);
        for (size_t e = 0; e < N_EXTENSIONS; e++) cmark_parser_attach_syntax_extension(parser, g_ext[e]);
        cmark_parser_feed(parser, buf, (size_t)len);
        cmark_node *doc = cmark_parser_finish(parser);
        cmark_parser_free(parser);
        if (!doc) {
            fprintf(stderr, "cmark_baseline: %s: parse failed\n", g_files[i]);
            atomic_store(&g_failed, 1);
            continue;
        }
        cmark_node_free(doc);
        atomic_fetch_add(&g_bytes, (unsigned long long)len);
        atomic_fetch_add(&g_parsed, 1);
    }
    free(buf);
    return NULL;
}

static void usage(void) {
    fprintf(stderr, "usage: cmark_baseline [--threads N] [--list FILE|-] [FILE ...]\n");
    exit(2);
}

int main(int argc, char **argv) {
    int threads = 2;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 || strcmp(argv[i], "-j") == 0) {
            if (++i >= argc) usage();
            threads = atoi(argv[i]);
            if (threads < 1 || threads > 256) usage();
        } else if (strcmp(argv[i], "--list") == 0) {
            if (++i >= argc) usage();
            read_list(argv[i]);
        } else if (argv[i][0] == '@' && argv[i][1]) {
            read_list(argv[i] + 1);
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage();
        } else {
            add_file(argv[i]);
        }
    }
    if (g_count == 0) usage();

    cmark_gfm_core_extensions_ensure_registered();
    for (size_t e = 0; e < N_EXTENSIONS; e++) {
        g_ext[e] = cmark_find_syntax_extension(kExtensions[e]);
        if (!g_ext[e]) { fprintf(stderr, "cmark_baseline: extension %s not found\n", kExtensions[e]); return 2; }
    }

    pthread_t tids[256];
    for (int t = 0; t < threads; t++) {
        if (pthread_create(&tids[t], NULL, worker, NULL) != 0) { perror("pthread_create"); return 2; }
    }
    for (int t = 0; t < threads; t++) pthread_join(tids[t], NULL);

    printf("files %zu bytes %llu\n", atomic_load(&g_parsed), (unsigned long long)atomic_load(&g_bytes));
    for (size_t i = 0; i < g_count; i++) free(g_files[i]);
    free(g_files);
    return atomic_load(&g_failed) ? 1 : 0;
}
