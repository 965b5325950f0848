/* Tests of proclab-agent through its protocol: each test spawns the agent,
 * writes command lines, and checks the JSON lines it answers (plain string
 * checks). Every agent is reaped; timeouts everywhere (alarm, poll). */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <dirent.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

static const char *agent_bin;
static pid_t spawned[16];
static int nspawned;

/* after a test (also one that stopped early): the agent leads its own
 * session, so its group holds it and every lab process */
static void kill_spawned(void)
{
	for (int i = 0; i < nspawned; i++) {
		kill(-spawned[i], SIGKILL);
		kill(spawned[i], SIGKILL);
		waitpid(spawned[i], NULL, 0);
	}
	nspawned = 0;
}

struct agent {
	pid_t pid;
	int in, out;
	char buf[1 << 20];
	size_t len;
	char events[1 << 16]; /* event lines seen since the last command */
	size_t elen;
};

static int agent_spawn_as(struct agent *a, int nobody)
{
	int pi[2], po[2];
	memset(a, 0, sizeof *a);
	if (pipe2(pi, O_CLOEXEC) < 0 || pipe2(po, O_CLOEXEC) < 0)
		return -1;
	a->pid = fork();
	if (a->pid < 0)
		return -1;
	if (a->pid == 0) {
		dup2(pi[0], 0);
		dup2(po[1], 1);
		if (nobody) {
			execl("/usr/bin/setpriv", "setpriv", "--reuid=65534", "--regid=65534",
			      "--clear-groups", agent_bin, (char *)NULL);
			_exit(126);
		}
		execl(agent_bin, agent_bin, (char *)NULL);
		_exit(127);
	}
	close(pi[0]);
	close(po[1]);
	if (nspawned < 16)
		spawned[nspawned++] = a->pid;
	a->in = pi[1];
	a->out = po[0];
	return 0;
}

/* the next line from the agent, or NULL on EOF/timeout; valid until the next call */
static char *agent_line(struct agent *a, int timeout_ms)
{
	static char line[1 << 20];
	for (;;) {
		char *nl = memchr(a->buf, '\n', a->len);
		if (nl) {
			size_t l = (size_t)(nl - a->buf);
			if (l >= sizeof line)
				l = sizeof line - 1;
			memcpy(line, a->buf, l);
			line[l] = 0;
			memmove(a->buf, nl + 1, a->len - (size_t)(nl - a->buf) - 1);
			a->len -= (size_t)(nl - a->buf) + 1;
			return line;
		}
		struct pollfd pf = {a->out, POLLIN, 0};
		if (poll(&pf, 1, timeout_ms) <= 0)
			return NULL;
		if (a->len == sizeof a->buf)
			a->len = 0;
		ssize_t n = read(a->out, a->buf + a->len, sizeof a->buf - a->len);
		if (n <= 0)
			return NULL;
		a->len += (size_t)n;
	}
}

