/* The agent's shared state and the functions its files offer each other.
 * main.c: start-up, the stdin loop, the end of a lab; protocol.c: JSON lines
 * out, command lines in; tasks.c: the table of lab processes by name; loop.c:
 * the poll loop and what arrives from lab processes; steps/: one file per
 * family of steps; observe.c: reading /proc; sandbox.c: cgroup, namespaces,
 * probe. Single-threaded by design. */
#ifndef PROCLAB_AGENT_H
#define PROCLAB_AGENT_H

#include "proto.h"
#include "util.h"

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#define LINE_MAX_BYTES 65536
#define MAX_WORDS 4096
#define MAX_DEPTH 16
#define MAX_NS_LEVEL 33   /* MAX_PID_NS_LEVEL 32, plus the agent's */

/* bench.c: proclab-agent --bench NAME ARGS... (docs/protocol.md, "Benchmarks") */
int bench_main(int argc, char **argv);

struct task {
	char name[LAB_NAME_MAX];
	int idx;
	pid_t pid;      /* as its parent sees it */
	pid_t host_pid; /* as the agent sees it; 0 when never learned */
	int sock, pidfd, outfd;
	int parent;     /* creator's index, -1: the agent */
	int group;      /* index of its thread group's leader (itself unless CLONE_THREAD) */
	int nsinit;     /* the init of its pid namespace (-1: the agent's namespace) */
	int depth;      /* its pid namespace's level below the agent's */
	pid_t *nspid;   /* its pid at each level, 0..depth (NSpid), NULL when unknown */
	unsigned bound : 1, ready : 1, thread : 1, vfork_child : 1, execd : 1, execing : 1,
		reaped : 1, dead : 1, ended : 1, expect_end : 1, busy : 1, spinning : 1, active : 1, got : 1,
		never : 1,    /* the step that was to create it failed: a name without a process */
		paused : 1,   /* busy in pause(): only a signal ends it */
		waiting : 1,  /* in a blocking wait whose answer has not come */
		in_wait : 1,  /* it said it enters the wait it was sent */
		exec_blocked : 1, /* its exec waits in de_thread (exec_waits_in_de_thread) */
		unstarted : 1,    /* its program stopped before it ran (a stop pending at its exec) */
		attaching : 1;    /* its PTRACE_SEIZE waits for an exec's cred_guard_mutex */
	/* an exec'd program's output: the head goes out as events, the rest is
	 * counted, and its last bytes are kept for when the pipe closes */
	uint64_t out_bytes;
	char *out_tail;
	size_t out_tail_len;
	int ready_err;
	pid_t ready_pid;
	uint64_t tables; /* address of lab_tables in its memory */
	int vfork_of;   /* a vfork parent: index of the child it waits for, else -1 */
	uint32_t vfork_seq;
	int err;        /* errno of the last step, 0: null */
	int has_wait, wait_pid, wait_status, wait_name, wait_opts;
	int wait_target;               /* the task a blocking wait waits for, -1: any */
	int attach_target;             /* the task a blocked PTRACE_SEIZE attaches */
	uint32_t want;  /* seq awaited from this task, 0: none */
	int64_t busy_until; /* CLOCK_MONOTONIC ns when its hold or spin is due to end, 0: in none */
	struct lab_rep rep;
};

/* a parsed command: its words, and for repeat its body */
struct node {
	int argc;
	char **argv;
	int nbody;
	struct node *body;
};

/* the lab */
extern struct task **tasks;
extern int ntasks;
extern int started, quitting;
extern pid_t agent_pid;
extern char self_exe[4096];
extern long nofile_soft_orig;
extern int timeout_ms;          /* how long a step's effect may take to show in /proc */
extern int64_t lab_deadline;    /* CLOCK_MONOTONIC ns when the lab's budget ends, 0: none */
/* the sandbox */
extern int pidns_on, sb_userns;
extern long sb_pid_max, sb_pids_max;
extern char cg_path[800];
extern int kpagecount_fd;
/* the poll loop */
extern volatile sig_atomic_t dying;
extern sigset_t poll_mask;
extern struct script_rec *srecs; /* records of the running repeat script */
extern size_t nsrecs;

/* main.c */
void end_lab(void);

/* protocol.c */
void obj_begin(struct sbuf *b, const char *type);
void obj_end(struct sbuf *b);
void event_named(const char *ev, struct task *t, const char *k2, const char *v2);
void emit_error(const char *verb, const char *msg);
int tokenize(const char *s, char *o, char **w, int maxw, char *err, size_t errlen);
int parse_seq(char **w, int n, int *pos, int depth, struct node **out, int *nout, char *err, size_t errlen);
void free_nodes(struct node *n, int count);
extern int req_no;

