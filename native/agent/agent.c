/* proclab-agent: performs a lab's real system calls, driven over stdin with
 * the line protocol of docs/protocol.md, answering in JSON lines on stdout.
 *
 * One poll loop: stdin, one SOCK_SEQPACKET control socket per lab process,
 * exec output pipes and a pidfd per task. Lab processes run lab.c's command
 * loop; a step is sent to the process that does it, and returns when its
 * effect shows in /proc (or its reply came, for syscalls with a result). */
#define _GNU_SOURCE
#include "agent.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 65536
#define MAX_WORDS 4096
#define MAX_DEPTH 16

struct task **tasks;
int ntasks;
int pidns_on;
int kpagecount_fd = -1;

static int cap_tasks;
static int *htab;        /* name -> index+1, open addressing */
static int hcap;
static int *active;      /* tasks with fds to poll */
static int nactive, cap_active;

static int started, quitting;
/* A death signal (PDEATHSIG when our parent dies, or SIGTERM/SIGHUP/SIGINT)
 * is blocked except inside ppoll, so it arrives only there, without a race. */
static volatile sig_atomic_t dying;
static sigset_t poll_mask;
static void cleanup(void);
static long sb_pid_max, sb_pids_max;
static int sb_userns;
static char cg_path[800];
static int timeout_ms = 2000;
static unsigned long long out_seq;
static int req_no;
static uint32_t seq_counter;
static pid_t agent_pid;
static long nofile_soft_orig;
static struct lab_cmd cmdbuf;
static char self_exe[4096];

static struct script_rec *srecs;
static size_t nsrecs, cap_srecs;

/* ---------- output ---------- */

static void write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(1, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return; /* nobody reads: results are lost, the lab goes on to EOF */
		}
		p += w;
		n -= (size_t)w;
	}
}

static void obj_begin(struct sbuf *b, const char *type)
{
	sb_reset(b);
	sb_printf(b, "{\"seq\":%llu,\"t\":%lld,\"type\":\"%s\"", out_seq++, (long long)mono_ns(), type);
}

static void obj_end(struct sbuf *b)
{
	sb_puts(b, "}\n");
	write_all(b->p, b->len);
}

static void event_named(const char *ev, struct task *t, const char *k2, const char *v2)
{
	static struct sbuf b;
	obj_begin(&b, "event");
	sb_printf(&b, ",\"event\":\"%s\",\"name\":", ev);
	sb_jstr(&b, t->name);
	if (k2) {
		sb_printf(&b, ",\"%s\":", k2);
		sb_jstr(&b, v2);
	}
	obj_end(&b);
}

/* ---------- tasks ---------- */

