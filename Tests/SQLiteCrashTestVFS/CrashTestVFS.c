/* strdup, realpath, pwrite, clock_gettime: POSIX 2008, whatever C standard the build picks. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "SQLiteCrashTestVFS.h"

/* The simulated disk, per file: `image` is what the disk holds (the file as of its last sync),
 * `changes` what was written or truncated since, in order. The real file always holds the
 * image with every change applied, as the page cache would: SQLite reads it back directly. A
 * sync makes the changes part of the image; the cut keeps of them what the seed draws.
 *
 * One record per path, not per handle: SQLite opens the database and its log once per
 * connection, and a sync through any handle makes every write to the file durable. */

/* A write (`length` >= 0, a copy of its bytes) or a truncation (`length` < 0, to `offset`). */
typedef struct Change {
    sqlite3_int64 offset;
    int length;
    unsigned char *bytes;
} Change;

typedef struct Shadow Shadow;
struct Shadow {
    Shadow *next;
    char *path;
    int handles;
    int isDeleted; /* unlinked from the run's list: freed with its last handle */
    int needsWriting; /* the real file differs from the image: written back by finish */
    unsigned char *image;
    sqlite3_int64 imageSize;
    sqlite3_int64 imageCapacity;
    Change *changes;
    int changeCount;
    int changeCapacity;
};

typedef struct CrashFile {
    sqlite3_file base;
    sqlite3_file *inner;
    Shadow *shadow; /* NULL: not simulated, everything goes straight through */
} CrashFile;

enum { innerOffset = (sizeof(CrashFile) + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t) };
/* The unix VFS writes at most 128 KiB - 1 bytes a call: read and write in pieces below that. */
enum { piece = 64 * 1024 };

static sqlite3_vfs *wrapped;
static sqlite3_vfs vfs;
static int initResult = SQLITE_OK;
static pthread_once_t initOnce = PTHREAD_ONCE_INIT;

/* Everything below, and every operation on a simulated file, runs under this lock: a write and
 * its record, and a sync and the cut, are one step as the other threads see them. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* Signalled when the last handle on a run's files is closed (finish waits for it). */
static pthread_cond_t allClosed = PTHREAD_COND_INITIALIZER;

static struct {
    int isActive;
    char *folder; /* resolved, without a trailing slash */
    size_t folderLength;
    int cutAtSync;
    int syncs;
    int isCut;
    int openHandles;
    StepdCrashWriteback writeback;
    uint64_t random;
    Shadow *shadows;
    char report[2048];
    size_t reportLength;
} run;

/* A figure of the run, read under the lock. */
static int figure(const int *field) {
    pthread_mutex_lock(&lock);
    int value = *field;
    pthread_mutex_unlock(&lock);
    return value;
}

