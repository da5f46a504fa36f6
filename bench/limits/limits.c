/*
 * limits -- the physical floor under stepd's figures, measured on the same disk.
 *
 *   limits inotify --dir D --samples N [--warmup W]
 *       A writer creates a small file in D/tmp (written and fsynced beforehand, outside
 *       the timed window) and rename()s it into D/new. A reader thread blocked in read()
 *       on an inotify fd watching D/new (IN_MOVED_TO) wakes, opens and reads the file.
 *       Latency = just before rename() -> the reader has read the whole file
 *       (CLOCK_MONOTONIC). One sample at a time: the writer waits on a pipe for the
 *       reader's done signal before the next one. Then the same, each rename after 5 ms
 *       of sleep (N/4 samples): the reader's CPU has gone idle and must be woken.
 *   limits sqlite --dir D --samples N [--warmup W]
 *       D/limits.sqlite in WAL mode with PRAGMA synchronous=FULL, one table. Latency of
 *       BEGIN; INSERT one row (about 200 bytes); COMMIT -- each one durable (fsync of
 *       the WAL). Automatic checkpoints stay on (SQLite's default); 1,100 commits first,
 *       untimed, so that the log has started over once and no longer grows, as stepd's.
 *       Then the same commit, each one after 5 ms of sleep (N/4 samples): an event that
 *       comes alone finds the CPUs idle, and the log's modification time moved on, so the
 *       file system writes the log's inode as well.
 *   limits socket --dir D --samples N
 *       A client thread writes a 200-byte request on a Unix stream socket and reads a
 *       300-byte answer from a thread blocked in read(), one at a time (the floor under an
 *       API call); then the same with one durable commit (as above) before each answer
 *       (the floor under StartExecution).
 *   limits memory --samples N
 *       The same fixed piece of memory-bound work (20,000 reads at random places in a
 *       4 MiB buffer, more than the CPU keeps close), timed back to back
 *       and then each one after 5 ms of sleep: what a CPU that has sat idle costs any work
 *       that follows, once its caches have been handed to someone else.
 *   limits all --dir D --samples N [--sqlite-samples M]
 *       all of the above (M samples for what commits).
 *
 * Output: one JSON object on stdout,
 *   {"row": "limits", "inotify_rename_to_read_ms": {"samples","p50","p99","max"},
 *    "inotify_rename_to_read_after_idle_ms": {...},
 *    "sqlite_wal_commit_ms": {...}, "sqlite_wal_commit_after_idle_ms": {...},
 *    "unix_socket_round_trip_ms": {...}, "unix_socket_request_with_commit_ms": {...},
 *    "memory_walk_ms": {...}, "memory_walk_after_idle_ms": {...}}
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
#include <sys/socket.h>
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

/* Long enough for the CPUs to go idle and for the kernel's coarse clock to tick on. */
enum { idle_pause_ms = 5 };
static void sleep_ms(int ms) {
    struct timespec pause = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {}
}

/* Renames n files (after `warmup` untimed ones) into new_dir, each after pause_ms of sleep,
 * and records rename -> the reader has read the file. */
