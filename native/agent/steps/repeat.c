/* repeat N { ... }: unrolled here step by step, or, for a plain
 * fork/exit/wait body, shipped to one process as a script it runs alone. */
#define _GNU_SOURCE
#include <errno.h>
#include "steps.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>


/* The children of p's thread group as the kernel lists them now: host pid
 * and the pid p's namespace gives them (the last NSpid), sorted by the latter */
struct kid_pid {
	pid_t ns, host;
	int claimed;
};

static int by_ns(const void *a, const void *b)
{
	pid_t x = ((const struct kid_pid *)a)->ns, y = ((const struct kid_pid *)b)->ns;
	return (x > y) - (x < y);
}

static pid_t last_nspid(pid_t host)
{
	char path[64];
	struct sbuf b = {0};
	pid_t v = 0;
	snprintf(path, sizeof path, "/proc/%d/status", host);
	if (read_file(path, &b) == 0 && b.p) {
		const char *q = strstr(b.p, "\nNSpid:");
		if (q) {
			char *e;
			for (q += 7;; q = e) {
				long x = strtol(q, &e, 10);
				if (e == q)
					break;
				v = (pid_t)x;
			}
		}
	}
	free(b.p);
	return v;
}

static size_t group_kids(struct task *p, struct kid_pid **out)
{
	struct task *l = tasks[p->group]->host_pid > 0 ? tasks[p->group] : p;
	char path[96];
	size_t n = 0, cap = 0;
	*out = NULL;
	snprintf(path, sizeof path, "/proc/%d/task", l->host_pid);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		long tid = strtol(e->d_name, NULL, 10);
		if (tid <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%ld/children", l->host_pid, tid);
		struct sbuf b = {0};
		if (read_file(path, &b) == 0 && b.p) {
			char *q = b.p, *end;
			for (;;) {
				long c = strtol(q, &end, 10);
				if (end == q)
					break;
				q = end;
				if (n == cap) {
					cap = cap ? cap * 2 : 64;
					struct kid_pid *r = realloc(*out, cap * sizeof **out);
					if (!r)
						break;
					*out = r;
				}
				(*out)[n++] = (struct kid_pid){last_nspid((pid_t)c), (pid_t)c, 0};
			}
		}
		free(b.p);
	}
	closedir(d);
	qsort(*out, n, sizeof **out, by_ns);
	return n;
}

/* The repeat fast path: a body of `fork P C ; exit C N` pairs and blocking
 * `wait P C` steps is shipped to P as a script that P runs alone. */
