/* The `watch` command: run the user's program and report its process tree
 * until the program and every descendant are gone (see watch.h). */
#define _GNU_SOURCE
#include "watch.h"
#include "../sys.h"
#include "../steps/steps.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

struct wproc *wprocs;
int nwprocs;
static int cap_wprocs;
static int scanning;        /* the /proc way: no connector */
static struct sbuf ev;

/* what reading /proc cannot see, said with every such watch */
#define MISSES                                                                                          \
	"a process that forks, exits and is reaped within one scan (2 ms) is not seen; fork, exec and state " \
	"times are those of the scan that found them; an exec that keeps the program's name and file is not seen"

enum { TICK_SCAN_NS = 2000000, TICK_SAMPLE_NS = 10000000, STOP_GRACE_NS = 5000000000LL };

/* ---------- /proc reads ---------- */

int read_comm(pid_t pid, char comm[17])
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/comm", pid);
	struct sbuf b = {0};
	int r = read_file(path, &b);
	if (r == 0 && b.p) {
		size_t n = strcspn(b.p, "\n");
		if (n > 16)
			n = 16;
		memcpy(comm, b.p, n);
		comm[n] = 0;
	}
	free(b.p);
	return r == 0 ? 0 : -1;
}

void read_exe(pid_t pid, char *out, size_t len)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/exe", pid);
	ssize_t n = readlink(path, out, len - 1);
	out[n > 0 ? n : 0] = 0;
}

int read_stat(pid_t pid, char *state, pid_t *ppid, int *exit_code)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	struct sbuf b = {0};
	if (read_file(path, &b) < 0 || !b.p) {
		free(b.p);
		return -1;
	}
	/* comm may hold ')' and blanks: cut at the LAST ')' (field 3 follows) */
	char *p = strrchr(b.p, ')');
	int ok = -1;
	if (p && p[1] == ' ') {
		p += 2;
		*state = *p;
		int field = 3;
		for (char *q = p; *q; q++) {
			if (*q != ' ')
				continue;
			field++;
			if (field == 4)
				*ppid = (pid_t)strtol(q + 1, NULL, 10);
			else if (field == 52)
				*exit_code = (int)strtol(q + 1, NULL, 10);
		}
		ok = 0;
	}
	free(b.p);
	return ok;
}

/* ---------- the tree and its events ---------- */

struct wproc *wp_find(pid_t pid)
{
	for (int i = nwprocs - 1; i >= 0; i--)
		if (wprocs[i].pid == pid && !wprocs[i].reaped)
			return &wprocs[i];
	return NULL;
}

static void ev_begin(const char *what, struct wproc *w, int64_t at)
{
	obj_begin(&ev, "event");
	sb_printf(&ev, ",\"event\":\"%s\",\"at\":%lld,\"pid\":%d", what, (long long)at, w->pid);
}

struct wproc *wp_add(pid_t pid, pid_t ppid, const char *comm, int64_t at)
{
	if (nwprocs == cap_wprocs) {
		cap_wprocs = cap_wprocs ? cap_wprocs * 2 : 64;
		wprocs = realloc(wprocs, (size_t)cap_wprocs * sizeof *wprocs);
		if (!wprocs)
			abort();
	}
	struct wproc *w = &wprocs[nwprocs++];
	memset(w, 0, sizeof *w);
	w->pid = pid;
	w->ppid = ppid;
	snprintf(w->comm, sizeof w->comm, "%s", comm);
	/* a pidfd now, while it is there: it will say when it exits and when it is reaped */
	w->pidfd = sys_pidfd_open(pid, 0);
	read_exe(pid, w->exe, sizeof w->exe);
	ev_begin("fork", w, at);
	sb_printf(&ev, ",\"ppid\":%d,\"comm\":", ppid);
	sb_jstr(&ev, w->comm);
	obj_end(&ev);
	return w;
}

void wp_exec(struct wproc *w, int64_t at)
{
	read_comm(w->pid, w->comm);
	read_exe(w->pid, w->exe, sizeof w->exe);
	ev_begin("exec", w, at);
	sb_puts(&ev, ",\"comm\":");
	sb_jstr(&ev, w->comm);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/cmdline", w->pid);
	struct sbuf b = {0};
	if (read_file(path, &b) == 0 && b.p) {
		sb_puts(&ev, ",\"argv\":[");
		for (size_t i = 0, first = 1; i < b.len; first = 0) {
			size_t n = strnlen(b.p + i, b.len - i);
			if (!first)
				sb_puts(&ev, ",");
			sb_jstrn(&ev, b.p + i, n);
			i += n + 1;
		}
		sb_puts(&ev, "]");
	}
	free(b.p);
	obj_end(&ev);
}