static void time_renames(const char *tmp_dir, const char *new_dir, int done_fd, const char *payload,
                         int64_t *lat, int n, int warmup, int pause_ms) {
    static int serial = 0;
    size_t plen = strlen(payload);
    for (int i = -warmup; i < n; i++) {
        char name[64], src[PATH_MAX], dst[PATH_MAX];
        snprintf(name, sizeof name, "s%d-%d.json", (int)getpid(), serial++);
        snprintf(src, sizeof src, "%s/%s", tmp_dir, name);
        snprintf(dst, sizeof dst, "%s/%s", new_dir, name);
        int fd = open(src, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) die("create %s: %s", src, strerror(errno));
        if (write(fd, payload, plen) != (ssize_t)plen) die("write %s: %s", src, strerror(errno));
        if (fsync(fd) != 0) die("fsync %s: %s", src, strerror(errno));
        close(fd);
        if (pause_ms > 0) sleep_ms(pause_ms);
        int64_t start = now_ns();
        if (rename(src, dst) != 0) die("rename %s: %s", src, strerror(errno));
        int64_t done;
        ssize_t r;
        while ((r = read(done_fd, &done, sizeof done)) < 0 && errno == EINTR) {}
        if (r != sizeof done) die("pipe read: %s", r < 0 ? strerror(errno) : "short read");
        if (i >= 0) lat[i] = done - start;
    }
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
    int64_t *lat = calloc(samples, sizeof *lat);
    fprintf(stderr, "limits: inotify rename-to-read, %d samples (+%d warm-up) in %s\n", samples,
            warmup, dir);
    time_renames(tmp_dir, new_dir, pipefd[0], payload, lat, samples, warmup, 0);
    printf("%s", *first ? "" : ", ");
    *first = 0;
    print_summary("inotify_rename_to_read_ms", lat, samples);
    /* The same after the machine has been idle, as an event that comes alone: the reader's
     * CPU has gone to sleep, and waking it is part of the latency. */
    int idle_samples = samples / 4 > 0 ? samples / 4 : 1;
    fprintf(stderr, "limits: the same rename after %d ms idle, %d samples\n", idle_pause_ms, idle_samples);
    time_renames(tmp_dir, new_dir, pipefd[0], payload, lat, idle_samples, warmup, idle_pause_ms);
    printf(", ");
    print_summary("inotify_rename_to_read_after_idle_ms", lat, idle_samples);
    free(lat);
    /* The reader thread stays blocked in read(); the process exits after printing. */
}

/* ---------- sqlite ---------- */

static void exec_sql(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) die("%s: %s", sql, err);
}

/* A fresh DIR/NAME in WAL mode with synchronous=FULL and one table, as stepd's database. */
struct wal_db {
    sqlite3 *db;
    sqlite3_stmt *insert;
    char path[PATH_MAX];
};

