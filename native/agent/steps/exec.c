/* exec: execve in the lab process, its output on a pipe of the agent's. The
 * step returns when the new image has settled: it has ended, or it rests at
 * its first blocking point (asleep, not scheduled for a while), so that an
 * observe right after it sees the program, not its start-up. A failed exec
 * leaves the process as it was, with the kernel's errno.
 *
 * An exec can wait in de_thread: the other threads of the group are killed,
 * and a traced one stays a zombie until its tracer waits for it or exits.
 * The step then answers "blocked" (the exec is past its point of no return:
 * no errno will come), and the exec goes on after a later step releases the
 * zombie: settle_execs finds it and says so (an "execd" event). */
#define _GNU_SOURCE
#include <errno.h>
#include "steps.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int image_changed(pid_t pid)
{
	char path[64], exe[4096];
	snprintf(path, sizeof path, "/proc/%d/exe", pid);
	ssize_t n = readlink(path, exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		return strcmp(exe, self_exe) != 0;
	}
	/* a zombie has no exe link any more, but keeps its comm */
	struct sbuf b = {0};
	int changed = 0;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (read_file(path, &b) == 0 && b.p) {
		char *o = strchr(b.p, '('), *c = strrchr(b.p, ')');
		if (o && c && c > o)
			changed = (size_t)(c - o - 1) != strlen("proclab-agent") ||
				  strncmp(o + 1, "proclab-agent", (size_t)(c - o - 1)) != 0;
	}
	free(b.p);
	return changed;
}

/* A thread that execs takes its group leader's pid (de_thread): its own tid
 * is gone then, and the image is the leader pid's to tell */
static int exe_changed(struct task *t)
{
	if (image_changed(t->host_pid))
		return 1;
	if (t->group != t->idx && proc_state(t->host_pid) == 0) {
		struct task *l = tasks[t->group];
		return l->host_pid > 0 && image_changed(l->host_pid);
	}
	return 0;
}

int step_exec(struct ctx *x, struct node *c)
{
	struct task *p;
	if (c->argc < 3)
		return error(x, "exec: needs P ARG0 [ARG...]");
	TRY(get_task(x, c->argv[1], &p));
	TRY(await_actor(x, p, 1));
	struct lab_cmd *m = cmd_new(OP_EXEC);
	uint32_t off = 0;
	for (int i = 2; i < c->argc; i++) {
		size_t l = strlen(c->argv[i]) + 1;
		if (off + l > LAB_DATA_MAX || i - 2 >= 1024)
			return error(x, "exec: argv too long");
		memcpy(m->data + off, c->argv[i], l);
		off += (uint32_t)l;
	}
	m->len = off;
	int pf[2];
	if (pipe2(pf, O_CLOEXEC) < 0)
		return error(x, "pipe: %s", errno_name(errno));
	fcntl(pf[0], F_SETFL, O_NONBLOCK);
	int rc = send_or_fail(x, p, m, pf[1]);
	close(pf[1]);
	if (rc != ST_OK) {
		close(pf[0]);
		return rc;
	}
	close_fd(&p->outfd);
	p->outfd = pf[0];
	p->execing = 1;
	/* the socket's close on exec is not enough to tell: a task sharing its fd
	 * table leaves it open in the table its exec leaves behind, and a vfork
	 * parent holds the child's end until it returns from vfork (a stopped
	 * one, never). The image itself tells: its exe changes only past exec's
	 * point of no return */
	if (WAIT_UNTIL(p->got || p->sock < 0 || exe_changed(p) || exec_waits_in_de_thread(p->host_pid),
		       reply_deadline()) < 0) {
		p->busy = 1;
		return out_of_budget(x, "while the process exec'd");
	}
	p->want = 0;
	if (!p->got && p->sock >= 0 && !exe_changed(p)) {
		/* it waits in de_thread for a traced zombie thread: later */
		p->execing = 0;
		p->exec_blocked = 1;
		p->busy = 1;
		p->err = 0;
		sb_puts(x->res, ",\"blocked\":true");
		return ST_OK;
	}
	if (p->got) {
		p->execing = 0;
		close_fd(&p->outfd);
		p->err = p->rep.err;
		return p->rep.err ? failed_errno(x, p->rep.err) : ST_OK;
	}
	p->execd = 1;
	p->execing = 0;
	p->err = 0;
	close_fd(&p->sock);
	if (p->group != p->idx) {
		/* de_thread: the image took the leader's pid and, with it, the name
		 * its parent knows; the leader's command loop is gone */
		struct task *l = tasks[p->group];
		l->execd = 1;
		close_fd(&l->sock);
	}
	int64_t dl = deadline_ms(timeout_ms);
	await_vfork_parent(p, dl);
	/* a thread's image runs under the leader's pid */
	pid_t image = p->group != p->idx && tasks[p->group]->host_pid > 0 ? tasks[p->group]->host_pid : p->host_pid;
	if (WAIT_UNTIL(at_rest(image, 10000000), dl) < 0) {
		if (budget_spent())
			return out_of_budget(x, "while the program started");
		unsettled(x, "%s was still running after %d ms", p->name, timeout_ms);
	}
	return ST_OK;
}

/* the program runs: the exec is done, and its image settles as the step's would */
static void exec_done(struct task *p, int64_t dl)
{
	p->execd = 1;
	p->execing = 0;
	p->err = 0;
	close_fd(&p->sock);
	await_vfork_parent(p, dl);
	pid_t img = p->host_pid;
	if (p->group != p->idx && proc_state(img) == 0 && tasks[p->group]->host_pid > 0)
		img = tasks[p->group]->host_pid; /* a thread's exec: it has the leader's pid now */
	WAIT_UNTIL(at_rest(img, 10000000), dl);
	/* a stop sent while it waited is taken before the program runs: it
	 * starts when SIGCONT comes (the signal step settles it then) */
	p->unstarted = proc_state(img) == 'T';
}

/* An exec that waited in de_thread goes on once its traced zombie threads
 * are released (the tracer waited for them, or exited): to its program, or
 * to its end if a signal killed it there. Run after every step; 1 when one
 * went on. */
int settle_execs(void)
{
	int went = 0;
	for (int i = 0; i < ntasks; i++) {
		struct task *p = tasks[i];
		if (!p->exec_blocked || exec_waits_in_de_thread(p->host_pid))
			continue;
		int64_t dl = deadline_ms(timeout_ms);
		if (WAIT_UNTIL(exe_changed(p) || !strchr("RSD", proc_state(p->host_pid) ?: 'X'), dl) < 0)
			continue; /* still on its way: the next step looks again */
		p->exec_blocked = 0;
		p->busy = 0;
		went = 1;
		if (exe_changed(p)) {
			exec_done(p, dl);
			event_named("execd", p, "text", "its exec went on: the traced zombie thread it waited for is released");
		}
		/* else a signal killed it in de_thread: the exec never went on */
	}
	return went;
}
