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

/* What a process cannot do at all: a lab step once it runs another program
 * (blocked for good), a vfork child's step other than exit and exec (the
 * lab may never ask it; the parser refuses it). */
int usable(struct ctx *x, struct task *t, int vfork_ok)
{
	if (t->execd && !t->never && !t->dead)
		return blocked(x, "%s runs another program since its exec and takes no lab step", t->name);
	if (t->exec_blocked)
		return blocked(x, "%s is blocked in execve() (D): de_thread waits until the tracer of its traced "
				  "zombie thread releases it", t->name);
	if (t->vfork_child && !vfork_ok)
		return error(x, "%s is a vfork child: it takes only exit or exec", t->name);
	return ST_OK;
}

int not_taken(struct ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof x->msg, fmt, ap);
	va_end(ap);
	return ST_NOT_TAKEN;
}

int blocked(struct ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof x->msg, fmt, ap);
	va_end(ap);
	return ST_BLOCKED;
}

void unsettled(struct ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->note, sizeof x->note, fmt, ap);
	va_end(ap);
}

int out_of_budget(struct ctx *x, const char *what)
{
	snprintf(x->msg, sizeof x->msg, "the lab's time budget ran out %s", what);
	return ST_BUDGET;
}

/* Waits until p is back in its command loop, able to take a step: a hold or
 * a spin ends by itself, and so may a blocking wait while one of p's
 * children runs a program. A process that only a later step could wake
 * (stopped, in pause(), a vfork parent, in a wait whose children are all at
 * rest) cannot take this one: ST_NOT_TAKEN, and the lab goes on. So do
 * both kernels (docs/lab-format.md, "Blocked processes"). */
int await_actor(struct ctx *x, struct task *p, int vfork_ok)
{
	TRY(usable(x, p, vfork_ok));
	int64_t tick = 20000;
	int quiet_looks = 0;
	for (;;) {
		if (p->never)
			return not_taken(x, "%s does not exist: the step that was to create it failed", p->name);
		if (p->reaped)
			return not_taken(x, "%s has been reaped", p->name);
		if (p->ended || p->dead || p->sock < 0)
			return not_taken(x, "%s has ended", p->name);
		int st = proc_state(p->host_pid);
		if (st == 'Z' || st == 'X' || st == 0)
			return not_taken(x, "%s has ended", p->name);
		if (st == 'T')
			return blocked(x, "%s is stopped (T) and takes no step until it is continued", p->name);
		if (st == 't')
			return blocked(x, "%s is stopped by its tracer (t) and takes no step", p->name);
		if (p->vfork_of >= 0)
			return blocked(x, "%s is blocked in vfork (D) until %s execs or exits", p->name,
					 tasks[p->vfork_of]->name);
		if (p->paused)
			return blocked(x, "%s is blocked in pause() until a signal it catches", p->name);
		if (p->attaching)
			return blocked(x, "%s is blocked in ptrace(PTRACE_SEIZE): the exec of %s holds cred_guard_mutex "
					  "while it waits in de_thread", p->name, tasks[p->attach_target]->name);
		/* a child's end may fall between two looks (its last thread
		 * released, the leader's notification on its way): three looks,
		 * 5 ms apart, before the waiter is taken as blocked */
		if (p->waiting && !children_may_change(p)) {
			if (++quiet_looks >= 3) {
				char kids[160];
				children_said(p, kids, sizeof kids);
				return blocked(x, "%s is blocked in waitpid(), and none of its children will change "
						    "state by itself (%s %c; %s)", p->name, p->name,
					       proc_state(p->host_pid) ?: '-', kids[0] ? kids : "no children");
			}
			for (int64_t end = mono_ns() + 5000000, now; p->waiting && (now = mono_ns()) < end;)
				pump(end - now, 0);
			continue;
		}
		quiet_looks = 0;
		if (!p->busy && !p->waiting)
			return ST_OK;
		if (budget_spent())
			return out_of_budget(x, "while waiting for the process to take its step");
		int64_t left = reply_deadline() - mono_ns();
		pump(left < tick ? left : tick, 0);
		if (tick < 2000000)
			tick *= 2;
	}
}

/* A target may be any bound name: one that ended, was reaped or never was
 * gets the kernel's answer for a process that does not exist. */
int get_target(struct ctx *x, const char *w, struct task **t)
{
	return get_task(x, w, t);
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


/* A step answered by the process with one reply and no settling. It may
 * take as long as its work does (touching a GiB of pages): the bound is the
 * lab's budget, and the process's end. */
int simple(struct ctx *x, struct task *p, struct lab_cmd *m)
{
	TRY(await_actor(x, p, 0));
	TRY(send_or_fail(x, p, m, -1));
	int r = await_rep(p, reply_deadline());
	if (r == -2)
		return not_taken(x, "%s ended before it answered", p->name);
	if (r < 0) {
		p->busy = 1;
		return out_of_budget(x, "while the process did its step");
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
