/* The lab's memory: variables (set, add), regions (map) and their pages
 * (touch), in the process named. */
#define _GNU_SOURCE
#include "steps.h"

#include <stdio.h>
#include <string.h>

static int var(struct ctx *x, struct node *c, int op)
{
	struct task *p;
	int64_t v;
	TRY(need_args(x, c, 4, 4));
	TRY(get_task(x, c->argv[1], &p));
	if (!valid_var(c->argv[2]))
		return error(x, "bad variable name '%.80s'", c->argv[2]);
	TRY(num_arg(x, c->argv[3], INT64_MIN / 2, INT64_MAX / 2, &v, "value"));
	struct lab_cmd *m = cmd_new((uint32_t)op);
	snprintf(m->name, sizeof m->name, "%s", c->argv[2]);
	m->x = v;
	TRY(simple(x, p, m));
	sb_printf(x->res, ",\"value\":%lld", (long long)p->rep.val);
	return ST_OK;
}

int step_set(struct ctx *x, struct node *c)
{
	return var(x, c, OP_SET);
}

int step_add(struct ctx *x, struct node *c)
{
	return var(x, c, OP_ADD);
}

int step_map(struct ctx *x, struct node *c)
{
	struct task *p;
	int64_t pages;
	TRY(need_args(x, c, 4, 4));
	TRY(get_task(x, c->argv[1], &p));
	if (!valid_var(c->argv[2]))
		return error(x, "bad region name '%.80s'", c->argv[2]);
	TRY(num_arg(x, c->argv[3], 1, 1 << 20, &pages, "page count"));
	struct lab_cmd *m = cmd_new(OP_MAP);
	snprintf(m->name, sizeof m->name, "%s", c->argv[2]);
	m->x = pages;
	TRY(simple(x, p, m));
	sb_printf(x->res, ",\"addr\":\"%llx\"", (unsigned long long)p->rep.val);
	return ST_OK;
}

int step_touch(struct ctx *x, struct node *c)
{
	struct task *p;
	int64_t a = 0, b = -1;
	TRY(need_args(x, c, 5, 5));
	TRY(get_task(x, c->argv[1], &p));
	if (!valid_var(c->argv[2]))
		return error(x, "bad region name '%.80s'", c->argv[2]);
	const char *pg = c->argv[3];
	const char *dash = strchr(pg, '-');
	if (!strcmp(pg, "all")) {
		a = 0;
		b = -1;
	} else if (dash && dash != pg) {
		char lo[32];
		size_t l = (size_t)(dash - pg);
		if (l >= sizeof lo)
			return error(x, "bad pages '%.40s'", pg);
		memcpy(lo, pg, l);
		lo[l] = 0;
		if (parse_i64(lo, 0, 1 << 20, &a) < 0 || parse_i64(dash + 1, 0, 1 << 20, &b) < 0 || b < a)
			return error(x, "bad pages '%.40s' (all, N or A-B)", pg);
	} else {
		int64_t n;
		if (parse_i64(pg, 1, 1 << 20, &n) < 0)
			return error(x, "bad pages '%.40s' (all, N or A-B)", pg);
		a = 0;
		b = n - 1;
	}
	int mode;
	if (!strcmp(c->argv[4], "read"))
		mode = 0;
	else if (!strcmp(c->argv[4], "write"))
		mode = 1;
	else
		return error(x, "bad mode '%.40s' (read or write)", c->argv[4]);
	struct lab_cmd *m = cmd_new(OP_TOUCH);
	snprintf(m->name, sizeof m->name, "%s", c->argv[2]);
	m->x = a;
	m->y = b;
	m->a = mode;
	return simple(x, p, m);
}

