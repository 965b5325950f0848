/* The step handlers: one file per family, each handler named for its verb
 * (step_fork in fork.c, step_signal in signal.c, ...); dispatch.c maps verbs
 * to them. A handler answers with one of ST_* and adds its result fields. */
#ifndef PROCLAB_STEPS_H
#define PROCLAB_STEPS_H

#include "../agent.h"

struct ctx {
	int in_repeat;
	long iter;
	struct sbuf *res;     /* result fields, each starting with ',' */
	struct sbuf *created; /* names bound inside a repeat */
	int err;
	char msg[512];
	char note[256];       /* said with an ok result: an effect that did not show in time */
};

enum {
	ST_OK,      /* done */
	ST_ERRNO,   /* the system call failed with x->err; the lab goes on */
	ST_TIMEOUT, /* did not settle in time (x->msg) */
	ST_FAIL,    /* could not be done (x->msg, maybe x->err) */
	ST_ERROR,   /* the command itself is wrong: an error line */
	ST_NOT_TAKEN, /* the process is gone (x->msg says how): nothing was done */
	ST_BLOCKED, /* the process is blocked and only a later step could wake it: nothing was done */
	ST_BUDGET,  /* the lab's time budget ran out during the step */
};

#define TRY(e)                          \
	do {                            \
		int r_ = (e);           \
		if (r_ != ST_OK)        \
			return r_;      \
	} while (0)

/* common.c */
int error(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int timed_out(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int failed_errno(struct ctx *x, int e);
int subst(const char *w, struct ctx *x, char out[LAB_NAME_MAX]);
int get_task(struct ctx *x, const char *w, struct task **t);
int usable(struct ctx *x, struct task *t, int vfork_ok);
int need_args(struct ctx *x, struct node *c, int min, int max);
int num_arg(struct ctx *x, const char *w, int64_t min, int64_t max, int64_t *v, const char *what);
void put_task_fields(struct ctx *x, struct task *t);
void note_created(struct ctx *x, struct task *t);
int send_or_fail(struct ctx *x, struct task *t, struct lab_cmd *c, int fd);
int simple(struct ctx *x, struct task *p, struct lab_cmd *m);
int not_taken(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int blocked(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int out_of_budget(struct ctx *x, const char *what);
void unsettled(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* waits until p can take a step (see common.c) */
int await_actor(struct ctx *x, struct task *p, int vfork_ok);
/* the target of a step that names another process (to, for, attach): a bound
 * name, which may have ended or never existed */
int get_target(struct ctx *x, const char *w, struct task **t);

/* exec.c: execs that waited in de_thread and may go on now; 1 when one did */
int settle_execs(void);
/* ptrace.c: attaches that waited for such an exec and may go on now; 1 when one did */
int settle_attachers(void);

/* dispatch.c: runs one command (a step, or a command of the session) */
int step_run(struct ctx *x, struct node *c);

/* the steps of LAB-FORMAT.md */
int step_fork(struct ctx *x, struct node *c);
int step_vfork(struct ctx *x, struct node *c);
int step_clone(struct ctx *x, struct node *c);
int step_exec(struct ctx *x, struct node *c);
int step_exit(struct ctx *x, struct node *c);
int step_signal(struct ctx *x, struct node *c);
int step_wait(struct ctx *x, struct node *c);
int step_hold(struct ctx *x, struct node *c);
int step_block(struct ctx *x, struct node *c);
int step_spin(struct ctx *x, struct node *c);
int step_pause(struct ctx *x, struct node *c);
int step_set(struct ctx *x, struct node *c);
int step_add(struct ctx *x, struct node *c);
int step_map(struct ctx *x, struct node *c);
int step_touch(struct ctx *x, struct node *c);
int step_subreaper(struct ctx *x, struct node *c);
int step_ignore(struct ctx *x, struct node *c);
int step_setuid(struct ctx *x, struct node *c);
int step_rlimit(struct ctx *x, struct node *c);
int step_ptrace(struct ctx *x, struct node *c);
int step_setpgid(struct ctx *x, struct node *c);
int step_setsid(struct ctx *x, struct node *c);
int step_handle(struct ctx *x, struct node *c);
int step_mask(struct ctx *x, struct node *c);
int step_repeat(struct ctx *x, struct node *c);

/* session.c: the commands around the steps */
int cmd_sandbox(struct ctx *x, struct node *c);
int cmd_start(struct ctx *x, struct node *c);
int cmd_timeout(struct ctx *x, struct node *c);
int cmd_deadline(struct ctx *x, struct node *c);
int cmd_observe(struct ctx *x, struct node *c);
int cmd_observe_pid(struct ctx *x, struct node *c);
int cmd_image(struct ctx *x, struct node *c);
/* trace.c: the lab's tracefs instance */
int cmd_trace(struct ctx *x, struct node *c);
int cmd_system(struct ctx *x, struct node *c);
int cmd_slabinfo(struct ctx *x, struct node *c);
int cmd_names(struct ctx *x, struct node *c);
int cmd_hello(struct ctx *x, struct node *c);
/* watch/watch.c: run a program of the user's and report its process tree */
int cmd_watch(struct ctx *x, struct node *c);

#endif
