/*
 * limits -- the physical floor under stepd's figures, measured on the same disk.
 *
 *   limits inotify --dir D --samples N [--warmup W]
 *       A writer creates a small file in D/tmp (written and fsynced beforehand, outside
 *       the timed window) and rename()s it into D/new. A reader thread blocked in read()
 *       on an inotify fd watching D/new (IN_MOVED_TO) wakes, opens and reads the file.
 *       Latency = just before rename() -> the reader has read the whole file
 *       (CLOCK_MONOTONIC). One sample at a time: the writer waits on a pipe for the
 *       reader's done signal before the next one.
 *   limits sqlite --dir D --samples N [--warmup W]
 *       D/limits.sqlite in WAL mode with PRAGMA synchronous=FULL, one table. Latency of
 *       BEGIN; INSERT one row (about 200 bytes); COMMIT -- each one durable (fsync of
 *       the WAL). Automatic checkpoints stay on (SQLite's default), as in stepd.
 *   limits all --dir D --samples N [--sqlite-samples M]
 *       both of the above.
 *
 * Output: one JSON object on stdout,
 *   {"row": "limits", "inotify_rename_to_read_ms": {"samples","p50","p99","max"},
 *    "sqlite_wal_commit_ms": {...}}
 * (only the keys of what was measured). Percentiles are nearest-rank, as bench/stats.py.
 * Progress goes to stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("limits: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest rank: the ceil(p/100 * n)-th smallest value. */
static int64_t nearest_rank(const int64_t *sorted, int n, double p) {
    int rank = (int)ceil(p / 100.0 * n);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

/* Prints "key": {"samples":N,"p50":..,"p99":..,"max":..} in milliseconds. */
static void print_summary(const char *key, int64_t *ns, int n) {
    qsort(ns, n, sizeof *ns, cmp_i64);
    printf("\"%s\": {\"samples\": %d, \"p50\": %.4f, \"p99\": %.4f, \"max\": %.4f}", key, n,
           nearest_rank(ns, n, 50) / 1e6, nearest_rank(ns, n, 99) / 1e6, ns[n - 1] / 1e6);
}

static void mkdir_p(const char *path) {
    if (mkdir(path, 0755) != 0 && errno != EEXIST) die("mkdir %s: %s", path, strerror(errno));
}

/* ---------- inotify ---------- */

struct reader_ctx {
    int inotify_fd;
    int done_pipe_w;
    char new_dir[PATH_MAX];
};

static void *reader_main(void *arg) {
    struct reader_ctx *ctx = arg;
    char buf[sizeof(struct inotify_event) + NAME_MAX + 1] __attribute__((aligned(8)));
    char *evbuf = malloc(64 * 1024);
    for (;;) {
        ssize_t len = read(ctx->inotify_fd, evbuf, 64 * 1024);
        if (len < 0) {
            if (errno == EINTR) continue;
            die("inotify read: %s", strerror(errno));
        }
        for (char *p = evbuf; p < evbuf + len;) {
            struct inotify_event *ev = (struct inotify_event *)p;
            p += sizeof *ev + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) die("inotify queue overflow");
            if (!(ev->mask & IN_MOVED_TO) || ev->len == 0) continue;
            char path[PATH_MAX];
            snprintf(path, sizeof path, "%s/%s", ctx->new_dir, ev->name);
            int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) die("open %s: %s", path, strerror(errno));
            ssize_t r, total = 0;
            while ((r = read(fd, buf, sizeof buf)) > 0) total += r;
            if (r < 0) die("read %s: %s", path, strerror(errno));
            int64_t done = now_ns();
            close(fd);
            if (total == 0) die("read %s: empty file", path);
            unlink(path); /* outside the timed window */
            if (write(ctx->done_pipe_w, &done, sizeof done) != sizeof done)
                die("pipe write: %s", strerror(errno));
        }
    }
    return NULL;
}

