/* The commands around the steps: the sandbox, starting main, reading the
 * system, names, observe, hello. */
#define _GNU_SOURCE
#include "steps.h"
#include "../sys.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static int put_file(struct ctx *x, const char *key, const char *path);

int pidns_on, sb_userns;
long sb_pid_max, sb_pids_max;
char cg_path[800];

int cmd_timeout(struct ctx *x, struct node *c)
{
	int64_t ms;
	TRY(need_args(x, c, 2, 2));
	TRY(num_arg(x, c->argv[1], 1, 3600000, &ms, "timeout"));
	timeout_ms = (int)ms;
	return ST_OK;
}

/* deadline MS: the lab's time budget ends MS from now (0: no budget); every
 * step returns by then, with "budget": true if it had to stop */
int cmd_deadline(struct ctx *x, struct node *c)
{
	int64_t ms;
	TRY(need_args(x, c, 2, 2));
	TRY(num_arg(x, c->argv[1], 0, 86400000LL * 7, &ms, "deadline"));
	lab_deadline = ms ? mono_ns() + ms * 1000000 : 0;
	return ST_OK;
}

int cmd_names(struct ctx *x, struct node *c)
{
	(void)c;
	sb_puts(x->res, ",\"names\":[");
	int first = 1;
	for (int i = 0; i < ntasks; i++) {
		struct task *t = tasks[i];
		if (!t->bound)
			continue;
		sb_puts(x->res, first ? "[" : ",[");
		first = 0;
		sb_jstr(x->res, t->name);
		sb_printf(x->res, ",%d,%d,%s]", t->pid, t->host_pid, task_exists(t) ? "true" : "false");
	}
	sb_puts(x->res, "]");
	return ST_OK;
}

int cmd_system(struct ctx *x, struct node *c)
{
	(void)c;
	int64_t pm = 0, lp = 0, tm = 0;
	if (pidns_on && started) {
		/* the namespace's own values can only be read from inside it */
		struct task *p = NULL;
		for (int i = 0; i < ntasks && !p; i++) {
			struct task *t = tasks[i];
			if (t->bound && !t->busy && !t->reaped && !t->execd && !t->ended && !t->dead &&
			    t->sock >= 0 && !t->vfork_child) {
				int s = proc_state(t->host_pid);
				if (s == 'R' || s == 'S')
					p = t;
			}
		}
		if (!p)
			return error(x, "no idle lab process in the pid namespace to read /proc/sys");
		struct lab_cmd *m = cmd_new(OP_SYSREAD);
		TRY(send_or_fail(x, p, m, -1));
		if (await_rep(p, deadline_ms(timeout_ms)) < 0)
			return timed_out(x, "%s did not read /proc/sys in %d ms", p->name, timeout_ms);
		if (p->rep.err)
			return failed_errno(x, p->rep.err);
		pm = p->rep.val;
		lp = p->rep.val2;
		tm = p->rep.val3;
	} else {
		int e = lab_read_sys(&pm, &lp, &tm);
		if (e)
			return failed_errno(x, e);
	}
	sb_printf(x->res, ",\"pid_max\":%lld,\"ns_last_pid\":%lld,\"threads_max\":%lld", (long long)pm,
		  (long long)lp, (long long)tm);
	/* the machine's memory counters (KernelStack: the kernel stacks of all tasks) */
	if (put_file(x, "meminfo", "/proc/meminfo") != ST_OK)
		x->err = 0; /* the sysctls stand without it */
	return ST_OK;
}

/* a file as read, under KEY of the result; its errno when it cannot be read */
static int put_file(struct ctx *x, const char *key, const char *path)
{
	struct sbuf b = {0};
	int e = read_file(path, &b);
	if (e) {
		free(b.p);
		return failed_errno(x, e);
	}
	sb_printf(x->res, ",\"%s\":", key);
	sb_jstrn(x->res, b.p ? b.p : "", b.len);
	free(b.p);
	return ST_OK;
}

int cmd_slabinfo(struct ctx *x, struct node *c)
{
	(void)c;
	return put_file(x, "text", "/proc/slabinfo");
}

