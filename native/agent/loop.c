/* The poll loop: stdin, one SOCK_SEQPACKET control socket per lab process,
 * exec output pipes and a pidfd per task. What arrives is handled here: a
 * process ready in its command loop, a reply, a late reply, output, an end.
 * Steps wait through it (WAIT_UNTIL), so nothing blocks the agent. */
#define _GNU_SOURCE
#include "agent.h"
#include "sys.h"
#include "trace.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t dying;
sigset_t poll_mask;
struct script_rec *srecs;
size_t nsrecs;
static size_t cap_srecs;
static int *active;      /* tasks with fds to poll */
static int nactive, cap_active;
static uint32_t seq_counter;
static struct lab_cmd cmdbuf;

void apply_wait(struct task *t, const struct lab_rep *r)
{
	if (r->err) {
		t->err = r->err;
		t->has_wait = 0;
		return;
	}
	t->err = 0;
	t->has_wait = 1;
	t->wait_pid = r->pid;
	t->wait_status = r->status;
	t->wait_name = -1;
	if (r->pid > 0) {
		struct task *c = task_seen_by(t, r->pid);
		if (c) {
			t->wait_name = c->idx;
			/* an exit reported is a reap, but for a tracer that is not the
			 * parent: the zombie goes back to its parent (ask the kernel) */
			if (!(t->wait_opts & WNOWAIT) && (WIFEXITED(r->status) || WIFSIGNALED(r->status)) &&
			    (c->pidfd < 0 || sys_pidfd_vpid(c->pidfd) == -ESRCH))
				mark_reaped(c);
		}
	}
}

/* a reply nobody waits for any more: a vfork parent's return, a wait that
 * timed out and returned later, or a command queued behind a block */
static void late_reply(struct task *t, const struct lab_rep *r)
{
	if (t->vfork_of >= 0 && r->seq == t->vfork_seq) {
		event_named("resumed", t, "child", tasks[t->vfork_of]->name);
		t->vfork_of = -1;
		t->busy = 0;
		return;
	}
	t->busy = t->paused = 0;
	t->busy_until = 0;
	if (r->op == OP_PTRACE && t->attaching) {
		t->attaching = 0;
		t->err = r->err > 0 ? r->err : 0;
		char text[64];
		snprintf(text, sizeof text, "ptrace(PTRACE_SEIZE) returned %s", r->err ? errno_name(r->err) : "0");
		event_named("returned", t, "text", text);
	} else if (r->op == OP_WAIT) {
		t->waiting = 0;
		apply_wait(t, r);
		char text[64];
		if (r->err)
			snprintf(text, sizeof text, "waitpid returned %s", errno_name(r->err));
		else
			snprintf(text, sizeof text, "waitpid returned %d with status %d", r->pid, r->status);
		event_named("returned", t, "text", text);
	} else {
		t->err = r->err > 0 ? r->err : 0;
	}
}

static void on_ready(struct task *t, const struct lab_rep *r, int fd)
{
	t->ready = 1;
	t->ready_err = r->err;
	t->ready_pid = r->pid;
	t->tables = (uint64_t)r->val;
	if (fd >= 0) {
		t->pidfd = fd;
		t->host_pid = pidfd_host_pid(fd);
	} else if (!pidns_on && r->pid > 0) {
		t->host_pid = r->pid; /* no pidfd (a thread before Linux 6.9): same namespace */
	}
	learn_nspid(t);
}

static void script_append(const struct script_rec *r, uint32_t n)
{
	if (nsrecs + n > cap_srecs) {
		while (nsrecs + n > cap_srecs)
			cap_srecs = cap_srecs ? cap_srecs * 2 : 8192;
		srecs = realloc(srecs, cap_srecs * sizeof *srecs);
		if (!srecs)
			abort();
	}
	memcpy(srecs + nsrecs, r, n * sizeof *r);
	nsrecs += n;
}