/* SplitMix64: the cut's draws, from the run's seed. */
static uint64_t nextRandom(void) {
    uint64_t z = (run.random += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, bound); bound > 0. The modulo bias is of no matter here. */
static uint64_t randomBelow(uint64_t bound) { return nextRandom() % bound; }

static void note(const char *format, ...) __attribute__((format(printf, 1, 2)));

static void note(const char *format, ...) {
    size_t room = sizeof run.report - run.reportLength;
    if (room <= 1) return;
    va_list arguments;
    va_start(arguments, format);
    int written = vsnprintf(run.report + run.reportLength, room, format, arguments);
    va_end(arguments);
    /* vsnprintf says what it would have written: the report stops at its end when cut short. */
    if (written > 0) run.reportLength += (size_t)written < room ? (size_t)written : room - 1;
}

static const char *baseName(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* ---- The image ------------------------------------------------------------------------- */

static int reserveImage(Shadow *shadow, sqlite3_int64 size) {
    if (size <= shadow->imageCapacity) return SQLITE_OK;
    sqlite3_int64 capacity = shadow->imageCapacity > 0 ? shadow->imageCapacity : 64 * 1024;
    while (capacity < size) capacity *= 2;
    if ((uint64_t)capacity > SIZE_MAX) return SQLITE_NOMEM;
    unsigned char *grown = realloc(shadow->image, (size_t)capacity);
    if (grown == NULL) return SQLITE_NOMEM;
    shadow->image = grown;
    shadow->imageCapacity = capacity;
    return SQLITE_OK;
}

/* Sets the image's size; bytes past the old end read as zeros, as in a file extended by a
 * write past its end or by a truncation that lengthens it. */
static int resizeImage(Shadow *shadow, sqlite3_int64 size) {
    if (size > shadow->imageSize) {
        int rc = reserveImage(shadow, size);
        if (rc != SQLITE_OK) return rc;
        memset(shadow->image + shadow->imageSize, 0, (size_t)(size - shadow->imageSize));
    }
    shadow->imageSize = size;
    return SQLITE_OK;
}

/* Applies the first `length` bytes of a change (all of a truncation) to the image. */
static int applyChange(Shadow *shadow, const Change *change, int length) {
    if (change->length < 0) return resizeImage(shadow, change->offset);
    if (length <= 0) return SQLITE_OK;
    sqlite3_int64 end = change->offset + length;
    if (end > shadow->imageSize) {
        int rc = resizeImage(shadow, end);
        if (rc != SQLITE_OK) return rc;
    }
    memcpy(shadow->image + change->offset, change->bytes, (size_t)length);
    return SQLITE_OK;
}

static void dropChanges(Shadow *shadow) {
    for (int i = 0; i < shadow->changeCount; i++) free(shadow->changes[i].bytes);
    shadow->changeCount = 0;
}

static void freeShadow(Shadow *shadow) {
    dropChanges(shadow);
    free(shadow->changes);
    free(shadow->image);
    free(shadow->path);
    free(shadow);
}

static int recordChange(Shadow *shadow, sqlite3_int64 offset, int length, const void *bytes) {
    if (shadow->changeCount == shadow->changeCapacity) {
        int capacity = shadow->changeCapacity > 0 ? shadow->changeCapacity * 2 : 16;
        Change *grown = realloc(shadow->changes, (size_t)capacity * sizeof *grown);
        if (grown == NULL) return SQLITE_NOMEM;
        shadow->changes = grown;
        shadow->changeCapacity = capacity;
    }
    Change change = {offset, length, NULL};
    if (length > 0) {
        change.bytes = malloc((size_t)length);
        if (change.bytes == NULL) return SQLITE_NOMEM;
        memcpy(change.bytes, bytes, (size_t)length);
    }
    shadow->changes[shadow->changeCount++] = change;
    return SQLITE_OK;
}

/* A sync: everything written since the last one is on the disk now. */
static int makeDurable(Shadow *shadow) {
    for (int i = 0; i < shadow->changeCount; i++) {
        const Change *change = &shadow->changes[i];
        int rc = applyChange(shadow, change, change->length);
        if (rc != SQLITE_OK) return rc;
    }
    dropChanges(shadow);
    return SQLITE_OK;
}

/* A write cut short: a prefix of it reached the disk, possibly nothing. */
static int tear(Shadow *shadow, const Change *change) {
    int length = (int)randomBelow((uint64_t)change->length);
    note(" write at %lld torn (%d of %d bytes),", (long long)change->offset, length, change->length);
    return applyChange(shadow, change, length);
}

/* The cut, for one file: what of its changes reaches the disk. `isSyncing`: its sync is the cut. */
static int settle(Shadow *shadow, int isSyncing) {
    if (shadow->changeCount == 0) return SQLITE_OK;
    shadow->needsWriting = 1;
    int kept = 0, torn = 0, rc = SQLITE_OK;
    note(" %s%s: %d changes:", baseName(shadow->path), isSyncing ? " (syncing)" : "", shadow->changeCount);
    switch (run.writeback) {
    case StepdCrashWritebackLost:
        if (!isSyncing) break;
        for (int i = shadow->changeCount - 1; i >= 0; i--) {
            if (shadow->changes[i].length > 0) {
                rc = tear(shadow, &shadow->changes[i]);
                torn++;
                break;
            }
        }
        break;
    case StepdCrashWritebackInOrder: {
        int count = (int)randomBelow((uint64_t)shadow->changeCount + 1);
        for (int i = 0; i < count && rc == SQLITE_OK; i++) {
            rc = applyChange(shadow, &shadow->changes[i], shadow->changes[i].length);
            kept++;
        }
        if (rc == SQLITE_OK && count < shadow->changeCount && shadow->changes[count].length > 0) {
            rc = tear(shadow, &shadow->changes[count]);
            torn++;
        }
        break;
    }
    case StepdCrashWritebackAny:
        for (int i = 0; i < shadow->changeCount && rc == SQLITE_OK; i++) {
            const Change *change = &shadow->changes[i];
            uint64_t fate = randomBelow(3);
            if (fate == 1) {
                rc = applyChange(shadow, change, change->length);
                kept++;
            } else if (fate == 2 && change->length > 0) {
                rc = tear(shadow, change);
                torn++;
            }
        }
        break;
    }
    note(" %d kept whole, %d torn;", kept, torn);
    dropChanges(shadow);
    return rc;
}

/* The power goes. A file whose record cannot be made loses everything in flight, which is one
 * of the outcomes the cut draws from anyway; the failure is noted. */
static void cut(Shadow *syncing) {
    run.isCut = 1;
    static const char *names[] = {"lost", "in order", "any"};
    note("cut at sync %d of %s, writeback %s:", run.syncs, baseName(syncing->path), names[run.writeback]);
    for (Shadow *shadow = run.shadows; shadow != NULL; shadow = shadow->next) {
        if (settle(shadow, shadow == syncing) != SQLITE_OK) note(" (out of memory: the rest of %s lost)", baseName(shadow->path));
    }
}

/* ---- Simulated files ------------------------------------------------------------------- */

static int isInRun(const char *path) {
    return run.isActive && path != NULL && strncmp(path, run.folder, run.folderLength) == 0 && path[run.folderLength] == '/';
}

/* The file's record: the existing one (another handle has it open, or had it), else a new one
 * holding what the file holds now: what was there before the run is on the disk. */
static int attachShadow(CrashFile *file, const char *path) {
    for (Shadow *shadow = run.shadows; shadow != NULL; shadow = shadow->next) {
        if (strcmp(shadow->path, path) == 0) {
            file->shadow = shadow;
            shadow->handles++;
            run.openHandles++;
            return SQLITE_OK;
        }
    }
    Shadow *shadow = calloc(1, sizeof *shadow);
    if (shadow == NULL) return SQLITE_NOMEM;
    shadow->path = strdup(path);
    sqlite3_int64 size = 0;
    int rc = shadow->path != NULL ? SQLITE_OK : SQLITE_NOMEM;
    if (rc == SQLITE_OK) rc = file->inner->pMethods->xFileSize(file->inner, &size);
    if (rc == SQLITE_OK) rc = resizeImage(shadow, size);
    for (sqlite3_int64 offset = 0; rc == SQLITE_OK && offset < size; offset += piece) {
        int length = size - offset < piece ? (int)(size - offset) : piece;
        rc = file->inner->pMethods->xRead(file->inner, shadow->image + offset, length, offset);
    }
    if (rc != SQLITE_OK) {
        freeShadow(shadow);
        return rc;
    }
    shadow->handles = 1;
    shadow->next = run.shadows;
    run.shadows = shadow;
    file->shadow = shadow;
    run.openHandles++;
    return SQLITE_OK;
}

static CrashFile *crashFile(sqlite3_file *file) { return (CrashFile *)file; }

static const sqlite3_io_methods *innerMethods(CrashFile *file) { return file->inner->pMethods; }

static int crashClose(sqlite3_file *handle) {
    CrashFile *file = crashFile(handle);
    if (file->shadow != NULL) {
        pthread_mutex_lock(&lock);
        Shadow *shadow = file->shadow;
        file->shadow = NULL;
        shadow->handles--;
        run.openHandles--;
        if (shadow->isDeleted && shadow->handles == 0) freeShadow(shadow);
        if (run.openHandles == 0) pthread_cond_broadcast(&allClosed);
        pthread_mutex_unlock(&lock);
    }
    /* Closing writes nothing in the unix VFS: a dead handle closes like a live one, and must,
     * for its locks, descriptors and shared memory to go before the files are reopened. */
    return innerMethods(file)->xClose(file->inner);
}

static int crashRead(sqlite3_file *handle, void *out, int amount, sqlite3_int64 offset) {
    CrashFile *file = crashFile(handle);
    if (file->shadow == NULL) return innerMethods(file)->xRead(file->inner, out, amount, offset);
    pthread_mutex_lock(&lock);
    int rc = run.isCut ? SQLITE_IOERR_READ : innerMethods(file)->xRead(file->inner, out, amount, offset);
    pthread_mutex_unlock(&lock);
    return rc;
}

/* A write of `amount` bytes, or a truncation to `offset` (`amount` < 0): in flight until the
 * file's next sync, on the real file at once. */
static int change(CrashFile *file, const void *data, int amount, sqlite3_int64 offset) {
    pthread_mutex_lock(&lock);
    int rc = amount < 0 ? SQLITE_IOERR_TRUNCATE : SQLITE_IOERR_WRITE;
    if (!run.isCut) {
        rc = recordChange(file->shadow, offset, amount, data);
        if (rc == SQLITE_OK) {
            rc = amount < 0 ? innerMethods(file)->xTruncate(file->inner, offset)
                            : innerMethods(file)->xWrite(file->inner, data, amount, offset);
            /* Not made: not in flight either. */
            if (rc != SQLITE_OK) free(file->shadow->changes[--file->shadow->changeCount].bytes);
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int crashWrite(sqlite3_file *handle, const void *data, int amount, sqlite3_int64 offset) {
    CrashFile *file = crashFile(handle);
    if (file->shadow == NULL) return innerMethods(file)->xWrite(file->inner, data, amount, offset);
    return change(file, data, amount, offset);
}

static int crashTruncate(sqlite3_file *handle, sqlite3_int64 size) {
    CrashFile *file = crashFile(handle);
    if (file->shadow == NULL) return innerMethods(file)->xTruncate(file->inner, size);
    return change(file, NULL, -1, size);
}

/* The real fsync is not made: the disk here is the images, and the test never loses the real
 * machine's page cache. Each one would only cost the test milliseconds. */
static int crashSync(sqlite3_file *handle, int flags) {
    CrashFile *file = crashFile(handle);
    if (file->shadow == NULL) return innerMethods(file)->xSync(file->inner, flags);
    pthread_mutex_lock(&lock);
    int rc = SQLITE_IOERR_FSYNC;
    if (!run.isCut) {
        run.syncs++;
        if (run.syncs == run.cutAtSync) {
            cut(file->shadow);
        } else {
            rc = makeDurable(file->shadow);
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int crashFileSize(sqlite3_file *handle, sqlite3_int64 *size) {
    CrashFile *file = crashFile(handle);
    if (file->shadow == NULL) return innerMethods(file)->xFileSize(file->inner, size);
    pthread_mutex_lock(&lock);
    int rc = run.isCut ? SQLITE_IOERR_FSTAT : innerMethods(file)->xFileSize(file->inner, size);
    pthread_mutex_unlock(&lock);
    return rc;
}

static int isDead(CrashFile *file) { return file->shadow != NULL && figure(&run.isCut); }

static int crashLock(sqlite3_file *handle, int level) {
    CrashFile *file = crashFile(handle);
    return isDead(file) ? SQLITE_IOERR_LOCK : innerMethods(file)->xLock(file->inner, level);
}

/* Unlocking is let through after the cut: it changes no file, and a dead handle must let go. */
static int crashUnlock(sqlite3_file *handle, int level) {
    CrashFile *file = crashFile(handle);
    return innerMethods(file)->xUnlock(file->inner, level);
}

static int crashCheckReservedLock(sqlite3_file *handle, int *isReserved) {
    CrashFile *file = crashFile(handle);
    return isDead(file) ? SQLITE_IOERR_CHECKRESERVEDLOCK : innerMethods(file)->xCheckReservedLock(file->inner, isReserved);
}

/* A size hint or a chunk size would have the unix VFS lengthen the file itself, out of the
 * simulation's sight; both are hints, which a VFS may ignore. The rest changes no contents. */
static int crashFileControl(sqlite3_file *handle, int operation, void *argument) {
    CrashFile *file = crashFile(handle);
    if (file->shadow != NULL && (operation == SQLITE_FCNTL_SIZE_HINT || operation == SQLITE_FCNTL_CHUNK_SIZE)) return SQLITE_OK;
    return innerMethods(file)->xFileControl(file->inner, operation, argument);
}

static int crashSectorSize(sqlite3_file *handle) {
    CrashFile *file = crashFile(handle);
    return innerMethods(file)->xSectorSize(file->inner);
}

static int crashDeviceCharacteristics(sqlite3_file *handle) {
    CrashFile *file = crashFile(handle);
    return innerMethods(file)->xDeviceCharacteristics(file->inner);
}

/* The wal-index. Not simulated (it is memory shared by the connections, never synced), but
 * dead after the cut like the rest: no new mapping, no new lock. */
static int crashShmMap(sqlite3_file *handle, int region, int size, int extend, void volatile **memory) {
    CrashFile *file = crashFile(handle);
    if (isDead(file)) return SQLITE_IOERR_SHMMAP;
    return innerMethods(file)->xShmMap(file->inner, region, size, extend, memory);
}

static int crashShmLock(sqlite3_file *handle, int offset, int count, int flags) {
    CrashFile *file = crashFile(handle);
    if ((flags & SQLITE_SHM_LOCK) && isDead(file)) return SQLITE_IOERR_SHMLOCK;
    return innerMethods(file)->xShmLock(file->inner, offset, count, flags);
}

static void crashShmBarrier(sqlite3_file *handle) {
    CrashFile *file = crashFile(handle);
    innerMethods(file)->xShmBarrier(file->inner);
}

/* A dead machine deletes nothing: the index file stays for the test to decide on. */
static int crashShmUnmap(sqlite3_file *handle, int deleteFlag) {
    CrashFile *file = crashFile(handle);
    return innerMethods(file)->xShmUnmap(file->inner, isDead(file) ? 0 : deleteFlag);
}

/* Version 2: no xFetch, so SQLite reads every page through xRead, which the cut can refuse. */
static const sqlite3_io_methods crashMethods = {
    2,
    crashClose,
    crashRead,
    crashWrite,
    crashTruncate,
    crashSync,
    crashFileSize,
    crashLock,
    crashUnlock,
    crashCheckReservedLock,
    crashFileControl,
    crashSectorSize,
    crashDeviceCharacteristics,
    crashShmMap,
    crashShmLock,
    crashShmBarrier,
    crashShmUnmap,
    NULL,
    NULL,
};

/* ---- The VFS --------------------------------------------------------------------------- */

static int crashOpen(sqlite3_vfs *self, sqlite3_filename name, sqlite3_file *handle, int flags, int *outFlags) {
    (void)self;
    CrashFile *file = crashFile(handle);
    memset(file, 0, sizeof *file);
    file->inner = (sqlite3_file *)((char *)handle + innerOffset);
    pthread_mutex_lock(&lock);
    int isSimulated = isInRun(name);
    if (isSimulated && run.isCut) {
        pthread_mutex_unlock(&lock);
        handle->pMethods = NULL;
        return SQLITE_CANTOPEN;
    }
    int rc = wrapped->xOpen(wrapped, name, file->inner, flags, outFlags);
    if (file->inner->pMethods == NULL) {
        pthread_mutex_unlock(&lock);
        handle->pMethods = NULL;
        return rc;
    }
    if (rc == SQLITE_OK && isSimulated) {
        rc = attachShadow(file, name);
        if (rc != SQLITE_OK) {
            file->inner->pMethods->xClose(file->inner);
            pthread_mutex_unlock(&lock);
            handle->pMethods = NULL;
            return rc;
        }
    }
    pthread_mutex_unlock(&lock);
    /* Set even when the open failed: SQLite then closes the handle, as the VFS interface says. */
    handle->pMethods = &crashMethods;
    return rc;
}

/* A deletion (a directory operation) is taken as durable at once: SQLite deletes a log or a
 * journal only once what it held is synced elsewhere. */
static int crashDelete(sqlite3_vfs *self, const char *name, int syncDirectory) {
    (void)self;
    pthread_mutex_lock(&lock);
    int rc;
    if (isInRun(name) && run.isCut) {
        rc = SQLITE_IOERR_DELETE;
    } else {
        rc = wrapped->xDelete(wrapped, name, syncDirectory);
        for (Shadow **link = &run.shadows; rc == SQLITE_OK && isInRun(name) && *link != NULL; link = &(*link)->next) {
            Shadow *shadow = *link;
            if (strcmp(shadow->path, name) != 0) continue;
            *link = shadow->next;
            shadow->isDeleted = 1;
            if (shadow->handles == 0) freeShadow(shadow);
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int forwardAccess(sqlite3_vfs *self, const char *name, int flags, int *result) {
    (void)self;
    return wrapped->xAccess(wrapped, name, flags, result);
}

static int forwardFullPathname(sqlite3_vfs *self, const char *name, int size, char *out) {
    (void)self;
    return wrapped->xFullPathname(wrapped, name, size, out);
}

static void *forwardDlOpen(sqlite3_vfs *self, const char *name) {
    (void)self;
    return wrapped->xDlOpen(wrapped, name);
}

static void forwardDlError(sqlite3_vfs *self, int size, char *message) {
    (void)self;
    wrapped->xDlError(wrapped, size, message);
}

static void (*forwardDlSym(sqlite3_vfs *self, void *library, const char *symbol))(void) {
    (void)self;
    return wrapped->xDlSym(wrapped, library, symbol);
}

static void forwardDlClose(sqlite3_vfs *self, void *library) {
    (void)self;
    wrapped->xDlClose(wrapped, library);
}

static int forwardRandomness(sqlite3_vfs *self, int size, char *out) {
    (void)self;
    return wrapped->xRandomness(wrapped, size, out);
}

static int forwardSleep(sqlite3_vfs *self, int microseconds) {
    (void)self;
    return wrapped->xSleep(wrapped, microseconds);
}

static int forwardCurrentTime(sqlite3_vfs *self, double *now) {
    (void)self;
    return wrapped->xCurrentTime(wrapped, now);
}

static int forwardGetLastError(sqlite3_vfs *self, int size, char *out) {
    (void)self;
    return wrapped->xGetLastError(wrapped, size, out);
}

static int forwardCurrentTimeInt64(sqlite3_vfs *self, sqlite3_int64 *now) {
    (void)self;
    return wrapped->xCurrentTimeInt64(wrapped, now);
}

static int forwardSetSystemCall(sqlite3_vfs *self, const char *name, sqlite3_syscall_ptr call) {
    (void)self;
    return wrapped->xSetSystemCall(wrapped, name, call);
}

static sqlite3_syscall_ptr forwardGetSystemCall(sqlite3_vfs *self, const char *name) {
    (void)self;
    return wrapped->xGetSystemCall(wrapped, name);
}

static const char *forwardNextSystemCall(sqlite3_vfs *self, const char *name) {
    (void)self;
    return wrapped->xNextSystemCall(wrapped, name);
}

static void initialize(void) {
    /* The unix VFS by name: whatever is the default now (the log write buffer, once installed)
     * must be above this one, never below. */
    wrapped = sqlite3_vfs_find("unix");
    /* Version 3, as the log write buffer requires of the VFS it wraps. */
    if (wrapped == NULL || wrapped->iVersion < 3) {
        initResult = SQLITE_ERROR;
        return;
    }
    vfs.iVersion = 3;
    vfs.szOsFile = innerOffset + wrapped->szOsFile;
    vfs.mxPathname = wrapped->mxPathname;
    vfs.zName = "stepd-crash-test";
    vfs.xOpen = crashOpen;
    vfs.xDelete = crashDelete;
    vfs.xAccess = forwardAccess;
    vfs.xFullPathname = forwardFullPathname;
    vfs.xDlOpen = forwardDlOpen;
    vfs.xDlError = forwardDlError;
    vfs.xDlSym = forwardDlSym;
    vfs.xDlClose = forwardDlClose;
    vfs.xRandomness = forwardRandomness;
    vfs.xSleep = forwardSleep;
    vfs.xCurrentTime = forwardCurrentTime;
    vfs.xGetLastError = forwardGetLastError;
    vfs.xCurrentTimeInt64 = forwardCurrentTimeInt64;
    vfs.xSetSystemCall = forwardSetSystemCall;
    vfs.xGetSystemCall = forwardGetSystemCall;
    vfs.xNextSystemCall = forwardNextSystemCall;
}

int stepd_crash_vfs_register(int makeDefault) {
    pthread_once(&initOnce, initialize);
    if (initResult != SQLITE_OK) return initResult;
    /* Registering again only moves it (to the head of the list, when it becomes the default). */
    return sqlite3_vfs_register(&vfs, makeDefault);
}

int stepd_crash_vfs_begin(const char *folder, int cutAtSync, unsigned long long seed, StepdCrashWriteback writeback) {
    if (writeback < StepdCrashWritebackLost || writeback > StepdCrashWritebackAny || cutAtSync < 0) return SQLITE_MISUSE;
    /* As SQLite names the files: a full path, symbolic links resolved. */
    char *resolved = realpath(folder, NULL);
    if (resolved == NULL) return SQLITE_CANTOPEN;
    size_t length = strlen(resolved);
    while (length > 1 && resolved[length - 1] == '/') resolved[--length] = 0;
    pthread_mutex_lock(&lock);
    if (run.isActive) {
        pthread_mutex_unlock(&lock);
        free(resolved);
        return SQLITE_MISUSE;
    }
    run.isActive = 1;
    run.folder = resolved;
    run.folderLength = length;
    run.cutAtSync = cutAtSync;
    run.syncs = 0;
    run.isCut = 0;
    run.openHandles = 0;
    run.writeback = writeback;
    run.random = seed;
    run.shadows = NULL;
    run.report[0] = 0;
    run.reportLength = 0;
    pthread_mutex_unlock(&lock);
    return SQLITE_OK;
}

int stepd_crash_vfs_syncs(void) { return figure(&run.syncs); }

int stepd_crash_vfs_is_cut(void) { return figure(&run.isCut); }

int stepd_crash_vfs_open_handles(void) { return figure(&run.openHandles); }

/* Plain POSIX calls: no SQLite handle is open on the file any more (finish checks), so closing
 * this descriptor drops no lock of SQLite's. */
static int writeImage(const Shadow *shadow) {
    int fd = open(shadow->path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return SQLITE_CANTOPEN;
    int rc = SQLITE_OK;
    for (sqlite3_int64 offset = 0; rc == SQLITE_OK && offset < shadow->imageSize;) {
        sqlite3_int64 left = shadow->imageSize - offset;
        size_t length = left < piece ? (size_t)left : (size_t)piece;
        ssize_t written = pwrite(fd, shadow->image + offset, length, (off_t)offset);
        if (written > 0) {
            offset += written;
        } else if (written < 0 && errno == EINTR) {
            continue;
        } else {
            rc = SQLITE_IOERR_WRITE;
        }
    }
    if (rc == SQLITE_OK && ftruncate(fd, (off_t)shadow->imageSize) != 0) rc = SQLITE_IOERR_TRUNCATE;
    close(fd);
    return rc;
}

int stepd_crash_vfs_finish(int waitMilliseconds, char *report, int reportSize) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += waitMilliseconds / 1000;
    deadline.tv_nsec += (long)(waitMilliseconds % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&lock);
    if (!run.isActive) {
        pthread_mutex_unlock(&lock);
        return SQLITE_MISUSE;
    }
    while (run.openHandles > 0) {
        if (pthread_cond_timedwait(&allClosed, &lock, &deadline) == ETIMEDOUT && run.openHandles > 0) {
            pthread_mutex_unlock(&lock);
            return SQLITE_BUSY;
        }
    }
    int rc = SQLITE_OK;
    if (!run.isCut) note("no cut (%d syncs)", run.syncs);
    while (run.shadows != NULL) {
        Shadow *shadow = run.shadows;
        run.shadows = shadow->next;
        if (run.isCut && shadow->needsWriting && rc == SQLITE_OK) {
            rc = writeImage(shadow);
            if (rc != SQLITE_OK) note(" cannot write %s back (%d)", baseName(shadow->path), rc);
        }
        freeShadow(shadow);
    }
    if (report != NULL && reportSize > 0) snprintf(report, (size_t)reportSize, "%s", run.report);
    free(run.folder);
    run.folder = NULL;
    run.isActive = 0;
    pthread_mutex_unlock(&lock);
    return rc;
}