int cmd_observe(struct ctx *x, struct node *c)
{
	struct task *p;
	if (c->argc < 2)
		return error(x, "observe: needs P [REGION...]");
	if (!strcmp(c->argv[1], "agent") && c->argc == 2) {
		/* the agent is a process of the lab's world too (main's parent) */
		sb_printf(x->res, ",\"name\":\"agent\",\"pid\":%d", pidns_on ? 0 : agent_pid);
		observe_pid(agent_pid, x->res);
		return ST_OK;
	}
	TRY(get_task(x, c->argv[1], &p));
	for (int i = 2; i < c->argc; i++)
		if (!valid_var(c->argv[i]))
			return error(x, "bad region name '%.80s'", c->argv[i]);
	/* a lab process whose hold has just ended runs a moment on its way back
	 * to its loop: R there is no state of the lab's (a spin's R is kept) */
	settle_rest(p, deadline_ms(timeout_ms < 1000 ? timeout_ms : 1000));
	observe_task(p, c->argv + 2, c->argc - 2, x->res);
	return ST_OK;
}

/* The image of a lab process as the kernel keeps it (its VMAs, and which have
 * anonymous pages): the machine facts the model is told before a lab. */
int cmd_image(struct ctx *x, struct node *c)
{
	struct task *p;
	TRY(need_args(x, c, 2, 2));
	TRY(get_task(x, c->argv[1], &p));
	if (!task_exists(p))
		return error(x, "%s does not exist", p->name);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/smaps", p->host_pid);
	return put_file(x, "smaps", path);
}

int cmd_observe_pid(struct ctx *x, struct node *c)
{
	int64_t pid;
	TRY(need_args(x, c, 2, 2));
	TRY(num_arg(x, c->argv[1], 1, 4194304, &pid, "pid"));
	observe_pid((pid_t)pid, x->res);
	return ST_OK;
}

int cmd_sandbox(struct ctx *x, struct node *c)
{
	int pidns = 0, userns = 0;
	long pm = 0, px = 0;
	if (started)
		return error(x, "sandbox must come before start");
	for (int i = 1; i < c->argc; i++) {
		int64_t v;
		if (!strcmp(c->argv[i], "pidns"))
			pidns = 1;
		else if (!strcmp(c->argv[i], "userns"))
			userns = 1;
		else if (!strncmp(c->argv[i], "pid_max=", 8)) {
			TRY(num_arg(x, c->argv[i] + 8, 1, 4194304, &v, "pid_max"));
			pm = (long)v;
		} else if (!strncmp(c->argv[i], "pids_max=", 9)) {
			TRY(num_arg(x, c->argv[i] + 9, 1, 4194304, &v, "pids_max"));
			px = (long)v;
		} else
			return error(x, "sandbox: unknown part '%.40s' (pidns, userns, pid_max=N, pids_max=N)",
				     c->argv[i]);
	}
	if (pm && !pidns)
		return error(x, "pid_max needs pidns: the host's pid_max is never written");
	if (cg_path[0]) {
		cgroup_remove(cg_path);
		cg_path[0] = 0;
	}
	pidns_on = 0;
	sb_pid_max = sb_pids_max = 0;
	sb_userns = 0;
	if (userns) {
		/* asked for: a user namespace of the lab's own (as root, every uid mapped to itself) */
		if ((x->err = try_pidns(1, x->msg, sizeof x->msg)) != 0)
			return ST_FAIL;
		sb_userns = 1;
	} else if (pidns && (x->err = try_pidns(0, x->msg, sizeof x->msg)) != 0) {
		char m2[256];
		if (x->err != EPERM || try_pidns(1, m2, sizeof m2) != 0)
			return ST_FAIL;
		x->err = 0;
		sb_userns = 1; /* not privileged: the namespace comes with a user namespace */
	}
	if (pm && !kernel_at_least(6, 14)) {
		snprintf(x->msg, sizeof x->msg,
			 "pid_max is per pid namespace only since Linux 6.14: here a write would change "
			 "the host's");
		return ST_FAIL;
	}
	if (px && (x->err = cgroup_create(px, cg_path, sizeof cg_path, x->msg, sizeof x->msg)) != 0)
		return ST_FAIL;
	pidns_on = pidns;
	sb_pid_max = pm;
	sb_pids_max = px;
	sb_printf(x->res, ",\"pidns\":%s,\"userns\":%s", pidns ? "true" : "false",
		  sb_userns ? "true" : "false");
	sb_puts(x->res, ",\"pid_max\":");
	if (pm)
		sb_printf(x->res, "%ld", pm);
	else
		sb_puts(x->res, "null");
	sb_puts(x->res, ",\"pids_max\":");
	if (px)
		sb_printf(x->res, "%ld", px);
	else
		sb_puts(x->res, "null");
	sb_puts(x->res, ",\"cgroup\":");
	sb_jstr(x->res, cg_path[0] ? cg_path : NULL);
	return ST_OK;
}

