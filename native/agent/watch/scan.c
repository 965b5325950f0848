/* The tree by /proc: from the agent, the tree's subreaper, down through each
 * process's children files (one per thread: a child belongs to the thread
 * that made it). A process that forks, exits and is reaped between two scans
 * is never seen: the result says so. */
#define _GNU_SOURCE
#include "watch.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the children of every thread of pid, appended to kids */
void children_of(pid_t pid, pid_t **kids, int *n, int *cap)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", pid);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char cpath[320];
		snprintf(cpath, sizeof cpath, "/proc/%d/task/%s/children", pid, e->d_name);
		struct sbuf b = {0};
		if (read_file(cpath, &b) == 0 && b.p) {
			for (char *p = b.p; *p;) {
				char *end;
				long c = strtol(p, &end, 10);
				if (end == p)
					break;
				if (*n == *cap) {
					*cap = *cap ? *cap * 2 : 64;
					*kids = realloc(*kids, (size_t)*cap * sizeof **kids);
					if (!*kids)
						abort();
				}
				(*kids)[(*n)++] = (pid_t)c;
				p = end;
			}
		}
		free(b.p);
	}
	closedir(d);
}

/* breadth first from the agent: what is new was forked since the last scan */
void scan_tree(int64_t at)
{
	static pid_t *queue;
	static int cap;
	int head = 0, tail = 0;
	if (!cap) {
		cap = 256;
		queue = malloc((size_t)cap * sizeof *queue);
		if (!queue)
			abort();
	}
	queue[tail++] = agent_pid;
	while (head < tail) {
		pid_t parent = queue[head++];
		pid_t *kids = NULL;
		int n = 0, kcap = 0;
		children_of(parent, &kids, &n, &kcap);
		for (int i = 0; i < n; i++) {
			pid_t c = kids[i];
			struct wproc *w = wp_find(c);
			if (!w) {
				char comm[17];
				if (read_comm(c, comm) < 0)
					continue; /* gone already */
				struct wproc *p = wp_find(parent);
				w = wp_add(c, parent, p ? p->comm : comm, at);
				/* found already past its exec: a different program than its parent's */
				char exe[256];
				read_exe(c, exe, sizeof exe);
				if (p && (strcmp(comm, p->comm) || (exe[0] && p->exe[0] && strcmp(exe, p->exe))))
					wp_exec(w, at);
			}
			if (tail == cap) {
				cap *= 2;
				queue = realloc(queue, (size_t)cap * sizeof *queue);
				if (!queue)
					abort();
			}
			queue[tail++] = c;
		}
		free(kids);
	}
}
