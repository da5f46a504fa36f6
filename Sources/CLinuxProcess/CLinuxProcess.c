/* Before any system header: the declarations wanted here are GNU extensions. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Another C library counts as one without the glibc functions: the fallbacks below. */
#ifdef __GLIBC_PREREQ
#define STEPD_GLIBC_AT_LEAST(major, minor) __GLIBC_PREREQ(major, minor)
#else
#define STEPD_GLIBC_AT_LEAST(major, minor) 0
#endif

#if STEPD_GLIBC_AT_LEAST(2, 36)
#include <sys/pidfd.h>
#endif

#include "CLinuxProcess.h"

_Static_assert(STEPD_POSIX_SPAWN_SETSID == POSIX_SPAWN_SETSID, "POSIX_SPAWN_SETSID differs from <spawn.h>");
#if STEPD_GLIBC_AT_LEAST(2, 36)
_Static_assert(STEPD_P_PIDFD == P_PIDFD, "P_PIDFD differs from <sys/wait.h>");
#endif

/* Kernel headers older than Linux 5.3 lack the number; it is the same on every architecture. */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

int stepd_pidfd_open(pid_t pid) {
#if STEPD_GLIBC_AT_LEAST(2, 36)
    return pidfd_open(pid, 0);
#else
    return (int)syscall(SYS_pidfd_open, pid, 0);
#endif
}

int stepd_pipe2(int fds[2], int flags) {
    return pipe2(fds, flags);
}

int stepd_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
#if STEPD_GLIBC_AT_LEAST(2, 29)
    return posix_spawn_file_actions_addchdir_np(actions, path);
#else
    (void)actions;
    (void)path;
    return ENOSYS;
#endif
}

int stepd_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest) {
#if STEPD_GLIBC_AT_LEAST(2, 34)
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#else
    (void)actions;
    (void)lowest;
    return ENOSYS;
#endif
}