int cmd_start(struct ctx *x, struct node *c)
{
	TRY(need_args(x, c, 1, 1));
	if (started)
		return error(x, "already started");
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return failed_errno(x, errno);
	unsigned long nsfl = (pidns_on ? CLONE_NEWPID : 0) | (sb_userns ? CLONE_NEWUSER : 0);
	pid_t pid = nsfl ? sys_clone_nostack(nsfl | SIGCHLD) : sys_fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return failed_errno(x, e);
	}
	if (pid == 0) {
		close(sv[0]);
		/* main dies with the agent; the other lab processes must not, an
		 * orphan has to outlive its parent */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!pidns_on && getppid() != agent_pid)
			sys_exit_group(1);
		if (sb_userns) {
			char go;
			/* wait until the agent has written our uid/gid maps */
			if (recv(sv[1], &go, 1, 0) != 1 || go != 'g')
				sys_exit_group(1);
		}
		/* the lab lives in its private directory: a core dump or a file a
		 * program makes lands there (workdir.c), never where the user is */
		if (lab_dir[0] && chdir(lab_dir) < 0) {
			/* stays where the agent is */
		}
		/* a fresh image keeps main small: fork costs grow with the
		 * parent's mappings, and repeat is measured against a plain loop */
		if (self_exe[0]) {
			char a1[16], a2[16], a3[24], a4[24];
			snprintf(a1, sizeof a1, "%d", sv[1]);
			snprintf(a2, sizeof a2, "%d", pidns_on);
			snprintf(a3, sizeof a3, "%ld", sb_pid_max);
			snprintf(a4, sizeof a4, "%ld", nofile_soft_orig);
			char *av[] = {"proclab-agent", "--lab", a1, a2, a3, a4, user_cwd, NULL};
			fcntl(sv[1], F_SETFD, 0);
			execv(self_exe, av);
			fcntl(sv[1], F_SETFD, FD_CLOEXEC);
		}
		lab_main(sv[1], pidns_on, sb_pid_max, (int)nofile_soft_orig, user_cwd);
	}
	close(sv[1]);
	if (sb_userns) {
		int e = userns_map(pid);
		if (e || send(sv[0], "g", 1, MSG_NOSIGNAL) != 1) {
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
				;
			close(sv[0]);
			x->err = e ? e : EPIPE;
			snprintf(x->msg, sizeof x->msg, "writing the user namespace's id maps: %s",
				 errno_name(x->err));
			return ST_FAIL;
		}
	}
	struct task *t = new_task("main");
	t->sock = sv[0];
	t->host_pid = pid;
	t->nsinit = pidns_on ? t->idx : -1;
	activate(t);
	started = 1;
	int64_t dl = deadline_ms(timeout_ms);
	if (WAIT_UNTIL(t->ready || t->sock < 0, dl) < 0 || !t->ready || t->ready_err) {
		int e = t->ready_err;
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
			;
		discard_task(t);
		started = 0;
		if (e) {
			x->err = e;
			snprintf(x->msg, sizeof x->msg, "writing pid_max=%ld inside the namespace: %s",
				 sb_pid_max, errno_name(e));
			return ST_FAIL;
		}
		return timed_out(x, "main did not reach its command loop");
	}
	if (t->pidfd >= 0 && t->host_pid <= 0)
		t->host_pid = pid;
	t->pid = pidns_on ? t->ready_pid : pid;
	hash_insert(t->idx);
	if (cg_path[0]) {
		int e = cgroup_add(cg_path, pid);
		if (e) {
			snprintf(x->msg, sizeof x->msg, "moving main into %.300s: %s", cg_path, errno_name(e));
			x->err = e;
			put_task_fields(x, t);
			return ST_FAIL;
		}
	}
	put_task_fields(x, t);
	return ST_OK;
}


int cmd_hello(struct ctx *x, struct node *c)
{
	(void)c;
	struct utsname u;
	uname(&u);
	sb_printf(x->res, ",\"version\":1,\"pid\":%d,\"uid\":%d,\"euid\":%d,\"release\":", agent_pid,
		  getuid(), geteuid());
	sb_jstr(x->res, u.release);
	sb_puts(x->res, ",\"machine\":");
	sb_jstr(x->res, u.machine);
	return ST_OK;
}
