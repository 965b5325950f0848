/* Reading a lab process without asking it: /proc text as it is, its vars and
 * regions tables with process_vm_readv, its pages with pagemap/kpagecount. */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

int read_file(const char *path, struct sbuf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	char buf[8192];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return e;
		}
		if (n == 0)
			break;
		sb_putn(out, buf, (size_t)n);
	}
	close(fd);
	return 0;
}

/* One read of a small /proc file from offset 0 (a sysctl-style file gives
 * EOF to any later offset), NUL-terminated; the bytes read, or <= 0. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n > 0)
		buf[n] = 0;
	return n;
}

/* state letter and ppid from /proc/PID/stat (cut at the last ')'); 0 when gone */
static int stat_state_ppid(pid_t pid, pid_t *ppid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (read_small(path, buf, sizeof buf) <= 0)
		return 0;
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return 0;
	if (ppid)
		*ppid = (pid_t)strtol(p + 4, NULL, 10);
	return (unsigned char)p[2];
}

/* The state letter: stat is cut at the LAST ')' since comm may hold ')'. */
int proc_state(pid_t host_pid)
{
	return host_pid > 0 ? stat_state_ppid(host_pid, NULL) : 0;
}

#define PF_EXITING  0x4
#define PF_DUMPCORE 0x200
#define PF_SIGNALED 0x400 /* get_signal sets it before do_coredump and do_group_exit */

/* On its way to Z: PF_EXITING set (R, D, or S where a namespace's init waits
 * for its namespace to empty in zap_pid_ns_processes), or PF_SIGNALED before
 * it (in vfs_coredump, waiting in coredump_wait for its threads, or writing
 * the core). A trace stop in exit (t, PTRACE_EVENT_EXIT) is a state of its own. */
int mid_exit(pid_t host_pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", host_pid);
	if (host_pid <= 0 || read_small(path, buf, sizeof buf) <= 0)
		return 0;
	char *p = strrchr(buf, ')');
	unsigned long flags = 0;
	if (!p || p[1] != ' ' || !strchr("RSD", p[2]))
		return 0;
	if (sscanf(p + 3, " %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return 0;
	return (flags & (PF_EXITING | PF_SIGNALED)) != 0;
}

/* pidfd fdinfo "Pid:" is the pid in the agent's namespace, -1 once reaped */
pid_t pidfd_host_pid(int pidfd)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
	if (read_small(path, buf, sizeof buf) <= 0)
		return 0;
	char *p = strstr(buf, "\nPid:");
	if (!p)
		return 0;
	return (pid_t)strtol(p + 5, NULL, 10);
}

int task_exists(struct task *t)
{
	if (t->reaped || t->host_pid <= 0)
		return 0;
	if (t->pidfd >= 0 && !t->thread)
		return pidfd_host_pid(t->pidfd) > 0;
	return proc_state(t->host_pid) != 0;
}

static void put_proc_text(pid_t pid, struct sbuf *res, struct sbuf *tmp)
{
	char path[96];
	static const char *const parts[] = {"stat", "status"};
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "/proc/%d/%s", pid, parts[i]);
		sb_reset(tmp);
		if (read_file(path, tmp) == 0) {
			sb_printf(res, ",\"%s\":", parts[i]);
			sb_jstrn(res, tmp->p ? tmp->p : "", tmp->len);
		}
	}
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", pid, pid);
	sb_reset(tmp);
	if (read_file(path, tmp) == 0) {
		sb_puts(res, ",\"children\":");
		sb_jstrn(res, tmp->p ? tmp->p : "", tmp->len);
	}
	/* where it sleeps: wchan (its owner may read it), the kernel stack (root only) */
	static const char *const why[] = {"wchan", "stack"};
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "/proc/%d/%s", pid, why[i]);
		sb_reset(tmp);
		int e = read_file(path, tmp);
		/* a task that has set its state to sleep but not yet left its CPU
		 * reads 0 (get_wchan skips tasks still on the run queue): a moment */
		for (int k = 0; i == 0 && k < 40 && e == 0 && tmp->p && !strcmp(tmp->p, "0"); k++) {
			int st = proc_state(pid);
			if (st != 'S' && st != 'D' && st != 'T' && st != 't')
				break;
			struct timespec ts = {0, 250000};
			nanosleep(&ts, NULL);
			sb_reset(tmp);
			e = read_file(path, tmp);
		}
		if (e == 0) {
			sb_printf(res, ",\"%s\":", why[i]);
			sb_jstrn(res, tmp->p ? tmp->p : "", tmp->len);
		} else {
			sb_printf(res, ",\"%s_errno\":", why[i]);
			sb_jstr(res, errno_name(e));
		}
	}
}

