/*
 * cmark_baseline: the floors archbook is compared against -- cmark-gfm alone parsing the same files, and
 * (with --render) parsing, rendering and writing them.
 *
 *   cmark_baseline [--threads N] [--render OUTDIR] [--list FILE] [FILE ...]
 *
 * Reads every file (named on the command line and/or one per line in FILE; `--list -` reads stdin),
 * parses it with cmark-gfm with the table, tasklist, strikethrough, autolink and tagfilter extensions
 * attached and CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8, and frees the tree.  N worker threads
 * (default 2) take one file at a time from a shared atomic index.  Prints "files N bytes B" on stdout.
 *
 * --render OUTDIR: also renders each tree to HTML (cmark_render_html with the same options and the
 * parser's extension list) and writes it to OUTDIR/index-I.html (I = the file's position in the input,
 * from 0; OUTDIR is created if missing, an existing file of that name is replaced) before freeing it.
 * "files N bytes B html H" then also counts the HTML bytes written.
 *
 * Build: cc -O2 -pthread -o cmark_baseline cmark_baseline.c $(pkg-config --cflags --libs libcmark-gfm) \
 *            -lcmark-gfm-extensions
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
static atomic_ullong g_html_bytes;
static const char *g_render_dir; /* --render OUTDIR, or NULL: parse only */
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

/* Writes all of buf to path (created or truncated); 0 on success, else reports the error and returns -1. */
static int write_file(const char *path, const char *buf, size_t len) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "cmark_baseline: %s: %s\n", path, strerror(errno));
        return -1;
    }
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            fprintf(stderr, "cmark_baseline: %s: %s\n", path, n < 0 ? strerror(errno) : "short write");
            close(fd);
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    if (close(fd) != 0) {
        fprintf(stderr, "cmark_baseline: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* --render: the tree as HTML (the parser's extensions render their nodes) into OUTDIR/index-I.html. */
static int render_and_write(cmark_node *doc, cmark_parser *parser, int options, size_t i) {
    char *html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
    if (!html) {
        fprintf(stderr, "cmark_baseline: %s: render failed\n", g_files[i]);
        return -1;
    }
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/index-%zu.html", g_render_dir, i);
    size_t len = strlen(html);
    int rc = n > 0 && (size_t)n < sizeof path ? write_file(path, html, len) : -1;
    if (rc == 0) atomic_fetch_add(&g_html_bytes, (unsigned long long)len);
    cmark_get_default_mem_allocator()->free(html);
    return rc;
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
        if (!doc) {
            cmark_parser_free(parser);
            fprintf(stderr, "cmark_baseline: %s: parse failed\n", g_files[i]);
            atomic_store(&g_failed, 1);
            continue;
        }
        if (g_render_dir && render_and_write(doc, parser, options, i) != 0) {
            cmark_node_free(doc);
            cmark_parser_free(parser);
            atomic_store(&g_failed, 1);
            continue;
        }
        cmark_parser_free(parser);
        cmark_node_free(doc);
        atomic_fetch_add(&g_bytes, (unsigned long long)len);
        atomic_fetch_add(&g_parsed, 1);
    }
    free(buf);
    return NULL;
}

static void usage(void) {
    fprintf(stderr, "usage: cmark_baseline [--threads N] [--render OUTDIR] [--list FILE|-] [FILE ...]\n");
    exit(2);
}

int main(int argc, char **argv) {
    int threads = 2;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 || strcmp(argv[i], "-j") == 0) {
            if (++i >= argc) usage();
            threads = atoi(argv[i]);
            if (threads < 1 || threads > 256) usage();
        } else if (strcmp(argv[i], "--render") == 0) {
            if (++i >= argc || !argv[i][0]) usage();
            g_render_dir = argv[i];
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
    if (g_render_dir && mkdir(g_render_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "cmark_baseline: %s: %s\n", g_render_dir, strerror(errno));
        return 2;
    }

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

    printf("files %zu bytes %llu", atomic_load(&g_parsed), (unsigned long long)atomic_load(&g_bytes));
    if (g_render_dir) printf(" html %llu", (unsigned long long)atomic_load(&g_html_bytes));
    printf("\n");
    for (size_t i = 0; i < g_count; i++) free(g_files[i]);
    free(g_files);
    return atomic_load(&g_failed) ? 1 : 0;
}
