#define _GNU_SOURCE
#include "sys.h"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

pid_t sys_fork(void)
{
	/* x86_64 argument order: flags, stack, parent_tid, child_tid, tls */
	return (pid_t)syscall(SYS_clone, (unsigned long)SIGCHLD, 0UL, 0UL, 0UL, 0UL);
}

pid_t sys_clone_nostack(unsigned long flags)
{
	return (pid_t)syscall(SYS_clone, flags, 0UL, 0UL, 0UL, 0UL);
}

int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

int sys_pidfd_send_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, (void *)0, 0U);
}

pid_t sys_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

void sys_exit(int code)
{
	for (;;)
		syscall(SYS_exit, code);
}

void sys_exit_group(int code)
{
	for (;;)
		syscall(SYS_exit_group, code);
}

int sys_setuid(uid_t uid)
{
	return (int)syscall(SYS_setuid, uid);
}