static void put_region(pid_t pid, const struct lab_region *r, struct sbuf *res)
{
	sb_printf(res, "{\"pages\":%llu,\"addr\":\"%llx\"", (unsigned long long)r->pages,
		  (unsigned long long)r->addr);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/pagemap", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t *pm = NULL;
	size_t np = (size_t)r->pages;
	if (fd >= 0 && np > 0 && np <= (1u << 20)) {
		pm = malloc(np * 8);
		ssize_t n = pm ? pread(fd, pm, np * 8, (off_t)(r->addr / LAB_PAGE * 8)) : -1;
		if (n != (ssize_t)(np * 8)) {
			free(pm);
			pm = NULL;
		}
	}
	if (fd >= 0)
		close(fd);
	if (!pm) {
		sb_puts(res, ",\"pagemap\":null}");
		return;
	}
	sb_puts(res, ",\"pagemap\":[");
	int pfns = 0;
	for (size_t i = 0; i < np; i++) {
		sb_printf(res, "%s\"%016llx\"", i ? "," : "", (unsigned long long)pm[i]);
		if ((pm[i] >> 63) && (pm[i] & ((1ULL << 55) - 1)))
			pfns = 1;
	}
	sb_puts(res, "]");
	if (pfns && kpagecount_fd >= 0) {
		sb_puts(res, ",\"kpagecount\":[");
		for (size_t i = 0; i < np; i++) {
			uint64_t cnt = 0, pfn = pm[i] & ((1ULL << 55) - 1);
			if ((pm[i] >> 63) && pfn &&
			    pread(kpagecount_fd, &cnt, 8, (off_t)(pfn * 8)) != 8)
				cnt = 0;
			sb_printf(res, "%s%llu", i ? "," : "", (unsigned long long)cnt);
		}
		sb_puts(res, "]");
	}
	sb_puts(res, "}");
	free(pm);
}

void observe_task(struct task *t, char **regions, int nregions, struct sbuf *res)
{
	static struct sbuf tmp;
	static struct lab_tables tab;
	int64_t t0 = mono_ns();
	int exists = task_exists(t);
	sb_puts(res, ",\"name\":");
	sb_jstr(res, t->name);
	sb_printf(res, ",\"pid\":%d,\"host_pid\":%d,\"exists\":%s", t->pid, t->host_pid,
		  exists ? "true" : "false");
	if (exists) {
		put_proc_text(t->host_pid, res, &tmp);
		int st = proc_state(t->host_pid);
		if (st && st != 'Z' && st != 'X' && !t->execd && t->tables) {
			struct iovec l = {&tab, sizeof tab}, r = {(void *)(uintptr_t)t->tables, sizeof tab};
			if (process_vm_readv(t->host_pid, &l, 1, &r, 1, 0) == (ssize_t)sizeof tab) {
				sb_puts(res, ",\"vars\":{");
				for (uint32_t i = 0; i < tab.nvars && i < LAB_MAX_VARS; i++) {
					tab.vars[i].name[LAB_NAME_MAX - 1] = 0;
					sb_puts(res, i ? "," : "");
					sb_jstr(res, tab.vars[i].name);
					sb_printf(res, ":%lld", (long long)tab.vars[i].value);
				}
				sb_puts(res, "},\"regions\":{");
				for (int k = 0; k < nregions; k++) {
					sb_puts(res, k ? "," : "");
					sb_jstr(res, regions[k]);
					sb_puts(res, ":");
					uint32_t i;
					for (i = 0; i < tab.nregions && i < LAB_MAX_REGIONS; i++) {
						tab.regions[i].name[LAB_NAME_MAX - 1] = 0;
						if (!strcmp(tab.regions[i].name, regions[k]))
							break;
					}
					if (i < tab.nregions && i < LAB_MAX_REGIONS)
						put_region(t->host_pid, &tab.regions[i], res);
					else
						sb_puts(res, "null");
				}
				sb_puts(res, "}");
			}
		}
	}
	sb_puts(res, ",\"errno\":");
	if (t->err)
		sb_jstr(res, errno_name(t->err));
	else
		sb_puts(res, "null");
	sb_puts(res, ",\"wait\":");
	if (t->has_wait) {
		sb_printf(res, "{\"pid\":%d,\"name\":", t->wait_pid);
		if (t->wait_name >= 0)
			sb_jstr(res, tasks[t->wait_name]->name);
		else
			sb_puts(res, "null");
		sb_printf(res, ",\"status\":%d}", t->wait_status);
	} else {
		sb_puts(res, "null");
	}
	sb_printf(res, ",\"t_us\":%lld", (long long)((mono_ns() - t0) / 1000));
}