static void agent_send(struct agent *a, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(a->in, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* sends one command line; returns its result or error line (events before
 * it are kept in a->events) */
static char *cmd(struct agent *a, const char *fmt, ...)
{
	char l[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(l, sizeof l - 1, fmt, ap);
	va_end(ap);
	l[n++] = '\n';
	agent_send(a, l, (size_t)n);
	a->elen = 0;
	a->events[0] = 0;
	for (;;) {
		char *r = agent_line(a, 20000);
		if (!r)
			return "";
		if (strstr(r, "\"type\":\"result\"") || strstr(r, "\"type\":\"error\""))
			return r;
		size_t rl = strlen(r);
		if (a->elen + rl + 2 < sizeof a->events) {
			memcpy(a->events + a->elen, r, rl);
			a->elen += rl;
			a->events[a->elen++] = '\n';
			a->events[a->elen] = 0;
		}
	}
}

static int agent_start(struct agent *a)
{
	if (agent_spawn_as(a, 0) < 0)
		return -1;
	char *h = agent_line(a, 10000);
	return h && strstr(h, "\"type\":\"hello\"") ? 0 : -1;
}

/* closes stdin and reaps the agent; its exit status */
static int agent_close(struct agent *a)
{
	close(a->in);
	while (agent_line(a, 15000))
		;
	int st = -1;
	struct timespec ts = {0, 10000000};
	for (int i = 0; i < 1500; i++) {
		pid_t r = waitpid(a->pid, &st, WNOHANG);
		if (r == a->pid)
			break;
		if (i == 1499) {
			kill(a->pid, SIGKILL);
			waitpid(a->pid, &st, 0);
		}
		nanosleep(&ts, NULL);
	}
	close(a->out);
	return st;
}

/* the number after "key": (first occurrence), or LLONG_MIN */
static long long jnum(const char *s, const char *key)
{
	char k[128];
	snprintf(k, sizeof k, "\"%s\":", key);
	const char *p = strstr(s, k);
	if (!p)
		return INT64_MIN;
	p += strlen(k);
	if (*p == '"')
		p++;
	return strtoll(p, NULL, 10);
}

/* the string value of "key" (raw, escapes kept), in a static buffer */
static const char *jstr(const char *s, const char *key)
{
	static char out[1 << 16];
	char k[128];
	snprintf(k, sizeof k, "\"%s\":\"", key);
	const char *p = strstr(s, k);
	if (!p)
		return NULL;
	p += strlen(k);
	size_t o = 0;
	while (*p && *p != '"' && o < sizeof out - 1) {
		if (*p == '\\' && p[1])
			out[o++] = *p++;
		out[o++] = *p++;
	}
	out[o] = 0;
	return out;
}

static int ok(const char *r)
{
	return strstr(r, "\"ok\":true") != NULL;
}

/* state letter from an observe's stat, cut at the last ')' */
static char stat_state(const char *r)
{
	const char *st = jstr(r, "stat");
	if (!st)
		return 0;
	const char *p = strrchr(st, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

static int is_root(void)
{
	return geteuid() == 0;
}

static int proc_alive(pid_t pid)
{
	return pid > 0 && kill(pid, 0) == 0;
}

TEST(zombie_then_wait)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	ASSERT_TRUE(ok(cmd(a, "fork main kid")));
	ASSERT_TRUE(ok(cmd(a, "exit kid 1")));
	char *r = cmd(a, "observe kid");
	EXPECT_TRUE(strstr(r, "\"exists\":true") != NULL);
	EXPECT_EQ(stat_state(r), 'Z');
	r = cmd(a, "wait main kid");
	EXPECT_TRUE(ok(r));
	EXPECT_EQ(jnum(r, "status"), 256);
	EXPECT_STREQ(jstr(r, "name"), "kid");
	r = cmd(a, "observe main");
	EXPECT_TRUE(strstr(r, "\"wait\":{\"pid\":") != NULL);
	EXPECT_TRUE(strstr(r, "\"status\":256}") != NULL);
	r = cmd(a, "observe kid");
	EXPECT_TRUE(strstr(r, "\"exists\":false") != NULL);
	EXPECT_EQ(agent_close(a), 0);
}

TEST(vfork_parent_in_D_then_resumed)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	char *r = cmd(a, "vfork main v");
	ASSERT_TRUE(ok(r));
	r = cmd(a, "observe main");
	EXPECT_EQ(stat_state(r), 'D');
	r = cmd(a, "set v x 1");
	EXPECT_TRUE(strstr(r, "\"type\":\"error\"") != NULL);
	r = cmd(a, "exit v 0");
	EXPECT_TRUE(ok(r));
	EXPECT_TRUE(strstr(a->events, "\"event\":\"resumed\",\"name\":\"main\",\"child\":\"v\"") != NULL);
	r = cmd(a, "observe main");
	EXPECT_TRUE(stat_state(r) != 'D');
	r = cmd(a, "wait main v");
	EXPECT_EQ(jnum(r, "status"), 0);
	EXPECT_EQ(agent_close(a), 0);
}

/* counts pagemap entries with bit 56 (exclusive), and kpagecount > 1 */
static void count_frames(const char *r, int *present, int *excl, int *shared, int *has_kpc)
{
	*present = *excl = *shared = 0;
	*has_kpc = 0;
	const char *p = strstr(r, "\"pagemap\":[");
	if (!p)
		return;
	p += 11;
	while (*p == '"') {
		unsigned long long e = strtoull(p + 1, NULL, 16);
		if (e >> 63)
			(*present)++;
		if ((e >> 63) && ((e >> 56) & 1))
			(*excl)++;
		p = strchr(p + 1, '"') + 1;
		if (*p == ',')
			p++;
	}
	const char *k = strstr(r, "\"kpagecount\":[");
	if (!k)
		return;
	*has_kpc = 1;
	k += 14;
	while (*k && *k != ']') {
		long c = strtol(k, (char **)&k, 10);
		if (c > 1)
			(*shared)++;
		if (*k == ',')
			k++;
	}
}

TEST(cow_pagemap_half_written_by_child)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	ASSERT_TRUE(ok(cmd(a, "map main heap 256")));
	ASSERT_TRUE(ok(cmd(a, "touch main heap all write")));
	ASSERT_TRUE(ok(cmd(a, "fork main kid")));
	ASSERT_TRUE(ok(cmd(a, "touch kid heap 0-127 write")));
	int pr, ex, sh, kpc;
	char *r = cmd(a, "observe main heap");
	count_frames(r, &pr, &ex, &sh, &kpc);
	EXPECT_EQ(pr, 256);
	EXPECT_EQ(ex, 128);
	if (kpc)
		EXPECT_EQ(sh, 128);
	r = cmd(a, "observe kid heap");
	count_frames(r, &pr, &ex, &sh, &kpc);
	EXPECT_EQ(pr, 256);
	EXPECT_EQ(ex, 128);
	if (is_root())
		EXPECT_TRUE(kpc);
	if (kpc)
		EXPECT_EQ(sh, 128);
	/* the cost of one observe of a 256-page region (the goal: < 1 ms),
	 * best of 10; failed only past 2 ms so a loaded machine does not flake */
	long long best = 1LL << 40;
	for (int i = 0; i < 10; i++) {
		r = cmd(a, "observe kid heap");
		long long t = jnum(r, "t_us");
		if (t < best)
			best = t;
	}
	printf("#   observe of a 256-page region: %lld us%s\n", best, best >= 1000 ? " (over 1 ms!)" : "");
	EXPECT_TRUE(best < 2000);
	r = cmd(a, "touch kid heap 300 read");
	EXPECT_TRUE(strstr(r, "\"type\":\"error\"") != NULL);
	r = cmd(a, "touch kid nosuch all read");
	EXPECT_TRUE(strstr(r, "\"type\":\"error\"") != NULL);
	EXPECT_EQ(agent_close(a), 0);
}

TEST(clone_thread_shares_var)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	ASSERT_TRUE(ok(cmd(a, "set main buf 10")));
	char *r = cmd(a, "clone main th CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD -");
	ASSERT_TRUE(ok(r));
	r = cmd(a, "observe main");
	EXPECT_TRUE(strstr(r, "Threads:\\t2") != NULL);
	r = cmd(a, "add th buf 1");
	EXPECT_EQ(jnum(r, "value"), 11);
	r = cmd(a, "observe main");
	EXPECT_TRUE(strstr(r, "\"vars\":{\"buf\":11}") != NULL);
	/* a fork child gets a copy: its change stays its own */
	ASSERT_TRUE(ok(cmd(a, "fork main kid")));
	ASSERT_TRUE(ok(cmd(a, "add kid buf 5")));
	r = cmd(a, "observe main");
	EXPECT_TRUE(strstr(r, "\"vars\":{\"buf\":11}") != NULL);
	r = cmd(a, "observe kid");
	EXPECT_TRUE(strstr(r, "\"vars\":{\"buf\":16}") != NULL);
	/* a thread's exit ends that thread only */
	ASSERT_TRUE(ok(cmd(a, "exit th 0")));
	r = cmd(a, "observe main");
	EXPECT_TRUE(strstr(r, "Threads:\\t1") != NULL);
	EXPECT_EQ(agent_close(a), 0);
}

TEST(clone_invalid_combination)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	char *r = cmd(a, "clone main bad CLONE_SIGHAND -");
	EXPECT_TRUE(strstr(r, "\"ok\":false,\"errno\":\"EINVAL\"") != NULL);
	r = cmd(a, "clone main bad2 CLONE_THREAD -");
	EXPECT_TRUE(strstr(r, "\"errno\":\"EINVAL\"") != NULL);
	r = cmd(a, "observe main");
	EXPECT_TRUE(strstr(r, "\"errno\":\"EINVAL\"") != NULL);
	/* the name stays bound, for a process that never was */
	r = cmd(a, "observe bad");
	EXPECT_TRUE(ok(r) && strstr(r, "\"exists\":false") != NULL);
	r = cmd(a, "signal bad SIGTERM");
	EXPECT_TRUE(strstr(r, "\"errno\":\"ESRCH\"") != NULL);
	r = cmd(a, "wait main bad");
	EXPECT_TRUE(strstr(r, "\"errno\":\"ECHILD\"") != NULL);
	r = cmd(a, "fork bad child_of_nobody");
	EXPECT_TRUE(strstr(r, "\"taken\":false") != NULL);
	r = cmd(a, "clone main ok CLONE_VM|CLONE_FS SIGCHLD");
	EXPECT_TRUE(ok(r));
	r = cmd(a, "clone main pf CLONE_PIDFD SIGCHLD");
	EXPECT_TRUE(ok(r));
	r = cmd(a, "clone main tid CLONE_VM|CLONE_SIGHAND|CLONE_THREAD|CLONE_SETTLS|"
		   "CLONE_PARENT_SETTID|CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID -");
	EXPECT_TRUE(ok(r));
	EXPECT_TRUE(ok(cmd(a, "set tid v 2")));
	r = cmd(a, "clone main us CLONE_NEWUSER|CLONE_FS -");
	EXPECT_TRUE(strstr(r, "\"errno\":\"EINVAL\"") != NULL);
	r = cmd(a, "clone main x CLONE_NOPE -");
	EXPECT_TRUE(strstr(r, "\"type\":\"error\"") != NULL);
	EXPECT_EQ(agent_close(a), 0);
}

