#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

static void sb_grow(struct sbuf *b, size_t add)
{
	if (b->len + add + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + add + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		abort(); /* the agent cannot go on without memory */
	b->p = p;
	b->cap = cap;
}

void sb_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = 0;
}

void sb_putn(struct sbuf *b, const char *s, size_t n)
{
	sb_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void sb_puts(struct sbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	sb_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* length of the valid UTF-8 sequence at s, 0 when invalid */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	unsigned cp = c & (0x3f >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq(u + i, n - i);
		if (!l)
			return 0;
		i += l;
	}
	return 1;
}

void sb_jstrn(struct sbuf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	sb_grow(b, n + 2);
	sb_putn(b, "\"", 1);
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			sb_putn(b, e, 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			if (c == '\n')
				sb_putn(b, "\\n", 2);
			else if (c == '\t')
				sb_putn(b, "\\t", 2);
			else if (c == '\r')
				sb_putn(b, "\\r", 2);
			else
				sb_printf(b, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			sb_putn(b, (const char *)u + i, 1);
			i++;
		} else {
			size_t l = utf8_seq(u + i, n - i);
			if (l) {
				sb_putn(b, (const char *)u + i, l);
				i += l;
			} else {
				/* a byte that is not UTF-8 keeps its value as a lone
				 * surrogate U+DC80..U+DCFF (Python's surrogateescape):
				 * the reader can show it as \xNN */
				sb_printf(b, "\\udc%02x", c);
				i++;
			}
		}
	}
	sb_putn(b, "\"", 1);
}

void sb_jstr(struct sbuf *b, const char *s)
{
	if (!s)
		sb_puts(b, "null");
	else
		sb_jstrn(b, s, strlen(s));
}

int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

const char *errno_name(int e)
{
	static char buf[16];
	const char *n = strerrorname_np(e);
	if (n)
		return n;
	snprintf(buf, sizeof buf, "E%d", e);
	return buf;
}

static const char *const SIGNAMES[32] = {
	NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
	"SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
	"SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

int signal_number(const char *s)
{
	int64_t v;
	if (parse_i64(s, 0, 64, &v) == 0)
		return (int)v;
	const char *n = strncmp(s, "SIG", 3) == 0 ? s + 3 : s;
	for (int i = 1; i < 32; i++)
		if (!strcmp(SIGNAMES[i] + 3, n))
			return i;
	if (!strncmp(n, "RTMIN+", 6) && parse_i64(n + 6, 0, 30, &v) == 0)
		return 34 + (int)v;
	return -1;
}

const char *signal_name(int sig, char buf[16])
{
	if (sig > 0 && sig < 32)
		return SIGNAMES[sig];
	if (sig >= 34 && sig <= 64)
		snprintf(buf, 16, "SIGRTMIN+%d", sig - 34);
	else
		snprintf(buf, 16, "%d", sig);
	return buf;
}

static const struct {
	const char *name;
	int res;
} RLIMITS[] = {
	{"AS", RLIMIT_AS}, {"CORE", RLIMIT_CORE}, {"CPU", RLIMIT_CPU}, {"DATA", RLIMIT_DATA},
	{"FSIZE", RLIMIT_FSIZE}, {"LOCKS", RLIMIT_LOCKS}, {"MEMLOCK", RLIMIT_MEMLOCK},
	{"MSGQUEUE", RLIMIT_MSGQUEUE}, {"NICE", RLIMIT_NICE}, {"NOFILE", RLIMIT_NOFILE},
	{"NPROC", RLIMIT_NPROC}, {"RSS", RLIMIT_RSS}, {"RTPRIO", RLIMIT_RTPRIO},
	{"RTTIME", RLIMIT_RTTIME}, {"SIGPENDING", RLIMIT_SIGPENDING}, {"STACK", RLIMIT_STACK},
};

int rlimit_number(const char *s)
{
	if (!strncmp(s, "RLIMIT_", 7))
		s += 7;
	for (size_t i = 0; i < sizeof RLIMITS / sizeof RLIMITS[0]; i++)
		if (!strcmp(RLIMITS[i].name, s))
			return RLIMITS[i].res;
	return -1;
}

/* a name and its bit, for "A|B|C" lists of flags */
struct named_bit {
	const char *name;
	unsigned long bit;
};

/* "A|B|C" -> the OR of their bits; -1 for an unknown name or an empty part */
static int parse_names(const char *s, const struct named_bit *tab, size_t n, unsigned long *out)
{
	unsigned long m = 0;
	const char *p = s;
	while (*p) {
		const char *q = strchr(p, '|');
		size_t l = q ? (size_t)(q - p) : strlen(p);
		size_t i;
		for (i = 0; i < n; i++)
			if (strlen(tab[i].name) == l && !strncmp(tab[i].name, p, l))
				break;
		if (i == n)
			return -1;
		m |= tab[i].bit;
		if (!q)
			break;
		p = q + 1;
		if (!*p)
			return -1;
	}
	*out = m;
	return 0;
}

static const struct named_bit CLONES[] = {
	{"CLONE_VM", 0x100}, {"CLONE_FS", 0x200}, {"CLONE_FILES", 0x400},
	{"CLONE_SIGHAND", 0x800}, {"CLONE_PIDFD", 0x1000}, {"CLONE_PTRACE", 0x2000},
	{"CLONE_VFORK", 0x4000}, {"CLONE_PARENT", 0x8000}, {"CLONE_THREAD", 0x10000},
	{"CLONE_NEWNS", 0x20000}, {"CLONE_SYSVSEM", 0x40000}, {"CLONE_SETTLS", 0x80000},
	{"CLONE_PARENT_SETTID", 0x100000}, {"CLONE_CHILD_CLEARTID", 0x200000},
	{"CLONE_UNTRACED", 0x800000}, {"CLONE_CHILD_SETTID", 0x1000000},
	{"CLONE_NEWCGROUP", 0x2000000}, {"CLONE_NEWUTS", 0x4000000}, {"CLONE_NEWIPC", 0x8000000},
	{"CLONE_NEWUSER", 0x10000000}, {"CLONE_NEWPID", 0x20000000},
	{"CLONE_NEWNET", 0x40000000}, {"CLONE_IO", 0x80000000UL},
};

/* "CLONE_VM|CLONE_FS", "0", or a number; the signal byte must stay free */
int clone_flags_parse(const char *s, unsigned long *out)
{
	int64_t v;
	if (parse_i64(s, 0, 0xffffff00LL, &v) == 0) {
		*out = (unsigned long)v;
		return (v & 0xff) ? -1 : 0;
	}
	if (!strncmp(s, "0x", 2)) {
		char *e;
		errno = 0;
		unsigned long x = strtoul(s + 2, &e, 16);
		if (errno || *e || e == s + 2 || (x & 0xff) || x > 0xffffffffUL)
			return -1;
		*out = x;
		return 0;
	}
	return parse_names(s, CLONES, sizeof CLONES / sizeof CLONES[0], out);
}

void msg_attach_fd(struct msghdr *mh, union fd_cmsg *u, int fd)
{
	if (fd < 0)
		return;
	memset(u, 0, sizeof *u);
	mh->msg_control = u->buf;
	mh->msg_controllen = sizeof u->buf;
	struct cmsghdr *cm = CMSG_FIRSTHDR(mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof fd);
}

int wait_opts_parse(const char *s, int *out)
{
	static const struct named_bit W[] = {
		{"WNOHANG", WNOHANG}, {"WUNTRACED", WUNTRACED}, {"WSTOPPED", WUNTRACED},
		{"WCONTINUED", WCONTINUED}, {"WNOWAIT", WNOWAIT}, {"__WALL", (unsigned long)__WALL},
		{"__WCLONE", __WCLONE}, {"__WNOTHREAD", __WNOTHREAD}};
	if (!strcmp(s, "0") || !strcmp(s, "-")) {
		*out = 0;
		return 0;
	}
	unsigned long m;
	if (parse_names(s, W, sizeof W / sizeof W[0], &m) < 0)
		return -1;
	*out = (int)m;
	return 0;
}

int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s || !*s)
		return -1;
	const char *p = s;
	int neg = 0;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (!*p)
		return -1;
	int64_t v = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (INT64_MAX - (*p - '0')) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	ssize_t n = write(fd, s, strlen(s));
	int e = n < 0 ? errno : 0;
	close(fd);
	return e;
}
