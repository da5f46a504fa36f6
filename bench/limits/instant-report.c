/*
 * instant-report -- a stepd job that reports success at once, so that benchmarks measure
 * stepd and not the job.
 *
 * Reads STEPD_JOB_ID, STEPD_JOB_NAME and STEPD_EVENTS_DIR, and writes one
 * "AppFlow End Flow Run Report" event Maildir-style: creates
 * $STEPD_EVENTS_DIR/tmp/<job id>.json (O_EXCL), writes the event, fsyncs it, renames it
 * into $STEPD_EVENTS_DIR/new/<job id>.json and exits 0. stepd fills in id and time.
 * Any failure: a message on stderr and exit 1 (stepd then writes a failure report).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what, const char *path) {
    fprintf(stderr, "instant-report: %s %s: %s\n", what, path ? path : "", strerror(errno));
    return 1;
}

/* Appends s to out as the inside of a JSON string; returns the new length or -1. */
static int json_escape(char *out, size_t cap, size_t len, const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char tmp[8];
        const char *piece = tmp;
        if (*p == '"') piece = "\\\"";
        else if (*p == '\\') piece = "\\\\";
        else if (*p < 0x20) snprintf(tmp, sizeof tmp, "\\u%04x", *p);
        else { tmp[0] = (char)*p; tmp[1] = 0; }
        size_t n = strlen(piece);
        if (len + n >= cap) return -1;
        memcpy(out + len, piece, n);
        len += n;
    }
    out[len] = 0;
    return (int)len;
}

static int append(char *out, size_t cap, int len, const char *s) {
    if (len < 0) return -1;
    size_t n = strlen(s);
    if ((size_t)len + n >= cap) return -1;
    memcpy(out + len, s, n + 1);
    return len + (int)n;
}

int main(void) {
    const char *job_id = getenv("STEPD_JOB_ID");
    const char *job_name = getenv("STEPD_JOB_NAME");
    const char *events_dir = getenv("STEPD_EVENTS_DIR");
    if (!job_id || !*job_id || !events_dir || !*events_dir) {
        fputs("instant-report: STEPD_JOB_ID and STEPD_EVENTS_DIR must be set\n", stderr);
        return 1;
    }
    if (!job_name) job_name = "";
    if (strchr(job_id, '/') || strcmp(job_id, ".") == 0 || strcmp(job_id, "..") == 0) {
        fprintf(stderr, "instant-report: STEPD_JOB_ID %s is not a file name\n", job_id);
        return 1;
    }

    char body[4096];
    int len = append(body, sizeof body, 0,
                     "{\"version\":\"0\",\"detail-type\":\"AppFlow End Flow Run Report\","
                     "\"source\":\"aws.appflow\",\"detail\":{\"flow-name\":\"");
    if (len >= 0) len = json_escape(body, sizeof body, (size_t)len, job_name);
    len = append(body, sizeof body, len, "\",\"execution-id\":\"");
    if (len >= 0) len = json_escape(body, sizeof body, (size_t)len, job_id);
    len = append(body, sizeof body, len,
                 "\",\"status\":\"Execution Successful\",\"num-of-records-processed\":\"0\"}}\n");
    if (len < 0) {
        fputs("instant-report: job id or name too long\n", stderr);
        return 1;
    }

    char tmp_path[PATH_MAX], new_path[PATH_MAX];
    if (snprintf(tmp_path, sizeof tmp_path, "%s/tmp/%s.json", events_dir, job_id) >= PATH_MAX ||
        snprintf(new_path, sizeof new_path, "%s/new/%s.json", events_dir, job_id) >= PATH_MAX) {
        fputs("instant-report: path too long\n", stderr);
        return 1;
    }
    int fd = open(tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return fail("create", tmp_path);
    for (int off = 0; off < len;) {
        ssize_t w = write(fd, body + off, (size_t)(len - off));
        if (w < 0) {
            if (errno == EINTR) continue;
            unlink(tmp_path);
            return fail("write", tmp_path);
        }
        off += (int)w;
    }
    if (fsync(fd) != 0) {
        unlink(tmp_path);
        return fail("fsync", tmp_path);
    }
    if (close(fd) != 0) {
        unlink(tmp_path);
        return fail("close", tmp_path);
    }
    if (rename(tmp_path, new_path) != 0) {
        unlink(tmp_path);
        return fail("rename", tmp_path);
    }
    return 0;
}