TEST(sigstop_T_sigcont)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	ASSERT_TRUE(ok(cmd(a, "fork main kid")));
	ASSERT_TRUE(ok(cmd(a, "signal kid SIGSTOP")));
	char *r = cmd(a, "observe kid");
	EXPECT_EQ(stat_state(r), 'T');
	r = cmd(a, "wait main kid WUNTRACED");
	EXPECT_EQ(jnum(r, "status"), 0x137f);
	ASSERT_TRUE(ok(cmd(a, "signal kid SIGCONT main")));
	r = cmd(a, "observe kid");
	EXPECT_TRUE(stat_state(r) != 'T');
	r = cmd(a, "wait main kid WCONTINUED");
	EXPECT_EQ(jnum(r, "status"), 0xffff);
	ASSERT_TRUE(ok(cmd(a, "signal kid SIGKILL")));
	r = cmd(a, "observe kid");
	EXPECT_EQ(stat_state(r), 'Z');
	EXPECT_TRUE(strstr(a->events, "exited") == NULL);
	r = cmd(a, "wait main kid");
	EXPECT_EQ(jnum(r, "status"), 9);
	EXPECT_EQ(agent_close(a), 0);
}

TEST(ptrace_shows_t)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	ASSERT_TRUE(ok(cmd(a, "fork main kid")));
	char *r = cmd(a, "ptrace main kid");
	if (!ok(r))
		SKIP("ptrace not permitted here: %s", r);
	r = cmd(a, "observe kid");
	EXPECT_EQ(stat_state(r), 't');
	EXPECT_TRUE(strstr(r, "TracerPid:\\t") != NULL);
	EXPECT_EQ(agent_close(a), 0);
}

TEST(wnohang_and_echild)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	char *r = cmd(a, "wait main any");
	EXPECT_TRUE(strstr(r, "\"errno\":\"ECHILD\"") != NULL);
	r = cmd(a, "observe main");
	EXPECT_TRUE(strstr(r, "\"errno\":\"ECHILD\",\"wait\":null") != NULL);
	ASSERT_TRUE(ok(cmd(a, "fork main kid")));
	r = cmd(a, "wait main kid WNOHANG");
	EXPECT_TRUE(ok(r));
	EXPECT_EQ(jnum(r, "pid"), 0);
	EXPECT_EQ(jnum(r, "status"), 0);
	ASSERT_TRUE(ok(cmd(a, "exit kid 7")));
	r = cmd(a, "wait main any WNOHANG|WNOWAIT");
	EXPECT_EQ(jnum(r, "status"), 7 << 8);
	r = cmd(a, "observe kid");
	EXPECT_EQ(stat_state(r), 'Z'); /* WNOWAIT left it */
	r = cmd(a, "wait main kid");
	EXPECT_EQ(jnum(r, "status"), 7 << 8);
	r = cmd(a, "wait main kid");
	EXPECT_TRUE(strstr(r, "\"errno\":\"ECHILD\"") != NULL);
	EXPECT_EQ(agent_close(a), 0);
}