int observe_pid(pid_t host_pid, struct sbuf *res)
{
	static struct sbuf tmp;
	int exists = proc_state(host_pid) != 0;
	sb_printf(res, ",\"host_pid\":%d,\"exists\":%s", host_pid, exists ? "true" : "false");
	if (exists)
		put_proc_text(host_pid, res, &tmp);
	return 0;
}

/* the hex mask after "Field:\t" in a status text, 0 when missing */
static unsigned long long status_mask(const char *text, const char *field)
{
	const char *p = strstr(text, field);
	return p ? strtoull(p + strlen(field), NULL, 16) : 0;
}

/* the state letter of a status text ("State:\tS (sleeping)"), 0 when missing */
static int status_state(const char *text)
{
	const char *p = strstr(text, "State:\t");
	return p ? (unsigned char)p[7] : 0;
}

/* The threads of the group led by leader, one call a thread with its status
 * text; returns the number of threads read (0: the group is gone). */
static int for_each_thread(pid_t leader, void (*fn)(pid_t tid, const char *status, void *arg), void *arg)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", leader);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int n = 0;
	struct sbuf b = {0};
	for (struct dirent *e; (e = readdir(d));) {
		pid_t tid = (pid_t)strtol(e->d_name, NULL, 10);
		if (tid <= 0)
			continue;
		char sp[96];
		snprintf(sp, sizeof sp, "/proc/%d/task/%d/status", leader, tid);
		sb_reset(&b);
		if (read_file(sp, &b) != 0 || !b.p)
			continue;
		fn(tid, b.p, arg);
		n++;
	}
	closedir(d);
	free(b.p);
	return n;
}

struct sig_scan {
	pid_t leader;
	unsigned long long bit;
	int live, running, pending, withheld_all;
};