static int out_fd = -1;     /* the program's output, while open */
static int output_event(int fd, int *open_);
static void output_flush(void);

/* A program's last words come before its exit. Through a terminal they
 * reach us a little after they were written (the tty layer hands them over
 * from a kernel worker), so give them a moment, at most 1 ms, and not in a
 * storm of exits (then the order of output and exits is left as it comes). */
static void settle_output(void)
{
	static int64_t second;
	static int waits;
	if (out_fd < 0)
		return;
	int64_t now = mono_ns();
	if (now - second > 1000000000LL) {
		second = now;
		waits = 0;
	}
	struct pollfd p = {out_fd, POLLIN, 0};
	int open_ = 1;
	if (poll(&p, 1, waits++ < 50 ? 1 : 0) == 1)
		while (open_ && output_event(out_fd, &open_) > 0) {
		}
	output_flush();
	if (!open_)
		out_fd = -1;
}

void wp_exit(struct wproc *w, int have_status, int status, int64_t at)
{
	reap_check(w->pid, at); /* its waits came before its last words */
	settle_output();
	w->exited = 1;
	w->exit_ns = at;
	w->have_status = (unsigned)have_status;
	w->status = status;
	w->state = 'Z';
	ev_begin("exit", w, at);
	sb_printf(&ev, ",\"ppid\":%d,\"state\":\"Z\"", w->ppid);
	if (have_status)
		sb_printf(&ev, ",\"status\":%d", status);
	obj_end(&ev);
	/* its children now have a new parent (a subreaper, or us) */
	for (int i = 0; i < nwprocs; i++) {
		struct wproc *c = &wprocs[i];
		if (!c->reaped && c->ppid == w->pid && c != w)
			wp_sample(c, at, 0);
	}
}

void wp_reap(struct wproc *w, int by_agent, int have_status, int status, int64_t at)
{
	if (!w->exited)
		wp_exit(w, have_status, status, at);
	if (!w->have_status && have_status) {
		w->have_status = 1;
		w->status = status;
	}
	w->reaped = 1;
	close_fd(&w->pidfd);
	ev_begin("reap", w, at);
	sb_printf(&ev, ",\"ppid\":%d,\"by_agent\":%s", by_agent ? agent_pid : w->ppid, by_agent ? "true" : "false");
	if (w->have_status)
		sb_printf(&ev, ",\"status\":%d", w->status);
	sb_printf(&ev, ",\"zombie_ns\":%lld", (long long)(at - w->exit_ns));
	obj_end(&ev);
}

/* the zombie children of parent (0: of anyone) that have been reaped by
 * now: reported before what the parent does next, dated no later than that */
void reap_check(pid_t parent, int64_t not_after)
{
	for (int i = 0; i < nwprocs; i++) {
		struct wproc *w = &wprocs[i];
		if (w->reaped || !w->exited || w->pidfd < 0 || (parent && w->ppid != parent))
			continue;
		struct pollfd p = {w->pidfd, 0, 0};
		if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR))) {
			int64_t now = mono_ns();
			wp_reap(w, 0, 0, 0, now < not_after ? now : not_after);
		}
	}
}

/* a living process's state and parent now; a change is a `state` event
 * (with scanning, a new program image is an `exec`) */
void wp_sample(struct wproc *w, int64_t at, int scan)
{
	char st = 0;
	pid_t ppid = w->ppid;
	int code = 0;
	if (w->exited || read_stat(w->pid, &st, &ppid, &code) < 0)
		return;
	if (scan) {
		char comm[17], exe[256];
		if (read_comm(w->pid, comm) == 0) {
			read_exe(w->pid, exe, sizeof exe);
			if (strcmp(comm, w->comm) || (exe[0] && w->exe[0] && strcmp(exe, w->exe)))
				wp_exec(w, at);
		}
	}
	if (st == 'Z' || st == 'X') {
		if (w->pidfd < 0) /* no pidfd will say it: /proc does */
			wp_exit(w, st == 'Z', code, at);
		return; /* otherwise its exit event reports it */
	}
	if (st == w->state && ppid == w->ppid)
		return;
	w->state = st;
	w->ppid = ppid;
	ev_begin("state", w, at);
	sb_printf(&ev, ",\"ppid\":%d,\"state\":\"%c\"", ppid, st);
	obj_end(&ev);
}

/* ---------- the program ---------- */