static unsigned hash_name(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct task *find_task(const char *name)
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

static void hash_insert(int idx)
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

static void activate(struct task *t)
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

/* a record, not yet bound to its name (bound once the process exists) */
static struct task *new_task(const char *name)
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
	t->sock = t->pidfd = t->outfd = -1;
	t->parent = -1;
	t->vfork_of = -1;
	t->wait_name = -1;
	tasks[ntasks++] = t;
	return t;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* a record whose process never came to be: keep it, nameless and inert */
static void discard_task(struct task *t)
{
	close_fd(&t->sock);
	close_fd(&t->pidfd);
	close_fd(&t->outfd);
	t->reaped = t->dead = 1;
	t->name[0] = 0;
}

static void mark_reaped(struct task *t)
{
	t->reaped = t->dead = 1;
	close_fd(&t->pidfd);
	close_fd(&t->sock);
}

/* the most recent live task with this pid as its parent sees it */
static struct task *task_by_pid(pid_t pid)
{
	for (int i = ntasks - 1; i >= 0; i--)
		if (tasks[i]->bound && !tasks[i]->reaped && tasks[i]->pid == pid)
			return tasks[i];
	return NULL;
}

static void apply_wait(struct task *t, const struct lab_rep *r)
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
		struct task *c = task_by_pid(r->pid);
		if (c) {
			t->wait_name = c->idx;
			if (!(t->wait_opts & WNOWAIT) && (WIFEXITED(r->status) || WIFSIGNALED(r->status)))
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
	t->busy = 0;
	if (r->op == OP_WAIT)
		apply_wait(t, r);
	else
		t->err = r->err > 0 ? r->err : 0;
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
			t->busy = 0;
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

static void on_output(struct task *t)
{
	char buf[4096];
	ssize_t n = read(t->outfd, buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		close_fd(&t->outfd);
		return;
	}
	static struct sbuf b;
	obj_begin(&b, "event");
	sb_puts(&b, ",\"event\":\"output\",\"name\":");
	sb_jstr(&b, t->name);
	sb_puts(&b, ",\"text\":");
	sb_jstrn(&b, buf, (size_t)n);
	obj_end(&b);
}

static void on_pidfd(struct task *t)
{
	t->dead = 1;
	/* A thread is gone for good once its pidfd says so: nobody waits for
	 * it, and its tid may be reused. Keeping the pidfd would hold one fd
	 * per ended thread for the whole lab, and make cleanup() kill() that
	 * tid, which by then may be another process. */
	if (t->thread)
		close_fd(&t->pidfd);
	if (!t->expect_end && !quitting)
		event_named("exited", t, NULL, NULL);
}

/* Polls stdin (when asked) and every lab fd for up to timeout_ns, handling
 * what arrives. Returns 1 when stdin is readable. */
static int pump(int64_t timeout_ns, int with_stdin)
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
	if (timeout_ns >= 0) {
		ts.tv_sec = timeout_ns / 1000000000;
		ts.tv_nsec = timeout_ns % 1000000000;
		tp = &ts;
	}
	int r = ppoll(pf, (nfds_t)n, tp, &poll_mask);
	if (dying) {
		/* the JVM is gone (or we were told to end): the lab goes with us */
		cleanup();
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

static int64_t deadline_ms(int64_t ms)
{
	return mono_ns() + ms * 1000000;
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

static int send_cmd(struct task *t, struct lab_cmd *c, int fd)
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

static struct lab_cmd *cmd_new(uint32_t op)
{
	memset(&cmdbuf, 0, LAB_CMD_HDR);
	cmdbuf.op = op;
	return &cmdbuf;
}

/* ---------- parsing ---------- */

struct node {
	int argc;
	char **argv;
	int nbody;
	struct node *body; /* repeat */
};

struct ctx {
	int in_repeat;
	long iter;
	struct sbuf *res;     /* result fields, each starting with ',' */
	struct sbuf *created; /* names bound inside a repeat */
	int err;
	char msg[512];
};

enum { ST_OK, ST_ERRNO, ST_TIMEOUT, ST_FAIL, ST_ERROR };

static int error(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int error(struct ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof x->msg, fmt, ap);
	va_end(ap);
	return ST_ERROR;
}

static int timed_out(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int timed_out(struct ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof x->msg, fmt, ap);
	va_end(ap);
	return ST_TIMEOUT;
}

static int failed_errno(struct ctx *x, int e)
{
	x->err = e;
	return ST_ERRNO;
}

/* split a line into words; JSON strings decoded; ';' at a word's end split */
static int tokenize(const char *s, char *o, char **w, int maxw, char *err, size_t errlen)
{
	int n = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (n >= maxw - 1) {
			snprintf(err, errlen, "too many words");
			return -1;
		}
		if (*s == '"') {
			char *start = o;
			s++;
			for (;;) {
				if (!*s) {
					snprintf(err, errlen, "unterminated string");
					return -1;
				}
				if (*s == '"') {
					s++;
					break;
				}
				if (*s == '\\') {
					s++;
					char c = *s++;
					switch (c) {
					case '"': *o++ = '"'; break;
					case '\\': *o++ = '\\'; break;
					case '/': *o++ = '/'; break;
					case 'b': *o++ = '\b'; break;
					case 'f': *o++ = '\f'; break;
					case 'n': *o++ = '\n'; break;
					case 'r': *o++ = '\r'; break;
					case 't': *o++ = '\t'; break;
					case 'u': {
						unsigned cp = 0;
						for (int i = 0; i < 4; i++) {
							char h = *s++;
							cp <<= 4;
							if (h >= '0' && h <= '9')
								cp |= (unsigned)(h - '0');
							else if (h >= 'a' && h <= 'f')
								cp |= (unsigned)(h - 'a' + 10);
							else if (h >= 'A' && h <= 'F')
								cp |= (unsigned)(h - 'A' + 10);
							else {
								snprintf(err, errlen, "bad \\u escape");
								return -1;
							}
						}
						if (cp >= 0xd800 && cp <= 0xdbff && s[0] == '\\' && s[1] == 'u') {
							unsigned lo = 0;
							int okh = 1;
							/* stop at the first non-hex digit: the line's NUL may
							 * be one of them, and nothing past it is ours */
							for (int i = 2; i < 6 && okh; i++) {
								char h = s[i];
								lo <<= 4;
								if (h >= '0' && h <= '9')
									lo |= (unsigned)(h - '0');
								else if (h >= 'a' && h <= 'f')
									lo |= (unsigned)(h - 'a' + 10);
								else if (h >= 'A' && h <= 'F')
									lo |= (unsigned)(h - 'A' + 10);
								else
									okh = 0;
							}
							if (okh && lo >= 0xdc00 && lo <= 0xdfff) {
								cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
								s += 6;
							}
						}
						if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
							snprintf(err, errlen, "bad character in string");
							return -1;
						}
						if (cp < 0x80)
							*o++ = (char)cp;
						else if (cp < 0x800) {
							*o++ = (char)(0xc0 | (cp >> 6));
							*o++ = (char)(0x80 | (cp & 0x3f));
						} else if (cp < 0x10000) {
							*o++ = (char)(0xe0 | (cp >> 12));
							*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
							*o++ = (char)(0x80 | (cp & 0x3f));
						} else {
							*o++ = (char)(0xf0 | (cp >> 18));
							*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
							*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
							*o++ = (char)(0x80 | (cp & 0x3f));
						}
						break;
					}
					default:
						snprintf(err, errlen, "bad escape in string");
						return -1;
					}
				} else {
					*o++ = *s++;
				}
			}
			if (*s && *s != ' ' && *s != '\t') {
				snprintf(err, errlen, "a string must end its word");
				return -1;
			}
			*o++ = 0;
			w[n++] = start;
			/* the decoded text is never longer than its source */
		} else {
			char *start = o;
			while (*s && *s != ' ' && *s != '\t')
				*o++ = *s++;
			size_t l = (size_t)(o - start);
			if (l > 1 && start[l - 1] == ';') {
				*(o - 1) = 0;
				w[n++] = start;
				if (n >= maxw - 1) {
					snprintf(err, errlen, "too many words");
					return -1;
				}
				o++;
				*(o - 1) = ';';
				*o++ = 0;
				w[n++] = o - 2;
				continue;
			}
			*o++ = 0;
			w[n++] = start;
		}
		if (*s)
			s++;
	}
	w[n] = NULL;
	return n;
}

static void free_nodes(struct node *n, int count)
{
	for (int i = 0; i < count; i++) {
		free(n[i].argv);
		free_nodes(n[i].body, n[i].nbody);
		free(n[i].body);
	}
}

static int parse_seq(char **w, int n, int *pos, int depth, struct node **out, int *nout,
		     char *err, size_t errlen);

/* one command: words up to ';' '}' or the end; repeat N { ... } */
static int parse_cmd(char **w, int n, int *pos, int depth, struct node *nd, char *err, size_t errlen)
{
	memset(nd, 0, sizeof *nd);
	int start = *pos;
	if (start >= n || !strcmp(w[start], ";") || !strcmp(w[start], "}") || !strcmp(w[start], "{")) {
		snprintf(err, errlen, "empty command");
		return -1;
	}
	if (!strcmp(w[start], "repeat")) {
		if (depth >= MAX_DEPTH) {
			snprintf(err, errlen, "repeat nested too deep");
			return -1;
		}
		if (start + 2 >= n || strcmp(w[start + 2], "{")) {
			snprintf(err, errlen, "repeat needs: repeat N { CMD ; ... }");
			return -1;
		}
		nd->argc = 2;
		nd->argv = malloc(3 * sizeof(char *));
		nd->argv[0] = w[start];
		nd->argv[1] = w[start + 1];
		nd->argv[2] = NULL;
		*pos = start + 3;
		if (parse_seq(w, n, pos, depth + 1, &nd->body, &nd->nbody, err, errlen) < 0)
			return -1;
		if (*pos >= n || strcmp(w[*pos], "}")) {
			snprintf(err, errlen, "unbalanced braces: missing '}'");
			return -1;
		}
		(*pos)++;
		return 0;
	}
	int e = start;
	while (e < n && strcmp(w[e], ";") && strcmp(w[e], "}")) {
		if (!strcmp(w[e], "{")) {
			snprintf(err, errlen, "unexpected '{'");
			return -1;
		}
		e++;
	}
	nd->argc = e - start;
	nd->argv = malloc((size_t)(nd->argc + 1) * sizeof(char *));
	for (int i = 0; i < nd->argc; i++)
		nd->argv[i] = w[start + i];
	nd->argv[nd->argc] = NULL;
	*pos = e;
	return 0;
}

static int parse_seq(char **w, int n, int *pos, int depth, struct node **out, int *nout,
		     char *err, size_t errlen)
{
	int cap = 0;
	*out = NULL;
	*nout = 0;
	for (;;) {
		if (*nout == cap) {
			cap = cap ? cap * 2 : 4;
			*out = realloc(*out, (size_t)cap * sizeof **out);
		}
		int rc = parse_cmd(w, n, pos, depth, &(*out)[*nout], err, errlen);
		(*nout)++;
		if (rc < 0)
			return -1;
		if (*pos < n && !strcmp(w[*pos], ";")) {
			(*pos)++;
			continue;
		}
		return 0;
	}
}

/* ---------- names ---------- */

static int valid_name(const char *s)
{
	size_t l = strlen(s);
	if (!l || l > LAB_NAME_MAX - 1)
		return 0;
	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < l; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '{' || c == '}'))
			return 0;
	}
	return 1;
}

static int valid_var(const char *s)
{
	if (!valid_name(s))
		return 0;
	return !strchr(s, '{') && !strchr(s, '}');
}

/* {i} becomes the innermost iteration inside repeat */
static int subst(const char *w, struct ctx *x, char out[LAB_NAME_MAX])
{
	size_t o = 0;
	for (const char *p = w; *p;) {
		if (x->in_repeat && !strncmp(p, "{i}", 3)) {
			char num[24];
			int l = snprintf(num, sizeof num, "%ld", x->iter);
			if (o + (size_t)l >= LAB_NAME_MAX)
				return -1;
			memcpy(out + o, num, (size_t)l);
			o += (size_t)l;
			p += 3;
		} else {
			if (o + 1 >= LAB_NAME_MAX)
				return -1;
			out[o++] = *p++;
		}
	}
	out[o] = 0;
	return valid_name(out) ? 0 : -1;
}

static int get_task(struct ctx *x, const char *w, struct task **t)
{
	char nm[LAB_NAME_MAX];
	if (subst(w, x, nm) < 0)
		return error(x, "bad name '%.80s'", w);
	*t = find_task(nm);
	if (!*t)
		return error(x, "unknown name '%s'", nm);
	return ST_OK;
}