/* a thread's flags, /proc/PID/task/TID/stat field 9 (counted after the last ')') */
static unsigned long thread_flags(pid_t leader, pid_t tid)
{
	char path[96], buf[2048];
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", leader, tid);
	if (read_small(path, buf, sizeof buf) <= 0)
		return 0;
	char *p = strrchr(buf, ')');
	unsigned long flags = 0;
	if (p && sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		flags = 0;
	return flags;
}

static void scan_signal(pid_t tid, const char *st, void *arg)
{
	struct sig_scan *s = arg;
	int state = status_state(st);
	if (!state || state == 'Z' || state == 'X')
		return;
	s->live++;
	unsigned long long pend = status_mask(st, "ShdPnd:\t") | status_mask(st, "SigPnd:\t");
	if (pend & s->bit) {
		/* asleep with PF_EXITING: through get_signal and do_exit's
		 * signal work, now a namespace init's zap_pid_ns_processes wait;
		 * a SIGKILL left in the shared queue (the private one was taken)
		 * is no signal to come */
		if (state == 'S' && (thread_flags(s->leader, tid) & PF_EXITING))
			return;
		s->pending = 1;
		/* SIGKILL wakes stopped, traced and killable sleepers (wants_signal,
		 * signal_wake_up with resume): queued, it is on its way, not withheld */
		if (s->bit == 1ULL << (SIGKILL - 1)) {
			s->withheld_all = 0;
			s->running = 1;
			return;
		}
	}
	/* D while dying (writing a core, tearing down) is the signal at work, not a thread that withholds it */
	if (state == 'D' && (thread_flags(s->leader, tid) & (PF_EXITING | PF_DUMPCORE | PF_SIGNALED))) {
		s->withheld_all = 0;
		s->running = 1;
		return;
	}
	int withheld = state == 'T' || state == 't' || state == 'D' || (status_mask(st, "SigBlk:\t") & s->bit);
	if (!withheld)
		s->withheld_all = 0;
	if (state == 'R') {
		/* a spinning lab process, or a program at work, runs of its own
		 * accord; but with a signal pending that it does not block (SIGCONT
		 * has just let it go with one queued) it is on its way to take it */
		struct task *t = task_by_host_pid(tid);
		if (!t || !(t->execd || (t->busy && t->spinning)) || (pend & ~status_mask(st, "SigBlk:\t")))
			s->running = 1;
	}
}

struct quiet_scan {
	unsigned long long sum;
	int running;
};

static void scan_quiet(pid_t tid, const char *st, void *arg)
{
	struct quiet_scan *q = arg;
	int state = status_state(st);
	if (state == 'R')
		q->running = 1;
	const char *v = strstr(st, "voluntary_ctxt_switches:\t");
	const char *nv = strstr(st, "nonvoluntary_ctxt_switches:\t");
	q->sum += (unsigned long long)tid * 31 + (unsigned long long)state;
	if (v)
		q->sum += strtoull(v + 25, NULL, 10) << 8;
	if (nv)
		q->sum += strtoull(nv + 28, NULL, 10) << 24;
}

/* Nobody of the group runs, and nobody has for a while. complete_signal
 * hands a group signal to one thread; if that one sleeps where only a
 * fatal signal wakes it (a vfork parent in D), the others sleep on unaware
 * and the signal waits in the shared queue until it returns. */
static int group_quiet(pid_t leader)
{
	struct quiet_scan a = {0, 0}, b = {0, 0};
	for_each_thread(leader, scan_quiet, &a);
	if (a.running)
		return 0;
	struct timespec ts = {0, 5000000};
	nanosleep(&ts, NULL);
	for_each_thread(leader, scan_quiet, &b);
	return !b.running && a.sum == b.sum;
}

int signal_settled(pid_t leader, int sig)
{
	if (sig <= 0)
		return 1;
	struct sig_scan s = {leader, 1ULL << (sig - 1), 0, 0, 0, 1};
	for_each_thread(leader, scan_signal, &s);
	if (!s.live)
		return 1;                   /* the group is gone, or only a zombie is left */
	if (s.pending)                      /* pending where no thread can take it now */
		return s.withheld_all || (!s.running && group_quiet(leader));
	return !s.running;                  /* taken: its effect shows once nobody runs */
}

/* /proc/PID/stat's state, utime + stime, and /proc/PID/status's context switches */
static int rest_sample(pid_t pid, int *state, unsigned long long *work)
{
	char path[64], buf[2048];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (read_small(path, buf, sizeof buf) <= 0)
		return -1;
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -1;
	*state = (unsigned char)p[2];
	/* fields after comm: state(3) ... utime(14) stime(15) */
	unsigned long long ut = 0, stt = 0;
	int f = 3;
	for (char *q = p + 2; *q && f < 16; q++) {
		if (*q != ' ')
			continue;
		f++;
		if (f == 14)
			ut = strtoull(q + 1, NULL, 10);
		else if (f == 15)
			stt = strtoull(q + 1, NULL, 10);
	}
	*work = ut + stt;
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	struct sbuf b = {0};
	if (read_file(path, &b) == 0 && b.p) {
		const char *v = strstr(b.p, "voluntary_ctxt_switches:\t");
		const char *nv = strstr(b.p, "nonvoluntary_ctxt_switches:\t");
		if (v)
			*work += strtoull(v + 25, NULL, 10) << 20;
		if (nv)
			*work += strtoull(nv + 28, NULL, 10) << 40;
	}
	free(b.p);
	return 0;
}

int at_rest(pid_t host_pid, int64_t quiet_ns)
{
	int s1, s2;
	unsigned long long w1, w2;
	if (rest_sample(host_pid, &s1, &w1) < 0 || s1 == 'Z' || s1 == 'X')
		return 1;
	if (s1 == 'R' || s1 == 'D')
		return 0;
	struct timespec ts = {0, quiet_ns};
	nanosleep(&ts, NULL);
	if (rest_sample(host_pid, &s2, &w2) < 0 || s2 == 'Z' || s2 == 'X')
		return 1;
	return s2 == s1 && w2 == w1;
}

/* ---------- an exec waiting in de_thread ---------- */

struct dethread_scan {
	pid_t self, tgid;
	int traced_zombie;
};

/* a thread that de_thread still counts: not the exec'ing one, not the
 * leader (a non-leader's exec only needs it to be a zombie), a zombie that
 * stays until its tracer lets it go */
static void scan_dethread(pid_t tid, const char *st, void *arg)
{
	struct dethread_scan *s = arg;
	if (tid == s->self || tid == s->tgid)
		return;
	const char *tp = strstr(st, "TracerPid:\t");
	if (status_state(st) == 'Z' && tp && strtol(tp + 11, NULL, 10) != 0)
		s->traced_zombie = 1;
}

/* 1 when tid sleeps in D inside execve (or execveat) while a traced zombie
 * thread of its group is still there; work: its CPU time and switches */
static int dethread_sample(pid_t tid, unsigned long long *work)
{
	int state;
	if (rest_sample(tid, &state, work) < 0 || state != 'D')
		return 0;
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/syscall", tid);
	if (read_small(path, buf, sizeof buf) > 0 && strncmp(buf, "running", 7) != 0) {
		long nr = strtol(buf, NULL, 10);
		if (nr != SYS_execve && nr != SYS_execveat)
			return 0;
	}
	snprintf(path, sizeof path, "/proc/%d/status", tid);
	if (read_small(path, buf, sizeof buf) <= 0)
		return 0;
	const char *tg = strstr(buf, "Tgid:\t");
	struct dethread_scan s = {tid, tg ? (pid_t)strtol(tg + 6, NULL, 10) : tid, 0};
	for_each_thread(s.tgid, scan_dethread, &s);
	return s.traced_zombie;
}

int asleep_in_syscall(pid_t tid, long nr)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/syscall", tid);
	if (proc_state(tid) != 'S' || read_small(path, buf, sizeof buf) <= 0 || strncmp(buf, "running", 7) == 0 ||
	    strtol(buf, NULL, 10) != nr)
		return 0;
	return at_rest(tid, 2000000) && read_small(path, buf, sizeof buf) > 0 && strtol(buf, NULL, 10) == nr;
}