static void open_wal_db(struct wal_db *w, const char *dir, const char *name) {
    char side[PATH_MAX + 8];
    mkdir_p(dir);
    snprintf(w->path, sizeof w->path, "%s/%s", dir, name);
    unlink(w->path);
    snprintf(side, sizeof side, "%s-wal", w->path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", w->path);
    unlink(side);
    if (sqlite3_open(w->path, &w->db) != SQLITE_OK) die("open %s: %s", w->path, sqlite3_errmsg(w->db));
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(w->db, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        die("journal_mode: %s", sqlite3_errmsg(w->db));
    const char *mode = (const char *)sqlite3_column_text(st, 0);
    if (strcmp(mode, "wal") != 0) die("journal_mode is %s, not wal", mode);
    sqlite3_finalize(st);
    exec_sql(w->db, "PRAGMA synchronous=FULL");
    exec_sql(w->db, "CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    if (sqlite3_prepare_v2(w->db, "INSERT INTO events (body) VALUES (?1)", -1, &w->insert, NULL) != SQLITE_OK)
        die("prepare: %s", sqlite3_errmsg(w->db));
}

static void close_wal_db(struct wal_db *w) {
    sqlite3_finalize(w->insert);
    sqlite3_close(w->db);
}

/* BEGIN; INSERT one row of about 200 bytes; COMMIT: durable when it returns. */
static void commit_one_row(struct wal_db *w) {
    static char body[201];
    if (body[0] == 0) memset(body, 'x', 200);
    exec_sql(w->db, "BEGIN");
    sqlite3_bind_text(w->insert, 1, body, 200, SQLITE_STATIC);
    if (sqlite3_step(w->insert) != SQLITE_DONE) die("insert: %s", sqlite3_errmsg(w->db));
    sqlite3_reset(w->insert);
    exec_sql(w->db, "COMMIT");
}

/* Until the log has passed SQLite's automatic checkpoint (1,000 pages) and started over: while
 * it grows, every commit also changes the file's size, which fdatasync must write, and stepd's
 * log starts over every 64 commits. About 1.1 pages a commit here. */
static void warm_up_log(struct wal_db *w) {
    for (int i = 0; i < 1100; i++) commit_one_row(w);
}

static void run_sqlite(const char *dir, int samples, int warmup, int *first) {
    struct wal_db w;
    open_wal_db(&w, dir, "limits.sqlite");
    warm_up_log(&w);
    int64_t *lat = calloc(samples, sizeof *lat);
    fprintf(stderr, "limits: sqlite WAL synchronous=FULL commit, %d samples (+%d warm-up) in %s\n",
            samples, warmup, w.path);
    for (int i = -warmup; i < samples; i++) {
        int64_t start = now_ns();
        commit_one_row(&w);
        int64_t end = now_ns();
        if (i >= 0) lat[i] = end - start;
    }
    printf("%s", *first ? "" : ", ");
    *first = 0;
    print_summary("sqlite_wal_commit_ms", lat, samples);

    /* The same commit after the machine has been idle for a while, as an event that comes
     * alone: the CPUs have gone to sleep, and the log's modification time has moved on, so
     * the file system writes its inode too. */
    int idle_samples = samples / 4 > 0 ? samples / 4 : 1;
    fprintf(stderr, "limits: the same commit after %d ms idle, %d samples\n", idle_pause_ms, idle_samples);
    for (int i = -warmup; i < idle_samples; i++) {
        sleep_ms(idle_pause_ms);
        int64_t start = now_ns();
        commit_one_row(&w);
        int64_t end = now_ns();
        if (i >= 0) lat[i] = end - start;
    }
    printf(", ");
    print_summary("sqlite_wal_commit_after_idle_ms", lat, idle_samples);
    free(lat);
    close_wal_db(&w);
}

/* ---------- a request on a Unix socket, answered with and without a commit ---------- */

struct answerer_ctx {
    int fd;
    struct wal_db *commit_with; /* NULL: answer at once */
};

static void *answerer_main(void *arg) {
    struct answerer_ctx *ctx = arg;
    char request[4096], answer[300];
    memset(answer, 'a', sizeof answer);
    for (;;) {
        ssize_t r = read(ctx->fd, request, sizeof request);
        if (r <= 0) return NULL;
        if (ctx->commit_with) commit_one_row(ctx->commit_with);
        if (write(ctx->fd, answer, sizeof answer) != (ssize_t)sizeof answer) die("answer: %s", strerror(errno));
    }
}

/* The floor under an API call: a client thread writes a 200-byte request on a Unix stream
 * socket and reads a 300-byte answer from a thread that blocks in read(); one at a time, the
 * next right after the answer, as the bench's client does. With `commit_with`, the answering
 * thread makes one durable commit first: the least a StartExecution can cost. */
static void measure_requests(const char *key, struct wal_db *commit_with, int samples, int warmup, int *first) {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) die("socketpair: %s", strerror(errno));
    struct answerer_ctx ctx = {pair[1], commit_with};
    pthread_t answerer;
    if (pthread_create(&answerer, NULL, answerer_main, &ctx) != 0) die("pthread_create");
    char request[200], answer[300];
    memset(request, 'r', sizeof request);
    int64_t *lat = calloc(samples, sizeof *lat);
    for (int i = -warmup; i < samples; i++) {
        int64_t start = now_ns();
        if (write(pair[0], request, sizeof request) != (ssize_t)sizeof request) die("request: %s", strerror(errno));
        size_t got = 0;
        while (got < sizeof answer) {
            ssize_t r = read(pair[0], answer + got, sizeof answer - got);
            if (r <= 0) die("read answer: %s", r < 0 ? strerror(errno) : "closed");
            got += (size_t)r;
        }
        if (i >= 0) lat[i] = now_ns() - start;
    }
    close(pair[0]);
    pthread_join(answerer, NULL);
    close(pair[1]);
    printf("%s", *first ? "" : ", ");
    *first = 0;
    print_summary(key, lat, samples);
    free(lat);
}

static void run_socket(const char *dir, int samples, int sqlite_samples, int warmup, int *first) {
    fprintf(stderr, "limits: Unix socket request and answer, %d samples; with a commit, %d samples\n", samples,
            sqlite_samples);
    measure_requests("unix_socket_round_trip_ms", NULL, samples, warmup, first);
    struct wal_db w;
    open_wal_db(&w, dir, "limits-socket.sqlite");
    warm_up_log(&w);
    measure_requests("unix_socket_request_with_commit_ms", &w, sqlite_samples, warmup, first);
    close_wal_db(&w);
}

/* ---------- memory-bound work, warm and after idle ---------- */

static volatile uint64_t memory_walk_sink;

static void memory_walk(const uint64_t *buffer, size_t words, uint64_t *state) {
    uint64_t x = *state, sum = 0;
    for (int i = 0; i < 20000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        sum += buffer[(x >> 20) % words];
    }
    *state = x;
    memory_walk_sink = sum;
}

static void run_memory(int samples, int warmup, int *first) {
    size_t words = (4u << 20) / sizeof(uint64_t);
    uint64_t *buffer = malloc(words * sizeof *buffer);
    if (!buffer) die("out of memory");
    for (size_t i = 0; i < words; i++) buffer[i] = i;
    uint64_t state = 1;
    int64_t *lat = calloc(samples, sizeof *lat);
    fprintf(stderr, "limits: memory-bound work, %d samples back to back, then after %d ms idle\n", samples, idle_pause_ms);
    for (int i = -warmup; i < samples; i++) {
        int64_t start = now_ns();
        memory_walk(buffer, words, &state);
        int64_t end = now_ns();
        if (i >= 0) lat[i] = end - start;
    }
    printf("%s", *first ? "" : ", ");
    *first = 0;
    print_summary("memory_walk_ms", lat, samples);
    int idle_samples = samples / 4 > 0 ? samples / 4 : 1;
    for (int i = -warmup; i < idle_samples; i++) {
        sleep_ms(idle_pause_ms);
        int64_t start = now_ns();
        memory_walk(buffer, words, &state);
        int64_t end = now_ns();
        if (i >= 0) lat[i] = end - start;
    }
    printf(", ");
    print_summary("memory_walk_after_idle_ms", lat, idle_samples);
    free(lat);
    free(buffer);
}

static void usage(void) {
    fputs("usage: limits inotify|sqlite|socket|memory|all --dir D --samples N [--sqlite-samples M] "
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
    int all = strcmp(mode, "all") == 0;
    int do_inotify = all || strcmp(mode, "inotify") == 0;
    int do_sqlite = all || strcmp(mode, "sqlite") == 0;
    int do_socket = all || strcmp(mode, "socket") == 0;
    int do_memory = all || strcmp(mode, "memory") == 0;
    if (!do_inotify && !do_sqlite && !do_socket && !do_memory) usage();
    /* Everything but the memory walk works in a folder. */
    if ((!dir && (do_inotify || do_sqlite || do_socket)) || samples < 1 || warmup < 0) usage();
    if (sqlite_samples < 1) sqlite_samples = samples;

    int first = 1;
    printf("{\"row\": \"limits\", ");
    if (do_inotify) run_inotify(dir, samples, warmup, &first);
    if (do_sqlite) run_sqlite(dir, all ? sqlite_samples : samples, warmup, &first);
    if (do_socket) run_socket(dir, samples, all ? sqlite_samples : samples, warmup, &first);
    if (do_memory) run_memory(all ? sqlite_samples : samples, warmup, &first);
    printf("}\n");
    fflush(stdout);
    return 0;
}
