/* The lab's sandbox parts that live outside lab processes: the pids cgroup
 * (v2 or v1, whichever has the controller) and the capability probe, where
 * each capability is found out by trying it in a child that we reap. */
#define _GNU_SOURCE
#include "agent.h"
#include "sys.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int kernel_at_least(int major, int minor)
{
	struct utsname u;
	int a = 0, b = 0;
	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &a, &b) != 2)
		return 0;
	return a > major || (a == major && b >= minor);
}


/* Where a pids cgroup can be made: the directory of our own cgroup in the
 * hierarchy that has the pids controller. Returns 2 (v2), 1 (v1), 0. */
static int pids_hierarchy(char *dir, size_t len)
{
	struct sbuf cg = {0}, ctl = {0};
	int v = 0;
	if (read_file("/proc/self/cgroup", &cg) != 0) {
		free(cg.p);
		return 0;
	}
	char v1path[512] = "", v2path[512] = "";
	for (char *line = cg.p; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c1 && c2) {
			*c2 = 0;
			const char *ctrls = c1 + 1;
			if (!*ctrls && line[0] == '0')
				snprintf(v2path, sizeof v2path, "%s", c2 + 1);
			else {
				char list[256];
				snprintf(list, sizeof list, ",%s,", ctrls);
				if (strstr(list, ",pids,"))
					snprintf(v1path, sizeof v1path, "%s", c2 + 1);
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	if (read_file("/sys/fs/cgroup/cgroup.controllers", &ctl) == 0 && ctl.p &&
	    strstr(ctl.p, "pids")) {
		snprintf(dir, len, "/sys/fs/cgroup%s", strcmp(v2path, "/") ? v2path : "");
		v = 2;
	} else if (v1path[0] && access("/sys/fs/cgroup/pids/cgroup.procs", F_OK) == 0) {
		snprintf(dir, len, "/sys/fs/cgroup/pids%s", strcmp(v1path, "/") ? v1path : "");
		v = 1;
	}
	free(cg.p);
	free(ctl.p);
	return v;
}

int cgroup_create(long pids_max, char *path, size_t pathlen, char *msg, size_t msglen)
{
	char dir[600];
	static int n;
	int v = pids_hierarchy(dir, sizeof dir);
	if (!v) {
		snprintf(msg, msglen, "no pids cgroup controller (v2 or v1) is mounted");
		return ENOENT;
	}
	if (v == 2) {
		char sub[700];
		snprintf(sub, sizeof sub, "%s/cgroup.subtree_control", dir);
		write_text(sub, "+pids"); /* may already be on; a real failure shows below */
	}
	snprintf(path, pathlen, "%s/proclab-%d-%d", dir, getpid(), n++);
	if (mkdir(path, 0755) < 0) {
		int e = errno;
		snprintf(msg, msglen, "mkdir %s: %s", path, errno_name(e));
		path[0] = 0;
		return e;
	}
	char f[700], num[32];
	snprintf(f, sizeof f, "%s/pids.max", path);
	snprintf(num, sizeof num, "%ld", pids_max);
	int e = write_text(f, num);
	if (e) {
		snprintf(msg, msglen, "writing %s: %s", f, errno_name(e));
		rmdir(path);
		path[0] = 0;
		return e;
	}
	return 0;
}

int cgroup_add(const char *path, pid_t pid)
{
	char f[700], num[32];
	snprintf(f, sizeof f, "%s/cgroup.procs", path);
	snprintf(num, sizeof num, "%d", pid);
	return write_text(f, num);
}

void cgroup_kill_all(const char *path)
{
	struct sbuf b = {0};
	char f[700];
	snprintf(f, sizeof f, "%s/cgroup.procs", path);
	if (read_file(f, &b) == 0 && b.p)
		for (char *p = b.p; *p;) {
			long pid = strtol(p, &p, 10);
			if (pid > 0)
				kill((pid_t)pid, SIGKILL);
			while (*p == '\n')
				p++;
			if (*p && (*p < '0' || *p > '9'))
				break;
		}
	free(b.p);
}

/* rmdir fails with EBUSY until the last member is released: retry briefly */
void cgroup_remove(const char *path)
{
	for (int i = 0; i < 200; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return;
		struct timespec ts = {0, 5000000};
		nanosleep(&ts, NULL);
	}
}

/* fork a child that does `fn`, reap it, report ok/how via a pipe */
struct probe_out {
	char ok;
	char how[200];
};

static int run_probe(int (*fn)(struct probe_out *), struct probe_out *o)
{
	int p[2];
	memset(o, 0, sizeof *o);
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(o->how, sizeof o->how, "pipe: %s", errno_name(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(o->how, sizeof o->how, "fork: %s", errno_name(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		struct probe_out r;
		memset(&r, 0, sizeof r);
		r.ok = (char)fn(&r);
		ssize_t w = write(p[1], &r, sizeof r);
		(void)w;
		_exit(0);
	}
	close(p[1]);
	struct pollfd pf = {p[0], POLLIN, 0};
	ssize_t n = 0;
	if (poll(&pf, 1, 3000) > 0)
		n = read(p[0], o, sizeof *o);
	close(p[0]);
	if (n != (ssize_t)sizeof *o) {
		kill(pid, SIGKILL);
		memset(o, 0, sizeof *o);
		snprintf(o->how, sizeof o->how, "the probe child did not answer");
	}
	while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
	o->how[sizeof o->how - 1] = 0;
	return 0;
}

static int p_root(struct probe_out *o)
{
	if (geteuid() != 0) {
		snprintf(o->how, sizeof o->how, "euid %d, not root", geteuid());
		return 0;
	}
	if (unshare(CLONE_NEWUTS) < 0) {
		snprintf(o->how, sizeof o->how, "euid 0 but unshare(CLONE_NEWUTS): %s",
			 errno_name(errno));
		return 0;
	}
	snprintf(o->how, sizeof o->how, "euid 0 and CAP_SYS_ADMIN works (unshare(CLONE_NEWUTS))");
	return 1;
}

/* Tries a pid namespace in a throw-away child; with userns, inside a new
 * user namespace too (how an unprivileged user can have one). */
int try_pidns(int userns, char *msg, size_t msglen)
{
	unsigned long fl = CLONE_NEWPID | (userns ? CLONE_NEWUSER : 0);
	const char *what = userns ? "clone(CLONE_NEWUSER|CLONE_NEWPID)" : "clone(CLONE_NEWPID)";
	pid_t c = sys_clone_nostack(fl | SIGCHLD);
	if (c < 0) {
		int e = errno;
		snprintf(msg, msglen, "%s: %s", what, errno_name(e));
		return e;
	}
	if (c == 0)
		sys_exit_group(getpid() == 1 ? 0 : 1);
	int st = 0;
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(msg, msglen, "the child of %s was not pid 1", what);
		return EINVAL;
	}
	snprintf(msg, msglen, "%s gave a child that is pid 1%s", what,
		 userns ? " (not privileged: inside a user namespace of its own)" : "");
	return 0;
}

/* The lab's user namespace: run by root, every id maps to itself (the lab
 * sees the uids it names, and its RLIMIT_NPROC counts are its own); run by
 * anyone else, uid and gid 0 inside are ours outside, the only map allowed. */
int userns_map(pid_t pid)
{
	char f[64], m[64];
	int e, root = geteuid() == 0;
	if (!root) {
		snprintf(f, sizeof f, "/proc/%d/setgroups", pid);
		write_text(f, "deny");
	}
	snprintf(f, sizeof f, "/proc/%d/uid_map", pid);
	if (root)
		snprintf(m, sizeof m, "0 0 4294967295");
	else
		snprintf(m, sizeof m, "0 %d 1", (int)geteuid());
	if ((e = write_text(f, m)))
		return e;
	snprintf(f, sizeof f, "/proc/%d/gid_map", pid);
	if (root)
		snprintf(m, sizeof m, "0 0 4294967295");
	else
		snprintf(m, sizeof m, "0 %d 1", (int)getegid());
	return write_text(f, m);
}

static int p_pidns(struct probe_out *o)
{
	if (try_pidns(0, o->how, sizeof o->how) == 0)
		return 1;
	char how2[200];
	if (try_pidns(1, how2, sizeof how2) == 0) {
		snprintf(o->how, sizeof o->how, "%s", how2);
		return 1;
	}
	return 0;
}

static int p_userns(struct probe_out *o)
{
	if (unshare(CLONE_NEWUSER) < 0) {
		snprintf(o->how, sizeof o->how, "unshare(CLONE_NEWUSER): %s", errno_name(errno));
		return 0;
	}
	snprintf(o->how, sizeof o->how, "unshare(CLONE_NEWUSER) works");
	return 1;
}

static int p_slabinfo(struct probe_out *o)
{
	char b[256];
	int fd = open("/proc/slabinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, b, sizeof b) <= 0) {
		snprintf(o->how, sizeof o->how, "reading /proc/slabinfo: %s", errno_name(errno));
		return 0;
	}
	close(fd);
	snprintf(o->how, sizeof o->how, "/proc/slabinfo is readable");
	return 1;
}

static int p_pagemap(struct probe_out *o)
{
	volatile char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		snprintf(o->how, sizeof o->how, "mmap: %s", errno_name(errno));
		return 0;
	}
	m[0] = 1;
	uint64_t e = 0, cnt = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, &e, 8, (off_t)((uintptr_t)m / 4096 * 8)) != 8) {
		snprintf(o->how, sizeof o->how, "reading /proc/self/pagemap: %s", errno_name(errno));
		return 0;
	}
	uint64_t pfn = e & ((1ULL << 55) - 1);
	if (!(e >> 63)) {
		snprintf(o->how, sizeof o->how, "a written page reads as not present");
		return 0;
	}
	if (!pfn) {
		snprintf(o->how, sizeof o->how, "PFNs read as 0, not privileged (CAP_SYS_ADMIN)");
		return 0;
	}
	int kc = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	if (kc < 0 || pread(kc, &cnt, 8, (off_t)(pfn * 8)) != 8) {
		snprintf(o->how, sizeof o->how, "PFNs readable but /proc/kpagecount: %s",
			 errno_name(errno));
		return 0;
	}
	snprintf(o->how, sizeof o->how, "PFNs and /proc/kpagecount readable");
	return 1;
}

static int p_ptrace(struct probe_out *o)
{
	pid_t c = fork();
	if (c < 0) {
		snprintf(o->how, sizeof o->how, "fork: %s", errno_name(errno));
		return 0;
	}
	if (c == 0) {
		for (;;)
			pause();
	}
	int ok = 0;
	if (ptrace(PTRACE_SEIZE, c, 0, 0) < 0 || ptrace(PTRACE_INTERRUPT, c, 0, 0) < 0) {
		snprintf(o->how, sizeof o->how, "PTRACE_SEIZE of a child: %s", errno_name(errno));
	} else {
		int st;
		if (waitpid(c, &st, __WALL) == c && WIFSTOPPED(st)) {
			ok = 1;
			snprintf(o->how, sizeof o->how, "PTRACE_SEIZE + PTRACE_INTERRUPT of a child stopped it");
		} else {
			snprintf(o->how, sizeof o->how, "the seized child did not stop");
		}
	}
	kill(c, SIGKILL);
	while (waitpid(c, NULL, __WALL) > 0 || errno == EINTR)
		;
	return ok;
}

static int p_cgroup(struct probe_out *o)
{
	char path[700], msg[200];
	if (cgroup_create(10, path, sizeof path, msg, sizeof msg) != 0) {
		snprintf(o->how, sizeof o->how, "%s", msg);
		return 0;
	}
	rmdir(path);
	snprintf(o->how, sizeof o->how, "made and removed a pids cgroup under %.150s", path);
	return 1;
}

static int p_setuid(struct probe_out *o)
{
	uid_t to = getuid() == 65534 ? 0 : 65534;
	if (sys_setuid(to) < 0) {
		snprintf(o->how, sizeof o->how, "setuid(%d): %s", (int)to, errno_name(errno));
		return 0;
	}
	snprintf(o->how, sizeof o->how, "setuid(%d) works", (int)to);
	return 1;
}

/* A read of never-written anonymous memory maps the shared zero page (the
 * book, and most kernels: present, not exclusive), or an ordinary page of
 * its own (some kernels: present and exclusive). Our own pagemap tells
 * which, without privilege: the exclusive bit is there for anyone. */
static int read_fault_zero_page(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	volatile char *m = mmap(NULL, (size_t)ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 1;
	(void)m[0];
	int zero = 1, fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t e = 0;
	if (fd >= 0 && pread(fd, &e, 8, (off_t)((uintptr_t)m / (uintptr_t)ps * 8)) == 8 && (e >> 63))
		zero = !((e >> 56) & 1);
	if (fd >= 0)
		close(fd);
	munmap((void *)m, (size_t)ps);
	return zero;
}

/* the lab's own tracefs instance: made (mounting tracefs in this child's own
 * mount namespace if need be) and removed again */
static int p_tracefs(struct probe_out *o)
{
	char msg[200];
	if (trace_open(64, msg, sizeof msg) != 0) {
		snprintf(o->how, sizeof o->how, "%s", msg);
		return 0;
	}
	struct sbuf d = {0};
	trace_describe(&d);
	int mounted = d.p && strstr(d.p, "\"mounted\":true") != NULL;
	free(d.p);
	trace_close();
	snprintf(o->how, sizeof o->how, "made and removed a tracefs instance%s",
		 mounted ? " (tracefs mounted in a mount namespace of its own)" : "");
	return 1;
}

void probe_all(struct sbuf *res)
{
	static const struct {
		const char *name;
		int (*fn)(struct probe_out *);
	} P[] = {{"root", p_root},         {"pid-namespace", p_pidns}, {"user-namespace", p_userns},
		 {"slabinfo", p_slabinfo}, {"pagemap-pfn", p_pagemap}, {"ptrace", p_ptrace},
		 {"cgroup-pids", p_cgroup}, {"setuid", p_setuid},  {"tracefs", p_tracefs}};
	sb_puts(res, ",\"caps\":{");
	for (size_t i = 0; i < sizeof P / sizeof P[0]; i++) {
		struct probe_out o;
		run_probe(P[i].fn, &o);
		sb_printf(res, "%s\"%s\":{\"ok\":%s,\"how\":", i ? "," : "", P[i].name,
			  o.ok ? "true" : "false");
		sb_jstr(res, o.how);
		sb_puts(res, "}");
	}
	sb_puts(res, "}");
	/* facts of this machine the model is told (docs/observations.md) */
	sb_printf(res, ",\"facts\":{\"read_fault_zero_page\":%s}", read_fault_zero_page() ? "true" : "false");
}
