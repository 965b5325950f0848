/* signal TO SIG [FROM]: kill(2) of TO's thread group, by the lab process
 * FROM (as FROM names TO in its own pid namespace) or by the agent itself.
 * Either way the target travels as a pidfd: no pid number crosses a
 * namespace boundary, and a reused pid can never be hit. The step returns
 * when the kernel is done with the signal: delivered and its effect shown,
 * discarded, or left pending where the kernel withholds it. */
#define _GNU_SOURCE
#include "steps.h"
#include "../sys.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* the members of to's thread group, as the agent knows them */
static void mark_group(struct task *to, int expect_end)
{
	for (int i = 0; i < ntasks; i++)
		if (tasks[i]->group == to->group && !tasks[i]->reaped)
			tasks[i]->expect_end = expect_end;
}

/* a sender that signals its own group may stop or die before it replies */
static int sender_done(struct task *from)
{
	if (from->got || from->sock < 0 || from->dead)
		return 1;
	int st = proc_state(from->host_pid);
	return st == 0 || st == 'T' || st == 't' || st == 'Z' || st == 'X';
}

/* "SIGUSR1|SIGTERM" or "-" -> a mask, bit n-1 for signal n; -1 when bad */
static int signal_set(const char *w, uint64_t *out)
{
	*out = 0;
	if (!strcmp(w, "-") || !strcmp(w, "0"))
		return 0;
	for (const char *p = w;;) {
		const char *e = strchrnul(p, '|');
		char one[24];
		size_t l = (size_t)(e - p);
		if (!l || l >= sizeof one)
			return -1; /* an empty part ("A||B", "A|"), or no signal name */
		memcpy(one, p, l);
		one[l] = 0;
		int s = signal_number(one);
		if (s <= 0)
			return -1;
		*out |= 1ULL << (s - 1);
		if (!*e)
			return 0;
		p = e + 1;
	}
}

/* mask P BLOCK UNBLOCK: sigprocmask in P (its own thread). What P no longer
 * blocks it takes on its way back from the call, before it answers: a handler
 * runs, a stop stops it, a fatal signal ends its group. The step returns when
 * the kernel is done with each signal it unblocked, as a signal step does. */
int step_mask(struct ctx *x, struct node *c)
{
	struct task *p;
	uint64_t block, unblock;
	TRY(need_args(x, c, 4, 4));
	TRY(get_task(x, c->argv[1], &p));
	if (signal_set(c->argv[2], &block) < 0 || signal_set(c->argv[3], &unblock) < 0)
		return error(x, "bad signal set '%.40s' or '%.40s' (SIGUSR1|SIGTERM, or -)", c->argv[2], c->argv[3]);
	TRY(await_actor(x, p, 0));
	int was_expected = p->expect_end;
	struct adoption a = {0};
	adoption_begin(&a, p);
	mark_group(p, 1); /* a signal it unblocks may end it: no "exited" event for that */
	struct lab_cmd *m = cmd_new(OP_MASK);
	m->x = (int64_t)block;
	m->y = (int64_t)unblock;
	TRY(send_or_fail(x, p, m, -1));
	if (WAIT_UNTIL(sender_done(p), reply_deadline()) < 0)
		return out_of_budget(x, "while the process changed its mask");
	p->want = 0;
	if (p->got) {
		p->err = p->rep.err;
	} else {
		/* it stopped or died on its way back: its answer, if it lives on,
		 * comes when it runs again */
		p->busy = p->sock >= 0;
		p->err = 0;
	}
	pid_t leader = p->host_pid;
	if (p->group != p->idx && tasks[p->group]->host_pid > 0 && !tasks[p->group]->reaped)
		leader = tasks[p->group]->host_pid;
	for (int s = 1; s <= 64; s++) {
		if (!(unblock & (1ULL << (s - 1))))
			continue;
		if (WAIT_UNTIL(signal_settled(leader, s), deadline_ms(timeout_ms)) < 0) {
			if (budget_spent())
				return out_of_budget(x, "while the unblocked signals were delivered");
			unsettled(x, "%s had not finished with what it unblocked after %d ms", p->name, timeout_ms);
			break;
		}
	}
	int st = proc_state(p->host_pid);
	if (st && st != 'Z' && st != 'X') {
		mark_group(p, was_expected); /* it lives on */
	} else {
		await_vfork_parent(p, deadline_ms(timeout_ms));
		adoption_settle(&a, deadline_ms(timeout_ms));
	}
	if (p->err)
		return failed_errno(x, p->err);
	return ST_OK;
}