/* a task that can take a step through its command loop */
static int usable(struct ctx *x, struct task *t, int vfork_ok)
{
	if (t->reaped)
		return error(x, "%s has been reaped", t->name);
	if (t->execd)
		return error(x, "%s has exec'd", t->name);
	if (t->ended || t->dead || t->sock < 0)
		return error(x, "%s is a zombie or gone", t->name);
	if (t->vfork_child && !vfork_ok)
		return error(x, "%s is a vfork child: it takes only exit or exec", t->name);
	return ST_OK;
}

static int need_args(struct ctx *x, struct node *c, int min, int max)
{
	if (c->argc < min || c->argc > max)
		return error(x, "%s: wrong number of arguments (%d)", c->argv[0], c->argc - 1);
	return ST_OK;
}

static int num_arg(struct ctx *x, const char *w, int64_t min, int64_t max, int64_t *v, const char *what)
{
	if (parse_i64(w, min, max, v) < 0)
		return error(x, "bad %s '%.40s' (an integer in %lld..%lld)", what, w, (long long)min,
			     (long long)max);
	return ST_OK;
}

#define TRY(e)                          \
	do {                            \
		int r_ = (e);           \
		if (r_ != ST_OK)        \
			return r_;      \
	} while (0)

static void put_task_fields(struct ctx *x, struct task *t)
{
	sb_puts(x->res, ",\"name\":");
	sb_jstr(x->res, t->name);
	sb_printf(x->res, ",\"pid\":%d,\"host_pid\":%d", t->pid, t->host_pid);
}

static void note_created(struct ctx *x, struct task *t)
{
	if (!x->created)
		return;
	if (x->created->len)
		sb_puts(x->created, ",");
	sb_jstr(x->created, t->name);
}

/* the answer to the command just sent; -1 on timeout, -2 if the task ended */
static int await_rep(struct task *t, int64_t deadline)
{
	int rc = WAIT_UNTIL(t->got || t->sock < 0, deadline);
	uint32_t w = t->want;
	t->want = 0;
	if (t->got)
		return 0;
	(void)w;
	return rc < 0 ? -1 : -2;
}

static int send_or_fail(struct ctx *x, struct task *t, struct lab_cmd *c, int fd)
{
	int e = send_cmd(t, c, fd);
	if (e == EAGAIN)
		return error(x, "%s has too many queued commands", t->name);
	if (e)
		return error(x, "%s: sending the step failed: %s", t->name, errno_name(e));
	return ST_OK;
}

static int settle_state(struct task *t, const char *accept, int gone_ok, int64_t deadline)
{
	return WAIT_UNTIL(({
				  int s_ = proc_state(t->host_pid);
				  s_ ? (strchr(accept, s_) != NULL) : gone_ok;
			  }),
			  deadline);
}

/* the vfork parent's return (its `resumed` event) comes before our result */
static void await_vfork_parent(struct task *c, int64_t deadline)
{
	if (!c->vfork_child || c->parent < 0)
		return;
	struct task *p = tasks[c->parent];
	if (p->vfork_of != c->idx)
		return;
	WAIT_UNTIL(p->vfork_of != c->idx || p->sock < 0, deadline);
}

/* ---------- steps ---------- */

static int h_create(struct ctx *x, struct node *c, int kind)
{
	struct task *p;
	unsigned long flags = 0;
	int sig = SIGCHLD;
	TRY(need_args(x, c, kind == 2 ? 5 : 3, kind == 2 ? 5 : 3));
	TRY(get_task(x, c->argv[1], &p));
	TRY(usable(x, p, 0));
	char nm[LAB_NAME_MAX];
	if (subst(c->argv[2], x, nm) < 0)
		return error(x, "bad name '%.80s'", c->argv[2]);
	if (!strcmp(nm, "agent") || find_task(nm))
		return error(x, "name '%s' is bound", nm);
	if (kind == 2) {
		if (clone_flags_parse(c->argv[3], &flags) < 0)
			return error(x, "bad clone flags '%.80s'", c->argv[3]);
		if (!strcmp(c->argv[4], "-"))
			sig = (flags & CLONE_THREAD) ? 0 : SIGCHLD;
		else if ((sig = signal_number(c->argv[4])) < 0)
			return error(x, "bad signal '%.40s'", c->argv[4]);
	}
	int vforkish = kind == 1 || (flags & CLONE_VFORK);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return error(x, "socketpair: %s", errno_name(errno));
	struct task *ch = new_task(nm);
	ch->sock = sv[0];
	ch->parent = p->idx;
	ch->thread = (flags & CLONE_THREAD) != 0;
	ch->shares_files = (flags & CLONE_FILES) != 0;
	activate(ch);
	struct lab_cmd *m = cmd_new(kind == 0 ? OP_FORK : kind == 1 ? OP_VFORK : OP_CLONE);
	m->x = (int64_t)flags;
	m->a = sig;
	int rc = send_or_fail(x, p, m, sv[1]);
	close(sv[1]);
	if (rc != ST_OK) {
		discard_task(ch);
		return rc;
	}
	uint32_t seq = m->seq;
	int64_t dl = deadline_ms(timeout_ms);
	if (!vforkish) {
		int r = await_rep(p, dl);
		if (r < 0) {
			discard_task(ch);
			p->busy = 1;
			return timed_out(x, "%s did not answer %s in %d ms", p->name, c->argv[0], timeout_ms);
		}
		if (p->rep.err) {
			discard_task(ch);
			p->err = p->rep.err;
			return failed_errno(x, p->rep.err);
		}
		ch->pid = p->rep.pid;
		if (WAIT_UNTIL(ch->ready || ch->sock < 0, dl) < 0 || !ch->ready) {
			ch->host_pid = 0;
			hash_insert(ch->idx);
			note_created(x, ch);
			p->err = 0;
			return timed_out(x, "%s did not reach its command loop", nm);
		}
	} else {
		WAIT_UNTIL(ch->ready || p->got || p->sock < 0, dl);
		if (!ch->ready) {
			int got = p->got;
			p->want = 0;
			discard_task(ch);
			if (got && p->rep.err) {
				p->err = p->rep.err;
				return failed_errno(x, p->rep.err);
			}
			p->busy = 1;
			return timed_out(x, "the vfork child of %s did not start", p->name);
		}
		ch->pid = ch->ready_pid;
		ch->vfork_child = 1;
		p->vfork_of = ch->idx;
		p->vfork_seq = seq;
		p->busy = 1;
		p->want = 0;
	}
	hash_insert(ch->idx);
	note_created(x, ch);
	p->err = 0;
	if (vforkish && settle_state(p, "D", 0, dl) < 0 && p->vfork_of == ch->idx) {
		put_task_fields(x, ch);
		return timed_out(x, "%s did not show D", p->name);
	}
	put_task_fields(x, ch);
	return ST_OK;
}

static int exe_changed(struct task *t)
{
	char path[64], exe[4096];
	snprintf(path, sizeof path, "/proc/%d/exe", t->host_pid);
	ssize_t n = readlink(path, exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		return strcmp(exe, self_exe) != 0;
	}
	/* a zombie has no exe link any more, but keeps its comm */
	struct sbuf b = {0};
	int changed = 0;
	snprintf(path, sizeof path, "/proc/%d/stat", t->host_pid);
	if (read_file(path, &b) == 0 && b.p) {
		char *o = strchr(b.p, '('), *c = strrchr(b.p, ')');
		if (o && c && c > o)
			changed = (size_t)(c - o - 1) != strlen("proclab-agent") ||
				  strncmp(o + 1, "proclab-agent", (size_t)(c - o - 1)) != 0;
	}
	free(b.p);
	return changed;
}

