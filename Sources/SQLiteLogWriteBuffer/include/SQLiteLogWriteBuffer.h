#ifndef STEPD_SQLITE_LOG_WRITE_BUFFER_H
#define STEPD_SQLITE_LOG_WRITE_BUFFER_H

/// Makes the default SQLite VFS one that wraps it and gathers what SQLite writes to a
/// write-ahead log between two syncs into as few writes as it can: SQLite writes each frame's
/// 24-byte header and its page with a system call each, two a page, and a commit of a dozen
/// pages spent more time in those calls than in copying the bytes.
///
/// Nothing else changes: everything gathered is written before the log is synced, read, sized,
/// truncated or closed, in the order SQLite wrote it. Writes to other files pass straight through.
///
/// Safe to call more than once and from any thread; returns an SQLite result code.
int stepd_sqlite_log_write_buffer_install(void);

#endif