/* tasks.c */
struct task *find_task(const char *name);
void hash_insert(int idx);
struct task *new_task(const char *name);
void close_fd(int *fd);
void discard_task(struct task *t);
void mark_reaped(struct task *t);
void bind_never(struct task *t);
struct task *task_by_host_pid(pid_t host_pid);
void learn_nspid(struct task *t);
pid_t pid_seen_by(const struct task *t, const struct task *viewer); /* 0: not visible */
struct task *task_seen_by(const struct task *viewer, pid_t pid);
int valid_name(const char *s);
int valid_var(const char *s);

/* loop.c */
void activate(struct task *t);
int pump(int64_t timeout_ns, int with_stdin);
int64_t deadline_ms(int64_t ms);      /* now + ms, never past the lab's deadline */
int64_t reply_deadline(void);         /* how long a busy process may take: the lab's deadline */
int budget_spent(void);
int send_cmd(struct task *t, struct lab_cmd *c, int fd);
struct lab_cmd *cmd_new(uint32_t op);
void apply_wait(struct task *t, const struct lab_rep *r);
int await_rep(struct task *t, int64_t deadline);
int settle_state(struct task *t, const char *accept, int gone_ok, int64_t deadline);
void await_vfork_parent(struct task *c, int64_t deadline);
void settle_rest(struct task *t, int64_t deadline);

/* pump until cond holds or the deadline passes; 0: held, -1: timed out.
 * Conditions that hang on /proc (not on an fd) are re-checked on a short,
 * growing tick: never a blind sleep of the whole step. */
#define WAIT_UNTIL(cond, deadline)                                   \
	({                                                           \
		int64_t tick_ = 20000;                               \
		int rc_ = 0;                                         \
		while (!(cond)) {                                    \
			int64_t now_ = mono_ns();                    \
			if (now_ >= (deadline)) {                    \
				rc_ = -1;                            \
				break;                               \
			}                                            \
			int64_t left_ = (deadline)-now_;             \
			pump(left_ < tick_ ? left_ : tick_, 0);      \
			if (tick_ < 2000000)                         \
				tick_ *= 2;                          \
		}                                                    \
		rc_;                                                 \
	})

/* observe.c */
int read_file(const char *path, struct sbuf *out);
int proc_state(pid_t host_pid);      /* stat state letter, 0 when gone */
int mid_exit(pid_t host_pid);        /* on its way through do_exit, not yet Z */
int task_exists(struct task *t);
void observe_task(struct task *t, char **regions, int nregions, struct sbuf *res);
int observe_pid(pid_t host_pid, struct sbuf *res);
pid_t pidfd_host_pid(int pidfd);
/* A signal sent to the thread group led by host pid leader: 1 once the
 * kernel is done with it (delivered and its effect shown, or left pending
 * where the kernel withholds it: a stopped, traced or uninterruptible
 * thread, or one that blocks it), 0 while it is on its way. */
int signal_settled(pid_t leader, int sig);
/* 1 when the process is at rest: gone, a zombie, or asleep or stopped and
 * not scheduled for a while (its context switches did not move) */
int at_rest(pid_t host_pid, int64_t quiet_ns);
/* 1 when the task (host tid) waits in execve's de_thread for a traced zombie
 * thread of its group to be released (its tracer's wait or exit), and only
 * that lets it go on: asleep in D in execve, and still so a moment later */
int exec_waits_in_de_thread(pid_t tid);
/* 1 when the task (host tid) sleeps (S) in the system call nr, and still
 * does a moment later */
int asleep_in_syscall(pid_t tid, long nr);
/* 1 when the task (host tid) is a zombie that its tracer has not let go */
int traced_zombie(pid_t tid);
/* 1 when some child of the thread group of host pid may still change state
 * by itself: it runs, or it is a program (not a lab process at rest) */
/* whether what p's blocking wait waits for (its target, or any child) may
 * change state by itself: a program that runs or sleeps with a timer */
int children_may_change(struct task *p);
void children_said(struct task *p, char *buf, size_t cap);
/* the zombie children of p's group before a step that may end the group, and
 * after it, a wait until the kernel has released those it autoreaps */
#define ADOPTION_MAX 64
struct adoption {
	pid_t parent;
	int n, idx[ADOPTION_MAX];
};
void adoption_begin(struct adoption *a, struct task *p);
void adoption_settle(struct adoption *a, int64_t deadline);

/* workdir.c: the lab's private working directory */
extern char lab_dir[512];    /* "" when it could not be made: the lab runs where the agent does */
extern char user_cwd[4096];  /* where the agent was started: relative program paths are taken from it */
int workdir_make(void);
void workdir_remove(void);

/* sandbox.c */
int cgroup_create(long pids_max, char *path, size_t pathlen, char *msg, size_t msglen);
int cgroup_add(const char *path, pid_t pid);
void cgroup_kill_all(const char *path);
void cgroup_remove(const char *path);
void probe_all(struct sbuf *res);
int kernel_at_least(int major, int minor);
int try_pidns(int userns, char *msg, size_t msglen);
int userns_map(pid_t pid);

#endif