TEST(pidns_main_is_1_next_is_2)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	char *r = cmd(a, "sandbox pidns");
	if (!ok(r)) {
		agent_close(a);
		SKIP("no pid namespace: %s", r);
	}
	r = cmd(a, "start");
	ASSERT_TRUE(ok(r));
	EXPECT_EQ(jnum(r, "pid"), 1);
	r = cmd(a, "fork main kid");
	EXPECT_EQ(jnum(r, "pid"), 2);
	r = cmd(a, "observe main");
	EXPECT_TRUE(strstr(r, "NSpid:\\t") != NULL);
	r = cmd(a, "observe kid");
	EXPECT_TRUE(strstr(r, "\tPPid:\\t") == NULL); /* raw text kept */
	r = cmd(a, "system");
	EXPECT_EQ(jnum(r, "ns_last_pid"), 2);
	EXPECT_EQ(agent_close(a), 0);
}

static long read_long(const char *path)
{
	char b[64] = {0};
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, b, sizeof b - 1);
	close(fd);
	return n > 0 ? strtol(b, NULL, 10) : -1;
}

TEST(pid_max_in_namespace)
{
	struct utsname u;
	int maj = 0, min = 0;
	uname(&u);
	sscanf(u.release, "%d.%d", &maj, &min);
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	long host_before = read_long("/proc/sys/kernel/pid_max");
	char *r = cmd(a, "sandbox pidns pid_max=500");
	if (maj < 6 || (maj == 6 && min < 14)) {
		EXPECT_TRUE(strstr(r, "\"ok\":false") != NULL);
		agent_close(a);
		SKIP("kernel %s has no per-namespace pid_max", u.release);
	}
	if (!ok(r) || !is_root()) {
		agent_close(a);
		SKIP("no pid namespace or not root: %s", r);
	}
	r = cmd(a, "start");
	ASSERT_TRUE(ok(r));
	r = cmd(a, "system");
	EXPECT_EQ(jnum(r, "pid_max"), 500);
	EXPECT_EQ(read_long("/proc/sys/kernel/pid_max"), host_before);
	EXPECT_EQ(agent_close(a), 0);
	/* without a namespace pid_max is refused */
	ASSERT_EQ(agent_start(a), 0);
	r = cmd(a, "sandbox pid_max=500");
	EXPECT_TRUE(strstr(r, "\"type\":\"error\"") != NULL);
	EXPECT_EQ(agent_close(a), 0);
}

TEST(pids_max_gives_EAGAIN)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	char *r = cmd(a, "sandbox pids_max=3");
	if (!ok(r)) {
		agent_close(a);
		SKIP("no pids cgroup: %s", r);
	}
	char cg[800];
	snprintf(cg, sizeof cg, "%s", jstr(r, "cgroup") ? jstr(r, "cgroup") : "");
	ASSERT_TRUE(ok(cmd(a, "start")));
	ASSERT_TRUE(ok(cmd(a, "fork main a")));
	ASSERT_TRUE(ok(cmd(a, "fork main b")));
	r = cmd(a, "fork main c");
	EXPECT_TRUE(strstr(r, "\"errno\":\"EAGAIN\"") != NULL);
	/* each iteration: the fork fails (EAGAIN), the exit of a child that
	 * never was is not taken, and its wait is ECHILD, the last failure */
	r = cmd(a, "repeat 3 { fork main w{i} ; exit w{i} 0 ; wait main w{i} }");
	EXPECT_EQ(jnum(r, "failed"), 9);
	EXPECT_TRUE(strstr(r, "\"errno\":\"ECHILD\"") != NULL);
	r = cmd(a, "repeat 2 { fork main u{i} }");
	EXPECT_EQ(jnum(r, "failed"), 2);
	EXPECT_TRUE(strstr(r, "\"errno\":\"EAGAIN\"") != NULL);
	EXPECT_EQ(agent_close(a), 0);
	struct stat sb;
	EXPECT_TRUE(cg[0] && stat(cg, &sb) < 0); /* removed at exit */
}

TEST(repeat_fast_and_unrolled)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	char *r = cmd(a, "repeat 200 { fork main w{i} ; exit w{i} 3 ; wait main w{i} }");
	EXPECT_TRUE(ok(r));
	EXPECT_EQ(jnum(r, "iterations"), 200);
	EXPECT_EQ(jnum(r, "failed"), 0);
	EXPECT_TRUE(strstr(r, "\"fast\":true") != NULL);
	EXPECT_TRUE(strstr(r, "\"w199\"]") != NULL);
	r = cmd(a, "observe main");
	EXPECT_TRUE(strstr(r, "\"name\":\"w199\",\"status\":768") != NULL);
	r = cmd(a, "observe w7");
	EXPECT_TRUE(strstr(r, "\"exists\":false") != NULL);
	/* a body the fast path does not take is unrolled, nested too */
	r = cmd(a, "repeat 3 { fork main k{i} ; repeat 2 { add main x 1 } ; exit k{i} 0 }");
	EXPECT_TRUE(ok(r));
	EXPECT_EQ(jnum(r, "failed"), 0);
	EXPECT_TRUE(strstr(r, "\"names\":[\"k0\",\"k1\",\"k2\"]") != NULL);
	r = cmd(a, "observe k2");
	EXPECT_EQ(stat_state(r), 'Z');
	r = cmd(a, "observe main");
	EXPECT_TRUE(strstr(r, "\"x\":6") != NULL);
	/* {i} is the innermost iteration: k{i} inside the inner repeat is k0, k1 */
	r = cmd(a, "repeat 2 { repeat 2 { add k{i} y 1 } }");
	EXPECT_EQ(jnum(r, "failed"), 4); /* k0 and k1 are zombies: errors */
	/* binding a bound name fails inside repeat, counted */
	r = cmd(a, "repeat 2 { fork main same ; exit same 0 ; wait main same }");
	EXPECT_EQ(jnum(r, "failed"), 3);
	r = cmd(a, "repeat 2 { observe main }");
	EXPECT_EQ(jnum(r, "failed"), 2);
	EXPECT_EQ(agent_close(a), 0);
}

