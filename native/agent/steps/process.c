/* Steps that change one attribute of the process that takes them:
 * subreaper, ignore, handle, setuid, rlimit. */
#include "steps.h"

#include <string.h>

/* the process named first, ready to take a step, with the command to send */
static int prepare(struct ctx *x, struct node *c, int argc, uint32_t op, struct task **p, struct lab_cmd **m)
{
	TRY(need_args(x, c, argc, argc));
	TRY(get_task(x, c->argv[1], p));
	*m = cmd_new(op);
	return ST_OK;
}

int step_subreaper(struct ctx *x, struct node *c)
{
	struct task *p;
	struct lab_cmd *m;
	TRY(prepare(x, c, 2, OP_SUBREAPER, &p, &m));
	return simple(x, p, m);
}

int step_ignore(struct ctx *x, struct node *c)
{
	struct task *p;
	struct lab_cmd *m;
	TRY(prepare(x, c, 3, OP_IGNORE, &p, &m));
	int s = signal_number(c->argv[2]);
	if (s <= 0)
		return error(x, "bad signal '%.40s'", c->argv[2]);
	m->a = s;
	return simple(x, p, m);
}

/* handle P SIG: a handler that counts SIG in P's variable caught_SIG */
int step_handle(struct ctx *x, struct node *c)
{
	struct task *p;
	struct lab_cmd *m;
	TRY(prepare(x, c, 3, OP_HANDLE, &p, &m));
	int s = signal_number(c->argv[2]);
	if (s <= 0)
		return error(x, "bad signal '%.40s'", c->argv[2]);
	m->a = s;
	return simple(x, p, m);
}

int step_setuid(struct ctx *x, struct node *c)
{
	struct task *p;
	struct lab_cmd *m;
	int64_t u;
	TRY(prepare(x, c, 3, OP_SETUID, &p, &m));
	TRY(num_arg(x, c->argv[2], 0, 4294967294LL, &u, "uid"));
	m->x = u;
	return simple(x, p, m);
}

int step_rlimit(struct ctx *x, struct node *c)
{
	struct task *p;
	struct lab_cmd *m;
	TRY(prepare(x, c, 4, OP_RLIMIT, &p, &m));
	int r = rlimit_number(c->argv[2]);
	if (r < 0)
		return error(x, "bad resource '%.40s'", c->argv[2]);
	m->a = r;
	if (!strcmp(c->argv[3], "unlimited") || !strcmp(c->argv[3], "infinity")) {
		m->x = -1;
	} else {
		int64_t v;
		TRY(num_arg(x, c->argv[3], 0, INT64_MAX, &v, "limit"));
		m->x = v;
	}
	return simple(x, p, m);
}
