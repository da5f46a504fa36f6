#ifndef STEPD_SQLITE_CRASH_TEST_VFS_H
#define STEPD_SQLITE_CRASH_TEST_VFS_H

/// A VFS for tests only: it simulates a machine that loses its power at one chosen sync.
///
/// It wraps the unix VFS. The files opened under the folder of a run (`stepd_crash_vfs_begin`)
/// are simulated: the VFS keeps in memory what the disk holds of each (its contents at its last
/// sync) and the writes and truncations made since, which reach the real file at once (the page
/// cache, as the process sees it). At the run's chosen sync the power goes: that sync fails, and
/// from then on every read, write, sync and lock of the run's files fails with an I/O error, so
/// that SQLite's handles on them are dead. What reached the disk of the writes in flight is drawn
/// from the run's seed (`StepdCrashWriteback`); once every handle is closed,
/// `stepd_crash_vfs_finish` puts that on the real files, for a reopen to recover from.
///
/// Every other file (outside the folder, temporary files, any file while no run is active) goes
/// straight through. The `-shm` index file is never simulated: SQLite maps it into memory and
/// never syncs it (the test decides what becomes of it, see CrashConsistencyTests).
///
/// Not linked by stepd: only the crash-consistency tests depend on this target.

/// What reaches the disk, at the cut, of the writes made since each file's last sync.
typedef enum {
    /// None, but a prefix of the last write to the file whose sync is the cut (a torn page).
    StepdCrashWritebackLost = 0,
    /// Of each file, the first writes in the order they were made, the next one torn.
    StepdCrashWritebackInOrder = 1,
    /// Of each file, any of them: each one lost, whole, or torn.
    StepdCrashWritebackAny = 2,
} StepdCrashWriteback;

/// Registers the VFS as "stepd-crash-test"; `makeDefault`: also as the process's default VFS,
/// so that a VFS installed later over the default (the log write buffer) wraps this one. Safe
/// to call more than once and from any thread; returns an SQLite result code.
int stepd_crash_vfs_register(int makeDefault);

/// Starts a run on the files under `folder` (an existing folder): the `cutAtSync`-th sync of
/// any of them (from 1) is the cut; 0 never cuts. `seed` draws what the cut leaves on the disk.
/// SQLITE_MISUSE while another run is active.
int stepd_crash_vfs_begin(const char *folder, int cutAtSync, unsigned long long seed, StepdCrashWriteback writeback);

/// The syncs of the run's files so far.
int stepd_crash_vfs_syncs(void);

/// 1 once the run's cut has happened.
int stepd_crash_vfs_is_cut(void);

/// The run's files open now (handles, not files).
int stepd_crash_vfs_open_handles(void);

/// Ends the run: after a cut, writes what the simulated disk holds to the real files (without
/// a cut they are left as they are). Every handle on the run's files must be closed first: it
/// waits up to `waitMilliseconds` for the last one to close (a connection may be closed by a
/// thread of its own), then returns SQLITE_BUSY, and the run stays. A line saying what the cut
/// left of each file is copied into `report` (`reportSize` bytes, with its terminating zero).
int stepd_crash_vfs_finish(int waitMilliseconds, char *report, int reportSize);

#endif
