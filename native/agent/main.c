/* proclab-agent: performs a lab's real system calls, driven over stdin with
 * the line protocol of docs/protocol.md, answering in JSON lines on stdout.
 *
 * Lab processes run lab.c's command loop; a step is sent to the process that
 * does it, and returns when its effect shows in /proc (or its reply came, for
 * syscalls with a result). This file: start-up, the stdin loop, and the end
 * of a lab. */
#define _GNU_SOURCE
#include "agent.h"
#include "sys.h"
#include "steps/steps.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int started, quitting;
pid_t agent_pid;
char self_exe[4096];
long nofile_soft_orig;
int timeout_ms = 2000;
int64_t lab_deadline;
int kpagecount_fd = -1;

/* ---------- the end of a lab ---------- */

/* SIGKILL every lab process and reap them all; orphans reparent to us (a
 * subreaper), so kill our children until none is left. */
void end_lab(void)
{
	quitting = 1;
	for (int i = 0; i < ntasks; i++) {
		struct task *t = tasks[i];
		/* by pidfd only: a pid number may belong to someone else by now */
		if (!t->reaped && t->pidfd >= 0)
			sys_pidfd_kill(t->pidfd, SIGKILL);
	}
	if (cg_path[0])
		cgroup_kill_all(cg_path);
	int64_t dl = mono_ns() + 10LL * 1000000000;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", agent_pid, agent_pid);
	for (;;) {
		struct sbuf b = {0};
		if (read_file(path, &b) == 0 && b.p)
			for (char *p = b.p; *p;) {
				char *e;
				long pid = strtol(p, &e, 10);
				if (e == p)
					break;
				if (pid > 0) /* our child, not yet reaped: its pid is still its own */
					kill((pid_t)pid, SIGKILL);
				p = e;
			}
		free(b.p);
		int any = 0;
		pid_t r;
		while ((r = waitpid(-1, NULL, __WALL | WNOHANG)) > 0)
			any = 1;
		if (r < 0 && errno == ECHILD)
			break;
		if (mono_ns() > dl)
			break;
		if (!any) {
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		}
	}
	for (int i = 0; i < ntasks; i++) {
		close_fd(&tasks[i]->sock);
		close_fd(&tasks[i]->pidfd);
		close_fd(&tasks[i]->outfd);
	}
	if (cg_path[0]) {
		cgroup_remove(cg_path);
		cg_path[0] = 0;
	}
	workdir_remove();
	trace_close();
}


static void process_line(char *s, size_t n)
{
	static char *w[MAX_WORDS];
	static char wbuf[2 * LINE_MAX_BYTES + 16];
	static struct sbuf res, out;
	if (n && s[n - 1] == '\r')
		s[--n] = 0;
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] == '#')
		return;
	req_no++;
	if (memchr(s, 0, n)) {
		emit_error(NULL, "NUL byte in line");
		return;
	}
	if (!utf8_valid(s, n)) {
		emit_error(NULL, "invalid UTF-8");
		return;
	}
	char err[160];
	int nw = tokenize(s, wbuf, w, MAX_WORDS, err, sizeof err);
	if (nw < 0) {
		emit_error(NULL, err);
		return;
	}
	struct node *nodes = NULL;
	int nn = 0, pos = 0;
	const char *verb = nw > 0 ? w[0] : NULL;
	if (parse_seq(w, nw, &pos, 0, &nodes, &nn, err, sizeof err) < 0) {
		emit_error(verb, err);
	} else if (pos < nw) {
		emit_error(verb, !strcmp(w[pos], "}") ? "unbalanced braces: unexpected '}'"
						      : "one command a line (';' only inside repeat)");
	} else if (nn != 1) {
		emit_error(verb, "one command a line");
	} else {
		struct ctx x = {0};
		sb_reset(&res);
		x.res = &res;
		int st = step_run(&x, &nodes[0]);
		if (st == ST_ERROR) {
			emit_error(verb, x.msg);
		} else {
			if (quitting)
				end_lab();
			obj_begin(&out, "result");
			sb_printf(&out, ",\"req\":%d,\"cmd\":", req_no);
			sb_jstr(&out, verb);
			if (st == ST_OK) {
				sb_puts(&out, ",\"ok\":true");
			} else if (st == ST_ERRNO) {
				sb_puts(&out, ",\"ok\":false,\"errno\":");
				sb_jstr(&out, errno_name(x.err));
			} else if (st == ST_TIMEOUT) {
				sb_puts(&out, ",\"ok\":false,\"timeout\":true,\"message\":");
				sb_jstr(&out, x.msg);
			} else if (st == ST_BUDGET) {
				sb_puts(&out, ",\"ok\":false,\"timeout\":true,\"budget\":true,\"message\":");
				sb_jstr(&out, x.msg);
			} else if (st == ST_NOT_TAKEN || st == ST_BLOCKED) {
				sb_puts(&out, st == ST_BLOCKED ? ",\"ok\":false,\"taken\":false,\"blocked\":true,\"message\":"
							       : ",\"ok\":false,\"taken\":false,\"message\":");
				sb_jstr(&out, x.msg);
			} else {
				sb_puts(&out, ",\"ok\":false,\"message\":");
				sb_jstr(&out, x.msg);
				if (x.err) {
					sb_puts(&out, ",\"errno\":");
					sb_jstr(&out, errno_name(x.err));
				}
			}
			if (x.note[0]) {
				sb_puts(&out, ",\"note\":");
				sb_jstr(&out, x.note);
			}
			if (res.len)
				sb_putn(&out, res.p, res.len);
			obj_end(&out);
		}
	}
	free_nodes(nodes, nn);
	free(nodes);
}

