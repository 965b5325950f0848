/* signal: kill(2), from a lab process or from the agent. */
#define _GNU_SOURCE
#include "steps.h"
#include "../sys.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sig_fatal_default(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
	case SIGURG: case SIGWINCH:
		return 0;
	}
	return sig > 0;
}

/* bit sig-1 of status's SigIgn or SigCgt */
static int sig_in_mask(pid_t pid, const char *field, int sig)
{
	char path[64];
	struct sbuf b = {0};
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	int r = 0;
	if (read_file(path, &b) == 0 && b.p) {
		char *p = strstr(b.p, field);
		if (p) {
			unsigned long long m = strtoull(p + strlen(field), NULL, 16);
			r = (int)((m >> (sig - 1)) & 1);
		}
	}
	free(b.p);
	return r;
}

int step_signal(struct ctx *x, struct node *c)
{
	struct task *to, *from = NULL;
	TRY(need_args(x, c, 3, 4));
	TRY(get_task(x, c->argv[1], &to));
	int sig = signal_number(c->argv[2]);
	if (sig < 0)
		return error(x, "bad signal '%.40s'", c->argv[2]);
	if (c->argc == 4) {
		TRY(get_task(x, c->argv[3], &from));
		TRY(usable(x, from, 0));
	}
	if (to->reaped)
		return error(x, "%s has been reaped", to->name);
	int ignored = sig > 0 && to->host_pid > 0 &&
		      (sig_in_mask(to->host_pid, "SigIgn:", sig) || sig_in_mask(to->host_pid, "SigCgt:", sig));
	int fatal = sig_fatal_default(sig) && !ignored;
	if (fatal)
		to->expect_end = 1;
	int64_t dl = deadline_ms(timeout_ms);
	if (from) {
		struct lab_cmd *m = cmd_new(OP_KILL);
		m->a = to->pid;
		m->b = sig;
		TRY(send_or_fail(x, from, m, -1));
		if (await_rep(from, dl) < 0) {
			from->busy = 1;
			return timed_out(x, "%s did not send the signal in %d ms", from->name, timeout_ms);
		}
		from->err = from->rep.err;
		if (from->rep.err)
			return failed_errno(x, from->rep.err);
	} else {
		int r;
		if (to->pidfd >= 0 && !to->thread)
			r = sys_pidfd_send_signal(to->pidfd, sig);
		else if (to->host_pid > 0)
			r = kill(to->host_pid, sig);
		else {
			errno = ESRCH;
			r = -1;
		}
		if (r < 0)
			return failed_errno(x, errno);
	}
	if (sig == 0 || ignored)
		return ST_OK;
	if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
		if (settle_state(to, "TtZX", 1, dl) < 0)
			return timed_out(x, "%s did not stop in %d ms%s", to->name, timeout_ms,
					 sig != SIGSTOP ? " (SIGTSTP/SIGTTIN/SIGTTOU are discarded in an "
							  "orphaned process group)"
							: "");
	} else if (sig == SIGCONT) {
		if (settle_state(to, "RSDtZXIPWK", 1, dl) < 0)
			return timed_out(x, "%s did not continue in %d ms", to->name, timeout_ms);
	} else if (fatal) {
		if (settle_state(to, "ZX", 1, dl) < 0)
			return timed_out(x, "%s did not end in %d ms", to->name, timeout_ms);
		to->ended = 1;
		await_vfork_parent(to, dl);
	}
	return ST_OK;
}