/* a terminal for the program's output, so that it line-buffers as it would
 * on the user's; raw, so that its lines come as written. A pipe otherwise. */
static int out_channel(int *master, int *slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0) {
		char *name = ptsname(m);
		int s = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
		if (s >= 0) {
			struct termios t;
			if (tcgetattr(s, &t) == 0) {
				cfmakeraw(&t);
				tcsetattr(s, TCSANOW, &t);
			}
			*master = m;
			*slave = s;
			return 0;
		}
	}
	if (m >= 0)
		close(m);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	*master = p[0];
	*slave = p[1];
	return 0;
}

static pid_t start_program(char **argv, int slave, int errw)
{
	pid_t pid = sys_fork();
	if (pid != 0)
		return pid;
	/* the program starts clean: default signals, nothing blocked */
	sigset_t none;
	sigemptyset(&none);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != agent_pid)
		_exit(127);
	int null = open("/dev/null", O_RDONLY);
	if (null >= 0)
		dup2(null, 0);
	dup2(slave, 1);
	dup2(slave, 2);
	execvp(argv[0], argv);
	int e = errno;
	if (write(errw, &e, sizeof e) < 0) {
		/* nobody to tell */
	}
	_exit(127);
}

/* ---------- the end ---------- */

/* SIGKILL the whole tree: every tracked process, and everything found under
 * the agent (the subreaper), so that nothing the program started survives */
static void kill_tree(void)
{
	for (int i = 0; i < nwprocs; i++) {
		struct wproc *w = &wprocs[i];
		if (w->reaped || w->exited)
			continue;
		if (w->pidfd >= 0)
			sys_pidfd_kill(w->pidfd, SIGKILL);
	}
	pid_t *kids = NULL;
	int n = 0, cap = 0;
	children_of(agent_pid, &kids, &n, &cap);
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	free(kids);
}

static int all_gone(void)
{
	for (int i = 0; i < nwprocs; i++)
		if (!wprocs[i].reaped)
			return 0;
	pid_t *kids = NULL;
	int n = 0, cap = 0;
	children_of(agent_pid, &kids, &n, &cap);
	free(kids);
	return n == 0;
}

/* ---------- the command ---------- */

/* The program's output is read into `pending` and reported only after the
 * connector's events that were queued before it was read: those happened
 * before it was written (a fork before its child's first line). An exit
 * reports what is pending first: it was written before the exit. */
static struct sbuf pending;

static void output_flush(void)
{
	if (!pending.len)
		return;
	obj_begin(&ev, "event");
	sb_printf(&ev, ",\"event\":\"output\",\"at\":%lld,\"text\":", (long long)mono_ns());
	sb_jstrn(&ev, pending.p, pending.len);
	obj_end(&ev);
	sb_reset(&pending);
}

/* 1: output was read (into pending); 0: none now; -1: the last writer is gone */
static int output_event(int fd, int *open_)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) { /* EIO from a terminal, EOF from a pipe */
		*open_ = 0;
		return -1;
	}
	sb_putn(&pending, buf, (size_t)n);
	if (pending.len > 65536)
		output_flush();
	return 1;
}

/* stdin: EOF, `stop` or `quit` end the watch early; 1 when it did */
static int stop_asked(void)
{
	char buf[512];
	ssize_t n = read(0, buf, sizeof buf - 1);
	if (n < 0)
		return errno != EINTR && errno != EAGAIN;
	if (n == 0)
		return 1;
	buf[n] = 0;
	if (strstr(buf, "quit"))
		quitting = 1;
	return strstr(buf, "stop") || strstr(buf, "quit");
}