static void on_sock(struct task *t)
{
	static union {
		struct lab_rep r;
		char b[sizeof(struct lab_rep) + SCRIPT_CHUNK * sizeof(struct script_rec)];
	} m;
	for (;;) {
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct iovec iov = {m.b, sizeof m.b};
		struct msghdr mh = {0};
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof u.buf;
		ssize_t n = recvmsg(t->sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			/* every copy of the lab end is gone: exec'd (CLOEXEC) or ended */
			close_fd(&t->sock);
			if (t->execing) {
				t->execd = 1;
				t->execing = 0;
			}
			return;
		}
		int fd = -1;
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof fd);
		if ((size_t)n < sizeof m.r) {
			close_fd(&fd);
			continue;
		}
		switch (m.r.kind) {
		case REP_READY:
			on_ready(t, &m.r, fd);
			fd = -1;
			break;
		case REP_IDLE:
			t->busy = t->paused = 0;
			t->busy_until = 0; /* its hold or spin is over: no other busy is one */
			break;
		case REP_WAITING:
			t->in_wait = 1;
			break;
		case REP_DATA:
			if (m.r.n <= SCRIPT_CHUNK && (size_t)n >= sizeof m.r + m.r.n * sizeof(struct script_rec))
				script_append((const struct script_rec *)(m.b + sizeof m.r), m.r.n);
			break;
		case REP_RESULT:
			if (t->want && m.r.seq == t->want) {
				t->rep = m.r;
				t->got = 1;
			} else {
				late_reply(t, &m.r);
			}
			break;
		}
		close_fd(&fd);
	}
}

/* An exec'd program's output: its first OUT_HEAD bytes go out as events as
 * they come; after that only its last OUT_TAIL bytes are kept, sent with the
 * count of those left out when its pipe closes. A flood never reaches the
 * protocol channel. */
#define OUT_HEAD (64 * 1024)
#define OUT_TAIL (16 * 1024)

static void output_event(struct task *t, const char *p, size_t n, uint64_t dropped)
{
	static struct sbuf b;
	obj_begin(&b, "event");
	sb_puts(&b, ",\"event\":\"output\",\"name\":");
	sb_jstr(&b, t->name);
	sb_puts(&b, ",\"text\":");
	sb_jstrn(&b, p, n);
	if (dropped)
		sb_printf(&b, ",\"dropped\":%llu", (unsigned long long)dropped);
	obj_end(&b);
}

#define OUT_READ 4096
_Static_assert(OUT_READ < OUT_TAIL, "one read fits in the tail");

/* appends n (<= OUT_READ) bytes to the tail, dropping its oldest */
static void keep_tail(struct task *t, const char *p, size_t n)
{
	if (!t->out_tail && !(t->out_tail = malloc(OUT_TAIL)))
		abort();
	size_t keep = t->out_tail_len + n > OUT_TAIL ? OUT_TAIL - n : t->out_tail_len;
	memmove(t->out_tail, t->out_tail + t->out_tail_len - keep, keep);
	memcpy(t->out_tail + keep, p, n);
	t->out_tail_len = keep + n;
}

static void end_output(struct task *t)
{
	close_fd(&t->outfd);
	if (t->out_bytes > OUT_HEAD)
		output_event(t, t->out_tail, t->out_tail_len, t->out_bytes - OUT_HEAD - t->out_tail_len);
	free(t->out_tail);
	t->out_tail = NULL;
	t->out_tail_len = 0;
}

static void on_output(struct task *t)
{
	char buf[OUT_READ];
	ssize_t n = read(t->outfd, buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		end_output(t);
		return;
	}
	size_t head = t->out_bytes < OUT_HEAD ? OUT_HEAD - t->out_bytes : 0;
	size_t now = (size_t)n < head ? (size_t)n : head;
	if (now)
		output_event(t, buf, now, 0);
	if ((size_t)n > now)
		keep_tail(t, buf + now, (size_t)n - now);
	t->out_bytes += (uint64_t)n;
}