int traced_zombie(pid_t tid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/status", tid);
	if (read_small(path, buf, sizeof buf) <= 0)
		return 0;
	const char *tp = strstr(buf, "TracerPid:\t");
	return status_state(buf) == 'Z' && tp && strtol(tp + 11, NULL, 10) != 0;
}

int exec_waits_in_de_thread(pid_t tid)
{
	unsigned long long w1, w2;
	if (tid <= 0 || !dethread_sample(tid, &w1))
		return 0;
	struct timespec ts = {0, 5000000};
	nanosleep(&ts, NULL);
	return dethread_sample(tid, &w2) && w1 == w2;
}

static void scan_exiting(pid_t tid, const char *st, void *arg)
{
	int *yes = arg;
	/* X: released now, and the last thread's release tells the parent */
	if (!*yes && (status_state(st) == 'X' || mid_exit(tid)))
		*yes = 1;
}

/* A thread of the group is on its way through its exit: its end (a zombie,
 * the group's last thread's release) will reach the parent by itself. */
static int group_exiting(pid_t leader)
{
	int yes = 0;
	for_each_thread(leader, scan_exiting, &yes);
	return yes;
}

struct child_scan {
	pid_t leader;
	int may_change;
};

struct progress_scan {
	pid_t pid;
	int depth, yes;
};

