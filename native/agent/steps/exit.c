/* exit: the exit system call of one task. */
#define _GNU_SOURCE
#include "steps.h"

int step_exit(struct ctx *x, struct node *c)
{
	struct task *p;
	int64_t code;
	TRY(need_args(x, c, 3, 3));
	TRY(get_task(x, c->argv[1], &p));
	TRY(usable(x, p, 1));
	TRY(num_arg(x, c->argv[2], -2147483648LL, 2147483647LL, &code, "exit code"));
	struct lab_cmd *m = cmd_new(OP_EXIT);
	m->a = (int32_t)code;
	p->expect_end = 1;
	TRY(send_or_fail(x, p, m, -1));
	p->want = 0;
	p->ended = 1;
	int64_t dl = deadline_ms(timeout_ms);
	if (settle_state(p, "ZX", 1, dl) < 0)
		return timed_out(x, "%s did not show Z in %d ms", p->name, timeout_ms);
	await_vfork_parent(p, dl);
	return ST_OK;
}