static void on_pidfd(struct task *t)
{
	t->dead = 1;
	/* A thread is gone for good once its pidfd says so: nobody waits for
	 * it, and its tid may be reused. Keeping the pidfd would hold one fd
	 * per ended thread for the whole lab. But a traced thread stays a
	 * zombie until its tracer waits for it (de_thread kills one so), and
	 * the tracer's wait names it by this pidfd: kept until it is reaped. */
	if (t->thread && !traced_zombie(t->host_pid))
		close_fd(&t->pidfd);
	if (!t->expect_end && !quitting)
		event_named("exited", t, NULL, NULL);
}

/* Polls stdin (when asked) and every lab fd for up to timeout_ns, handling
 * what arrives. Returns 1 when stdin is readable. */
int pump(int64_t timeout_ns, int with_stdin)
{
	static struct pollfd *pf;
	static int *who, *what, cap;
	int n = 0, j = 0;
	for (int i = 0; i < nactive; i++) {
		struct task *t = tasks[active[i]];
		if (t->sock < 0 && t->outfd < 0 && (t->pidfd < 0 || t->dead)) {
			t->active = 0;
			continue;
		}
		active[j++] = active[i];
	}
	nactive = j;
	if (cap < nactive * 3 + 1) {
		cap = nactive * 3 + 64;
		pf = realloc(pf, (size_t)cap * sizeof *pf);
		who = realloc(who, (size_t)cap * sizeof *who);
		what = realloc(what, (size_t)cap * sizeof *what);
		if (!pf || !who || !what)
			abort();
	}
	if (with_stdin) {
		pf[n] = (struct pollfd){0, POLLIN, 0};
		who[n] = -1;
		what[n++] = 0;
	}
	for (int i = 0; i < nactive; i++) {
		struct task *t = tasks[active[i]];
		if (t->sock >= 0) {
			pf[n] = (struct pollfd){t->sock, POLLIN, 0};
			who[n] = t->idx;
			what[n++] = 1;
		}
		if (t->outfd >= 0) {
			pf[n] = (struct pollfd){t->outfd, POLLIN, 0};
			who[n] = t->idx;
			what[n++] = 2;
		}
		if (t->pidfd >= 0 && !t->dead) {
			pf[n] = (struct pollfd){t->pidfd, POLLIN, 0};
			who[n] = t->idx;
			what[n++] = 3;
		}
	}
	struct timespec ts, *tp = NULL;
	timeout_ns = trace_poll_cap(timeout_ns); /* wake up to drain the trace buffers */
	if (timeout_ns >= 0) {
		ts.tv_sec = timeout_ns / 1000000000;
		ts.tv_nsec = timeout_ns % 1000000000;
		tp = &ts;
	}
	int r = ppoll(pf, (nfds_t)n, tp, &poll_mask);
	trace_tick();
	if (dying) {
		/* the JVM is gone (or we were told to end): the lab goes with us */
		end_lab();
		_exit(0);
	}
	if (r <= 0)
		return 0;
	int in = 0;
	for (int i = 0; i < n; i++) {
		if (!pf[i].revents)
			continue;
		if (who[i] < 0) {
			in = 1;
			continue;
		}
		struct task *t = tasks[who[i]];
		if (what[i] == 1 && t->sock == pf[i].fd)
			on_sock(t);
		else if (what[i] == 2 && t->outfd == pf[i].fd)
			on_output(t);
		else if (what[i] == 3 && t->pidfd == pf[i].fd && !t->dead)
			on_pidfd(t);
	}
	return in;
}

int64_t deadline_ms(int64_t ms)
{
	int64_t d = mono_ns() + ms * 1000000;
	return lab_deadline && lab_deadline < d ? lab_deadline : d;
}

