/* The lab's processes by name: a record per process, found by an
 * open-addressing hash of its name; and what a name may be. */
#define _GNU_SOURCE
#include "agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct task **tasks;
int ntasks;

static int cap_tasks;
static int *htab;        /* name -> index+1, open addressing */
static int hcap;

/* ---------- tasks ---------- */

static unsigned hash_name(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

struct task *find_task(const char *name)
{
	if (!hcap)
		return NULL;
	for (unsigned i = hash_name(name) & (unsigned)(hcap - 1);; i = (i + 1) & (unsigned)(hcap - 1)) {
		if (!htab[i])
			return NULL;
		if (!strcmp(tasks[htab[i] - 1]->name, name))
			return tasks[htab[i] - 1];
	}
}

void hash_insert(int idx)
{
	if ((ntasks + 1) * 2 > hcap) {
		int ncap = hcap ? hcap * 2 : 256;
		while (ncap < (ntasks + 1) * 2)
			ncap *= 2;
		int *nt = calloc((size_t)ncap, sizeof *nt);
		if (!nt)
			abort();
		int *old = htab, ocap = hcap;
		htab = nt;
		hcap = ncap;
		for (int i = 0; i < ocap; i++)
			if (old[i]) {
				unsigned j = hash_name(tasks[old[i] - 1]->name) & (unsigned)(hcap - 1);
				while (htab[j])
					j = (j + 1) & (unsigned)(hcap - 1);
				htab[j] = old[i];
			}
		free(old);
	}
	unsigned j = hash_name(tasks[idx]->name) & (unsigned)(hcap - 1);
	while (htab[j])
		j = (j + 1) & (unsigned)(hcap - 1);
	htab[j] = idx + 1;
	tasks[idx]->bound = 1;
}


/* a record, not yet bound to its name (bound once the process exists) */
struct task *new_task(const char *name)
{
	if (ntasks == cap_tasks) {
		cap_tasks = cap_tasks ? cap_tasks * 2 : 64;
		tasks = realloc(tasks, (size_t)cap_tasks * sizeof *tasks);
		if (!tasks)
			abort();
	}
	struct task *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	snprintf(t->name, sizeof t->name, "%s", name);
	t->idx = ntasks;
	t->group = t->idx;
	t->sock = t->pidfd = t->outfd = -1;
	t->parent = -1;
	t->group = t->idx;
	t->nsinit = -1;
	t->vfork_of = -1;
	t->wait_name = -1;
	t->wait_target = -1;
	tasks[ntasks++] = t;
	return t;
}

void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* A name whose process never came to be (its fork failed): bound, so later
 * steps on it get the kernel's answers for a process that does not exist. */
void bind_never(struct task *t)
{
	close_fd(&t->sock);
	close_fd(&t->pidfd);
	close_fd(&t->outfd);
	t->reaped = t->dead = t->never = 1;
	t->host_pid = t->pid = 0;
	hash_insert(t->idx);
}

/* a record whose process never came to be: keep it, nameless and inert */
void discard_task(struct task *t)
{
	close_fd(&t->sock);
	close_fd(&t->pidfd);
	close_fd(&t->outfd);
	t->reaped = t->dead = 1;
	t->name[0] = 0;
}

void mark_reaped(struct task *t)
{
	t->reaped = t->dead = 1;
	close_fd(&t->pidfd);
	close_fd(&t->sock);
}

struct task *task_by_host_pid(pid_t host_pid)
{
	if (host_pid <= 0)
		return NULL;
	for (int i = ntasks - 1; i >= 0; i--)
		if (tasks[i]->bound && !tasks[i]->reaped && tasks[i]->host_pid == host_pid)
			return tasks[i];
	return NULL;
}

/* ---------- pid namespaces ---------- */

/* Reads the task's pid at each pid namespace level (NSpid of its status,
 * from the agent's namespace down to its own), once, while it lives. */
void learn_nspid(struct task *t)
{
	char path[64];
	struct sbuf b = {0};
	snprintf(path, sizeof path, "/proc/%d/status", t->host_pid);
	if (t->host_pid > 0 && read_file(path, &b) == 0 && b.p) {
		const char *p = strstr(b.p, "\nNSpid:");
		if (p) {
			pid_t v[MAX_NS_LEVEL];
			int n = 0;
			char *e;
			for (p += 7; n < MAX_NS_LEVEL; p = e) {
				long x = strtol(p, &e, 10);
				if (e == p)
					break;
				v[n++] = (pid_t)x;
			}
			if (n > 0) {
				free(t->nspid);
				t->nspid = malloc((size_t)n * sizeof *t->nspid);
				if (t->nspid) {
					memcpy(t->nspid, v, (size_t)n * sizeof *v);
					t->depth = n - 1;
				}
			}
		}
	}
	free(b.p);
}

/* the init of the namespace t lives in at depth level (t->depth >= level):
 * a namespace is known by its init's index (-1: the agent's own) */
static int ns_at(const struct task *t, int level)
{
	while (t->depth > level) {
		if (t->nsinit < 0 || tasks[t->nsinit]->parent < 0)
			return -2;
		t = tasks[tasks[t->nsinit]->parent]; /* the creator of that init: one level up */
	}
	return t->depth == level ? t->nsinit : -2;
}

pid_t pid_seen_by(const struct task *t, const struct task *viewer)
{
	if (!t->nspid || !viewer->nspid || t->depth < viewer->depth)
		return 0;
	return ns_at(t, viewer->depth) == viewer->nsinit ? t->nspid[viewer->depth] : 0;
}

/* The lab process that viewer calls pid (a wait's answer): the most recent
 * one whose pid in viewer's namespace that is. */
struct task *task_seen_by(const struct task *viewer, pid_t pid)
{
	for (int i = ntasks - 1; i >= 0; i--) {
		struct task *t = tasks[i];
		if (t->bound && !t->never && !(t->reaped && t->host_pid <= 0) && pid_seen_by(t, viewer) == pid)
			return t;
	}
	/* records of a fast repeat inside a namespace know only the pid their parent saw */
	for (int i = ntasks - 1; i >= 0; i--)
		if (tasks[i]->bound && !tasks[i]->reaped && !tasks[i]->nspid && tasks[i]->pid == pid &&
		    tasks[i]->parent == viewer->idx)
			return tasks[i];
	return NULL;
}


/* ---------- names ---------- */

int valid_name(const char *s)
{
	size_t l = strlen(s);
	if (!l || l > LAB_NAME_MAX - 1)
		return 0;
	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < l; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '{' || c == '}'))
			return 0;
	}
	return 1;
}

int valid_var(const char *s)
{
	if (!valid_name(s))
		return 0;
	return !strpbrk(s, "{}-");
}