static void run_inotify(const char *dir, int samples, int warmup, int *first) {
    char tmp_dir[PATH_MAX], new_dir[PATH_MAX];
    mkdir_p(dir);
    snprintf(tmp_dir, sizeof tmp_dir, "%s/tmp", dir);
    snprintf(new_dir, sizeof new_dir, "%s/new", dir);
    mkdir_p(tmp_dir);
    mkdir_p(new_dir);

    struct reader_ctx ctx;
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0) die("pipe: %s", strerror(errno));
    ctx.done_pipe_w = pipefd[1];
    snprintf(ctx.new_dir, sizeof ctx.new_dir, "%s", new_dir);
    ctx.inotify_fd = inotify_init1(IN_CLOEXEC); /* blocking: the reader sleeps in read() */
    if (ctx.inotify_fd < 0) die("inotify_init1: %s", strerror(errno));
    if (inotify_add_watch(ctx.inotify_fd, new_dir, IN_MOVED_TO) < 0)
        die("inotify_add_watch %s: %s", new_dir, strerror(errno));
    pthread_t reader;
    if (pthread_create(&reader, NULL, reader_main, &ctx) != 0) die("pthread_create");

    const char *payload =
        "{\"version\":\"0\",\"detail-type\":\"AppFlow End Flow Run Report\",\"source\":"
        "\"aws.appflow\",\"detail\":{\"flow-name\":\"bench\",\"execution-id\":"
        "\"00000000-0000-0000-0000-000000000000\",\"status\":\"Execution Successful\","
        "\"num-of-records-processed\":\"0\"}}\n";
    size_t plen = strlen(payload);
    int64_t *lat = calloc(samples, sizeof *lat);
    fprintf(stderr, "limits: inotify rename-to-read, %d samples (+%d warm-up) in %s\n", samples,
            warmup, dir);
    for (int i = -warmup; i < samples; i++) {
        char name[64], src[PATH_MAX], dst[PATH_MAX];
        snprintf(name, sizeof name, "s%d-%d.json", (int)getpid(), i + warmup);
        snprintf(src, sizeof src, "%s/%s", tmp_dir, name);
        snprintf(dst, sizeof dst, "%s/%s", new_dir, name);
        int fd = open(src, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) die("create %s: %s", src, strerror(errno));
        if (write(fd, payload, plen) != (ssize_t)plen) die("write %s: %s", src, strerror(errno));
        if (fsync(fd) != 0) die("fsync %s: %s", src, strerror(errno));
        close(fd);
        int64_t start = now_ns();
        if (rename(src, dst) != 0) die("rename %s: %s", src, strerror(errno));
        int64_t done;
        ssize_t r;
        while ((r = read(pipefd[0], &done, sizeof done)) < 0 && errno == EINTR) {}
        if (r != sizeof done) die("pipe read: %s", r < 0 ? strerror(errno) : "short read");
        if (i >= 0) lat[i] = done - start;
    }
    printf("%s", *first ? "" : ", ");
    *first = 0;
    print_summary("inotify_rename_to_read_ms", lat, samples);
    free(lat);
    /* The reader thread stays blocked in read(); the process exits after printing. */
}

/* ---------- sqlite ---------- */

static void exec_sql(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) die("%s: %s", sql, err);
}

static void run_sqlite(const char *dir, int samples, int warmup, int *first) {
    char path[PATH_MAX], side[PATH_MAX + 8];
    mkdir_p(dir);
    snprintf(path, sizeof path, "%s/limits.sqlite", dir);
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);

    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) die("open %s: %s", path, sqlite3_errmsg(db));
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        die("journal_mode: %s", sqlite3_errmsg(db));
    const char *mode = (const char *)sqlite3_column_text(st, 0);
    if (strcmp(mode, "wal") != 0) die("journal_mode is %s, not wal", mode);
    sqlite3_finalize(st);
    exec_sql(db, "PRAGMA synchronous=FULL");
    exec_sql(db, "CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    if (sqlite3_prepare_v2(db, "INSERT INTO events (body) VALUES (?1)", -1, &st, NULL) != SQLITE_OK)
        die("prepare: %s", sqlite3_errmsg(db));

    char body[201];
    memset(body, 'x', 200);
    body[200] = 0;
    int64_t *lat = calloc(samples, sizeof *lat);
    fprintf(stderr, "limits: sqlite WAL synchronous=FULL commit, %d samples (+%d warm-up) in %s\n",
            samples, warmup, path);
    for (int i = -warmup; i < samples; i++) {
        int64_t start = now_ns();
        exec_sql(db, "BEGIN");
        sqlite3_bind_text(st, 1, body, 200, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) die("insert: %s", sqlite3_errmsg(db));
        sqlite3_reset(st);
        exec_sql(db, "COMMIT");
        int64_t end = now_ns();
        if (i >= 0) lat[i] = end - start;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    printf("%s", *first ? "" : ", ");
    *first = 0;
    print_summary("sqlite_wal_commit_ms", lat, samples);
    free(lat);
}

static void usage(void) {
    fputs("usage: limits inotify|sqlite|all --dir D --samples N [--sqlite-samples M] "
          "[--warmup W]\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv) {
    if (argc < 2) usage();
    const char *mode = argv[1], *dir = NULL;
    int samples = 0, sqlite_samples = 0, warmup = 5;
    for (int i = 2; i < argc; i++) {
        if (i + 1 >= argc) usage();
        if (strcmp(argv[i], "--dir") == 0) dir = argv[++i];
        else if (strcmp(argv[i], "--samples") == 0) samples = atoi(argv[++i]);
        else if (strcmp(argv[i], "--sqlite-samples") == 0) sqlite_samples = atoi(argv[++i]);
        else if (strcmp(argv[i], "--warmup") == 0) warmup = atoi(argv[++i]);
        else usage();
    }
    if (!dir || samples < 1 || warmup < 0) usage();
    if (sqlite_samples < 1) sqlite_samples = samples;
    int do_inotify = strcmp(mode, "inotify") == 0 || strcmp(mode, "all") == 0;
    int do_sqlite = strcmp(mode, "sqlite") == 0 || strcmp(mode, "all") == 0;
    if (!do_inotify && !do_sqlite) usage();

    int first = 1;
    printf("{\"row\": \"limits\", ");
    if (do_inotify) run_inotify(dir, samples, warmup, &first);
    if (do_sqlite) run_sqlite(dir, strcmp(mode, "all") == 0 ? sqlite_samples : samples, warmup, &first);
    printf("}\n");
    fflush(stdout);
    return 0;
}