TEST(exec_output_and_errno)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	ASSERT_TRUE(ok(cmd(a, "fork main kid")));
	char *r = cmd(a, "exec kid /nonexistent/prog");
	EXPECT_TRUE(strstr(r, "\"errno\":\"ENOENT\"") != NULL);
	r = cmd(a, "exec kid sh -c \"echo hi there; exit 5\"");
	EXPECT_TRUE(ok(r));
	r = cmd(a, "wait main kid");
	EXPECT_EQ(jnum(r, "status"), 5 << 8);
	r = cmd(a, "pause 50");
	(void)r;
	/* output arrived as events at some point before now */
	EXPECT_TRUE(1);
	ASSERT_TRUE(ok(cmd(a, "fork main k2")));
	r = cmd(a, "exec k2 sleep 5");
	EXPECT_TRUE(ok(r));
	r = cmd(a, "observe k2");
	EXPECT_TRUE(strstr(r, "(sleep)") != NULL);
	r = cmd(a, "set k2 x 1"); /* a program takes no lab step */
	EXPECT_TRUE(strstr(r, "\"taken\":false,\"blocked\":true") != NULL);
	/* a task sharing main's fd table: its exec is seen all the same */
	ASSERT_TRUE(ok(cmd(a, "clone main cf CLONE_FILES SIGCHLD")));
	r = cmd(a, "exec cf /bin/true");
	EXPECT_TRUE(ok(r));
	r = cmd(a, "wait main cf");
	EXPECT_EQ(jnum(r, "status"), 0);
	r = cmd(a, "observe agent");
	EXPECT_TRUE(ok(r) && strstr(r, "(proclab-agent)") != NULL);
	EXPECT_EQ(agent_close(a), 0);
}

/* an exec that waits in de_thread for a traced zombie thread answers
 * "blocked" (it does not hang the step), takes no step, and goes on when the
 * tracer waits for the zombie: an "execd" event, then the program runs */
TEST(exec_waits_in_de_thread)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	ASSERT_TRUE(ok(cmd(a, "fork main p")));
	ASSERT_TRUE(ok(cmd(a, "clone p t2 CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD -")));
	ASSERT_TRUE(ok(cmd(a, "fork main c1")));
	ASSERT_TRUE(ok(cmd(a, "ptrace c1 t2")));
	char *r = cmd(a, "exec p sleep 30");
	EXPECT_TRUE(ok(r) && strstr(r, "\"blocked\":true") != NULL);
	r = cmd(a, "observe p");
	EXPECT_TRUE(strstr(r, "(proclab-agent) D ") != NULL);
	r = cmd(a, "observe t2");
	EXPECT_TRUE(strstr(r, "(proclab-agent) Z ") != NULL);
	r = cmd(a, "set p x 1");
	EXPECT_TRUE(strstr(r, "\"taken\":false,\"blocked\":true") != NULL);
	r = cmd(a, "wait c1 t2 0"); /* its trap stop was never reported: the zombie is */
	EXPECT_EQ(jnum(r, "status"), 0);
	EXPECT_TRUE(strstr(a->events, "\"event\":\"execd\",\"name\":\"p\"") != NULL);
	r = cmd(a, "observe p");
	EXPECT_TRUE(strstr(r, "(sleep) S ") != NULL);
	EXPECT_EQ(agent_close(a), 0);
}

TEST(exec_output_event)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	ASSERT_TRUE(ok(cmd(a, "fork main kid")));
	ASSERT_TRUE(ok(cmd(a, "exec kid /bin/echo hello \"two words\"")));
	char all[1 << 16];
	snprintf(all, sizeof all, "%s", a->events); /* output may come before exec's result */
	char *r = cmd(a, "wait main kid");
	EXPECT_EQ(jnum(r, "status"), 0);
	strncat(all, a->events, sizeof all - strlen(all) - 1);
	r = cmd(a, "pause 20");
	strncat(all, a->events, sizeof all - strlen(all) - 1);
	EXPECT_TRUE(strstr(all, "\"event\":\"output\",\"name\":\"kid\",\"text\":\"hello two words\\n\"") != NULL);
	EXPECT_EQ(agent_close(a), 0);
}

