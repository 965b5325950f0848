/* The lab processes' side: a command loop over one control socket.
 *
 * Every lab process (main and each task it creates) runs lab_loop() on its
 * own stack. Per-task state (the socket) lives in that frame, never in
 * globals: CLONE_VM children share globals with their parent. The only
 * globals are lab_tables (vars and regions), which belong to the address
 * space on purpose. No malloc here: after a raw clone glibc's state is not
 * ours to rely on. */
#define _GNU_SOURCE
#include "proto.h"
#include "sys.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <asm/prctl.h>

struct lab_tables lab_tables;

#define CLONE_STACK (1UL << 20)

struct clone_arg {
	int sock;
	unsigned long flags;
	int ptid, ctid;
};

static void loop(int sock) __attribute__((noreturn));

static void send_rep(int sock, struct lab_rep *r, int fd, const void *extra, size_t extralen)
{
	struct iovec iov[2] = {{r, sizeof *r}, {(void *)extra, extralen}};
	union fd_cmsg u;
	struct msghdr mh = {0};
	mh.msg_iov = iov;
	mh.msg_iovlen = extralen ? 2 : 1;
	msg_attach_fd(&mh, &u, fd);
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

static void reply(int sock, const struct lab_cmd *c, int err, int pid, int64_t val)
{
	struct lab_rep r = {0};
	r.kind = REP_RESULT;
	r.seq = c->seq;
	r.op = c->op;
	r.err = err;
	r.pid = pid;
	r.val = val;
	send_rep(sock, &r, -1, NULL, 0);
}

static void send_kind(int sock, uint32_t kind)
{
	struct lab_rep r = {0};
	r.kind = kind;
	send_rep(sock, &r, -1, NULL, 0);
}

/* Tells the agent this task runs its loop, handing over a pidfd of itself:
 * the agent learns the host pid from its fdinfo and watches it for exit. */
static void send_ready(int sock, int thread, int err)
{
	struct lab_rep r = {0};
	r.kind = REP_READY;
	r.err = err;
	r.pid = thread ? sys_gettid() : getpid();
	r.val = (int64_t)(uintptr_t)&lab_tables; /* differs per image (PIE) */
	int fd = sys_pidfd_open(thread ? sys_gettid() : getpid(), thread ? PIDFD_THREAD : 0);
	send_rep(sock, &r, fd, NULL, 0);
	if (fd >= 0)
		close(fd);
}

/* A new task keeps only its own control socket (and 0-2): a descriptor of
 * another task held here would hide that task's exec (CLOEXEC EOF). */
static void keep_only(int sock)
{
	if (sock > 3)
		close_range(3, (unsigned)sock - 1, 0);
	close_range((unsigned)sock + 1, ~0U, 0);
}

static ssize_t recv_cmd(int sock, struct lab_cmd *c, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {c, sizeof *c};
	struct msghdr mh = {0};
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof u.buf;
	*fd = -1;
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	}
	return n;
}

/* execve of argv[0], searched in PATH as execvp does, but without execvp's
 * retry through /bin/sh on ENOEXEC: the lab sees the kernel's errno. */
/* The directory the user ran proclab from: lab processes run in the lab's
 * private directory (workdir.c), but a relative program path means what it
 * would mean to the user. Per address space, like everything here. */
static char home_dir[4096];

