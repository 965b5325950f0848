/* watch: the agent runs a program of the user's and reports its process
 * tree as it lives (docs/protocol.md, `watch`): each fork, exec, exit, state
 * change and reap, with its CLOCK_MONOTONIC time. The events come from the
 * proc connector (netlink cn_proc: exact, kernel-timed) where the machine
 * allows it, else from reading /proc as the tree's subreaper (what that may
 * miss is said in the result). Exits and reaps are timed by pidfds in both
 * ways: a pidfd polls readable when its process exits and hangs up when it is
 * reaped. watch.c: the command, the loop, the end; cn.c: the connector;
 * scan.c: /proc. */
#ifndef PROCLAB_WATCH_H
#define PROCLAB_WATCH_H

#include "../agent.h"

#include <stdint.h>
#include <sys/types.h>

struct wproc {
	pid_t pid, ppid;
	int pidfd;              /* -1: none (it was gone before we could open one) */
	char comm[17];
	char exe[256];          /* /proc/PID/exe, "" when unreadable */
	char state;             /* last reported state letter, 0: none yet */
	int64_t exit_ns;
	int status;             /* wait status of its end; valid with have_status */
	unsigned exited : 1, reaped : 1, have_status : 1, pollin_seen : 1;
};

extern struct wproc *wprocs;
extern int nwprocs;

/* watch.c: the tree and its events */
struct wproc *wp_find(pid_t pid);   /* a tracked process not yet reaped */
struct wproc *wp_add(pid_t pid, pid_t ppid, const char *comm, int64_t at);
void wp_exec(struct wproc *w, int64_t at);
void wp_exit(struct wproc *w, int have_status, int status, int64_t at);
void wp_sample(struct wproc *w, int64_t at, int scanning);
void wp_reap(struct wproc *w, int by_agent, int have_status, int status, int64_t at);
void reap_check(pid_t parent, int64_t not_after);
int read_comm(pid_t pid, char comm[17]);
void read_exe(pid_t pid, char *out, size_t len);
/* /proc/PID/stat: state, ppid and exit_code (field 52); 0 ok, -1 gone */
int read_stat(pid_t pid, char *state, pid_t *ppid, int *exit_code);

/* cn.c: the proc connector */
int cn_open(char *why, size_t whylen);   /* a listening socket, or -1 and why not */
/* reads every queued event, calling back into watch.c; returns the number
 * of times the kernel dropped events (ENOBUFS) */
int cn_drain(int fd);

/* scan.c: the tree by /proc, from the agent (the subreaper) down */
void scan_tree(int64_t at);
/* the children of every thread of pid, appended to *kids (grown as needed) */
void children_of(pid_t pid, pid_t **kids, int *n, int *cap);

#endif