TEST(malformed_input)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	static const char *bad[] = {
		"frobnicate",
		"fork main",
		"start now",
		"hold main notanumber",
		"fork nosuch kid",
		"repeat 3 { fork main w{i}",
		"repeat 3 fork main w{i} }",
		"}",
		"repeat x { names }",
		"exit main 99999999999999999999",
		"touch main heap 5-2 write",
		"signal main SIGNOPE",
		"exec main \"unterminated",
		"sandbox bogus",
		"fork main 9bad",
		"wait main any WNOPE",
	};
	char *r = cmd(a, "start");
	ASSERT_TRUE(ok(r));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = cmd(a, "%s", bad[i]);
		if (!strstr(r, "\"type\":\"error\""))
			HARNESS_FAIL("no error for '%s': %s", bad[i], r);
	}
	/* an overlong line, then binary junk and invalid UTF-8 */
	size_t big = 70000;
	char *l = malloc(big + 1);
	memset(l, 'x', big);
	l[big] = '\n';
	agent_send(a, l, big + 1);
	free(l);
	r = agent_line(a, 10000);
	EXPECT_TRUE(r && strstr(r, "\"type\":\"error\"") && strstr(r, "64 KiB"));
	agent_send(a, "\x01\x02\xff\xfe\x00junk\n", 10);
	r = agent_line(a, 10000);
	EXPECT_TRUE(r && strstr(r, "\"type\":\"error\""));
	agent_send(a, "fork main \xc3\x28\n", 13);
	r = agent_line(a, 10000);
	EXPECT_TRUE(r && strstr(r, "\"type\":\"error\""));
	/* comments and blank lines are not counted; the agent goes on */
	agent_send(a, "# comment\n\n", 11);
	r = cmd(a, "names");
	EXPECT_TRUE(ok(r));
	EXPECT_EQ(jnum(r, "req"), 21);
	/* found by AgentFuzzTest: a line of exactly 64 KiB that ends inside a
	 * surrogate pair ("\ud800\u") made the tokenizer read past the line
	 * buffer looking for the low half (seen under -fsanitize=address) */
	size_t full = 65536;
	char *s = malloc(full + 1);
	memset(s, 'z', full);
	s[0] = '"';
	memcpy(s + full - 8, "\\ud800\\u", 8);
	s[full] = '\n';
	agent_send(a, s, full + 1);
	free(s);
	r = agent_line(a, 10000);
	EXPECT_TRUE(r && strstr(r, "\"type\":\"error\"") && strstr(r, "bad character"));
	EXPECT_TRUE(ok(cmd(a, "names")));
	EXPECT_EQ(agent_close(a), 0);
}

/* the agent's open pidfds */
static int count_pidfds(pid_t pid)
{
	char dir[64], path[128], link[64];
	int n = 0;
	snprintf(dir, sizeof dir, "/proc/%d/fd", pid);
	for (int fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof path, "%s/%d", dir, fd);
		ssize_t l = readlink(path, link, sizeof link - 1);
		if (l <= 0)
			continue;
		link[l] = 0;
		n += strstr(link, "pidfd") != NULL;
	}
	return n;
}

/* found while fuzzing (the agent's fds after a session): each ended thread kept its pidfd open
 * in the agent until the lab ended */
TEST(ended_threads_hold_no_fd)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	int before = count_pidfds(a->pid);
	for (int i = 0; i < 20; i++) {
		char *r = cmd(a, "clone main th%d CLONE_VM|CLONE_SIGHAND|CLONE_THREAD -", i);
		ASSERT_TRUE(ok(r));
		ASSERT_TRUE(ok(cmd(a, "exit th%d 0", i)));
	}
	/* the last thread's pidfd may not have been seen yet: a command later it has */
	ASSERT_TRUE(ok(cmd(a, "pause 20")));
	int after = count_pidfds(a->pid);
	if (after > before)
		HARNESS_FAIL("pidfds: %d before, %d after 20 threads ended", before, after);
	EXPECT_EQ(agent_close(a), 0);
}

static int pids_from_names(const char *r, pid_t *out, int max)
{
	int n = 0;
	const char *p = strstr(r, "\"names\":[");
	if (!p)
		return 0;
	p += 9;
	while ((p = strstr(p, "[\"")) && n < max) {
		p = strchr(p + 2, '"');
		if (!p)
			break;
		long pid, host;
		if (sscanf(p, "\",%ld,%ld", &pid, &host) == 2 && host > 0)
			out[n++] = (pid_t)host;
	}
	return n;
}

TEST(eof_cleanup_leaves_nothing)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	ASSERT_TRUE(ok(cmd(a, "fork main z")));
	ASSERT_TRUE(ok(cmd(a, "exit z 0")));
	ASSERT_TRUE(ok(cmd(a, "fork main s")));
	ASSERT_TRUE(ok(cmd(a, "signal s SIGSTOP")));
	ASSERT_TRUE(ok(cmd(a, "fork main b")));
	ASSERT_TRUE(ok(cmd(a, "fork b bkid")));
	ASSERT_TRUE(ok(cmd(a, "block b")));
	ASSERT_TRUE(strstr(cmd(a, "fork b bkid2"), "\"taken\":false") != NULL); /* b is blocked */
	ASSERT_TRUE(ok(cmd(a, "fork main h")));
	ASSERT_TRUE(ok(cmd(a, "hold h 60000")));
	ASSERT_TRUE(ok(cmd(a, "fork main v0")));
	ASSERT_TRUE(ok(cmd(a, "vfork v0 v")));
	ASSERT_TRUE(ok(cmd(a, "fork main e")));
	ASSERT_TRUE(ok(cmd(a, "exec e sleep 60")));
	ASSERT_TRUE(ok(cmd(a, "fork main p")));
	ASSERT_TRUE(ok(cmd(a, "fork p gone")));
	ASSERT_TRUE(ok(cmd(a, "exit p 0"))); /* gone is now an orphan */
	ASSERT_TRUE(ok(cmd(a, "clone main th CLONE_VM|CLONE_SIGHAND|CLONE_THREAD -")));
	pid_t pids[64];
	int n = pids_from_names(cmd(a, "names"), pids, 64);
	EXPECT_TRUE(n >= 10);
	EXPECT_EQ(agent_close(a), 0);
	for (int i = 0; i < n; i++)
		if (proc_alive(pids[i]))
			HARNESS_FAIL("pid %d is still there", pids[i]);
}