static int h_exec(struct ctx *x, struct node *c)
{
	struct task *p;
	if (c->argc < 3)
		return error(x, "exec: needs P ARG0 [ARG...]");
	TRY(get_task(x, c->argv[1], &p));
	TRY(usable(x, p, 1));
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
	int64_t dl = deadline_ms(timeout_ms);
	/* a task sharing its fd table leaves its control socket open in the
	 * table its exec leaves behind: there the image itself tells */
	WAIT_UNTIL(p->got || p->sock < 0 || (p->shares_files && exe_changed(p)), dl);
	p->want = 0;
	if (p->got) {
		p->execing = 0;
		close_fd(&p->outfd);
		p->err = p->rep.err;
		return p->rep.err ? failed_errno(x, p->rep.err) : ST_OK;
	}
	if (p->sock >= 0 && !(p->shares_files && exe_changed(p))) {
		p->busy = 1;
		return timed_out(x, "%s did not exec in %d ms", p->name, timeout_ms);
	}
	p->execd = 1;
	p->execing = 0;
	p->err = 0;
	close_fd(&p->sock);
	await_vfork_parent(p, dl);
	return ST_OK;
}

static int h_exit(struct ctx *x, struct node *c)
{
	struct task *p;
	int64_t code;
	TRY(need_args(x, c, 3, 3));
	TRY(get_task(x, c->argv[1], &p));
	TRY(usable(x, p, 1));
	TRY(num_arg(x, c->argv[2], -2147483648LL, 2147483647LL, &code, "exit code"));
	struct lab_cmd *m = cmd_new(OP_EXIT);
	m->a = (int32_t)code;
	p->expect_end = 1;
	TRY(send_or_fail(x, p, m, -1));
	p->want = 0;
	p->ended = 1;
	int64_t dl = deadline_ms(timeout_ms);
	if (settle_state(p, "ZX", 1, dl) < 0)
		return timed_out(x, "%s did not show Z in %d ms", p->name, timeout_ms);
	await_vfork_parent(p, dl);
	return ST_OK;
}

static int sig_fatal_default(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
	case SIGURG: case SIGWINCH:
		return 0;
	}
	return sig > 0;
}

/* bit sig-1 of status's SigIgn or SigCgt */
static int sig_in_mask(pid_t pid, const char *field, int sig)
{
	char path[64];
	struct sbuf b = {0};
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	int r = 0;
	if (read_file(path, &b) == 0 && b.p) {
		char *p = strstr(b.p, field);
		if (p) {
			unsigned long long m = strtoull(p + strlen(field), NULL, 16);
			r = (int)((m >> (sig - 1)) & 1);
		}
	}
	free(b.p);
	return r;
}

static int h_signal(struct ctx *x, struct node *c)
{
	struct task *to, *from = NULL;
	TRY(need_args(x, c, 3, 4));
	TRY(get_task(x, c->argv[1], &to));
	int sig = signal_number(c->argv[2]);
	if (sig < 0)
		return error(x, "bad signal '%.40s'", c->argv[2]);
	if (c->argc == 4) {
		TRY(get_task(x, c->argv[3], &from));
		TRY(usable(x, from, 0));
	}
	if (to->reaped)
		return error(x, "%s has been reaped", to->name);
	int ignored = sig > 0 && to->host_pid > 0 &&
		      (sig_in_mask(to->host_pid, "SigIgn:", sig) || sig_in_mask(to->host_pid, "SigCgt:", sig));
	int fatal = sig_fatal_default(sig) && !ignored;
	if (fatal)
		to->expect_end = 1;
	int64_t dl = deadline_ms(timeout_ms);
	if (from) {
		struct lab_cmd *m = cmd_new(OP_KILL);
		m->a = to->pid;
		m->b = sig;
		TRY(send_or_fail(x, from, m, -1));
		if (await_rep(from, dl) < 0) {
			from->busy = 1;
			return timed_out(x, "%s did not send the signal in %d ms", from->name, timeout_ms);
		}
		from->err = from->rep.err;
		if (from->rep.err)
			return failed_errno(x, from->rep.err);
	} else {
		int r;
		if (to->pidfd >= 0 && !to->thread)
			r = sys_pidfd_send_signal(to->pidfd, sig);
		else if (to->host_pid > 0)
			r = kill(to->host_pid, sig);
		else {
			errno = ESRCH;
			r = -1;
		}
		if (r < 0)
			return failed_errno(x, errno);
	}
	if (sig == 0 || ignored)
		return ST_OK;
	if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
		if (settle_state(to, "TtZX", 1, dl) < 0)
			return timed_out(x, "%s did not stop in %d ms%s", to->name, timeout_ms,
					 sig != SIGSTOP ? " (SIGTSTP/SIGTTIN/SIGTTOU are discarded in an "
							  "orphaned process group)"
							: "");
	} else if (sig == SIGCONT) {
		if (settle_state(to, "RSDtZXIPWK", 1, dl) < 0)
			return timed_out(x, "%s did not continue in %d ms", to->name, timeout_ms);
	} else if (fatal) {
		if (settle_state(to, "ZX", 1, dl) < 0)
			return timed_out(x, "%s did not end in %d ms", to->name, timeout_ms);
		to->ended = 1;
		await_vfork_parent(to, dl);
	}
	return ST_OK;
}

static int h_wait(struct ctx *x, struct node *c)
{
	struct task *p, *t = NULL;
	int opts = 0;
	TRY(need_args(x, c, 3, 4));
	TRY(get_task(x, c->argv[1], &p));
	TRY(usable(x, p, 0));
	if (strcmp(c->argv[2], "any"))
		TRY(get_task(x, c->argv[2], &t));
	if (c->argc == 4 && wait_opts_parse(c->argv[3], &opts) < 0)
		return error(x, "bad wait options '%.80s'", c->argv[3]);
	struct lab_cmd *m = cmd_new(OP_WAIT);
	m->a = t ? t->pid : -1;
	m->b = opts;
	TRY(send_or_fail(x, p, m, -1));
	p->wait_opts = opts;
	if (await_rep(p, deadline_ms(timeout_ms)) < 0) {
		p->busy = 1;
		return timed_out(x, "the wait of %s did not return in %d ms", p->name, timeout_ms);
	}
	apply_wait(p, &p->rep);
	if (p->rep.err)
		return failed_errno(x, p->rep.err);
	sb_printf(x->res, ",\"pid\":%d,\"name\":", p->wait_pid);
	if (p->wait_name >= 0)
		sb_jstr(x->res, tasks[p->wait_name]->name);
	else
		sb_puts(x->res, "null");
	sb_printf(x->res, ",\"status\":%d", p->wait_status);
	return ST_OK;
}

/* hold / block / spin: acked at once, then the process is busy until IDLE */
static int h_busy(struct ctx *x, struct node *c, int op)
{
	struct task *p;
	int64_t ms = 0;
	TRY(need_args(x, c, op == OP_BLOCK ? 2 : 3, op == OP_BLOCK ? 2 : 3));
	TRY(get_task(x, c->argv[1], &p));
	TRY(usable(x, p, 0));
	if (op != OP_BLOCK)
		TRY(num_arg(x, c->argv[2], 0, 86400000, &ms, "duration"));
	struct lab_cmd *m = cmd_new((uint32_t)op);
	m->x = ms;
	TRY(send_or_fail(x, p, m, -1));
	int64_t dl = deadline_ms(timeout_ms);
	if (await_rep(p, dl) < 0) {
		p->busy = 1;
		return timed_out(x, "%s did not take %s in %d ms", p->name, c->argv[0], timeout_ms);
	}
	p->busy = 1;
	p->spinning = op == OP_SPIN;
	p->err = 0;
	const char *want = op == OP_SPIN ? "R" : "S";
	if (WAIT_UNTIL(!p->busy || ({
				  int s_ = proc_state(p->host_pid);
				  s_ && strchr(want, s_);
			  }),
		       dl) < 0)
		return timed_out(x, "%s did not show %s in %d ms", p->name, want, timeout_ms);
	return ST_OK;
}

