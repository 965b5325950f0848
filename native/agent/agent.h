/* State shared by the agent's files (agent.c: loop and steps; observe.c:
 * reading /proc; sandbox.c: cgroup, probe). Single-threaded by design. */
#ifndef PROCLAB_AGENT_H
#define PROCLAB_AGENT_H

#include "proto.h"
#include "util.h"

#include <stdint.h>
#include <sys/types.h>

struct task {
	char name[LAB_NAME_MAX];
	int idx;
	pid_t pid;      /* as its parent sees it */
	pid_t host_pid; /* as the agent sees it; 0 when never learned */
	int sock, pidfd, outfd;
	int parent;     /* creator's index, -1: the agent */
	unsigned bound : 1, ready : 1, thread : 1, vfork_child : 1, execd : 1, execing : 1,
		reaped : 1, dead : 1, ended : 1, expect_end : 1, busy : 1, spinning : 1, active : 1, got : 1,
		shares_files : 1;
	int ready_err;
	pid_t ready_pid;
	uint64_t tables; /* address of lab_tables in its memory */
	int vfork_of;   /* a vfork parent: index of the child it waits for, else -1 */
	uint32_t vfork_seq;
	int err;        /* errno of the last step, 0: null */
	int has_wait, wait_pid, wait_status, wait_name, wait_opts;
	uint32_t want;  /* seq awaited from this task, 0: none */
	struct lab_rep rep;
};

extern struct task **tasks;
extern int ntasks;
extern int pidns_on;
extern int kpagecount_fd;

/* observe.c */
int read_file(const char *path, struct sbuf *out);
int proc_state(pid_t host_pid);      /* stat state letter, 0 when gone */
int task_exists(struct task *t);
void observe_task(struct task *t, char **regions, int nregions, struct sbuf *res);
int observe_pid(pid_t host_pid, struct sbuf *res);
pid_t pidfd_host_pid(int pidfd);

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