/* A thread asleep in nanosleep or clock_nanosleep wakes by itself, and one
 * in write goes on as the agent reads its output; in any other call (pause,
 * a read of an empty pipe, a wait) only something else wakes it. /proc/PID/syscall: "NR args..." or "running"; unreadable (no
 * ptrace access): assume it may wake. */
static int timed_sleep(pid_t pid, pid_t tid)
{
	char path[96], buf[256];
	snprintf(path, sizeof path, "/proc/%d/task/%d/syscall", pid, tid);
	if (read_small(path, buf, sizeof buf) <= 0)
		return 1;
	if (strncmp(buf, "running", 7) == 0)
		return 1;
	long nr = strtol(buf, NULL, 10);
	/* a write blocks on a full pipe, and the pipe of an exec'd program's
	 * output is the agent's to drain: it goes on */
	return nr == SYS_nanosleep || nr == SYS_clock_nanosleep || nr == SYS_write || nr == SYS_writev;
}

/* Each child of thread tid of leader's group (/proc/PID/task/TID/children),
 * until fn returns nonzero */
static void for_each_child(pid_t leader, pid_t tid, int (*fn)(pid_t child, void *arg), void *arg)
{
	char path[96];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", leader, tid);
	struct sbuf b = {0};
	if (read_file(path, &b) == 0 && b.p) {
		for (char *p = b.p; *p;) {
			char *e;
			long c = strtol(p, &e, 10);
			if (e == p || fn((pid_t)c, arg))
				break;
			p = e;
		}
	}
	free(b.p);
}

static int progresses(pid_t pid, int depth);

/* one the lab made before the exec is the lab's to move */
static int child_progresses(pid_t c, void *arg)
{
	struct progress_scan *s = arg;
	struct task *t = task_by_host_pid(c);
	if ((!t || t->execd || t->execing) && progresses(c, s->depth + 1))
		s->yes = 1;
	return s->yes;
}

static void scan_progress(pid_t tid, const char *st, void *arg)
{
	struct progress_scan *s = arg;
	if (s->yes)
		return;
	int state = status_state(st);
	if (!state || strchr("ZXTt", state))
		return;
	if (state != 'S' || timed_sleep(s->pid, tid)) {
		s->yes = 1;
		return;
	}
	/* a shell waiting for its own child ends when that child does */
	if (s->depth < 8)
		for_each_child(s->pid, tid, child_progresses, s);
}

/* Whether a program (with what it started) may change state by itself: a
 * thread of it runs, is in D, or sleeps with a timer; stopped, zombie or
 * asleep for good, it waits for a signal */
static int progresses(pid_t pid, int depth)
{
	struct progress_scan s = {pid, depth, 0};
	for_each_thread(pid, scan_progress, &s);
	return s.yes;
}

/* a lab process changes state only when a step tells it to; a program (or
 * a process the lab did not make) of its own accord; and any is on its way
 * when a thread of it is through its exit */
static int child_may_change(pid_t c, void *arg)
{
	struct child_scan *s = arg;
	struct task *t = task_by_host_pid(c);
	if (((!t || t->execd || t->execing) && progresses(c, 0)) || group_exiting(c))
		s->may_change = 1;
	return s->may_change;
}

static void scan_children(pid_t tid, const char *st, void *arg)
{
	(void)st;
	struct child_scan *s = arg;
	if (!s->may_change)
		for_each_child(s->leader, tid, child_may_change, s);
}