/* a step answered by the process with one reply and no settling */
static int simple(struct ctx *x, struct task *p, struct lab_cmd *m)
{
	TRY(send_or_fail(x, p, m, -1));
	if (await_rep(p, deadline_ms(timeout_ms)) < 0) {
		p->busy = 1;
		return timed_out(x, "%s did not answer in %d ms", p->name, timeout_ms);
	}
	if (p->rep.err == -1)
		return error(x, "%s has no region '%s'", p->name, m->name);
	if (p->rep.err == -2)
		return error(x, "pages out of range: region '%s' has %lld pages", m->name,
			     (long long)p->rep.val);
	p->err = p->rep.err;
	if (p->rep.err)
		return failed_errno(x, p->rep.err);
	return ST_OK;
}

static int h_var(struct ctx *x, struct node *c, int op)
{
	struct task *p;
	int64_t v;
	TRY(need_args(x, c, 4, 4));
	TRY(get_task(x, c->argv[1], &p));
	TRY(usable(x, p, 0));
	if (!valid_var(c->argv[2]))
		return error(x, "bad variable name '%.80s'", c->argv[2]);
	TRY(num_arg(x, c->argv[3], INT64_MIN / 2, INT64_MAX / 2, &v, "value"));
	struct lab_cmd *m = cmd_new((uint32_t)op);
	snprintf(m->name, sizeof m->name, "%s", c->argv[2]);
	m->x = v;
	TRY(simple(x, p, m));
	sb_printf(x->res, ",\"value\":%lld", (long long)p->rep.val);
	return ST_OK;
}

static int h_map(struct ctx *x, struct node *c)
{
	struct task *p;
	int64_t pages;
	TRY(need_args(x, c, 4, 4));
	TRY(get_task(x, c->argv[1], &p));
	TRY(usable(x, p, 0));
	if (!valid_var(c->argv[2]))
		return error(x, "bad region name '%.80s'", c->argv[2]);
	TRY(num_arg(x, c->argv[3], 1, 1 << 20, &pages, "page count"));
	struct lab_cmd *m = cmd_new(OP_MAP);
	snprintf(m->name, sizeof m->name, "%s", c->argv[2]);
	m->x = pages;
	TRY(simple(x, p, m));
	sb_printf(x->res, ",\"addr\":\"%llx\"", (unsigned long long)p->rep.val);
	return ST_OK;
}

static int h_touch(struct ctx *x, struct node *c)
{
	struct task *p;
	int64_t a = 0, b = -1;
	TRY(need_args(x, c, 5, 5));
	TRY(get_task(x, c->argv[1], &p));
	TRY(usable(x, p, 0));
	if (!valid_var(c->argv[2]))
		return error(x, "bad region name '%.80s'", c->argv[2]);
	const char *pg = c->argv[3];
	const char *dash = strchr(pg, '-');
	if (!strcmp(pg, "all")) {
		a = 0;
		b = -1;
	} else if (dash && dash != pg) {
		char lo[32];
		size_t l = (size_t)(dash - pg);
		if (l >= sizeof lo)
			return error(x, "bad pages '%.40s'", pg);
		memcpy(lo, pg, l);
		lo[l] = 0;
		if (parse_i64(lo, 0, 1 << 20, &a) < 0 || parse_i64(dash + 1, 0, 1 << 20, &b) < 0 || b < a)
			return error(x, "bad pages '%.40s' (all, N or A-B)", pg);
	} else {
		int64_t n;
		if (parse_i64(pg, 1, 1 << 20, &n) < 0)
			return error(x, "bad pages '%.40s' (all, N or A-B)", pg);
		a = 0;
		b = n - 1;
	}
	int mode;
	if (!strcmp(c->argv[4], "read"))
		mode = 0;
	else if (!strcmp(c->argv[4], "write"))
		mode = 1;
	else
		return error(x, "bad mode '%.40s' (read or write)", c->argv[4]);
	struct lab_cmd *m = cmd_new(OP_TOUCH);
	snprintf(m->name, sizeof m->name, "%s", c->argv[2]);
	m->x = a;
	m->y = b;
	m->a = mode;
	return simple(x, p, m);
}

static int h_proc_simple(struct ctx *x, struct node *c, int op)
{
	struct task *p;
	int argc = op == OP_SUBREAPER ? 2 : op == OP_RLIMIT ? 4 : 3;
	TRY(need_args(x, c, argc, argc));
	TRY(get_task(x, c->argv[1], &p));
	TRY(usable(x, p, 0));
	struct lab_cmd *m = cmd_new((uint32_t)op);
	if (op == OP_IGNORE) {
		int s = signal_number(c->argv[2]);
		if (s <= 0)
			return error(x, "bad signal '%.40s'", c->argv[2]);
		m->a = s;
	} else if (op == OP_SETUID) {
		int64_t u;
		TRY(num_arg(x, c->argv[2], 0, 4294967294LL, &u, "uid"));
		m->x = u;
	} else if (op == OP_RLIMIT) {
		int r = rlimit_number(c->argv[2]);
		if (r < 0)
			return error(x, "bad resource '%.40s'", c->argv[2]);
		m->a = r;
		if (!strcmp(c->argv[3], "unlimited") || !strcmp(c->argv[3], "infinity"))
			m->x = -1;
		else {
			int64_t v;
			TRY(num_arg(x, c->argv[3], 0, INT64_MAX, &v, "limit"));
			m->x = v;
		}
	} else if (op == OP_PTRACE) {
		struct task *t;
		TRY(get_task(x, c->argv[2], &t));
		if (t->reaped)
			return error(x, "%s has been reaped", t->name);
		m->a = t->pid;
		TRY(simple(x, p, m));
		if (settle_state(t, "t", 0, deadline_ms(timeout_ms)) < 0)
			return timed_out(x, "%s did not show t in %d ms", t->name, timeout_ms);
		return ST_OK;
	}
	return simple(x, p, m);
}

static int h_pause(struct ctx *x, struct node *c)
{
	int64_t ms;
	TRY(need_args(x, c, 2, 2));
	TRY(num_arg(x, c->argv[1], 0, 86400000, &ms, "duration"));
	int64_t dl = deadline_ms(ms);
	for (int64_t now; (now = mono_ns()) < dl;)
		pump(dl - now, 0);
	return ST_OK;
}

static int h_timeout(struct ctx *x, struct node *c)
{
	int64_t ms;
	TRY(need_args(x, c, 2, 2));
	TRY(num_arg(x, c->argv[1], 1, 3600000, &ms, "timeout"));
	timeout_ms = (int)ms;
	return ST_OK;
}

static int h_names(struct ctx *x)
{
	sb_puts(x->res, ",\"names\":[");
	int first = 1;
	for (int i = 0; i < ntasks; i++) {
		struct task *t = tasks[i];
		if (!t->bound)
			continue;
		sb_puts(x->res, first ? "[" : ",[");
		first = 0;
		sb_jstr(x->res, t->name);
		sb_printf(x->res, ",%d,%d,%s]", t->pid, t->host_pid, task_exists(t) ? "true" : "false");
	}
	sb_puts(x->res, "]");
	return ST_OK;
}

