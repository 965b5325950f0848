/* wait: waitpid (or waitid with WNOWAIT) in the lab process. */
#define _GNU_SOURCE
#include <errno.h>
#include "steps.h"

#include <string.h>

int step_wait(struct ctx *x, struct node *c)
{
	struct task *p, *t = NULL;
	int opts = 0;
	TRY(need_args(x, c, 3, 4));
	TRY(get_task(x, c->argv[1], &p));
	TRY(usable(x, p, 0));
	if (strcmp(c->argv[2], "any"))
		TRY(get_task(x, c->argv[2], &t));
	if (c->argc == 4 && wait_opts_parse(c->argv[3], &opts) < 0)
		return error(x, "bad wait options '%.80s'", c->argv[3]);
	struct lab_cmd *m = cmd_new(OP_WAIT);
	m->a = t ? t->pid : -1;
	m->b = opts;
	TRY(send_or_fail(x, p, m, -1));
	p->wait_opts = opts;
	if (await_rep(p, deadline_ms(timeout_ms)) < 0) {
		p->busy = 1;
		return timed_out(x, "the wait of %s did not return in %d ms", p->name, timeout_ms);
	}
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