int children_may_change(struct task *p)
{
	/* woken (R): a child's change has reached it, and it is on its way
	 * back with it; a loaded machine only delays it */
	if (proc_state(p->host_pid) == 'R')
		return 1;
	if (p->wait_target >= 0) {
		/* a wait for one child: only that child can end it */
		struct task *t = tasks[p->wait_target];
		if (t->reaped || t->never || t->host_pid <= 0)
			return 0;
		return ((t->execd || t->execing) && progresses(t->host_pid, 0)) || group_exiting(t->host_pid);
	}
	struct child_scan s = {p->host_pid, 0};
	for_each_thread(p->host_pid, scan_children, &s);
	return s.may_change;
}

struct said_scan {
	pid_t leader;
	char *buf;
	size_t len, cap;
};

static int say_child(pid_t c, void *arg)
{
	struct said_scan *s = arg;
	struct task *t = task_by_host_pid(c);
	int st = proc_state(c);
	int n = snprintf(s->buf + s->len, s->cap - s->len, "%s%s %c", s->len ? ", " : "", t ? t->name : "?", st ? st : '-');
	if (n > 0 && (size_t)n < s->cap - s->len)
		s->len += (size_t)n;
	return 0;
}

static void say_children(pid_t tid, const char *st, void *arg)
{
	(void)st;
	struct said_scan *s = arg;
	for_each_child(s->leader, tid, say_child, s);
}

/* "p1 Z, p2 D": the waiter's children and their states, for a refusal's message */
void children_said(struct task *p, char *buf, size_t cap)
{
	struct said_scan s = {p->host_pid, buf, 0, cap};
	buf[0] = 0;
	if (cap > 1)
		for_each_thread(p->host_pid, say_children, &s);
}

static void count_live(pid_t tid, const char *st, void *arg)
{
	(void)tid;
	int s = status_state(st);
	if (s != 'Z' && s != 'X')
		++*(int *)arg;
}

void adoption_begin(struct adoption *a, struct task *p)
{
	a->n = 0;
	a->parent = p->host_pid;
	if (p->group != p->idx && tasks[p->group]->host_pid > 0 && !tasks[p->group]->reaped)
		a->parent = tasks[p->group]->host_pid;
	if (a->parent <= 0)
		return;
	for (int i = 0; i < ntasks && a->n < ADOPTION_MAX; i++) {
		struct task *t = tasks[i];
		pid_t pp = 0;
		if (t->thread || t->reaped || t->never || t->host_pid <= 0)
			continue;
		if (stat_state_ppid(t->host_pid, &pp) == 'Z' && pp == a->parent)
			a->idx[a->n++] = i;
	}
}

/* 1 once t, a zombie child of old when old's group ended, is settled:
 * released, or adopted by a parent that will wait for it */
static int adopted(struct task *t, pid_t old)
{
	pid_t pp = 0;
	int st = stat_state_ppid(t->host_pid, &pp);
	if (st == 'X')
		return 0; /* EXIT_DEAD: on its way out of /proc */
	if (st != 'Z')
		return 1; /* released (or reaped by its new parent) */
	if (pp == old)
		return 0; /* not yet reparented */
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/status", pp);
	if (read_small(path, buf, sizeof buf) <= 0 || !(status_mask(buf, "SigIgn:\t") & (1ULL << (SIGCHLD - 1))))
		return 1; /* its new parent will wait for it */
	snprintf(path, sizeof path, "/proc/%d/status", t->host_pid);
	return read_small(path, buf, sizeof buf) <= 0 || !strstr(buf, "TracerPid:\t0\n"); /* a tracee stays */
}

/* The zombie children of a group that has just ended are reparented
 * (forget_original_parent), and a zombie whose new parent ignores SIGCHLD is
 * released at once (reparent_leader -> do_notify_parent autoreaps it). But
 * the release comes after the old parent shows Z or is gone: the kernel
 * frees its `dead` list only after it drops tasklist_lock. Wait for it, so
 * that the next observe does not find a zombie the kernel has let go. */
void adoption_settle(struct adoption *a, int64_t dl)
{
	int live = 0;
	if (!a->n)
		return;
	for_each_thread(a->parent, count_live, &live);
	if (live)
		return; /* the group lives on and keeps its children */
	for (int i = 0; i < a->n; i++)
		WAIT_UNTIL(adopted(tasks[a->idx[i]], a->parent), dl);
}
