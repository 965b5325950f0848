/* fork, vfork and clone: the child is made by the process named first, and
 * the step returns once it runs its own command loop (a vfork parent: once it
 * shows D). */
#define _GNU_SOURCE
#include <errno.h>
#include "steps.h"

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int create(struct ctx *x, struct node *c, int kind)
{
	struct task *p;
	unsigned long flags = 0;
	int sig = SIGCHLD;
	TRY(need_args(x, c, kind == 2 ? 5 : 3, kind == 2 ? 5 : 3));
	TRY(get_task(x, c->argv[1], &p));
	char nm[LAB_NAME_MAX];
	if (subst(c->argv[2], x, nm) < 0)
		return error(x, "bad name '%.80s'", c->argv[2]);
	if (!strcmp(nm, "agent") || find_task(nm))
		return error(x, "name '%s' is bound", nm);
	if (kind == 2) {
		if (clone_flags_parse(c->argv[3], &flags) < 0)
			return error(x, "bad clone flags '%.80s'", c->argv[3]);
		if (!strcmp(c->argv[4], "-"))
			sig = (flags & CLONE_THREAD) ? 0 : SIGCHLD;
		else if ((sig = signal_number(c->argv[4])) < 0)
			return error(x, "bad signal '%.40s'", c->argv[4]);
	}
	int ready = await_actor(x, p, 0);
	if (ready == ST_NOT_TAKEN || ready == ST_BLOCKED) {
		/* no child: the name stays, for a process that never was */
		struct task *ch = new_task(nm);
		bind_never(ch);
		note_created(x, ch);
	}
	TRY(ready);
	int vforkish = kind == 1 || (flags & CLONE_VFORK);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return error(x, "socketpair: %s", errno_name(errno));
	struct task *ch = new_task(nm);
	ch->sock = sv[0];
	ch->parent = p->idx;
	ch->thread = (flags & CLONE_THREAD) != 0;
	ch->group = ch->thread ? p->group : ch->idx;
	ch->nsinit = (flags & CLONE_NEWPID) ? ch->idx : p->nsinit;
	activate(ch);
	struct lab_cmd *m = cmd_new(kind == 0 ? OP_FORK : kind == 1 ? OP_VFORK : OP_CLONE);
	m->x = (int64_t)flags;
	m->a = sig;
	int rc = send_or_fail(x, p, m, sv[1]);
	close(sv[1]);
	if (rc != ST_OK) {
		discard_task(ch);
		return rc;
	}
	uint32_t seq = m->seq;
	if (!vforkish) {
		int r = await_rep(p, reply_deadline());
		if (r < 0) {
			discard_task(ch);
			if (r == -2)
				return not_taken(x, "%s ended before it answered", p->name);
			p->busy = 1;
			return out_of_budget(x, "while the process forked");
		}
		if (p->rep.err) {
			/* the name stays, for a process that never was */
			bind_never(ch);
			note_created(x, ch);
			p->err = p->rep.err;
			return failed_errno(x, p->rep.err);
		}
		ch->pid = p->rep.pid;
		if (WAIT_UNTIL(ch->ready || ch->sock < 0, reply_deadline()) < 0) {
			hash_insert(ch->idx);
			note_created(x, ch);
			return out_of_budget(x, "before the child ran");
		}
	} else {
		if (WAIT_UNTIL(ch->ready || p->got || p->sock < 0, reply_deadline()) < 0) {
			discard_task(ch);
			return out_of_budget(x, "before the vfork child ran");
		}
		if (!ch->ready) {
			int got = p->got;
			p->want = 0;
			if (got && p->rep.err) {
				bind_never(ch);
				note_created(x, ch);
				p->err = p->rep.err;
				return failed_errno(x, p->rep.err);
			}
			discard_task(ch);
			return not_taken(x, "%s ended before its vfork child ran", p->name);
		}
		ch->pid = ch->ready_pid;
		ch->vfork_child = 1;
		p->vfork_of = ch->idx;
		p->vfork_seq = seq;
		p->busy = 1;
		p->want = 0;
	}
	hash_insert(ch->idx);
	note_created(x, ch);
	p->err = 0;
	if (!ch->ready)
		unsettled(x, "%s ended before it reached its command loop", nm);
	if (vforkish && settle_state(p, "D", 0, deadline_ms(timeout_ms)) < 0 && p->vfork_of == ch->idx) {
		if (budget_spent())
			return out_of_budget(x, "while the vfork parent blocked");
		unsettled(x, "%s did not show D in %d ms", p->name, timeout_ms);
	}
	put_task_fields(x, ch);
	return ST_OK;
}

int step_fork(struct ctx *x, struct node *c)
{
	return create(x, c, 0);
}

int step_vfork(struct ctx *x, struct node *c)
{
	return create(x, c, 1);
}

int step_clone(struct ctx *x, struct node *c)
{
	return create(x, c, 2);
}
