#ifndef STEPD_SQLITE_LOG_WRITE_BUFFER_H
#define STEPD_SQLITE_LOG_WRITE_BUFFER_H

/// Makes the default SQLite VFS one that wraps it and can gather what SQLite writes to a
/// write-ahead log between two syncs into as few writes as it can: SQLite writes each frame's
/// 24-byte header and its page with a system call each, two a page, and a commit of a dozen
/// pages spent more time in those calls than in copying the bytes.
///
/// A connection gathers only once it asks (`stepd_sqlite_log_write_buffer_gather`); every other
/// file and connection goes straight through to the wrapped VFS.
///
/// Safe to call more than once and from any thread; returns an SQLite result code.
int stepd_sqlite_log_write_buffer_install(void);

/// Gathers the log writes of `connection` (an `sqlite3 *` opened after the install), which must
/// sync its log at every commit (`PRAGMA synchronous = FULL` or `EXTRA`). Nothing else changes:
/// everything gathered is written before the log is synced, read, sized, truncated or closed,
/// and before a commit becomes visible to readers, in the order SQLite wrote it.
///
/// Returns an SQLite result code: SQLITE_NOTFOUND when the connection's files are not this VFS's.
int stepd_sqlite_log_write_buffer_gather(void *connection);

#endif