static int h_system(struct ctx *x)
{
	int64_t a = 0, b = 0, c = 0;
	if (pidns_on && started) {
		/* the namespace's own values can only be read from inside it */
		struct task *p = NULL;
		for (int i = 0; i < ntasks && !p; i++) {
			struct task *t = tasks[i];
			if (t->bound && !t->busy && !t->reaped && !t->execd && !t->ended && !t->dead &&
			    t->sock >= 0 && !t->vfork_child) {
				int s = proc_state(t->host_pid);
				if (s == 'R' || s == 'S')
					p = t;
			}
		}
		if (!p)
			return error(x, "no idle lab process in the pid namespace to read /proc/sys");
		struct lab_cmd *m = cmd_new(OP_SYSREAD);
		TRY(send_or_fail(x, p, m, -1));
		if (await_rep(p, deadline_ms(timeout_ms)) < 0)
			return timed_out(x, "%s did not read /proc/sys in %d ms", p->name, timeout_ms);
		if (p->rep.err)
			return failed_errno(x, p->rep.err);
		a = p->rep.val;
		b = p->rep.val2;
		c = p->rep.val3;
	} else {
		int e = lab_read_sys(&a, &b, &c);
		if (e)
			return failed_errno(x, e);
	}
	sb_printf(x->res, ",\"pid_max\":%lld,\"ns_last_pid\":%lld,\"threads_max\":%lld", (long long)a,
		  (long long)b, (long long)c);
	return ST_OK;
}

static int h_slabinfo(struct ctx *x)
{
	struct sbuf b = {0};
	int e = read_file("/proc/slabinfo", &b);
	if (e) {
		free(b.p);
		return failed_errno(x, e);
	}
	sb_puts(x->res, ",\"text\":");
	sb_jstrn(x->res, b.p ? b.p : "", b.len);
	free(b.p);
	return ST_OK;
}

static int h_observe(struct ctx *x, struct node *c)
{
	struct task *p;
	if (c->argc < 2)
		return error(x, "observe: needs P [REGION...]");
	if (!strcmp(c->argv[1], "agent") && c->argc == 2) {
		/* the agent is a process of the lab's world too (main's parent) */
		sb_printf(x->res, ",\"name\":\"agent\",\"pid\":%d", pidns_on ? 0 : agent_pid);
		observe_pid(agent_pid, x->res);
		return ST_OK;
	}
	TRY(get_task(x, c->argv[1], &p));
	for (int i = 2; i < c->argc; i++)
		if (!valid_var(c->argv[i]))
			return error(x, "bad region name '%.80s'", c->argv[i]);
	observe_task(p, c->argv + 2, c->argc - 2, x->res);
	return ST_OK;
}

static int h_observe_pid(struct ctx *x, struct node *c)
{
	int64_t pid;
	TRY(need_args(x, c, 2, 2));
	TRY(num_arg(x, c->argv[1], 1, 4194304, &pid, "pid"));
	observe_pid((pid_t)pid, x->res);
	return ST_OK;
}

static int h_sandbox(struct ctx *x, struct node *c)
{
	int pidns = 0;
	long pm = 0, px = 0;
	if (started)
		return error(x, "sandbox must come before start");
	for (int i = 1; i < c->argc; i++) {
		int64_t v;
		if (!strcmp(c->argv[i], "pidns"))
			pidns = 1;
		else if (!strncmp(c->argv[i], "pid_max=", 8)) {
			TRY(num_arg(x, c->argv[i] + 8, 1, 4194304, &v, "pid_max"));
			pm = (long)v;
		} else if (!strncmp(c->argv[i], "pids_max=", 9)) {
			TRY(num_arg(x, c->argv[i] + 9, 1, 4194304, &v, "pids_max"));
			px = (long)v;
		} else
			return error(x, "sandbox: unknown part '%.40s' (pidns, pid_max=N, pids_max=N)",
				     c->argv[i]);
	}
	if (pm && !pidns)
		return error(x, "pid_max needs pidns: the host's pid_max is never written");
	if (cg_path[0]) {
		cgroup_remove(cg_path);
		cg_path[0] = 0;
	}
	pidns_on = 0;
	sb_pid_max = sb_pids_max = 0;
	sb_userns = 0;
	if (pidns && (x->err = try_pidns(0, x->msg, sizeof x->msg)) != 0) {
		char m2[256];
		if (x->err != EPERM || try_pidns(1, m2, sizeof m2) != 0)
			return ST_FAIL;
		x->err = 0;
		sb_userns = 1; /* not privileged: the namespace comes with a user namespace */
	}
	if (pm && !kernel_at_least(6, 14)) {
		snprintf(x->msg, sizeof x->msg,
			 "pid_max is per pid namespace only since Linux 6.14: here a write would change "
			 "the host's");
		return ST_FAIL;
	}
	if (px && (x->err = cgroup_create(px, cg_path, sizeof cg_path, x->msg, sizeof x->msg)) != 0)
		return ST_FAIL;
	pidns_on = pidns;
	sb_pid_max = pm;
	sb_pids_max = px;
	sb_printf(x->res, ",\"pidns\":%s,\"userns\":%s", pidns ? "true" : "false",
		  sb_userns ? "true" : "false");
	sb_puts(x->res, ",\"pid_max\":");
	if (pm)
		sb_printf(x->res, "%ld", pm);
	else
		sb_puts(x->res, "null");
	sb_puts(x->res, ",\"pids_max\":");
	if (px)
		sb_printf(x->res, "%ld", px);
	else
		sb_puts(x->res, "null");
	sb_puts(x->res, ",\"cgroup\":");
	sb_jstr(x->res, cg_path[0] ? cg_path : NULL);
	return ST_OK;
}

static int h_start(struct ctx *x, struct node *c)
{
	TRY(need_args(x, c, 1, 1));
	if (started)
		return error(x, "already started");
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return failed_errno(x, errno);
	unsigned long nsfl = CLONE_NEWPID | (sb_userns ? CLONE_NEWUSER : 0);
	pid_t pid = pidns_on ? sys_clone_nostack(nsfl | SIGCHLD) : sys_fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return failed_errno(x, e);
	}
	if (pid == 0) {
		close(sv[0]);
		/* main dies with the agent; the other lab processes must not, an
		 * orphan has to outlive its parent */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!pidns_on && getppid() != agent_pid)
			sys_exit_group(1);
		if (sb_userns) {
			char go;
			/* wait until the agent has written our uid/gid maps */
			if (recv(sv[1], &go, 1, 0) != 1 || go != 'g')
				sys_exit_group(1);
		}
		/* a fresh image keeps main small: fork costs grow with the
		 * parent's mappings, and repeat is measured against a plain loop */
		if (self_exe[0]) {
			char a1[16], a2[16], a3[24], a4[24];
			snprintf(a1, sizeof a1, "%d", sv[1]);
			snprintf(a2, sizeof a2, "%d", pidns_on);
			snprintf(a3, sizeof a3, "%ld", sb_pid_max);
			snprintf(a4, sizeof a4, "%ld", nofile_soft_orig);
			char *av[] = {"proclab-agent", "--lab", a1, a2, a3, a4, NULL};
			fcntl(sv[1], F_SETFD, 0);
			execv(self_exe, av);
			fcntl(sv[1], F_SETFD, FD_CLOEXEC);
		}
		lab_main(sv[1], pidns_on, sb_pid_max, (int)nofile_soft_orig);
	}
	close(sv[1]);
	if (sb_userns) {
		int e = userns_map(pid);
		if (e || send(sv[0], "g", 1, MSG_NOSIGNAL) != 1) {
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
				;
			close(sv[0]);
			x->err = e ? e : EPIPE;
			snprintf(x->msg, sizeof x->msg, "writing the user namespace's id maps: %s",
				 errno_name(x->err));
			return ST_FAIL;
		}
	}
	struct task *t = new_task("main");
	t->sock = sv[0];
	t->host_pid = pid;
	activate(t);
	started = 1;
	int64_t dl = deadline_ms(timeout_ms);
	if (WAIT_UNTIL(t->ready || t->sock < 0, dl) < 0 || !t->ready || t->ready_err) {
		int e = t->ready_err;
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
			;
		discard_task(t);
		started = 0;
		if (e) {
			x->err = e;
			snprintf(x->msg, sizeof x->msg, "writing pid_max=%ld inside the namespace: %s",
				 sb_pid_max, errno_name(e));
			return ST_FAIL;
		}
		return timed_out(x, "main did not reach its command loop");
	}
	if (t->pidfd >= 0 && t->host_pid <= 0)
		t->host_pid = pid;
	t->pid = pidns_on ? t->ready_pid : pid;
	hash_insert(t->idx);
	if (cg_path[0]) {
		int e = cgroup_add(cg_path, pid);
		if (e) {
			snprintf(x->msg, sizeof x->msg, "moving main into %.300s: %s", cg_path, errno_name(e));
			x->err = e;
			put_task_fields(x, t);
			return ST_FAIL;
		}
	}
	put_task_fields(x, t);
	return ST_OK;
}