static void hello(void)
{
	struct sbuf b = {0};
	struct ctx x = {0};
	x.res = &b;
	cmd_hello(&x, NULL);
	struct sbuf o = {0};
	obj_begin(&o, "hello");
	sb_putn(&o, b.p, b.len);
	obj_end(&o);
	free(b.p);
	free(o.p);
}

/* The agent leads a session of its own without a terminal, so no hangup
 * reaches it; a SIGHUP the kernel sends (SI_KERNEL) is the lab's doing: the
 * agent's process group, where the lab starts, became orphaned with a
 * stopped process in it (kill_orphaned_pgrp sends the group SIGHUP and
 * SIGCONT). That is the lab's to show, not a request to end it. */
static void on_death(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig == SIGHUP && si && si->si_code == SI_KERNEL)
		return;
	dying = 1;
}

/* SIGTERM as PR_SET_PDEATHSIG, not SIGKILL: a SIGKILLed agent could not kill
 * and reap its lab, and main's children would outlive it. */
static void arm_death_signal(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_death;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigset_t block;
	sigemptyset(&block);
	for (const int *s = (const int[]){SIGTERM, SIGHUP, SIGINT, 0}; *s; s++) {
		sigaction(*s, &sa, NULL);
		sigaddset(&block, *s);
	}
	sigprocmask(SIG_BLOCK, &block, &poll_mask);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "--lab"))
		lab_main(atoi(argv[2]), atoi(argv[3]), atol(argv[4]), atoi(argv[5]), argv[6]);
	if (argc == 2 && !strcmp(argv[1], "--trace-clean"))
		return trace_clean_main();
	if (argc >= 2 && !strcmp(argv[1], "--bench"))
		return bench_main(argc - 2, argv + 2);
	ssize_t sl = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
	self_exe[sl > 0 ? sl : 0] = 0;
	pid_t ppid0 = getppid();
	agent_pid = getpid();
	setsid(); /* fails harmlessly when we already lead a process group */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	arm_death_signal();
	if (getppid() != ppid0)
		return 1; /* our parent died before the death signal was armed */
	signal(SIGPIPE, SIG_IGN);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		nofile_soft_orig = (long)rl.rlim_cur;
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	kpagecount_fd = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	workdir_make();
	hello();
	static char in[LINE_MAX_BYTES + 2];
	size_t len = 0;
	int skipping = 0, eof = 0;
	while (!quitting && !eof) {
		if (!pump(-1, 1))
			continue;
		ssize_t n = read(0, in + len, sizeof in - 1 - len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			eof = 1;
		} else if (n == 0) {
			eof = 1;
		}
		if (n > 0)
			len += (size_t)n;
		for (;;) {
			char *nl = memchr(in, '\n', len);
			if (!nl) {
				if (len >= sizeof in - 1) {
					/* longer than a line may be: drop it up to its end */
					if (!skipping) {
						req_no++;
						emit_error(NULL, "line longer than 64 KiB");
					}
					skipping = 1;
					len = 0;
				} else if (eof && len) {
					in[len] = 0;
					if (!skipping)
						process_line(in, len);
					len = 0;
				}
				break;
			}
			size_t l = (size_t)(nl - in);
			*nl = 0;
			if (skipping)
				skipping = 0;
			else if (l > LINE_MAX_BYTES) {
				req_no++;
				emit_error(NULL, "line longer than 64 KiB");
			} else
				process_line(in, l);
			memmove(in, nl + 1, len - l - 1);
			len -= l + 1;
			if (quitting)
				break;
		}
	}
	if (!quitting)
		end_lab();
	return 0;
}
