/* ptrace P TARGET: PTRACE_SEIZE then PTRACE_INTERRUPT, made by P of the
 * target it is handed as a pidfd (it names the target as its own pid
 * namespace does; one it cannot see is ESRCH, as for ptrace(2)).
 *
 * An exec holds its group's cred_guard_mutex, and ptrace_attach takes it:
 * while an exec of the target's group waits in de_thread, P sleeps in the
 * attach. The step then answers "blocked"; the call returns (a "returned"
 * event, P's errno) once the exec went on or was killed. */
#define _GNU_SOURCE
#include "steps.h"

#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

/* an exec of t's thread group waits in de_thread, holding cred_guard_mutex */
static int exec_holds_mutex(const struct task *t)
{
	for (int i = 0; i < ntasks; i++)
		if (tasks[i]->exec_blocked && tasks[i]->group == t->group)
			return 1;
	return 0;
}

/* The attaches that waited for an exec go on once it did (or died): each
 * returns, and its tracee shows t. Run after every step; 1 when one did. */
int settle_attachers(void)
{
	int went = 0;
	for (int i = 0; i < ntasks; i++) {
		struct task *p = tasks[i];
		if (!p->attaching)
			continue;
		int st = proc_state(p->host_pid);
		if (p->sock < 0 || p->dead || !st || strchr("ZX", st)) {
			p->attaching = 0; /* killed in the attach: it never returns */
			continue;
		}
		struct task *t = tasks[p->attach_target];
		if (st == 'T' || st == 't' || exec_holds_mutex(t))
			continue; /* a stopped tracer restarts the call when continued */
		int64_t dl = deadline_ms(timeout_ms);
		if (WAIT_UNTIL(!p->attaching, dl) < 0)
			continue;
		went = 1;
		if (!p->err)
			settle_state(t, "tDZX", 1, dl);
	}
	return went;
}

int step_ptrace(struct ctx *x, struct node *c)
{
	struct task *p, *t;
	TRY(need_args(x, c, 3, 3));
	TRY(get_task(x, c->argv[1], &p));
	TRY(get_target(x, c->argv[2], &t));
	TRY(await_actor(x, p, 0));
	struct lab_cmd *m = cmd_new(OP_PTRACE);
	int gone = t->reaped || t->never || t->pidfd < 0;
	TRY(send_or_fail(x, p, m, gone ? -1 : t->pidfd));
	if (WAIT_UNTIL(p->got || p->sock < 0 || (!gone && exec_holds_mutex(t) && asleep_in_syscall(p->host_pid, SYS_ptrace)),
		       reply_deadline()) < 0)
		return out_of_budget(x, "while the tracer attached");
	if (!p->got && p->sock >= 0) {
		/* asleep on the exec's cred_guard_mutex: the answer comes later */
		p->want = 0;
		p->busy = 1;
		p->attaching = 1;
		p->attach_target = t->idx;
		sb_puts(x->res, ",\"blocked\":true");
		return ST_OK;
	}
	int r = await_rep(p, reply_deadline());
	if (r == -2)
		return not_taken(x, "%s ended before it answered", p->name);
	if (r < 0)
		return out_of_budget(x, "while the tracer attached");
	p->err = p->rep.err;
	if (p->err)
		return failed_errno(x, p->err);
	/* the tracee stops in t; one in vfork's D stops once it leaves it */
	if (settle_state(t, "tDZX", 1, deadline_ms(timeout_ms)) < 0) {
		if (budget_spent())
			return out_of_budget(x, "while the tracee stopped");
		unsettled(x, "%s did not show t in %d ms", t->name, timeout_ms);
	}
	return ST_OK;
}