static int try_fast(struct ctx *x, struct node *c, int64_t iters)
{
	struct script_step st[64];
	const char *tmpl[SCRIPT_MAX_KIDS];
	int nst = 0, nk = 0, waited[SCRIPT_MAX_KIDS] = {0};
	const char *pname = NULL;
	for (int i = 0; i < c->nbody; i++) {
		struct node *b = &c->body[i];
		if (b->nbody || b->argc < 1 || nst >= 64)
			return -1;
		const char *v = b->argv[0];
		if ((!strcmp(v, "fork") || !strcmp(v, "vfork")) && b->argc == 3) {
			if (pname && strcmp(pname, b->argv[1]))
				return -1;
			pname = b->argv[1];
			if (nk >= SCRIPT_MAX_KIDS || i + 1 >= c->nbody)
				return -1;
			struct node *e = &c->body[i + 1];
			int64_t code;
			if (e->nbody || e->argc != 3 || strcmp(e->argv[0], "exit") ||
			    strcmp(e->argv[1], b->argv[2]) || parse_i64(e->argv[2], INT32_MIN, INT32_MAX, &code) < 0)
				return -1;
			if (iters > 1 && !strstr(b->argv[2], "{i}"))
				return -1;
			for (int k = 0; k < nk; k++)
				if (!strcmp(tmpl[k], b->argv[2]))
					return -1;
			tmpl[nk] = b->argv[2];
			st[nst++] = (struct script_step){v[0] == 'f' ? SS_FORK : SS_VFORK, nk, (int32_t)code};
			nk++;
			i++;
		} else if (!strcmp(v, "wait") && (b->argc == 3 || b->argc == 4)) {
			if (!pname || strcmp(pname, b->argv[1]))
				return -1;
			int opts = 0;
			if (b->argc == 4 && (wait_opts_parse(b->argv[3], &opts) < 0 || (opts & ~__WALL)))
				return -1;
			int k;
			for (k = 0; k < nk; k++)
				if (!strcmp(tmpl[k], b->argv[2]))
					break;
			if (k == nk)
				return -1;
			waited[k]++;
			st[nst++] = (struct script_step){SS_WAIT, k, opts};
		} else {
			return -1;
		}
	}
	if (!pname || strstr(pname, "{i}"))
		return -1;
	for (int k = 0; k < nk; k++)
		if (waited[k] != 1)
			return -1;
	struct task *p = find_task(pname);
	if (!p || p->busy || p->waiting || p->never || p->reaped || p->dead || p->ended || p->vfork_of >= 0 ||
	    usable(x, p, 0) != ST_OK)
		return -1;
	/* another thread of P's group asleep in a wait would race P for the
	 * children it makes: step by step, each exit lets that waiter go first */
	for (int i = 0; i < ntasks; i++)
		if (tasks[i]->waiting && tasks[i]->group == p->group && tasks[i] != p)
			return -1;
	/* every name it will bind must be free */
	struct ctx y = *x;
	y.in_repeat = 1;
	for (int64_t it = 0; it < iters; it++) {
		y.iter = (long)it;
		for (int k = 0; k < nk; k++) {
			char nm[LAB_NAME_MAX];
			if (subst(tmpl[k], &y, nm) < 0 || find_task(nm) || !strcmp(nm, "agent"))
				return -1;
		}
	}
	struct lab_cmd *m = cmd_new(OP_SCRIPT);
	m->x = iters;
	m->len = (uint32_t)(nst * (int)sizeof st[0]);
	memcpy(m->data, st, m->len);
	nsrecs = 0;
	if (send_or_fail(x, p, m, -1) != ST_OK)
		return -1;
	int ar = await_rep(p, reply_deadline());
	if (ar == -2)
		return not_taken(x, "%s ended during the repeat", p->name);
	if (ar < 0) {
		p->busy = 1;
		return out_of_budget(x, "during the repeat");
	}
	/* the pids the script reports are p's namespace's: a child still there (a
	 * zombie) is found among p's children; one that is not was released (an
	 * autoreaped child): never take its number for a host pid, which may be
	 * another process's by now, a kernel thread's or the machine's */
	struct kid_pid *kids;
	size_t nkids = group_kids(p, &kids);
	/* a number released and given again in the repeat belongs to the last
	 * child that got it: claim from the end */
	pid_t *hostof = calloc(nsrecs ? nsrecs : 1, sizeof *hostof);
	for (size_t q = nsrecs; hostof && nkids && q-- > 0;) {
		if (st[q % (size_t)nst].op == SS_WAIT || srecs[q].v <= 0)
			continue;
		struct kid_pid key = {srecs[q].v, 0, 0};
		struct kid_pid *hit = bsearch(&key, kids, nkids, sizeof *kids, by_ns);
		if (hit && !hit->claimed) {
			hit->claimed = 1;
			hostof[q] = hit->host;
		}
	}
	long failed = 0;
	int last = 0;
	size_t r = 0;
	for (int64_t it = 0; it < iters && r < nsrecs; it++) {
		struct task *kid[SCRIPT_MAX_KIDS] = {0};
		y.iter = (long)it;
		for (int s = 0; s < nst && r < nsrecs; s++, r++) {
			struct script_rec *rc = &srecs[r];
			if (st[s].op != SS_WAIT) {
				char nm[LAB_NAME_MAX];
				subst(tmpl[st[s].k], &y, nm);
				struct task *t = new_task(nm);
				t->parent = p->idx;
				t->nsinit = p->nsinit;
				if (rc->v < 0) {
					failed += 2; /* the fork, and the exit of a child never made */
					last = -rc->v;
					p->err = last;
					bind_never(t);
					note_created(x, t);
					continue;
				}
				t->pid = rc->v;
				t->host_pid = hostof ? hostof[r] : 0;
				t->ended = t->expect_end = 1;
				hash_insert(t->idx);
				if (!t->host_pid)
					mark_reaped(t);
				note_created(x, t);
				kid[st[s].k] = t;
				p->err = 0;
			} else if (rc->v == 0 && rc->status == -1) {
				failed++; /* waiting for a child never made: ECHILD, as unrolled */
				last = ECHILD;
				p->err = last;
				p->has_wait = 0;
			} else if (rc->v < 0) {
				failed++;
				last = -rc->v;
				p->err = last;
				p->has_wait = 0;
			} else {
				p->err = 0;
				p->has_wait = 1;
				p->wait_pid = rc->v;
				p->wait_status = rc->status;
				struct task *t = kid[st[s].k];
				p->wait_name = t ? t->idx : -1;
				if (t && (WIFEXITED(rc->status) || WIFSIGNALED(rc->status)))
					mark_reaped(t);
			}
		}
	}
	free(kids);
	free(hostof);
	sb_printf(x->res, ",\"iterations\":%lld,\"failed\":%ld,\"fast\":true", (long long)iters, failed);
	x->err = last;
	return ST_OK;
}

