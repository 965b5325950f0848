/* The trace command: the lab's tracefs instance, driven by Java
 * (dev.proclab.real's kernel tracer). The engine is ../trace.c. */
#define _GNU_SOURCE
#include "steps.h"
#include "../trace.h"

#include <errno.h>
#include <string.h>

int cmd_trace(struct ctx *x, struct node *c)
{
	if (c->argc < 2)
		return error(x, "trace: open [BUFFER_KB], enable EVENT [FILTER], trigger EVENT TRIGGER, "
				"format EVENT, read [count], settle or close");
	const char *sub = c->argv[1];
	if (!strcmp(sub, "open")) {
		int64_t kb = 8192;
		TRY(need_args(x, c, 2, 3));
		if (c->argc == 3)
			TRY(num_arg(x, c->argv[2], 64, 1 << 20, &kb, "buffer size (KiB per CPU)"));
		int e = trace_open((long)kb, x->msg, sizeof x->msg);
		if (e) {
			x->err = e;
			return ST_FAIL;
		}
		trace_describe(x->res);
		return ST_OK;
	}
	if (!strcmp(sub, "close")) {
		TRY(need_args(x, c, 2, 2));
		trace_close();
		return ST_OK;
	}
	if (!trace_is_open())
		return error(x, "trace %s: no trace instance (trace open first)", sub);
	if (!strcmp(sub, "enable") || !strcmp(sub, "format") || !strcmp(sub, "trigger")) {
		int e;
		if (!strcmp(sub, "enable")) {
			TRY(need_args(x, c, 3, 4));
			e = trace_enable(c->argv[2], c->argc == 4 ? c->argv[3] : NULL, x->res, x->msg, sizeof x->msg);
		} else if (!strcmp(sub, "format")) {
			TRY(need_args(x, c, 3, 3));
			e = trace_format(c->argv[2], x->res, x->msg, sizeof x->msg);
		} else {
			TRY(need_args(x, c, 4, 4));
			e = trace_trigger(c->argv[2], c->argv[3], x->msg, sizeof x->msg);
		}
		if (e == EINVAL && !strncmp(x->msg, "not an event", 12))
			return ST_ERROR; /* the command is wrong, not the kernel */
		if (e) {
			x->err = e;
			return ST_FAIL;
		}
		return ST_OK;
	}
	if (!strcmp(sub, "read")) {
		TRY(need_args(x, c, 2, 3));
		if (c->argc == 3 && strcmp(c->argv[2], "count"))
			return error(x, "trace read: only 'count' may follow (the pages are then dropped)");
		trace_read(x->res, c->argc == 2);
		return ST_OK;
	}
	if (!strcmp(sub, "settle")) {
		TRY(need_args(x, c, 2, 2));
		trace_settle();
		return ST_OK;
	}
	return error(x, "trace: unknown part '%.40s' (open, enable, trigger, format, read, settle, close)", sub);
}