static int exec_node(struct ctx *x, struct node *c);

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
			    strcmp(e->argv[1], b->argv[2]) || parse_i64(e->argv[2], 0, 255, &code) < 0)
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
	if (!p || p->busy || usable(x, p, 0) != ST_OK)
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
	int64_t budget = (int64_t)timeout_ms * (iters * nst + 1);
	if (await_rep(p, deadline_ms(budget)) < 0) {
		p->busy = 1;
		return timed_out(x, "%s did not finish the repeat in time", p->name);
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
				if (rc->v < 0) {
					failed += 2; /* the fork, and the exit of a child never made */
					last = -rc->v;
					p->err = last;
					continue;
				}
				char nm[LAB_NAME_MAX];
				subst(tmpl[st[s].k], &y, nm);
				struct task *t = new_task(nm);
				t->pid = rc->v;
				t->host_pid = pidns_on ? 0 : rc->v;
				t->parent = p->idx;
				t->ended = t->expect_end = 1;
				hash_insert(t->idx);
				note_created(x, t);
				kid[st[s].k] = t;
				p->err = 0;
			} else if (rc->v == 0 && rc->status == -1) {
				failed++; /* waiting for a child never made: an error step */
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
	sb_printf(x->res, ",\"iterations\":%lld,\"failed\":%ld,\"fast\":true", (long long)iters, failed);
	x->err = last;
	return ST_OK;
}

static int h_repeat(struct ctx *x, struct node *c)
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
				int s = exec_node(&y, &c->body[i]);
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

static int h_hello(struct ctx *x)
{
	struct utsname u;
	uname(&u);
	sb_printf(x->res, ",\"version\":1,\"pid\":%d,\"uid\":%d,\"euid\":%d,\"release\":", agent_pid,
		  getuid(), geteuid());
	sb_jstr(x->res, u.release);
	sb_puts(x->res, ",\"machine\":");
	sb_jstr(x->res, u.machine);
	return ST_OK;
}

/* A lab process at rest (idle in its command loop, or in hold/block/pause)
 * sleeps: S. Right after a step it may still be on its way there (it has just
 * replied, SIGCONT woke it, its vfork child has just let it go), and the next
 * observe must not catch it running. So before answering, give each process
 * the step named, and its parent, a short moment to be back to sleep. */
static void settle_rest(struct task *t, int64_t deadline)
{
	if (!t || t->host_pid <= 0 || t->reaped || t->dead || t->ended || t->execd)
		return;
	if (t->busy && t->spinning)
		return;
	WAIT_UNTIL(proc_state(t->host_pid) != 'R', deadline);
}

static void settle_named(struct ctx *x, struct node *c)
{
	int64_t dl = deadline_ms(timeout_ms < 200 ? timeout_ms : 200);
	for (int i = 1; i < c->argc; i++) {
		char nm[LAB_NAME_MAX];
		if (subst(c->argv[i], x, nm) < 0)
			continue;
		struct task *t = find_task(nm);
		if (!t)
			continue;
		settle_rest(t, dl);
		if (t->parent >= 0)
			settle_rest(tasks[t->parent], dl);
	}
}

static int exec_step(struct ctx *x, struct node *c);

static int exec_node(struct ctx *x, struct node *c)
{
	int r = exec_step(x, c);
	if (strcmp(c->argv[0], "repeat") && strcmp(c->argv[0], "observe") && strcmp(c->argv[0], "observe-pid"))
		settle_named(x, c);
	return r;
}

static int exec_step(struct ctx *x, struct node *c)
{
	const char *v = c->argv[0];
	if (!strcmp(v, "repeat"))
		return h_repeat(x, c);
	if (!strcmp(v, "fork"))
		return h_create(x, c, 0);
	if (!strcmp(v, "vfork"))
		return h_create(x, c, 1);
	if (!strcmp(v, "clone"))
		return h_create(x, c, 2);
	if (!strcmp(v, "exec"))
		return h_exec(x, c);
	if (!strcmp(v, "exit"))
		return h_exit(x, c);
	if (!strcmp(v, "signal"))
		return h_signal(x, c);
	if (!strcmp(v, "wait"))
		return h_wait(x, c);
	if (!strcmp(v, "hold"))
		return h_busy(x, c, OP_HOLD);
	if (!strcmp(v, "block"))
		return h_busy(x, c, OP_BLOCK);
	if (!strcmp(v, "spin"))
		return h_busy(x, c, OP_SPIN);
	if (!strcmp(v, "set"))
		return h_var(x, c, OP_SET);
	if (!strcmp(v, "add"))
		return h_var(x, c, OP_ADD);
	if (!strcmp(v, "map"))
		return h_map(x, c);
	if (!strcmp(v, "touch"))
		return h_touch(x, c);
	if (!strcmp(v, "subreaper"))
		return h_proc_simple(x, c, OP_SUBREAPER);
	if (!strcmp(v, "ignore"))
		return h_proc_simple(x, c, OP_IGNORE);
	if (!strcmp(v, "setuid"))
		return h_proc_simple(x, c, OP_SETUID);
	if (!strcmp(v, "rlimit"))
		return h_proc_simple(x, c, OP_RLIMIT);
	if (!strcmp(v, "ptrace"))
		return h_proc_simple(x, c, OP_PTRACE);
	if (!strcmp(v, "pause"))
		return h_pause(x, c);
	if (x->in_repeat)
		return error(x, "%s is not allowed inside repeat", v);
	if (!strcmp(v, "observe"))
		return h_observe(x, c);
	if (!strcmp(v, "observe-pid"))
		return h_observe_pid(x, c);
	if (!strcmp(v, "start"))
		return h_start(x, c);
	if (!strcmp(v, "sandbox"))
		return h_sandbox(x, c);
	if (!strcmp(v, "timeout"))
		return h_timeout(x, c);
	if (c->argc != 1 && (!strcmp(v, "system") || !strcmp(v, "slabinfo") || !strcmp(v, "names") ||
			     !strcmp(v, "probe") || !strcmp(v, "quit") || !strcmp(v, "hello")))
		return error(x, "%s takes no arguments", v);
	if (!strcmp(v, "system"))
		return h_system(x);
	if (!strcmp(v, "slabinfo"))
		return h_slabinfo(x);
	if (!strcmp(v, "names"))
		return h_names(x);
	if (!strcmp(v, "probe")) {
		probe_all(x->res);
		return ST_OK;
	}
	if (!strcmp(v, "hello"))
		return h_hello(x);
	if (!strcmp(v, "quit")) {
		quitting = 1;
		return ST_OK;
	}
	return error(x, "unknown verb '%.40s'", v);
}

