/* ptrace P TARGET: PTRACE_SEIZE then PTRACE_INTERRUPT, made by P of the
 * target it is handed as a pidfd (it names the target as its own pid
 * namespace does; one it cannot see is ESRCH, as for ptrace(2)). */
#define _GNU_SOURCE
#include "steps.h"

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
