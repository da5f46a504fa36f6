#ifndef STEPD_C_LINUX_PROCESS_H
#define STEPD_C_LINUX_PROCESS_H

/*
 * The Linux process calls the job runner needs that Swift's Glibc module does not export:
 * that module is built without _GNU_SOURCE, so pidfd_open, pipe2, the _np spawn file
 * actions and POSIX_SPAWN_SETSID are hidden from Swift, and the variadic syscall() cannot be
 * called from it at all. A define in this header would not help: <spawn.h> and <unistd.h>
 * come into Swift as the already-built Glibc module. So the wrappers are plain functions,
 * compiled in CLinuxProcess.c with _GNU_SOURCE, and this header names only types and values
 * Swift already has.
 */

#include <spawn.h>
#include <sys/types.h>

/* POSIX_SPAWN_SETSID (glibc 2.26+): the child starts its own session. CLinuxProcess.c checks
 * the value against <spawn.h>. */
#define STEPD_POSIX_SPAWN_SETSID 0x80

/* P_PIDFD (Linux 5.4+): waitid's id is a pidfd. glibc declares it only from 2.36 on, so
 * the value is given here; CLinuxProcess.c checks it against glibc's when it has one. */
#define STEPD_P_PIDFD 3

/* A pidfd (always close-on-exec) for pid, or -1 with errno set. */
int stepd_pidfd_open(pid_t pid);

/* pipe2(2): both ends made with flags at once, so no exec in another thread can inherit an
 * end before it is close-on-exec. 0, or -1 with errno set. */
int stepd_pipe2(int fds[2], int flags);

/* posix_spawn_file_actions_addchdir_np (glibc 2.29+). An error number: ENOSYS when the C
 * library stepd was built against lacks it. */
int stepd_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/* posix_spawn_file_actions_addclosefrom_np (glibc 2.34+). An error number: ENOSYS when the
 * C library stepd was built against lacks it. */
int stepd_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

#endif
