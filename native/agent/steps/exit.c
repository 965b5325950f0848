/* exit: the exit system call of one task (a thread ends alone; the last one
 * ends the process). */
#define _GNU_SOURCE
#include "steps.h"

int step_exit(struct ctx *x, struct node *c)
{
	struct task *p;
	int64_t code;
	TRY(need_args(x, c, 3, 3));
	TRY(get_task(x, c->argv[1], &p));
	TRY(num_arg(x, c->argv[2], -2147483648LL, 2147483647LL, &code, "exit code"));
	TRY(await_actor(x, p, 1));
	struct lab_cmd *m = cmd_new(OP_EXIT);
	m->a = (int32_t)code;
	p->expect_end = 1;
	struct adoption a;
	adoption_begin(&a, p);
	TRY(send_or_fail(x, p, m, -1));
	p->want = 0;
	p->ended = 1;
	p->err = 0; /* its last step did not fail */
	int64_t dl = deadline_ms(timeout_ms);
	if (settle_state(p, "ZX", 1, dl) < 0) {
		if (budget_spent())
			return out_of_budget(x, "while the process exited");
		unsettled(x, "%s did not show Z in %d ms", p->name, timeout_ms);
	}
	await_vfork_parent(p, dl);
	adoption_settle(&a, dl);
	return ST_OK;
}
