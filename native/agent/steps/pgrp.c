/* setpgid P PID PGID and setsid P: process groups and sessions. PID (0: P
 * itself) is handed to P as a pidfd and named as P's pid namespace names it;
 * PGID (0: PID's own pid; a name; agent: the agent's group) is the number P
 * would see for that process, or one no process can have where P cannot see
 * it: the kernel's checks, in its order, decide (kernel/sys.c). */
#define _GNU_SOURCE
#include "steps.h"

#include <string.h>

/* the answer of a step whose process replies once (an fd may ride along) */
static int one_reply(struct ctx *x, struct task *p, struct lab_cmd *m, int fd)
{
	TRY(send_or_fail(x, p, m, fd));
	int r = await_rep(p, reply_deadline());
	if (r == -2)
		return not_taken(x, "%s ended before it answered", p->name);
	if (r < 0) {
		p->busy = 1;
		return out_of_budget(x, "while the process did its step");
	}
	p->err = p->rep.err;
	if (p->err)
		return failed_errno(x, p->err);
	return ST_OK;
}

int step_setpgid(struct ctx *x, struct node *c)
{
	struct task *p, *t = NULL, *g = NULL;
	TRY(need_args(x, c, 4, 4));
	TRY(get_task(x, c->argv[1], &p));
	if (strcmp(c->argv[2], "0"))
		TRY(get_target(x, c->argv[2], &t));
	int64_t pgid = 0;
	if (!strcmp(c->argv[3], "agent")) {
		/* the agent's group: visible to a process of the agent's own namespace */
		pgid = p->depth == 0 ? agent_pid : LAB_NO_SUCH_PID;
	} else if (strcmp(c->argv[3], "0")) {
		TRY(get_target(x, c->argv[3], &g));
		pid_t v = g->never ? 0 : pid_seen_by(g, p);
		pgid = v > 0 ? v : LAB_NO_SUCH_PID;
	}
	TRY(await_actor(x, p, 0));
	struct lab_cmd *m = cmd_new(OP_SETPGID);
	m->b = t != NULL;
	m->x = pgid;
	return one_reply(x, p, m, t && !t->reaped && !t->never ? t->pidfd : -1);
}

int step_setsid(struct ctx *x, struct node *c)
{
	struct task *p;
	TRY(need_args(x, c, 2, 2));
	TRY(get_task(x, c->argv[1], &p));
	TRY(await_actor(x, p, 0));
	return one_reply(x, p, cmd_new(OP_SETSID), -1);
}
