/* From a parsed command to its handler: one table, one line a verb. */
#include "steps.h"

#include <string.h>

enum {
	F_LAB = 1,      /* a lab step: allowed inside repeat */
	F_NOARGS = 2,   /* takes no arguments */
	F_SETTLE = 4,   /* the processes it names get back to rest before the answer */
};

static int cmd_probe(struct ctx *x, struct node *c)
{
	(void)c;
	probe_all(x->res);
	return ST_OK;
}

static int cmd_quit(struct ctx *x, struct node *c)
{
	(void)x;
	(void)c;
	quitting = 1;
	return ST_OK;
}

static const struct verb {
	const char *name;
	int (*run)(struct ctx *, struct node *);
	int flags;
} verbs[] = {
	{"fork", step_fork, F_LAB | F_SETTLE},
	{"vfork", step_vfork, F_LAB | F_SETTLE},
	{"clone", step_clone, F_LAB | F_SETTLE},
	{"exec", step_exec, F_LAB | F_SETTLE},
	{"exit", step_exit, F_LAB | F_SETTLE},
	{"signal", step_signal, F_LAB | F_SETTLE},
	{"wait", step_wait, F_LAB | F_SETTLE},
	{"hold", step_hold, F_LAB | F_SETTLE},
	{"block", step_block, F_LAB | F_SETTLE},
	{"spin", step_spin, F_LAB | F_SETTLE},
	{"set", step_set, F_LAB | F_SETTLE},
	{"add", step_add, F_LAB | F_SETTLE},
	{"map", step_map, F_LAB | F_SETTLE},
	{"touch", step_touch, F_LAB | F_SETTLE},
	{"subreaper", step_subreaper, F_LAB | F_SETTLE},
	{"ignore", step_ignore, F_LAB | F_SETTLE},
	{"setuid", step_setuid, F_LAB | F_SETTLE},
	{"rlimit", step_rlimit, F_LAB | F_SETTLE},
	{"ptrace", step_ptrace, F_LAB | F_SETTLE},
	{"setpgid", step_setpgid, F_LAB | F_SETTLE},
	{"setsid", step_setsid, F_LAB | F_SETTLE},
	{"handle", step_handle, F_LAB | F_SETTLE},
	{"mask", step_mask, F_LAB | F_SETTLE},
	{"pause", step_pause, F_LAB | F_SETTLE},
	{"repeat", step_repeat, F_LAB},
	{"observe", cmd_observe, 0},
	{"observe-pid", cmd_observe_pid, 0},
	{"image", cmd_image, 0},
	{"trace", cmd_trace, 0},
	{"start", cmd_start, F_SETTLE},
	{"sandbox", cmd_sandbox, F_SETTLE},
	{"timeout", cmd_timeout, F_SETTLE},
	{"deadline", cmd_deadline, 0},
	{"system", cmd_system, F_NOARGS | F_SETTLE},
	{"slabinfo", cmd_slabinfo, F_NOARGS | F_SETTLE},
	{"names", cmd_names, F_NOARGS | F_SETTLE},
	{"probe", cmd_probe, F_NOARGS | F_SETTLE},
	{"hello", cmd_hello, F_NOARGS | F_SETTLE},
	{"quit", cmd_quit, F_NOARGS | F_SETTLE},
	{"watch", cmd_watch, 0},
};

/* A lab process at rest (idle in its command loop, or in hold/block/pause)
 * sleeps: S. Right after a step it may still be on its way there (it has just
 * replied, SIGCONT woke it, its vfork child has just let it go), and the next
 * observe must not catch it running. So before answering, give each process
 * the step named, and its parent, a short moment to be back to sleep. */
static void settle_named(struct ctx *x, struct node *c)
{
	int64_t dl = deadline_ms(timeout_ms < 200 ? timeout_ms : 200);
	/* a lab process runs (R) only on its way somewhere: back to sleep, into
	 * its exit; only a loaded machine keeps it from getting there, so it
	 * gets longer than a program, which may run for good */
	int64_t dl_lab = deadline_ms(timeout_ms < 1000 ? timeout_ms : 1000);
	for (int i = 1; i < c->argc; i++) {
		char nm[LAB_NAME_MAX];
		if (subst(c->argv[i], x, nm) < 0)
			continue;
		struct task *t = find_task(nm);
		if (!t)
			continue;
		settle_rest(t, dl_lab);
		/* a program the step woke (SIGCONT) runs a moment before it sleeps
		 * again where it slept; one that keeps running costs this wait once */
		if (t->execd && !t->reaped && t->host_pid > 0)
			WAIT_UNTIL(proc_state(t->host_pid) != 'R', dl);
		if (t->parent >= 0)
			settle_rest(tasks[t->parent], dl_lab);
	}
	/* a step's effect may reach a process it does not name (a tracer's exit
	 * lets its tracee go, to die of a signal it held): in a lab of common
	 * size, wait for every lab process that runs though nothing keeps it busy */
	if (ntasks <= 256)
		for (int i = 0; i < ntasks; i++)
			settle_rest(tasks[i], dl_lab);
	/* a task the step killed may still be on its way through do_exit (a
	 * core being written, a spinner's, under load): the model's answer is
	 * the zombie at the end of it */
	for (int i = 0; i < ntasks; i++) {
		struct task *t = tasks[i];
		if (!t->reaped && t->host_pid > 0)
			WAIT_UNTIL(!mid_exit(t->host_pid), dl_lab);
	}
	/* a task in X (EXIT_DEAD) is on its way out of /proc: release_task is
	 * under way (an autoreaped child, a reaped zombie) */
	for (int i = 0; i < ntasks; i++) {
		struct task *t = tasks[i];
		if (!t->reaped && t->host_pid > 0)
			WAIT_UNTIL(proc_state(t->host_pid) != 'X', dl_lab);
	}
	/* a process asleep in a blocking wait may have been woken by the step (a
	 * child ended): let it finish, reap and answer, before another process
	 * can take the child from it. Not woken, it stays asleep: 1 ms tells */
	/* and an exec that waited in de_thread goes on once the step released
	 * the traced zombie it waited for: its program may end a wait in turn,
	 * and an attach that waited for the exec returns */
	do {
		for (int i = 0; i < ntasks; i++) {
			struct task *t = tasks[i];
			if (t->waiting && !t->reaped && !t->dead && t->host_pid > 0)
				WAIT_UNTIL(!t->waiting || at_rest(t->host_pid, 1000000), dl);
		}
	} while (settle_execs() | settle_attachers());
}

int step_run(struct ctx *x, struct node *c)
{
	const char *v = c->argv[0];
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		const struct verb *b = &verbs[i];
		if (strcmp(v, b->name))
			continue;
		if (x->in_repeat && !(b->flags & F_LAB))
			return error(x, "%s is not allowed inside repeat", v);
		if ((b->flags & F_NOARGS) && c->argc != 1)
			return error(x, "%s takes no arguments", v);
		int r = b->run(x, c);
		if (b->flags & F_SETTLE)
			settle_named(x, c);
		return r;
	}
	return error(x, "unknown verb '%.40s'", v);
}