/* ---------- the end of a lab ---------- */

/* SIGKILL every lab process and reap them all; orphans reparent to us (a
 * subreaper), so kill our children until none is left. */
static void cleanup(void)
{
	quitting = 1;
	for (int i = 0; i < ntasks; i++) {
		struct task *t = tasks[i];
		if (t->reaped || t->host_pid <= 0)
			continue;
		if (t->pidfd >= 0 && !t->thread)
			sys_pidfd_send_signal(t->pidfd, SIGKILL);
		else if (t->pidfd >= 0 || !t->dead)
			kill(t->host_pid, SIGKILL);
	}
	if (cg_path[0])
		cgroup_kill_all(cg_path);
	int64_t dl = mono_ns() + 10LL * 1000000000;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", agent_pid, agent_pid);
	for (;;) {
		struct sbuf b = {0};
		if (read_file(path, &b) == 0 && b.p)
			for (char *p = b.p; *p;) {
				char *e;
				long pid = strtol(p, &e, 10);
				if (e == p)
					break;
				if (pid > 0)
					kill((pid_t)pid, SIGKILL);
				p = e;
			}
		free(b.p);
		int any = 0;
		pid_t r;
		while ((r = waitpid(-1, NULL, __WALL | WNOHANG)) > 0)
			any = 1;
		if (r < 0 && errno == ECHILD)
			break;
		if (mono_ns() > dl)
			break;
		if (!any) {
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		}
	}
	for (int i = 0; i < ntasks; i++) {
		close_fd(&tasks[i]->sock);
		close_fd(&tasks[i]->pidfd);
		close_fd(&tasks[i]->outfd);
	}
	if (cg_path[0]) {
		cgroup_remove(cg_path);
		cg_path[0] = 0;
	}
}

/* ---------- lines ---------- */

static void emit_error(const char *verb, const char *msg)
{
	static struct sbuf b;
	obj_begin(&b, "error");
	sb_printf(&b, ",\"req\":%d,\"cmd\":", req_no);
	sb_jstr(&b, verb);
	sb_puts(&b, ",\"message\":");
	sb_jstr(&b, msg);
	obj_end(&b);
}

static void process_line(char *s, size_t n)
{
	static char *w[MAX_WORDS];
	static char wbuf[2 * LINE_MAX_BYTES + 16];
	static struct sbuf res, out;
	if (n && s[n - 1] == '\r')
		s[--n] = 0;
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] == '#')
		return;
	req_no++;
	if (memchr(s, 0, n)) {
		emit_error(NULL, "NUL byte in line");
		return;
	}
	if (!utf8_valid(s, n)) {
		emit_error(NULL, "invalid UTF-8");
		return;
	}
	char err[160];
	int nw = tokenize(s, wbuf, w, MAX_WORDS, err, sizeof err);
	if (nw < 0) {
		emit_error(NULL, err);
		return;
	}
	struct node *nodes = NULL;
	int nn = 0, pos = 0;
	const char *verb = nw > 0 ? w[0] : NULL;
	if (parse_seq(w, nw, &pos, 0, &nodes, &nn, err, sizeof err) < 0) {
		emit_error(verb, err);
	} else if (pos < nw) {
		emit_error(verb, !strcmp(w[pos], "}") ? "unbalanced braces: unexpected '}'"
						      : "one command a line (';' only inside repeat)");
	} else if (nn != 1) {
		emit_error(verb, "one command a line");
	} else {
		struct ctx x = {0};
		sb_reset(&res);
		x.res = &res;
		int st = exec_node(&x, &nodes[0]);
		if (st == ST_ERROR) {
			emit_error(verb, x.msg);
		} else {
			if (quitting)
				cleanup();
			obj_begin(&out, "result");
			sb_printf(&out, ",\"req\":%d,\"cmd\":", req_no);
			sb_jstr(&out, verb);
			if (st == ST_OK) {
				sb_puts(&out, ",\"ok\":true");
			} else if (st == ST_ERRNO) {
				sb_puts(&out, ",\"ok\":false,\"errno\":");
				sb_jstr(&out, errno_name(x.err));
			} else if (st == ST_TIMEOUT) {
				sb_puts(&out, ",\"ok\":false,\"timeout\":true,\"message\":");
				sb_jstr(&out, x.msg);
			} else {
				sb_puts(&out, ",\"ok\":false,\"message\":");
				sb_jstr(&out, x.msg);
				if (x.err) {
					sb_puts(&out, ",\"errno\":");
					sb_jstr(&out, errno_name(x.err));
				}
			}
			if (res.len)
				sb_putn(&out, res.p, res.len);
			obj_end(&out);
		}
	}
	free_nodes(nodes, nn);
	free(nodes);
}

static void hello(void)
{
	struct sbuf b = {0};
	struct ctx x = {0};
	x.res = &b;
	h_hello(&x);
	struct sbuf o = {0};
	obj_begin(&o, "hello");
	sb_putn(&o, b.p, b.len);
	obj_end(&o);
	free(b.p);
	free(o.p);
}

static void on_death(int sig)
{
	(void)sig;
	dying = 1;
}

/* SIGTERM as PR_SET_PDEATHSIG, not SIGKILL: a SIGKILLed agent could not kill
 * and reap its lab, and main's children would outlive it. */
static void arm_death_signal(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_death;
	sigemptyset(&sa.sa_mask);
	sigset_t block;
	sigemptyset(&block);
	for (const int *s = (const int[]){SIGTERM, SIGHUP, SIGINT, 0}; *s; s++) {
		sigaction(*s, &sa, NULL);
		sigaddset(&block, *s);
	}
	sigprocmask(SIG_BLOCK, &block, &poll_mask);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "--lab"))
		lab_main(atoi(argv[2]), atoi(argv[3]), atol(argv[4]), atoi(argv[5]));
	ssize_t sl = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
	self_exe[sl > 0 ? sl : 0] = 0;
	pid_t ppid0 = getppid();
	agent_pid = getpid();
	setsid(); /* fails harmlessly when we already lead a process group */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	arm_death_signal();
	if (getppid() != ppid0)
		return 1; /* our parent died before the death signal was armed */
	signal(SIGPIPE, SIG_IGN);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		nofile_soft_orig = (long)rl.rlim_cur;
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	kpagecount_fd = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	hello();
	static char in[LINE_MAX_BYTES + 2];
	size_t len = 0;
	int skipping = 0, eof = 0;
	while (!quitting && !eof) {
		if (!pump(-1, 1))
			continue;
		ssize_t n = read(0, in + len, sizeof in - 1 - len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			eof = 1;
		} else if (n == 0) {
			eof = 1;
		}
		if (n > 0)
			len += (size_t)n;
		for (;;) {
			char *nl = memchr(in, '\n', len);
			if (!nl) {
				if (len >= sizeof in - 1) {
					/* longer than a line may be: drop it up to its end */
					if (!skipping) {
						req_no++;
						emit_error(NULL, "line longer than 64 KiB");
					}
					skipping = 1;
					len = 0;
				} else if (eof && len) {
					in[len] = 0;
					if (!skipping)
						process_line(in, len);
					len = 0;
				}
				break;
			}
			size_t l = (size_t)(nl - in);
			*nl = 0;
			if (skipping)
				skipping = 0;
			else if (l > LINE_MAX_BYTES) {
				req_no++;
				emit_error(NULL, "line longer than 64 KiB");
			} else
				process_line(in, l);
			memmove(in, nl + 1, len - l - 1);
			len -= l + 1;
			if (quitting)
				break;
		}
	}
	if (!quitting)
		cleanup();
	return 0;
}
