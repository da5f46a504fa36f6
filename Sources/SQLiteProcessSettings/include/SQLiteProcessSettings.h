#ifndef STEPD_SQLITE_PROCESS_SETTINGS_H
#define STEPD_SQLITE_PROCESS_SETTINGS_H

/// Turns off SQLite's memory statistics for the process (SQLITE_CONFIG_MEMSTATUS): with them on,
/// every allocation and free inside SQLite takes a global mutex to count itself (the lock and
/// unlock alone were 2.5% of a resume's transaction in perf). Nothing in stepd reads them
/// (`sqlite3_memory_used`, the soft heap limit).
///
/// SQLite accepts the setting only before it is first used in the process; the first call
/// makes it, later calls return its result again. Returns an SQLite result code:
/// SQLITE_MISUSE when SQLite was already in use, and the statistics stay on.
int stepd_sqlite_turn_off_memory_statistics(void);

#endif
