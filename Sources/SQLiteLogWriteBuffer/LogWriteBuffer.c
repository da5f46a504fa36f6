#include <pthread.h>
#include <sqlite3.h>
#include <stdalign.h>
#include <stddef.h>
#include <string.h>

#include "SQLiteLogWriteBuffer.h"

/* The unix VFS writes at most 128 KiB - 1 bytes a call (it masks the count and reports the
 * rest as a full disk), and a commit of a few dozen pages fits. Longer runs (a transaction that
 * spills) go out in pieces of this size. */
enum { capacity = 128 * 1024 - 1 };

/* One open file: SQLite's handle for it, then the wrapped VFS's handle right after. */
typedef struct BufferedFile BufferedFile;
struct BufferedFile {
    sqlite3_file base;
    sqlite3_file *inner;
    int gathers;            /* a log: its connection asked for it (see gatherOperation) */
    int gathersLog;         /* a database file: the same, for a log opened later */
    BufferedFile *log;      /* a database file: its open log */
    BufferedFile *database; /* a log: its database file */
    int length;             /* bytes gathered */
    sqlite3_int64 start;    /* the file offset of the first gathered byte */
    unsigned char *bytes;   /* allocated at the first gathered write */
};

/* The file control by which a connection asks for its log's writes to be gathered. */
enum { gatherOperation = 0x53544550 /* 'STEP' */ };

enum { innerOffset = (sizeof(BufferedFile) + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t) };

static sqlite3_vfs *wrapped;
static sqlite3_vfs vfs;
static int installResult = SQLITE_OK;
static pthread_once_t installOnce = PTHREAD_ONCE_INIT;

static BufferedFile *buffered(sqlite3_file *file) { return (BufferedFile *)file; }

static const sqlite3_io_methods *innerMethods(BufferedFile *file) { return file->inner->pMethods; }

static int writeGathered(BufferedFile *file) {
    if (file->length == 0) return SQLITE_OK;
    int length = file->length;
    file->length = 0;
    return innerMethods(file)->xWrite(file->inner, file->bytes, length, file->start);
}

static int bufferedClose(sqlite3_file *handle) {
    BufferedFile *file = buffered(handle);
    int written = writeGathered(file);
    if (file->database != NULL) file->database->log = NULL;
    if (file->log != NULL) file->log->database = NULL;
    int closed = innerMethods(file)->xClose(file->inner);
    sqlite3_free(file->bytes);
    file->bytes = NULL;
    return written != SQLITE_OK ? written : closed;
}

static int bufferedRead(sqlite3_file *handle, void *out, int amount, sqlite3_int64 offset) {
    BufferedFile *file = buffered(handle);
    int rc = writeGathered(file);
    return rc != SQLITE_OK ? rc : innerMethods(file)->xRead(file->inner, out, amount, offset);
}

static int bufferedWrite(sqlite3_file *handle, const void *data, int amount, sqlite3_int64 offset) {
    BufferedFile *file = buffered(handle);
    if (!file->gathers) return innerMethods(file)->xWrite(file->inner, data, amount, offset);
    if (file->length > 0 && (offset != file->start + file->length || file->length + amount > capacity)) {
        int rc = writeGathered(file);
        if (rc != SQLITE_OK) return rc;
    }
    if (amount > capacity) return innerMethods(file)->xWrite(file->inner, data, amount, offset);
    if (file->bytes == NULL) {
        file->bytes = sqlite3_malloc(capacity);
        if (file->bytes == NULL) return innerMethods(file)->xWrite(file->inner, data, amount, offset);
    }
    if (file->length == 0) file->start = offset;
    memcpy(file->bytes + file->length, data, (size_t)amount);
    file->length += amount;
    return SQLITE_OK;
}

static int bufferedTruncate(sqlite3_file *handle, sqlite3_int64 size) {
    BufferedFile *file = buffered(handle);
    int rc = writeGathered(file);
    return rc != SQLITE_OK ? rc : innerMethods(file)->xTruncate(file->inner, size);
}

static int bufferedSync(sqlite3_file *handle, int flags) {
    BufferedFile *file = buffered(handle);
    int rc = writeGathered(file);
    return rc != SQLITE_OK ? rc : innerMethods(file)->xSync(file->inner, flags);
}

static int bufferedFileSize(sqlite3_file *handle, sqlite3_int64 *size) {
    BufferedFile *file = buffered(handle);
    int rc = writeGathered(file);
    return rc != SQLITE_OK ? rc : innerMethods(file)->xFileSize(file->inner, size);
}

static int bufferedLock(sqlite3_file *handle, int level) {
    BufferedFile *file = buffered(handle);
    return innerMethods(file)->xLock(file->inner, level);
}

static int bufferedUnlock(sqlite3_file *handle, int level) {
    BufferedFile *file = buffered(handle);
    return innerMethods(file)->xUnlock(file->inner, level);
}

static int bufferedCheckReservedLock(sqlite3_file *handle, int *isReserved) {
    BufferedFile *file = buffered(handle);
    return innerMethods(file)->xCheckReservedLock(file->inner, isReserved);
}

static int bufferedFileControl(sqlite3_file *handle, int operation, void *argument) {
    BufferedFile *file = buffered(handle);
    if (operation == gatherOperation) {
        file->gathersLog = 1;
        if (file->log != NULL) file->log->gathers = 1;
        return SQLITE_OK;
    }
    /* Some operations look at or change the file (size hints, chunk sizes, ...): write first. */
    int rc = writeGathered(file);
    return rc != SQLITE_OK ? rc : innerMethods(file)->xFileControl(file->inner, operation, argument);
}