int64_t reply_deadline(void)
{
	/* without a budget (a person at the keyboard) an hour, and Ctrl-C */
	return lab_deadline ? lab_deadline : mono_ns() + 3600LL * 1000000000;
}

int budget_spent(void)
{
	return lab_deadline && mono_ns() >= lab_deadline;
}

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

int send_cmd(struct task *t, struct lab_cmd *c, int fd)
{
	c->seq = ++seq_counter;
	if (!c->seq)
		c->seq = ++seq_counter;
	union fd_cmsg u;
	struct iovec iov = {c, LAB_CMD_HDR + c->len};
	struct msghdr mh = {0};
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	msg_attach_fd(&mh, &u, fd);
	ssize_t n;
	do
		n = sendmsg(t->sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno;
	t->want = c->seq;
	t->got = 0;
	return 0;
}

struct lab_cmd *cmd_new(uint32_t op)
{
	memset(&cmdbuf, 0, LAB_CMD_HDR);
	cmdbuf.op = op;
	return &cmdbuf;
}


/* the answer to the command just sent; -1 on timeout, -2 if the task ended */
int await_rep(struct task *t, int64_t deadline)
{
	int rc = WAIT_UNTIL(t->got || t->sock < 0, deadline);
	uint32_t w = t->want;
	t->want = 0;
	if (t->got)
		return 0;
	(void)w;
	return rc < 0 ? -1 : -2;
}

int settle_state(struct task *t, const char *accept, int gone_ok, int64_t deadline)
{
	return WAIT_UNTIL(({
				  int s_ = proc_state(t->host_pid);
				  s_ ? (strchr(accept, s_) != NULL) : gone_ok;
			  }),
			  deadline);
}

/* the vfork parent's return (its `resumed` event) comes before our result */
void await_vfork_parent(struct task *c, int64_t deadline)
{
	if (!c->vfork_child || c->parent < 0)
		return;
	struct task *p = tasks[c->parent];
	if (p->vfork_of != c->idx)
		return;
	/* released, it answers at once, unless a signal stops it on the way */
	WAIT_UNTIL(p->vfork_of != c->idx || p->sock < 0 || strchr("TtZX", proc_state(p->host_pid) ?: 'X'), deadline);
}



/* A lab process at rest (idle in its command loop, or in hold/block/pause)
 * sleeps: S. Right after a step it may still be on its way there (it has just
 * replied, SIGCONT woke it, its vfork child has just let it go), and the next
 * observe must not catch it running. So before answering, give each process
 * the step named, and its parent, a short moment to be back to sleep. */
void settle_rest(struct task *t, int64_t deadline)
{
	if (!t || t->host_pid <= 0 || t->reaped || t->dead || t->ended || t->execd)
		return;
	/* a spinner runs (R) until its spin is over by its own clock; past
	 * that, R is a spinner that has not yet had the CPU to notice (a
	 * loaded machine): let it get back to its loop */
	if (t->busy && t->spinning) {
		if (!t->busy_until || mono_ns() < t->busy_until)
			return;
		WAIT_UNTIL(!t->busy || t->sock < 0 || proc_state(t->host_pid) != 'R', deadline);
		if (t->busy)
			return; /* stopped mid-spin */
	}
	/* a hold about to end: let it end and the process get back to its loop,
	 * or it may wake between this look and the observe's read */
	if (t->busy && !t->paused && t->busy_until && t->busy_until - mono_ns() < 20000000)
		WAIT_UNTIL(!t->busy || t->sock < 0, deadline);
	WAIT_UNTIL(proc_state(t->host_pid) != 'R', deadline);
}


void activate(struct task *t)
{
	if (t->active)
		return;
	if (nactive == cap_active) {
		cap_active = cap_active ? cap_active * 2 : 64;
		active = realloc(active, (size_t)cap_active * sizeof *active);
		if (!active)
			abort();
	}
	active[nactive++] = t->idx;
	t->active = 1;
}