int cmd_watch(struct ctx *x, struct node *c)
{
	if (c->argc < 3)
		return error(x, "watch takes a source (auto, cn_proc or proc) and a program with its arguments");
	const char *source = c->argv[1];
	if (strcmp(source, "auto") && strcmp(source, "cn_proc") && strcmp(source, "proc"))
		return error(x, "unknown source '%.40s' (auto, cn_proc or proc)", source);
	if (started)
		return error(x, "watch runs alone, not beside a lab (this agent has started one)");
	char why[200] = "";
	int cn = -1;
	if (strcmp(source, "proc")) {
		cn = cn_open(why, sizeof why);
		if (cn < 0 && !strcmp(source, "cn_proc")) {
			snprintf(x->msg, sizeof x->msg, "%s", why);
			return ST_FAIL;
		}
	} else {
		snprintf(why, sizeof why, "the /proc way was asked for");
	}
	scanning = cn < 0;
	obj_begin(&ev, "event");
	sb_printf(&ev, ",\"event\":\"source\",\"at\":%lld,\"source\":\"%s\"", (long long)mono_ns(), scanning ? "proc" : "cn_proc");
	if (scanning) {
		sb_puts(&ev, ",\"why\":");
		sb_jstr(&ev, why);
		sb_puts(&ev, ",\"misses\":");
		sb_jstr(&ev, MISSES);
	}
	obj_end(&ev);
	int master = -1, slave = -1, errp[2] = {-1, -1};
	if (out_channel(&master, &slave) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		int e = errno;
		close_fd(&cn);
		close_fd(&master);
		close_fd(&slave);
		return failed_errno(x, e);
	}
	sigset_t chld, old;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);

	char **argv = &c->argv[2];
	int64_t t0 = mono_ns();
	pid_t root = start_program(argv, slave, errp[1]);
	int fork_err = root < 0 ? errno : 0;
	close_fd(&slave);
	close_fd(&errp[1]);
	if (root < 0) {
		close_fd(&cn);
		close_fd(&master);
		close_fd(&errp[0]);
		close_fd(&sfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return failed_errno(x, fork_err);
	}
	char comm[17];
	if (read_comm(agent_pid, comm) < 0)
		snprintf(comm, sizeof comm, "proclab-agent");
	nwprocs = 0;
	struct wproc *rw = wp_add(root, agent_pid, comm, t0);
	(void)rw;

	int exec_err = 0, errp_open = 1, out_open = 1, stopping = 0, lost = 0;
	int64_t next_tick = mono_ns(), stop_by = 0, gone_since = 0;
	struct pollfd *pf = NULL;
	int *who = NULL, pcap = 0;
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	out_fd = master;
	for (;;) {
		if (out_fd < 0)
			out_open = 0;
		/* the connector first (what happened before the output was read), then
		 * the output; an exit waits a moment for its process's last words */
		while (out_open && output_event(master, &out_open) > 0) {
		}
		if (cn >= 0)
			lost += cn_drain(cn);
		reap_check(0, INT64_MAX); /* a reap comes before what its reaper prints next */
		output_flush();
		/* our own children: the program, and orphans of its tree adopted by us */
		int st;
		pid_t r;
		while ((r = waitpid(-1, &st, WNOHANG | __WALL)) > 0) {
			if (cn >= 0)
				lost += cn_drain(cn); /* its exit event first */
			struct wproc *w = wp_find(r);
			if (w)
				wp_reap(w, 1, 1, st, mono_ns());
		}
		int64_t now = mono_ns();
		if (now >= next_tick) {
			if (scanning)
				scan_tree(now);
			for (int i = 0; i < nwprocs; i++) {
				struct wproc *w = &wprocs[i];
				if (w->reaped)
					continue;
				char s2;
				pid_t pp;
				int code;
				if (w->pidfd < 0 && read_stat(w->pid, &s2, &pp, &code) < 0)
					wp_reap(w, 0, 0, 0, now); /* no pidfd to tell us: gone from /proc */
				else if (!w->exited)
					wp_sample(w, now, scanning);
			}
			next_tick = now + (scanning ? TICK_SCAN_NS : TICK_SAMPLE_NS);
		}
		if (dying && !stopping) {
			stopping = 1;
			stop_by = mono_ns() + STOP_GRACE_NS;
		}
		if (stopping)
			kill_tree();
		if (all_gone()) {
			/* the output ends when the last writer is gone; do not wait long for it */
			if (!gone_since)
				gone_since = mono_ns();
			if (!out_open || mono_ns() - gone_since > 200000000LL)
				break;
		}
		if (stopping && mono_ns() > stop_by)
			break;
		/* poll: stdin, the connector, exec errors, SIGCHLD, every pidfd, output */
		if (pcap < nwprocs + 8) {
			pcap = nwprocs + 64;
			pf = realloc(pf, (size_t)pcap * sizeof *pf);
			who = realloc(who, (size_t)pcap * sizeof *who);
			if (!pf || !who)
				abort();
		}
		int n = 0;
		enum { W_STDIN = -1, W_CN = -2, W_OUT = -3, W_ERR = -4, W_SIG = -5 };
		if (!stopping) {
			pf[n] = (struct pollfd){0, POLLIN, 0};
			who[n++] = W_STDIN;
		}
		if (cn >= 0) {
			pf[n] = (struct pollfd){cn, POLLIN, 0};
			who[n++] = W_CN;
		}
		if (errp_open) {
			pf[n] = (struct pollfd){errp[0], POLLIN, 0};
			who[n++] = W_ERR;
		}
		if (sfd >= 0) {
			pf[n] = (struct pollfd){sfd, POLLIN, 0};
			who[n++] = W_SIG;
		}
		for (int i = 0; i < nwprocs; i++) {
			struct wproc *w = &wprocs[i];
			if (w->reaped || w->pidfd < 0)
				continue;
			/* readable once it exits (level: asked for only until then); hangs up once reaped */
			pf[n] = (struct pollfd){w->pidfd, (short)(w->pollin_seen ? 0 : POLLIN), 0};
			who[n++] = i;
		}
		/* after the pidfds: a program reports a reap after it, never before */
		if (out_open) {
			pf[n] = (struct pollfd){master, POLLIN, 0};
			who[n++] = W_OUT;
		}
		int64_t wait_ns = next_tick - mono_ns();
		if (wait_ns < 0)
			wait_ns = 0;
		struct timespec ts = {wait_ns / 1000000000, wait_ns % 1000000000};
		int pr = ppoll(pf, (nfds_t)n, &ts, &poll_mask);
		if (pr <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			short re = pf[i].revents;
			if (!re)
				continue;
			switch (who[i]) {
			case W_STDIN:
				if (stop_asked() && !stopping) {
					stopping = 1;
					stop_by = mono_ns() + STOP_GRACE_NS;
				}
				break;
			case W_CN:
			case W_SIG:
				if (who[i] == W_SIG) {
					struct signalfd_siginfo si;
					while (read(sfd, &si, sizeof si) > 0) {
					}
				}
				break; /* drained at the top of the loop */
			case W_OUT:
				break; /* read at the top of the loop, after the connector */
			case W_ERR: {
				/* an errno if execvp failed; nothing (closed on exec) if the program runs */
				ssize_t k = read(errp[0], &exec_err, sizeof exec_err);
				if (k != (ssize_t)sizeof exec_err)
					exec_err = 0;
				errp_open = 0;
				close_fd(&errp[0]);
				if (k <= 0 && scanning) {
					struct wproc *w = wp_find(root);
					if (w && !w->exited)
						wp_exec(w, mono_ns());
				}
				break;
			}
			default: {
				struct wproc *w = &wprocs[who[i]];
				if (cn >= 0)
					lost += cn_drain(cn); /* the connector's word on it comes first */
				if (w->reaped)
					break;
				if ((re & POLLIN) && !w->pollin_seen) {
					w->pollin_seen = 1;
					if (!w->exited && scanning) {
						char s2;
						pid_t pp;
						int code = 0;
						int ok = read_stat(w->pid, &s2, &pp, &code) == 0;
						wp_exit(w, ok, code, mono_ns());
					}
				}
				if (re & (POLLHUP | POLLERR))
					wp_reap(w, 0, 0, 0, mono_ns());
				break;
			}
			}
		}
	}
	if (out_open) {
		/* what is left in the output, without waiting for more */
		fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
		while (output_event(master, &out_open) > 0) {
		}
	}
	output_flush();
	if (errp_open) {
		/* the program ended before we polled for it: did its exec fail? */
		fcntl(errp[0], F_SETFL, fcntl(errp[0], F_GETFL) | O_NONBLOCK);
		if (read(errp[0], &exec_err, sizeof exec_err) != (ssize_t)sizeof exec_err)
			exec_err = 0;
	}
	out_fd = -1;
	close_fd(&master);
	close_fd(&errp[0]);
	close_fd(&sfd);
	close_fd(&cn);
	for (int i = 0; i < nwprocs; i++)
		close_fd(&wprocs[i].pidfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(pf);
	free(who);
	if (dying) {
		end_lab();
		_exit(0);
	}
	sb_puts(x->res, ",\"source\":");
	sb_jstr(x->res, scanning ? "proc" : "cn_proc");
	if (scanning) {
		sb_puts(x->res, ",\"why\":");
		sb_jstr(x->res, why);
		sb_puts(x->res, ",\"misses\":");
		sb_jstr(x->res, MISSES);
	}
	sb_printf(x->res, ",\"processes\":%d,\"lost\":%d,\"stopped\":%s,\"root\":%d", nwprocs, lost,
		  stopping ? "true" : "false", root);
	if (exec_err) {
		x->err = exec_err;
		snprintf(x->msg, sizeof x->msg, "cannot run %.200s", argv[0]);
		return ST_FAIL;
	}
	return ST_OK;
}
