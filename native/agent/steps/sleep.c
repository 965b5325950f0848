/* hold, block and spin (the process sleeps, waits in pause(), burns CPU),
 * and pause (the lab itself waits). */
#define _GNU_SOURCE
#include "steps.h"

#include <string.h>

/* hold / block / spin: acked at once, then the process is busy until IDLE */
static int busy(struct ctx *x, struct node *c, int op)
{
	struct task *p;
	int64_t ms = 0;
	TRY(need_args(x, c, op == OP_BLOCK ? 2 : 3, op == OP_BLOCK ? 2 : 3));
	TRY(get_task(x, c->argv[1], &p));
	if (op != OP_BLOCK)
		TRY(num_arg(x, c->argv[2], 0, 86400000, &ms, "duration"));
	TRY(await_actor(x, p, 0));
	struct lab_cmd *m = cmd_new((uint32_t)op);
	m->x = ms;
	/* busy from now: its IDLE may come in the same read as its answer */
	p->busy = 1;
	p->spinning = op == OP_SPIN;
	p->paused = op == OP_BLOCK;
	p->busy_until = mono_ns() + ms * 1000000;
	int rc = send_or_fail(x, p, m, -1);
	if (rc != ST_OK) {
		p->busy = p->spinning = p->paused = 0;
		return rc;
	}
	int r = await_rep(p, reply_deadline());
	if (r == -2)
		return not_taken(x, "%s ended before it answered", p->name);
	if (r < 0)
		return out_of_budget(x, "while the process took the step");
	p->err = 0;
	const char *want = op == OP_SPIN ? "R" : "S";
	if (WAIT_UNTIL(!p->busy || ({
				  int s_ = proc_state(p->host_pid);
				  s_ && strchr(want, s_);
			  }),
		       deadline_ms(timeout_ms)) < 0) {
		if (budget_spent())
			return out_of_budget(x, "while the process settled");
		unsettled(x, "%s did not show %s in %d ms", p->name, want, timeout_ms);
	}
	return ST_OK;
}

int step_pause(struct ctx *x, struct node *c)
{
	int64_t ms;
	TRY(need_args(x, c, 2, 2));
	TRY(num_arg(x, c->argv[1], 0, 86400000, &ms, "duration"));
	int64_t end = mono_ns() + ms * 1000000;
	int64_t dl = deadline_ms(ms);
	for (int64_t now; (now = mono_ns()) < dl;)
		pump(dl - now, 0);
	if (dl < end)
		return out_of_budget(x, "during the pause");
	return ST_OK;
}

int step_hold(struct ctx *x, struct node *c)
{
	return busy(x, c, OP_HOLD);
}

int step_block(struct ctx *x, struct node *c)
{
	return busy(x, c, OP_BLOCK);
}

int step_spin(struct ctx *x, struct node *c)
{
	return busy(x, c, OP_SPIN);
}
