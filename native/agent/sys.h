/* Raw system call wrappers, gathered in one place.
 * glibc either lacks them (pidfd_open on older glibc) or does work we do not
 * want in lab processes (fork's atfork handlers, exit's atexit handlers). */
#ifndef PROCLAB_SYS_H
#define PROCLAB_SYS_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef PIDFD_THREAD
#define PIDFD_THREAD 0x80 /* O_EXCL: a pidfd for one thread (Linux 6.9+) */
#endif
#ifndef PIDFD_SIGNAL_THREAD_GROUP
#define PIDFD_SIGNAL_THREAD_GROUP (1UL << 1) /* the whole group, as kill(2) does (Linux 6.9+) */
#endif

/* fork() without glibc's bookkeeping: the child just returns 0. */
pid_t sys_fork(void);
/* clone(2) in fork style (no new stack): flags must not contain CLONE_VM. */
pid_t sys_clone_nostack(unsigned long flags);
int sys_pidfd_open(pid_t pid, unsigned int flags);
/* kill(2) of the process (the whole thread group, also for a thread's pidfd)
 * that pidfd refers to: no pid number, so a reused pid can never be hit. */
int sys_pidfd_kill(int pidfd, int sig);
/* The pid of the task pidfd refers to, in the caller's pid namespace
 * (PIDFD_GET_INFO, Linux 6.13+): > 0, or -errno: -ESRCH when it has been
 * reaped or is outside the caller's namespace, -ENOTTY/-EINVAL when the
 * kernel lacks the ioctl. */
pid_t sys_pidfd_vpid(int pidfd);
pid_t sys_gettid(void);
/* Ends only the calling task (a thread alone), never returns. */
__attribute__((noreturn)) void sys_exit(int code);
/* Ends the whole thread group, never returns. */
__attribute__((noreturn)) void sys_exit_group(int code);
/* setuid of the calling task only (the kernel's per-task credentials). */
int sys_setuid(uid_t uid);

#endif