static int bufferedSectorSize(sqlite3_file *handle) {
    BufferedFile *file = buffered(handle);
    return innerMethods(file)->xSectorSize(file->inner);
}

static int bufferedDeviceCharacteristics(sqlite3_file *handle) {
    BufferedFile *file = buffered(handle);
    return innerMethods(file)->xDeviceCharacteristics(file->inner);
}

/* The wrapped file's methods may be of an older version than these (the unix VFS's dot-file
 * and flock locking styles are version 1): what it lacks is refused as SQLite refuses it. */
static int bufferedShmMap(sqlite3_file *handle, int region, int size, int extend, void volatile **memory) {
    BufferedFile *file = buffered(handle);
    if (innerMethods(file)->iVersion < 2) return SQLITE_IOERR_SHMMAP;
    return innerMethods(file)->xShmMap(file->inner, region, size, extend, memory);
}

static int bufferedShmLock(sqlite3_file *handle, int offset, int count, int flags) {
    BufferedFile *file = buffered(handle);
    if (innerMethods(file)->iVersion < 2) return SQLITE_IOERR_SHMLOCK;
    return innerMethods(file)->xShmLock(file->inner, offset, count, flags);
}

/* SQLite makes a commit visible to readers by writing the wal-index header twice, with a
 * barrier on the database file in between; a reader takes the header only when both copies
 * agree. A connection that syncs its log at each commit, as it must to ask for gathering, has
 * written everything by then. Should it commit without a sync all the same, readers must not
 * find the frames missing from the file, or an older log's bytes in their place. */
static void bufferedShmBarrier(sqlite3_file *handle) {
    BufferedFile *file = buffered(handle);
    if (file->log != NULL) (void)writeGathered(file->log);
    if (innerMethods(file)->iVersion >= 2) innerMethods(file)->xShmBarrier(file->inner);
}

static int bufferedShmUnmap(sqlite3_file *handle, int deleteFlag) {
    BufferedFile *file = buffered(handle);
    if (innerMethods(file)->iVersion < 2) return SQLITE_OK;
    return innerMethods(file)->xShmUnmap(file->inner, deleteFlag);
}

static int bufferedFetch(sqlite3_file *handle, sqlite3_int64 offset, int amount, void **pointer) {
    BufferedFile *file = buffered(handle);
    if (innerMethods(file)->iVersion < 3) {
        *pointer = NULL;
        return SQLITE_OK;
    }
    return innerMethods(file)->xFetch(file->inner, offset, amount, pointer);
}

static int bufferedUnfetch(sqlite3_file *handle, sqlite3_int64 offset, void *pointer) {
    BufferedFile *file = buffered(handle);
    if (innerMethods(file)->iVersion < 3) return SQLITE_OK;
    return innerMethods(file)->xUnfetch(file->inner, offset, pointer);
}

static const sqlite3_io_methods bufferedMethods = {
    3,
    bufferedClose,
    bufferedRead,
    bufferedWrite,
    bufferedTruncate,
    bufferedSync,
    bufferedFileSize,
    bufferedLock,
    bufferedUnlock,
    bufferedCheckReservedLock,
    bufferedFileControl,
    bufferedSectorSize,
    bufferedDeviceCharacteristics,
    bufferedShmMap,
    bufferedShmLock,
    bufferedShmBarrier,
    bufferedShmUnmap,
    bufferedFetch,
    bufferedUnfetch,
};

static int bufferedOpen(sqlite3_vfs *self, sqlite3_filename name, sqlite3_file *handle, int flags, int *outFlags) {
    (void)self;
    BufferedFile *file = buffered(handle);
    memset(file, 0, sizeof *file);
    file->inner = (sqlite3_file *)((char *)handle + innerOffset);
    int rc = wrapped->xOpen(wrapped, name, file->inner, flags, outFlags);
    if (file->inner->pMethods == NULL) {
        handle->pMethods = NULL;
        return rc;
    }
    handle->pMethods = &bufferedMethods;
    if (flags & SQLITE_OPEN_WAL) {
        /* The database file's handle asks for gathering and holds the barrier (above). */
        sqlite3_file *database = sqlite3_database_file_object(name);
        if (rc == SQLITE_OK && database != NULL && database->pMethods == &bufferedMethods) {
            file->database = buffered(database);
            file->database->log = file;
            file->gathers = file->database->gathersLog;
        }
    }
    return rc;
}

static int forwardDelete(sqlite3_vfs *self, const char *name, int syncDirectory) {
    (void)self;
    return wrapped->xDelete(wrapped, name, syncDirectory);
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

static void install(void) {
    wrapped = sqlite3_vfs_find(NULL);
    /* The forwarding above covers version 3 of the VFS interface, the unix VFS's. */
    if (wrapped == NULL || wrapped->iVersion < 3) {
        installResult = SQLITE_ERROR;
        return;
    }
    vfs.iVersion = 3;
    vfs.szOsFile = innerOffset + wrapped->szOsFile;
    vfs.mxPathname = wrapped->mxPathname;
    vfs.zName = "stepd-log-write-buffer";
    vfs.xOpen = bufferedOpen;
    vfs.xDelete = forwardDelete;
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
    installResult = sqlite3_vfs_register(&vfs, 1);
}

int stepd_sqlite_log_write_buffer_install(void) {
    pthread_once(&installOnce, install);
    return installResult;
}

int stepd_sqlite_log_write_buffer_gather(void *connection) {
    return sqlite3_file_control((sqlite3 *)connection, "main", gatherOperation, NULL);
}