TEST(quit_and_probe)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	char *r = cmd(a, "probe");
	EXPECT_TRUE(ok(r));
	static const char *caps[] = {"root", "pid-namespace", "user-namespace", "slabinfo",
				     "pagemap-pfn", "ptrace", "cgroup-pids", "setuid", "tracefs"};
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		char k[64];
		snprintf(k, sizeof k, "\"%s\":{\"ok\":", caps[i]);
		if (!strstr(r, k))
			HARNESS_FAIL("probe lacks %s", caps[i]);
	}
	if (is_root())
		EXPECT_TRUE(strstr(r, "\"root\":{\"ok\":true") != NULL);
	ASSERT_TRUE(ok(cmd(a, "start")));
	ASSERT_TRUE(ok(cmd(a, "fork main kid")));
	r = cmd(a, "slabinfo");
	if (is_root())
		EXPECT_TRUE(strstr(r, "task_struct") != NULL);
	pid_t pids[8];
	int n = pids_from_names(cmd(a, "names"), pids, 8);
	r = cmd(a, "quit");
	EXPECT_TRUE(ok(r));
	EXPECT_EQ(agent_close(a), 0);
	for (int i = 0; i < n; i++)
		EXPECT_TRUE(!proc_alive(pids[i]));
}

/* an agent of uid 65534 (through setpriv), its hello read; -1 when this cannot be */
static int agent_start_nobody(struct agent *a)
{
	if (!is_root() || access("/usr/bin/setpriv", X_OK) < 0 || agent_spawn_as(a, 1) < 0)
		return -1;
	char *h = agent_line(a, 10000);
	return h && strstr(h, "\"uid\":65534") ? 0 : -1;
}

TEST(unprivileged_agent)
{
	struct agent *a = calloc(1, sizeof *a);
	if (agent_start_nobody(a) < 0)
		SKIP("cannot run an agent as uid 65534 (needs root and /usr/bin/setpriv)");
	char *r = cmd(a, "probe");
	EXPECT_TRUE(strstr(r, "\"root\":{\"ok\":false") != NULL);
	EXPECT_TRUE(strstr(r, "\"pagemap-pfn\":{\"ok\":false") != NULL);
	ASSERT_TRUE(ok(cmd(a, "start")));
	ASSERT_TRUE(ok(cmd(a, "map main heap 4")));
	ASSERT_TRUE(ok(cmd(a, "touch main heap all write")));
	ASSERT_TRUE(ok(cmd(a, "fork main kid")));
	ASSERT_TRUE(ok(cmd(a, "exit kid 2")));
	r = cmd(a, "observe main heap");
	EXPECT_TRUE(strstr(r, "\"pagemap\":[") != NULL);
	EXPECT_TRUE(strstr(r, "\"kpagecount\"") == NULL);
	r = cmd(a, "wait main kid");
	EXPECT_EQ(jnum(r, "status"), 512);
	r = cmd(a, "setuid main 0");
	EXPECT_TRUE(strstr(r, "\"errno\":\"EPERM\"") != NULL);
	EXPECT_EQ(agent_close(a), 0);
	/* a pid namespace (with pid_max) without privilege: in a user namespace */
	ASSERT_EQ(agent_spawn_as(a, 1), 0);
	ASSERT_TRUE(agent_line(a, 10000) != NULL);
	r = cmd(a, "sandbox pidns pid_max=400");
	if (!ok(r)) {
		agent_close(a);
		SKIP("no unprivileged pid namespace here: %s", r);
	}
	EXPECT_TRUE(strstr(r, "\"userns\":true") != NULL);
	r = cmd(a, "start");
	ASSERT_TRUE(ok(r));
	EXPECT_EQ(jnum(r, "pid"), 1);
	r = cmd(a, "fork main kid");
	EXPECT_EQ(jnum(r, "pid"), 2);
	r = cmd(a, "system");
	EXPECT_EQ(jnum(r, "pid_max"), 400);
	r = cmd(a, "observe main");
	EXPECT_TRUE(strstr(r, "\"vars\":{}") != NULL);
	EXPECT_EQ(agent_close(a), 0);
}

/* Whether tracefs holds an instance of this agent (proclab-PID-...), looked
 * at from a child in a mount namespace of its own: 1, 0, or -1 (cannot look). */
static int instance_of(pid_t agent)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	pid_t c = fork();
	if (c == 0) {
		char r = 'x';
		if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
		    (access("/sys/kernel/tracing/instances", F_OK) == 0 ||
		     mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0)) {
			DIR *d = opendir("/sys/kernel/tracing/instances");
			char want[64];
			snprintf(want, sizeof want, "proclab-%d-", agent);
			r = '0';
			struct dirent *de;
			while (d && (de = readdir(d)))
				if (!strncmp(de->d_name, want, strlen(want)))
					r = '1';
			if (d)
				closedir(d);
		}
		if (write(p[1], &r, 1) != 1)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	char r = 'x';
	struct pollfd pf = {p[0], POLLIN, 0};
	if (poll(&pf, 1, 10000) > 0 && read(p[0], &r, 1) != 1)
		r = 'x';
	close(p[0]);
	waitpid(c, NULL, 0);
	return r == '1' ? 1 : r == '0' ? 0 : -1;
}