int step_repeat(struct ctx *x, struct node *c)
{
	int64_t n;
	TRY(num_arg(x, c->argv[1], 0, 10000000, &n, "repeat count"));
	struct sbuf created = {0};
	struct ctx y = *x;
	struct sbuf sub = {0};
	int top = x->created == NULL;
	y.created = top ? &created : x->created;
	y.in_repeat = 1;
	y.res = &sub;
	int64_t t0 = mono_ns();
	int rc = try_fast(&y, c, n);
	long failed = 0;
	int last = 0;
	if (rc >= 0) {
		if (rc != ST_OK) {
			snprintf(x->msg, sizeof x->msg, "%s", y.msg);
			free(created.p);
			free(sub.p);
			return rc;
		}
		sb_putn(x->res, sub.p, sub.len);
		last = y.err;
	} else {
		for (int64_t it = 0; it < n; it++) {
			for (int i = 0; i < c->nbody; i++) {
				y.iter = (long)it;
				y.err = 0;
				sb_reset(&sub);
				int s = step_run(&y, &c->body[i]);
				if (s == ST_BUDGET) {
					snprintf(x->msg, sizeof x->msg, "%s", y.msg);
					free(created.p);
					free(sub.p);
					return s;
				}
				if (s == ST_ERRNO || (s == ST_FAIL && y.err))
					last = y.err;
				if (s != ST_OK)
					failed++;
				/* a nested repeat reports its own failures */
				if (s == ST_OK && c->body[i].nbody) {
					char *f = strstr(sub.p ? sub.p : "", "\"failed\":");
					if (f)
						failed += strtol(f + 9, NULL, 10);
					if (y.err)
						last = y.err;
				}
			}
		}
		sb_printf(x->res, ",\"iterations\":%lld,\"failed\":%ld", (long long)n, failed);
	}
	sb_puts(x->res, ",\"errno\":");
	if (last)
		sb_jstr(x->res, errno_name(last));
	else
		sb_puts(x->res, "null");
	sb_printf(x->res, ",\"t_us\":%lld", (long long)((mono_ns() - t0) / 1000));
	if (top) {
		sb_puts(x->res, ",\"names\":[");
		if (created.len)
			sb_putn(x->res, created.p, created.len);
		sb_puts(x->res, "]");
	}
	x->err = last;
	free(created.p);
	free(sub.p);
	return ST_OK;
}