int step_signal(struct ctx *x, struct node *c)
{
	struct task *to, *from = NULL;
	TRY(need_args(x, c, 3, 4));
	TRY(get_target(x, c->argv[1], &to));
	int sig = signal_number(c->argv[2]);
	if (sig < 0)
		return error(x, "bad signal '%.40s'", c->argv[2]);
	if (c->argc == 4) {
		TRY(get_task(x, c->argv[3], &from));
		TRY(await_actor(x, from, 0));
	}
	/* a process reaped or never made: the kernel's answer to a pid that is gone */
	int gone = to->reaped || to->never || to->pidfd < 0;
	int was_expected = to->expect_end;
	struct adoption a = {0};
	if (!gone)
		adoption_begin(&a, to);
	if (!gone)
		mark_group(to, 1); /* any signal may end it: no "exited" event for that */
	if (from) {
		struct lab_cmd *m = cmd_new(OP_KILL);
		m->b = sig;
		TRY(send_or_fail(x, from, m, gone ? -1 : to->pidfd));
		if (WAIT_UNTIL(sender_done(from), reply_deadline()) < 0)
			return out_of_budget(x, "while the sender sent the signal");
		if (from->got) {
			from->want = 0;
			from->err = from->rep.err;
		} else {
			/* it stopped or died at its own signal: the kernel took the
			 * signal; its reply (if it lives on) comes when it runs again */
			from->want = 0;
			from->busy = from->sock >= 0;
			from->err = 0;
		}
		if (from->err) {
			if (!gone)
				mark_group(to, was_expected);
			return failed_errno(x, from->err);
		}
	} else if (gone) {
		return failed_errno(x, ESRCH);
	} else if (sys_pidfd_kill(to->pidfd, sig) < 0) {
		int e = errno;
		mark_group(to, was_expected);
		return failed_errno(x, e);
	}
	if (gone || sig == 0)
		return ST_OK;
	pid_t leader = to->host_pid;
	if (to->group != to->idx && tasks[to->group]->host_pid > 0 && !tasks[to->group]->reaped)
		leader = tasks[to->group]->host_pid;
	if (WAIT_UNTIL(signal_settled(leader, sig), deadline_ms(timeout_ms)) < 0) {
		if (budget_spent())
			return out_of_budget(x, "while the signal was delivered");
		unsettled(x, "%s had not finished with %s after %d ms", to->name, c->argv[2], timeout_ms);
	}
	/* a program that stopped before it ran starts now: like an exec's, its
	 * start settles (at its first blocking point) before the answer */
	for (int i = 0; sig == SIGCONT && i < ntasks; i++) {
		struct task *t = tasks[i];
		if (t->unstarted && t->group == to->group && !t->reaped) {
			pid_t img = proc_state(t->host_pid) ? t->host_pid : leader;
			WAIT_UNTIL(proc_state(img) != 'T', deadline_ms(timeout_ms));
			WAIT_UNTIL(at_rest(img, 10000000), deadline_ms(timeout_ms));
			t->unstarted = proc_state(img) == 'T';
		}
	}
	int st = proc_state(to->host_pid);
	if (st && st != 'Z' && st != 'X')
		mark_group(to, was_expected); /* it lives on */
	else {
		await_vfork_parent(to, deadline_ms(timeout_ms));
		adoption_settle(&a, deadline_ms(timeout_ms));
	}
	return ST_OK;
}
