/* wait P TARGET [OPTS]: waitpid in P, made as waitid(P_PIDFD) of the target
 * P is handed as a pidfd (waitid(P_ALL) for any), so the kernel decides what
 * P may wait for, in P's own pid namespace. A wait that blocks leaves P in
 * do_wait: the step returns then, with "blocked", and P's wait and errno are
 * set when the call returns (a "returned" event). */
#define _GNU_SOURCE
#include <errno.h>
#include "steps.h"

#include <string.h>

/* P sleeps in the wait (it said it enters it, and sleeps since: only do_wait
 * puts it to sleep there), and no child of it can end that soon by itself */
static int blocked_in_wait(struct task *p)
{
	if (!p->in_wait || proc_state(p->host_pid) != 'S' || children_may_change(p) ||
	    !at_rest(p->host_pid, 2000000))
		return 0;
	/* asleep may also mean back in its command loop, its answer sent: read it */
	pump(0, 0);
	return !p->got;
}

int step_wait(struct ctx *x, struct node *c)
{
	struct task *p, *t = NULL;
	int opts = 0;
	TRY(need_args(x, c, 3, 4));
	TRY(get_task(x, c->argv[1], &p));
	if (strcmp(c->argv[2], "any"))
		TRY(get_target(x, c->argv[2], &t));
	if (c->argc == 4 && wait_opts_parse(c->argv[3], &opts) < 0)
		return error(x, "bad wait options '%.80s'", c->argv[3]);
	TRY(await_actor(x, p, 0));
	struct lab_cmd *m = cmd_new(OP_WAIT);
	m->a = t != NULL;
	m->b = opts;
	int fd = t && !t->reaped && !t->never ? t->pidfd : -1;
	p->in_wait = 0;
	TRY(send_or_fail(x, p, m, fd));
	p->wait_opts = opts;
	p->wait_target = t ? t->idx : -1;
	if (WAIT_UNTIL(p->got || p->sock < 0 || blocked_in_wait(p), reply_deadline()) < 0)
		return out_of_budget(x, "while the wait ran");
	if (!p->got) {
		if (p->sock < 0)
			return not_taken(x, "%s ended during its wait", p->name);
		/* blocked: the answer comes later, through late_reply */
		p->want = 0;
		p->waiting = 1;
		p->busy = 1;
		sb_puts(x->res, ",\"blocked\":true");
		return ST_OK;
	}
	p->want = 0;
	apply_wait(p, &p->rep);
	if (p->rep.err)
		return failed_errno(x, p->rep.err);
	sb_printf(x->res, ",\"pid\":%d,\"name\":", p->wait_pid);
	if (p->wait_name >= 0)
		sb_jstr(x->res, tasks[p->wait_name]->name);
	else
		sb_puts(x->res, "null");
	sb_printf(x->res, ",\"status\":%d", p->wait_status);
	return ST_OK;
}
