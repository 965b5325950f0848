/* What the step handlers share: errors, names to tasks, arguments, and a
 * step answered by one reply. */
#define _GNU_SOURCE
#include "steps.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int error(struct ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof x->msg, fmt, ap);
	va_end(ap);
	return ST_ERROR;
}

int timed_out(struct ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof x->msg, fmt, ap);
	va_end(ap);
	return ST_TIMEOUT;
}

int failed_errno(struct ctx *x, int e)
{
	x->err = e;
	return ST_ERRNO;
}


int get_task(struct ctx *x, const char *w, struct task **t)
{
	char nm[LAB_NAME_MAX];
	if (subst(w, x, nm) < 0)
		return error(x, "bad name '%.80s'", w);
	*t = find_task(nm);
	if (!*t)
		return error(x, "unknown name '%s'", nm);
	return ST_OK;
}

/* a task that can take a step through its command loop */
int usable(struct ctx *x, struct task *t, int vfork_ok)
{
	if (t->reaped)
		return error(x, "%s has been reaped", t->name);
	if (t->execd)
		return error(x, "%s has exec'd", t->name);
	if (t->ended || t->dead || t->sock < 0)
		return error(x, "%s is a zombie or gone", t->name);
	if (t->vfork_child && !vfork_ok)
		return error(x, "%s is a vfork child: it takes only exit or exec", t->name);
	return ST_OK;
}

int need_args(struct ctx *x, struct node *c, int min, int max)
{
	if (c->argc < min || c->argc > max)
		return error(x, "%s: wrong number of arguments (%d)", c->argv[0], c->argc - 1);
	return ST_OK;
}

int num_arg(struct ctx *x, const char *w, int64_t min, int64_t max, int64_t *v, const char *what)
{
	if (parse_i64(w, min, max, v) < 0)
		return error(x, "bad %s '%.40s' (an integer in %lld..%lld)", what, w, (long long)min,
			     (long long)max);
	return ST_OK;
}

#define TRY(e)                          \
	do {                            \
		int r_ = (e);           \
		if (r_ != ST_OK)        \
			return r_;      \
	} while (0)

void put_task_fields(struct ctx *x, struct task *t)
{
	sb_puts(x->res, ",\"name\":");
	sb_jstr(x->res, t->name);
	sb_printf(x->res, ",\"pid\":%d,\"host_pid\":%d", t->pid, t->host_pid);
}

void note_created(struct ctx *x, struct task *t)
{
	if (!x->created)
		return;
	if (x->created->len)
		sb_puts(x->created, ",");
	sb_jstr(x->created, t->name);
}



int send_or_fail(struct ctx *x, struct task *t, struct lab_cmd *c, int fd)
{
	int e = send_cmd(t, c, fd);
	if (e == EAGAIN)
		return error(x, "%s has too many queued commands", t->name);
	if (e)
		return error(x, "%s: sending the step failed: %s", t->name, errno_name(e));
	return ST_OK;
}


/* a step answered by the process with one reply and no settling */
int simple(struct ctx *x, struct task *p, struct lab_cmd *m)
{
	TRY(send_or_fail(x, p, m, -1));
	if (await_rep(p, deadline_ms(timeout_ms)) < 0) {
		p->busy = 1;
		return timed_out(x, "%s did not answer in %d ms", p->name, timeout_ms);
	}
	if (p->rep.err == -1)
		return error(x, "%s has no region '%s'", p->name, m->name);
	if (p->rep.err == -2)
		return error(x, "pages out of range: region '%s' has %lld pages", m->name,
			     (long long)p->rep.val);
	p->err = p->rep.err;
	if (p->rep.err)
		return failed_errno(x, p->rep.err);
	return ST_OK;
}


/* {i} becomes the innermost iteration inside repeat */
int subst(const char *w, struct ctx *x, char out[LAB_NAME_MAX])
{
	size_t o = 0;
	for (const char *p = w; *p;) {
		if (x->in_repeat && !strncmp(p, "{i}", 3)) {
			char num[24];
			int l = snprintf(num, sizeof num, "%ld", x->iter);
			if (o + (size_t)l >= LAB_NAME_MAX)
				return -1;
			memcpy(out + o, num, (size_t)l);
			o += (size_t)l;
			p += 3;
		} else {
			if (o + 1 >= LAB_NAME_MAX)
				return -1;
			out[o++] = *p++;
		}
	}
	out[o] = 0;
	return valid_name(out) ? 0 : -1;
}
