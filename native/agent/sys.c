#define _GNU_SOURCE
#include "sys.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
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

int sys_pidfd_kill(int pidfd, int sig)
{
	int r = (int)syscall(SYS_pidfd_send_signal, pidfd, sig, (void *)0, PIDFD_SIGNAL_THREAD_GROUP);
	if (r < 0 && errno == EINVAL) /* before Linux 6.9: no flags; a leader's pidfd is the group anyway */
		r = (int)syscall(SYS_pidfd_send_signal, pidfd, sig, (void *)0, 0U);
	return r;
}

/* struct pidfd_info of include/uapi/linux/pidfd.h (its first version, 64 bytes) */
struct pidfd_info_v0 {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
	uint32_t coredump_mask, spare1;
};
#define PIDFD_INFO_PID 1UL
#define PIDFD_GET_INFO _IOWR(0xFF, 11, struct pidfd_info_v0)

pid_t sys_pidfd_vpid(int pidfd)
{
	struct pidfd_info_v0 i;
	memset(&i, 0, sizeof i);
	i.mask = PIDFD_INFO_PID;
	if (ioctl(pidfd, PIDFD_GET_INFO, &i) < 0)
		return errno == EREMOTE ? -ESRCH : -errno; /* EREMOTE: not in our namespace */
	return i.pid ? (pid_t)i.pid : -ESRCH;
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
