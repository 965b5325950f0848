/* ptrace P TARGET: PTRACE_SEIZE then PTRACE_INTERRUPT, made by P. */
#include "steps.h"

int step_ptrace(struct ctx *x, struct node *c)
{
	struct task *p, *t;
	TRY(need_args(x, c, 3, 3));
	TRY(get_task(x, c->argv[1], &p));
	TRY(usable(x, p, 0));
	TRY(get_task(x, c->argv[2], &t));
	if (t->reaped)
		return error(x, "%s has been reaped", t->name);
	struct lab_cmd *m = cmd_new(OP_PTRACE);
	m->a = t->pid;
	TRY(simple(x, p, m));
	if (settle_state(t, "t", 0, deadline_ms(timeout_ms)) < 0)
		return timed_out(x, "%s did not show t in %d ms", t->name, timeout_ms);
	return ST_OK;
}