/* execve, a relative path taken from home_dir */
static void exec_at(const char *path, char **argv)
{
	if (path[0] == '/' || !home_dir[0]) {
		execve(path, argv, environ);
		return;
	}
	int d = open(home_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (d < 0) {
		execve(path, argv, environ);
		return;
	}
	syscall(SYS_execveat, d, path, argv, environ, 0);
	int e = errno;
	close(d);
	errno = e;
}

static int exec_path(char **argv)
{
	if (strchr(argv[0], '/')) {
		exec_at(argv[0], argv);
		return errno;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/bin:/usr/bin";
	char full[4096];
	int seen_eacces = 0;
	for (const char *p = path;;) {
		const char *e = strchrnul(p, ':');
		size_t dl = (size_t)(e - p);
		const char *dir = dl ? p : "."; /* an empty entry is the current directory */
		if (!dl)
			dl = 1;
		if (dl + 1 + strlen(argv[0]) + 1 <= sizeof full) {
			memcpy(full, dir, dl);
			full[dl] = '/';
			strcpy(full + dl + 1, argv[0]);
			exec_at(full, argv);
			if (errno == EACCES)
				seen_eacces = 1;
			else if (errno != ENOENT && errno != ENOTDIR && errno != ESTALE && errno != ENODEV &&
				 errno != ETIMEDOUT)
				return errno;
		}
		if (!*e)
			break;
		p = e + 1;
	}
	return seen_eacces ? EACCES : ENOENT;
}

/* exec with stdout/stderr on the agent's pipe; returns errno on failure
 * with the old descriptors back in place. */
static int do_exec(struct lab_cmd *c, int outfd)
{
	char *argv[1025];
	int argc = 0;
	uint32_t off = 0;
	while (off < c->len && argc < 1024) {
		argv[argc++] = c->data + off;
		off += (uint32_t)strnlen(c->data + off, c->len - off) + 1;
	}
	argv[argc] = NULL;
	if (argc == 0 || !argv[0][0])
		return ENOENT;
	int s1 = fcntl(1, F_DUPFD_CLOEXEC, 3), s2 = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (outfd >= 0) {
		dup2(outfd, 1);
		dup2(outfd, 2);
	}
	int e = exec_path(argv);
	if (s1 >= 0) {
		dup2(s1, 1);
		close(s1);
	}
	if (s2 >= 0) {
		dup2(s2, 2);
		close(s2);
	}
	return e;
}

/* A vfork child borrows its parent's memory and stack: it may only exec or
 * exit, and must never return from this frame. */
static void vfork_child(int sock) __attribute__((noreturn));
static void vfork_child(int sock)
{
	struct lab_cmd c;
	int fd;
	keep_only(sock);
	send_ready(sock, 0, 0);
	for (;;) {
		ssize_t n = recv_cmd(sock, &c, &fd);
		if (n <= 0)
			sys_exit(0);
		if (c.op == OP_EXIT)
			sys_exit(c.a);
		if (c.op == OP_EXEC) {
			int e = do_exec(&c, fd);
			if (fd >= 0)
				close(fd);
			reply(sock, &c, e, 0, 0);
			continue;
		}
		if (fd >= 0)
			close(fd);
		reply(sock, &c, EINVAL, 0, 0);
	}
}

static int clone_entry(void *p)
{
	struct clone_arg *ca = p;
	int sock = ca->sock;
	if (!(ca->flags & CLONE_FILES))
		keep_only(sock);
	send_ready(sock, (ca->flags & CLONE_THREAD) != 0, 0);
	loop(sock);
}

/* Names are checked to fit by the agent; cut at LAB_NAME_MAX - 1 all the same. */
static void copy_name(char dst[LAB_NAME_MAX], const char *src)
{
	size_t n = strnlen(src, LAB_NAME_MAX - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static struct lab_var *var_find(const char *name, int create)
{
	for (uint32_t i = 0; i < lab_tables.nvars && i < LAB_MAX_VARS; i++)
		if (!strcmp(lab_tables.vars[i].name, name))
			return &lab_tables.vars[i];
	if (!create || lab_tables.nvars >= LAB_MAX_VARS)
		return NULL;
	struct lab_var *v = &lab_tables.vars[lab_tables.nvars];
	memset(v, 0, sizeof *v);
	copy_name(v->name, name);
	lab_tables.nvars++;
	return v;
}

static struct lab_region *region_find(const char *name, int create)
{
	for (uint32_t i = 0; i < lab_tables.nregions && i < LAB_MAX_REGIONS; i++)
		if (!strcmp(lab_tables.regions[i].name, name))
			return &lab_tables.regions[i];
	if (!create || lab_tables.nregions >= LAB_MAX_REGIONS)
		return NULL;
	struct lab_region *r = &lab_tables.regions[lab_tables.nregions];
	memset(r, 0, sizeof *r);
	copy_name(r->name, name);
	lab_tables.nregions++;
	return r;
}

/* A region lives alone in a 512 GiB slot of its own (one PUD table's span,
 * 16 TiB + i * 512 GiB for the i-th region), far from the libraries and the
 * stack: the page tables it needs are then its own and exactly counted
 * (VmPTE: a PTE page per 2 MiB touched, a PMD page per GiB, one PUD page),
 * whatever ASLR did with the rest. Where the slot is taken (the same name
 * mapped again), the kernel chooses. */
#define REGION_SLOT_BASE (1UL << 44)
#define REGION_SLOT_SIZE (1UL << 39)

static void *region_mmap(const char *name, size_t len)
{
	uint32_t i = 0;
	while (i < lab_tables.nregions && i < LAB_MAX_REGIONS && strcmp(lab_tables.regions[i].name, name))
		i++;
	void *want = (void *)(REGION_SLOT_BASE + i * REGION_SLOT_SIZE);
	void *m = len <= REGION_SLOT_SIZE ? mmap(want, len, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0)
					  : MAP_FAILED;
	if (m == MAP_FAILED || m != want) {
		if (m != MAP_FAILED)
			munmap(m, len); /* a kernel before 4.17 took the flag as a hint */
		m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	return m;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* handle: the variable a signal's handler counts in, "caught_SIGUSR1" */
static void caught_name(int sig, char out[LAB_NAME_MAX])
{
	static const char prefix[] = "caught_";
	char buf[16];
	const char *n = signal_name(sig, buf);
	size_t pl = sizeof prefix - 1, nl = strnlen(n, LAB_NAME_MAX - 1 - pl);
	memcpy(out, prefix, pl);
	memcpy(out + pl, n, nl);
	out[pl + nl] = '\0';
}

/* The lab's signal handler: it returns, so the signal is caught and the
 * process runs on, and it counts the signal in the process's variable
 * caught_SIGNAME (made by the handle step, in memory this address space
 * owns: lab_tables). Async-signal-safe: it only reads the table and adds 1. */
static void lab_caught(int sig)
{
	int saved = errno;
	char name[LAB_NAME_MAX];
	caught_name(sig, name);
	struct lab_var *v = var_find(name, 0);
	if (v)
		v->value++;
	errno = saved;
}

/* Rebuilds waitpid's status from waitid's siginfo (wait_task_zombie,
 * wait_task_stopped, wait_task_continued fill it from the same value). */
static int status_of(const siginfo_t *si)
{
	switch (si->si_code) {
	case CLD_EXITED: return (si->si_status & 0xff) << 8;
	case CLD_KILLED: return si->si_status & 0x7f;
	case CLD_DUMPED: return (si->si_status & 0x7f) | 0x80;
	case CLD_STOPPED: return ((si->si_status & 0xff) << 8) | 0x7f;
	/* a ptrace stop's exit_code keeps its event in the bits above the signal */
	case CLD_TRAPPED: return ((si->si_status & 0xffff) << 8) | 0x7f;
	case CLD_CONTINUED: return 0xffff;
	}
	return 0;
}

static int read_num(const char *path, int64_t *v)
{
	char b[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	ssize_t n = read(fd, b, sizeof b - 1);
	int e = errno;
	close(fd);
	if (n <= 0)
		return n < 0 ? e : EIO;
	b[n] = 0;
	long long x = 0;
	for (char *p = b; *p >= '0' && *p <= '9'; p++)
		x = x * 10 + (*p - '0');
	*v = x;
	return 0;
}

int lab_read_sys(int64_t *pid_max, int64_t *ns_last_pid, int64_t *threads_max)
{
	int e = read_num("/proc/sys/kernel/pid_max", pid_max);
	if (!e)
		e = read_num("/proc/sys/kernel/ns_last_pid", ns_last_pid);
	if (!e)
		e = read_num("/proc/sys/kernel/threads-max", threads_max);
	return e;
}

/* The target of kill, wait and ptrace comes as a pidfd (the agent's, passed
 * with the command), never as a pid number: a pid is only meaningful in one
 * pid namespace, and the agent's and this process's may differ. What this
 * process would call the target is asked of the kernel (PIDFD_GET_INFO);
 * where it cannot see the target, the kernel's own answers hold: ESRCH for
 * kill and ptrace, ECHILD for wait. */

/* kill(2) of the target's whole thread group, as this process */
static int kill_pidfd(int fd, int sig)
{
	if (fd < 0)
		return ESRCH;
	pid_t v = sys_pidfd_vpid(fd);
	if (v < 0)
		return -v;
	return sys_pidfd_kill(fd, sig) < 0 ? errno : 0;
}

/* PTRACE_SEIZE then PTRACE_INTERRUPT of the target, by its pid here */
static int seize_pidfd(int fd)
{
	if (fd < 0)
		return ESRCH;
	pid_t v = sys_pidfd_vpid(fd);
	if (v < 0)
		return -v;
	if (ptrace(PTRACE_SEIZE, v, 0, 0) < 0 || ptrace(PTRACE_INTERRUPT, v, 0, 0) < 0)
		return errno;
	return 0;
}

/* waitpid(target) as waitid(P_PIDFD) (waitid(P_ALL) for any child): the
 * returned pid is the kernel's, in this process's namespace; the status is
 * rebuilt from the siginfo, ptrace event bits included. */
static int wait_pidfd(int fd, int opts, int32_t *pid, int32_t *status)
{
	siginfo_t si;
	memset(&si, 0, sizeof si);
	int r;
	do
		r = waitid(fd >= 0 ? P_PIDFD : P_ALL, fd >= 0 ? (id_t)fd : 0, &si, opts | WEXITED);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		*pid = -1;
		*status = 0;
		return errno;
	}
	*pid = si.si_pid;
	*status = si.si_pid ? status_of(&si) : 0;
	return 0;
}

/* vfork in frames of their own: the child shares the parent's stack until
 * it execs or exits, so no caller's locals may live across the call
 * (-Wclobbered). The child never returns from these. */
static __attribute__((noinline)) pid_t vfork_exit(int code)
{
	pid_t p = vfork();
	if (p == 0)
		sys_exit(code);
	return p;
}

static __attribute__((noinline)) pid_t vfork_then(int child_sock)
{
	pid_t p = vfork();
	if (p == 0)
		vfork_child(child_sock);
	return p;
}

/* The repeat fast path: fork; child _exit(code); waitpid -- with no round
 * trip per step. Records go back in chunks, then one REP_RESULT. */
static void run_script(int sock, const struct lab_cmd *c)
{
	const struct script_step *st = (const void *)c->data;
	int nst = (int)(c->len / sizeof *st);
	long iters = c->x;
	struct script_rec recs[SCRIPT_CHUNK];
	uint32_t nrec = 0;
	for (long it = 0; it < iters; it++) {
		pid_t kids[SCRIPT_MAX_KIDS] = {0};
		for (int s = 0; s < nst; s++) {
			struct script_rec rec = {0, 0};
			int k = st[s].k;
			if (st[s].op == SS_FORK) {
				pid_t p = sys_fork();
				if (p == 0)
					sys_exit_group(st[s].arg);
				rec.v = p < 0 ? -errno : p;
				kids[k] = p > 0 ? p : 0;
			} else if (st[s].op == SS_VFORK) {
				pid_t p = vfork_exit(st[s].arg);
				rec.v = p < 0 ? -errno : p;
				kids[k] = p > 0 ? p : 0;
			} else {
				pid_t t = k < 0 ? -1 : kids[k];
				if (k >= 0 && t <= 0) {
					rec.status = -1; /* no such child: the unrolled step is an error */
				} else {
					int status = 0;
					pid_t r = wait4(t, &status, st[s].arg, NULL);
					rec.v = r < 0 ? -errno : r;
					rec.status = status;
				}
			}
			recs[nrec++] = rec;
			if (nrec == SCRIPT_CHUNK) {
				struct lab_rep r = {0};
				r.kind = REP_DATA;
				r.seq = c->seq;
				r.n = nrec;
				send_rep(sock, &r, -1, recs, nrec * sizeof recs[0]);
				nrec = 0;
			}
		}
	}
	if (nrec) {
		struct lab_rep r = {0};
		r.kind = REP_DATA;
		r.seq = c->seq;
		r.n = nrec;
		send_rep(sock, &r, -1, recs, nrec * sizeof recs[0]);
	}
	reply(sock, c, 0, 0, iters);
}

static void loop(int sock)
{
	struct lab_cmd c;
	for (;;) {
		int fd;
		ssize_t n = recv_cmd(sock, &c, &fd);
		if (n <= 0)
			sys_exit_group(0); /* the agent is gone: so is the lab */
		if ((size_t)n < LAB_CMD_HDR) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		switch (c.op) {
		case OP_FORK: {
			pid_t p = sys_fork();
			if (p == 0) {
				sock = fd;
				keep_only(sock);
				send_ready(sock, 0, 0);
				continue;
			}
			int e = p < 0 ? errno : 0;
			close(fd);
			reply(sock, &c, e, p, 0);
			break;
		}
		case OP_VFORK: {
			pid_t p = vfork_then(fd);
			int e = p < 0 ? errno : 0;
			close(fd);
			reply(sock, &c, e, p, 0);
			break;
		}
		case OP_CLONE: {
			unsigned long flags = (unsigned long)c.x;
			char *stk = mmap(NULL, CLONE_STACK, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
			if (stk == MAP_FAILED) {
				int e = errno;
				close(fd);
				reply(sock, &c, e, -1, 0);
				break;
			}
			/* the child's arguments live on its own stack: with CLONE_VM
			 * our frame may change before it reads them */
			struct clone_arg *ca = (void *)(stk + CLONE_STACK - 64);
			ca->sock = fd;
			ca->flags = flags;
			unsigned long tls = 0;
			if (flags & CLONE_SETTLS) /* keep glibc's TLS: a zero fs base would crash */
				syscall(SYS_arch_prctl, ARCH_GET_FS, &tls);
			pid_t p = clone(clone_entry, (char *)ca - 64, (int)(flags | (unsigned)c.a), ca,
					&ca->ptid, (void *)tls, &ca->ctid);
			int e = p < 0 ? errno : 0;
			int pidfd = ca->ptid; /* CLONE_PIDFD: ours, read before the unmap */
			if (p < 0 || !(flags & CLONE_VM))
				munmap(stk, CLONE_STACK);
			if (p < 0 || !(flags & CLONE_FILES))
				close(fd);
			if (p > 0 && (flags & CLONE_PIDFD) && !(flags & CLONE_FILES))
				close(pidfd);
			reply(sock, &c, e, p, 0);
			break;
		}
		case OP_EXEC: {
			int e = do_exec(&c, fd);
			if (fd >= 0)
				close(fd);
			reply(sock, &c, e, 0, 0);
			break;
		}
		case OP_EXIT:
			sys_exit(c.a);
		case OP_KILL:
			reply(sock, &c, kill_pidfd(fd, c.b), 0, 0);
			if (fd >= 0)
				close(fd);
			break;
		case OP_WAIT: {
			struct lab_rep rp = {0};
			rp.kind = REP_RESULT;
			rp.seq = c.seq;
			rp.op = c.op;
			send_kind(sock, REP_WAITING);
			rp.err = c.a && fd < 0 ? ECHILD : wait_pidfd(c.a ? fd : -1, c.b, &rp.pid, &rp.status);
			if (fd >= 0)
				close(fd);
			send_rep(sock, &rp, -1, NULL, 0);
			break;
		}
		case OP_HOLD: {
			reply(sock, &c, 0, 0, 0);
			struct timespec ts = {c.x / 1000, (c.x % 1000) * 1000000};
			while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
				;
			send_kind(sock, REP_IDLE);
			break;
		}
		case OP_BLOCK:
			reply(sock, &c, 0, 0, 0);
			pause();
			send_kind(sock, REP_IDLE);
			break;
		case OP_SPIN: {
			reply(sock, &c, 0, 0, 0);
			int64_t end = now_ns() + c.x * 1000000;
			while (now_ns() < end)
				;
			send_kind(sock, REP_IDLE);
			break;
		}
		case OP_SET:
		case OP_ADD: {
			struct lab_var *v = var_find(c.name, 1);
			if (!v) {
				reply(sock, &c, ENOSPC, 0, 0);
				break;
			}
			if (c.op == OP_SET)
				v->value = c.x;
			else
				v->value += c.x;
			reply(sock, &c, 0, 0, v->value);
			break;
		}
		case OP_MAP: {
			void *m = region_mmap(c.name, (size_t)c.x * LAB_PAGE);
			if (m == MAP_FAILED) {
				reply(sock, &c, errno, 0, 0);
				break;
			}
			struct lab_region *r = region_find(c.name, 1);
			if (!r) {
				munmap(m, (size_t)c.x * LAB_PAGE);
				reply(sock, &c, ENOSPC, 0, 0);
				break;
			}
			r->addr = (uint64_t)(uintptr_t)m;
			r->pages = (uint64_t)c.x;
			reply(sock, &c, 0, 0, (int64_t)r->addr);
			break;
		}
		case OP_TOUCH: {
			struct lab_region *r = region_find(c.name, 0);
			if (!r) {
				reply(sock, &c, -1, 0, 0);
				break;
			}
			int64_t from = c.x, to = c.y < 0 ? (int64_t)r->pages - 1 : c.y;
			if (from < 0 || to >= (int64_t)r->pages || from > to) {
				reply(sock, &c, -2, 0, (int64_t)r->pages);
				break;
			}
			volatile char *base = (volatile char *)(uintptr_t)r->addr;
			for (int64_t p = from; p <= to; p++) {
				if (c.a)
					base[p * LAB_PAGE] = (char)(p + 1);
				else
					(void)base[p * LAB_PAGE];
			}
			reply(sock, &c, 0, 0, 0);
			break;
		}
		case OP_SUBREAPER:
			reply(sock, &c, prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 ? errno : 0, 0, 0);
			break;
		case OP_IGNORE: {
			struct sigaction sa;
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = SIG_IGN;
			reply(sock, &c, sigaction(c.a, &sa, NULL) < 0 ? errno : 0, 0, 0);
			break;
		}
		case OP_HANDLE: {
			/* a handler that returns; SA_RESTART: the command loop, a wait, a
			 * sleep go on (pause() does return, as it always does) */
			struct sigaction sa;
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = lab_caught;
			sa.sa_flags = SA_RESTART;
			sigemptyset(&sa.sa_mask);
			int e = sigaction(c.a, &sa, NULL) < 0 ? errno : 0;
			if (!e) {
				char name[LAB_NAME_MAX];
				caught_name(c.a, name);
				if (!var_find(name, 1))
					e = ENOSPC;
			}
			reply(sock, &c, e, 0, 0);
			break;
		}
		case OP_MASK: {
			/* this thread's mask: x blocked, y unblocked, in one call; what
			 * is pending and no longer blocked is taken on the way back */
			sigset_t set;
			sigprocmask(SIG_SETMASK, NULL, &set);
			for (int s = 1; s <= 64; s++) {
				if ((uint64_t)c.x & (1ULL << (s - 1)))
					sigaddset(&set, s);
				if ((uint64_t)c.y & (1ULL << (s - 1)))
					sigdelset(&set, s);
			}
			reply(sock, &c, sigprocmask(SIG_SETMASK, &set, NULL) < 0 ? errno : 0, 0, 0);
			break;
		}
		case OP_SETUID:
			reply(sock, &c, sys_setuid((uid_t)c.x) < 0 ? errno : 0, 0, 0);
			break;
		case OP_RLIMIT: {
			struct rlimit rl = {(rlim_t)c.x, (rlim_t)c.x};
			if (c.x < 0)
				rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
			reply(sock, &c, setrlimit(c.a, &rl) < 0 ? errno : 0, 0, 0);
			break;
		}
		case OP_PTRACE:
			reply(sock, &c, seize_pidfd(fd), 0, 0);
			if (fd >= 0)
				close(fd);
			break;
		case OP_SETPGID: {
			/* setpgid(pid, pgid): the target (when not 0, this process) rides
			 * along as a pidfd and is named as this process's namespace names
			 * it; one it cannot see, or that is gone, is ESRCH */
			pid_t pid = 0;
			int e = 0;
			if (c.b) {
				pid_t v = fd < 0 ? -ESRCH : sys_pidfd_vpid(fd);
				if (v < 0)
					e = -v;
				else
					pid = v;
			}
			if (!e && setpgid(pid, (pid_t)c.x) < 0)
				e = errno;
			if (fd >= 0)
				close(fd);
			reply(sock, &c, e, 0, 0);
			break;
		}
		case OP_SETSID:
			reply(sock, &c, setsid() < 0 ? errno : 0, 0, 0);
			break;
		case OP_SYSREAD: {
			struct lab_rep rp = {0};
			rp.kind = REP_RESULT;
			rp.seq = c.seq;
			rp.op = c.op;
			rp.err = lab_read_sys(&rp.val, &rp.val2, &rp.val3);
			send_rep(sock, &rp, -1, NULL, 0);
			break;
		}
		case OP_SCRIPT:
			run_script(sock, &c);
			break;
		default:
			if (fd >= 0)
				close(fd);
			reply(sock, &c, ENOSYS, 0, 0);
		}
	}
}

/* main: the first lab process. In a pid namespace it is pid 1 and leads its
 * own session; pid_max is written from here, inside the namespace, so the
 * namespace's own value changes (Linux 6.14+), never the host's. */
/* Deeper than loop() and a vfork child below it ever go (-fstack-usage: about
 * 98 + 66 + 12 KiB). A vfork child runs on its parent's stack, below the
 * parent's frame: in fresh pages there, it faults them in and, where ASLR put
 * the stack just above a 2 MiB boundary, a page-table page too -- one mm, so
 * the parent's VmPTE and RSS would change by the agent's doing, not vfork's. */
#define STACK_PREFAULT (256UL << 10)

static __attribute__((noinline)) void prefault_stack(void)
{
	volatile char pad[STACK_PREFAULT];
	for (size_t i = 0; i < sizeof pad; i += 4096)
		pad[i] = 0;
	pad[sizeof pad - 1] = 0;
}

void lab_main(int sock, int pidns, long pid_max, int nofile_soft, const char *home)
{
	snprintf(home_dir, sizeof home_dir, "%s", home ? home : "");
	/* the agent blocks its death signals outside ppoll; a lab process (and
	 * what it execs) must take SIGTERM, SIGHUP and SIGINT like anyone else */
	sigset_t none;
	sigemptyset(&none);
	/* every disposition starts as SIG_DFL, as the model's processes do: the
	 * agent's own (SIGPIPE ignored), and whatever the JVM was started with
	 * (nohup ignores SIGHUP, a background job of a shell SIGINT and SIGQUIT:
	 * SIG_IGN survives exec) */
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	/* and the real-time ones, glibc's own two among them (a JVM's child
	 * starts with 32 and 33 ignored): glibc refuses those, the kernel not */
	for (int s = 32; s <= 64; s++) {
		struct {
			void (*handler)(int);
			unsigned long flags;
			void (*restorer)(void);
			uint64_t mask;
		} ksa = {SIG_DFL, 0, NULL, 0};
		syscall(SYS_rt_sigaction, s, &ksa, NULL, sizeof ksa.mask);
	}
	sigprocmask(SIG_SETMASK, &none, NULL);
	int err = 0;
	signal(SIGPIPE, SIG_DFL);
	if (pidns)
		setsid();
	if (pidns && pid_max > 0) {
		int fd = open("/proc/sys/kernel/pid_max", O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			err = errno;
		} else {
			char b[32];
			int l = 0;
			long v = pid_max;
			char t[32];
			int tl = 0;
			do
				t[tl++] = (char)('0' + v % 10);
			while ((v /= 10) > 0);
			while (tl)
				b[l++] = t[--tl];
			b[l++] = '\n';
			if (write(fd, b, (size_t)l) < 0)
				err = errno;
			close(fd);
		}
	}
	int dn = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (dn >= 0) {
		/* lab processes never write on the protocol channel, and hold
		 * no pipe of the agent's caller open (stderr too) */
		dup2(dn, 0);
		dup2(dn, 1);
		dup2(dn, 2);
		close(dn);
	}
	if (nofile_soft > 0) {
		struct rlimit rl;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
			rl.rlim_cur = (rlim_t)nofile_soft;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	keep_only(sock);
	/* the tables' pages are present from the start: the agent's reads of them
	 * (observe) then never fault them in, which would change this process's
	 * memory (a page, an anon_vma) by looking at it */
	memset(&lab_tables, 0, sizeof lab_tables);
	prefault_stack();
	send_ready(sock, 0, err);
	if (err)
		sys_exit_group(127);
	loop(sock);
}
