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
	TRY(usable(x, p, 0));
	if (op != OP_BLOCK)
		TRY(num_arg(x, c->argv[2], 0, 86400000, &ms, "duration"));
	struct lab_cmd *m = cmd_new((uint32_t)op);
	m->x = ms;
	TRY(send_or_fail(x, p, m, -1));
	int64_t dl = deadline_ms(timeout_ms);
	if (await_rep(p, dl) < 0) {
		p->busy = 1;
		return timed_out(x, "%s did not take %s in %d ms", p->name, c->argv[0], timeout_ms);
	}
	p->busy = 1;
	p->spinning = op == OP_SPIN;
	p->err = 0;
	const char *want = op == OP_SPIN ? "R" : "S";
	if (WAIT_UNTIL(!p->busy || ({
				  int s_ = proc_state(p->host_pid);
				  s_ && strchr(want, s_);
			  }),
		       dl) < 0)
		return timed_out(x, "%s did not show %s in %d ms", p->name, want, timeout_ms);
	return ST_OK;
}


int step_pause(struct ctx *x, struct node *c)
{
	int64_t ms;
	TRY(need_args(x, c, 2, 2));
	TRY(num_arg(x, c->argv[1], 0, 86400000, &ms, "duration"));
	int64_t dl = deadline_ms(ms);
	for (int64_t now; (now = mono_ns()) < dl;)
		pump(dl - now, 0);
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