TEST(trace_instance_records_and_teardown)
{
	if (!is_root())
		SKIP("tracing needs root");
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	EXPECT_TRUE(strstr(cmd(a, "trace read"), "\"type\":\"error\"") != NULL); /* no instance yet */
	char *r = cmd(a, "trace open");
	if (!ok(r)) {
		agent_close(a);
		SKIP("no tracefs instance here: %s", r);
	}
	char want[64];
	snprintf(want, sizeof want, "\"instance\":\"proclab-%d-", a->pid);
	EXPECT_TRUE(strstr(r, want) != NULL);
	EXPECT_EQ(instance_of(a->pid), 1);
	r = cmd(a, "trace enable task/task_newtask");
	EXPECT_TRUE(ok(r) && strstr(r, "\"format\":\"name: task_newtask") != NULL);
	EXPECT_TRUE(ok(cmd(a, "trace enable kmem/kmem_cache_alloc \"bytes_req > 4096\"")));
	EXPECT_TRUE(strstr(cmd(a, "trace enable ../../tracing_on"), "\"type\":\"error\"") != NULL);
	EXPECT_TRUE(!ok(cmd(a, "trace enable sched/no_such_event")));
	EXPECT_TRUE(!ok(cmd(a, "trace enable kmem/kmem_cache_alloc \"no_such_field == 1\"")));
	ASSERT_TRUE(ok(cmd(a, "fork main kid")));
	r = cmd(a, "trace read");
	EXPECT_TRUE(ok(r));
	EXPECT_TRUE(jnum(r, "npages") >= 1);
	EXPECT_EQ(jnum(r, "lost_events"), 0);
	EXPECT_TRUE(strstr(r, "\"pages\":[[") != NULL);
	EXPECT_TRUE(ok(cmd(a, "trace settle")));
	r = cmd(a, "trace read count");
	EXPECT_TRUE(ok(r) && strstr(r, "\"pages\"") == NULL);
	EXPECT_TRUE(ok(cmd(a, "trace close")));
	EXPECT_EQ(instance_of(a->pid), 0);
	/* open again, and let the end of the lab tear it down */
	ASSERT_TRUE(ok(cmd(a, "trace open")));
	pid_t pid = a->pid;
	EXPECT_EQ(agent_close(a), 0);
	EXPECT_EQ(instance_of(pid), 0);
}

TEST(trace_instance_of_a_killed_agent_is_cleaned)
{
	if (!is_root())
		SKIP("tracing needs root");
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	char *r = cmd(a, "trace open");
	if (!ok(r)) {
		agent_close(a);
		SKIP("no tracefs instance here: %s", r);
	}
	pid_t pid = a->pid;
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(instance_of(pid), 1); /* nobody could remove it */
	pid_t c = fork();
	if (c == 0) {
		int dn = open("/dev/null", O_WRONLY);
		dup2(dn, 1);
		execl(agent_bin, agent_bin, "--trace-clean", (char *)NULL);
		_exit(127);
	}
	int st = -1;
	waitpid(c, &st, 0);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	EXPECT_EQ(instance_of(pid), 0);
}

TEST(trace_needs_root)
{
	struct agent *a = calloc(1, sizeof *a);
	if (agent_start_nobody(a) < 0)
		SKIP("cannot run an agent as uid 65534 (needs root and /usr/bin/setpriv)");
	char *r = cmd(a, "trace open");
	EXPECT_TRUE(!ok(r) && strstr(r, "tracing needs root") != NULL);
	EXPECT_TRUE(strstr(cmd(a, "trace read"), "\"type\":\"error\"") != NULL);
	r = cmd(a, "probe");
	EXPECT_TRUE(strstr(r, "\"tracefs\":{\"ok\":false") != NULL);
	EXPECT_EQ(agent_close(a), 0);
	free(a);
}

/* a "Key:\t  N kB" line of an observe's status (escaped in the JSON), or -1 */
static long status_kb(const char *r, const char *key)
{
	const char *st = jstr(r, "status");
	char k[64];
	snprintf(k, sizeof k, "%s:", key);
	const char *p = st ? strstr(st, k) : NULL;
	if (!p)
		return -1;
	p += strlen(k);
	while (*p == '\\' || *p == 't' || *p == ' ')
		p++;
	return strtol(p, NULL, 10);
}

/* VmPTE (mm_pgtables_bytes) of a region in its own 512 GiB slot: nothing for
 * a mapping alone; a PTE page per 2 MiB block touched, a PMD page per GiB, one
 * PUD page; a fork child's equals its parent's, a vfork child's is its
 * parent's (one mm) */
TEST(region_page_tables)
{
	struct agent *a = calloc(1, sizeof *a);
	ASSERT_EQ(agent_start(a), 0);
	ASSERT_TRUE(ok(cmd(a, "start")));
	ASSERT_TRUE(ok(cmd(a, "set main ready 1")));
	long v0 = status_kb(cmd(a, "observe main"), "VmPTE");
	ASSERT_TRUE(v0 > 0);
	char *r = cmd(a, "map main r 1024");
	ASSERT_TRUE(ok(r));
	EXPECT_TRUE(strstr(r, "\"addr\":\"100000000000\"") != NULL);
	EXPECT_EQ(status_kb(cmd(a, "observe main"), "VmPTE"), v0);
	ASSERT_TRUE(ok(cmd(a, "touch main r all write")));
	EXPECT_EQ(status_kb(cmd(a, "observe main"), "VmPTE"), v0 + 4 * (2 + 1 + 1));
	r = cmd(a, "map main s 513");
	EXPECT_TRUE(strstr(r, "\"addr\":\"108000000000\"") != NULL);
	ASSERT_TRUE(ok(cmd(a, "touch main s 512-512 write")));
	long v1 = status_kb(cmd(a, "observe main"), "VmPTE");
	EXPECT_EQ(v1, v0 + 4 * (2 + 1 + 1) + 4 * (1 + 1 + 1));
	ASSERT_TRUE(ok(cmd(a, "fork main kid")));
	EXPECT_EQ(status_kb(cmd(a, "observe kid"), "VmPTE"), v1);
	ASSERT_TRUE(ok(cmd(a, "vfork main v")));
	EXPECT_EQ(status_kb(cmd(a, "observe v"), "VmPTE"), v1);
	ASSERT_TRUE(ok(cmd(a, "exit v 0")));
	EXPECT_EQ(agent_close(a), 0);
	free(a);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-proclab-agent\n", argv[0]);
		return 2;
	}
	agent_bin = argv[1];
	signal(SIGPIPE, SIG_IGN);
	harness_after = kill_spawned;
	return harness_main(argc, argv);
}
