/* The lab's tracefs instance (trace.h): its life, its events, and draining
 * its per-CPU ring buffers without ever blocking the poll loop.
 * perf-tools style: an instance of our own, restored on every exit path. */
#define _GNU_SOURCE
#include "trace.h"
#include "agent.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define TRACEFS_MAGIC 0x74726163
#define TRACEFS_DIR "/sys/kernel/tracing"
#define PAGE_BYTES 4096
#define MAX_STORED (256L * 1024 * 1024 / PAGE_BYTES) /* pages kept between reads */
#define MAX_EVENTS 64

struct page {
	uint32_t cpu, len;
	unsigned char data[PAGE_BYTES];
};

static struct {
	int open, mounted, ncpu;
	char name[64];
	char dir[600];          /* the instance's directory */
	int *fds;               /* per-CPU trace_pipe_raw, O_NONBLOCK */
	struct page *pages;     /* drained, not yet read */
	long npages, cap;
	long dropped;           /* pages thrown away past MAX_STORED */
	int64_t last_drain;
	char events[MAX_EVENTS][96]; /* enabled, to disable at the end */
	int nevents;
} tr = {.ncpu = 0};

/* /proc/PID/stat field 22, the start time in clock ticks since boot: with
 * the pid it names one process for good (a pid is reused, this pair never). */
static unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *p = strrchr(buf, ')'); /* comm may hold ')' and blanks */
	if (!p)
		return 0;
	/* after ") " come fields 3.. : skip 19 of them to reach field 22 */
	p += 2;
	for (int i = 0; i < 19 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

static int is_tracefs(const char *dir)
{
	struct statfs s;
	return statfs(dir, &s) == 0 && (unsigned long)s.f_type == TRACEFS_MAGIC;
}

/* tracefs at TRACEFS_DIR: the machine's, or ours, mounted in a mount
 * namespace of our own (it goes away with us, however we end). Never
 * /sys/kernel/debug/tracing: looking there would automount it for all. */
static int mount_tracefs(char *msg, size_t msglen)
{
	if (is_tracefs(TRACEFS_DIR))
		return 0;
	if (unshare(CLONE_NEWNS) < 0) {
		int e = errno;
		snprintf(msg, msglen, "tracefs is not mounted and unshare(CLONE_NEWNS) to mount it: %s%s",
			 errno_name(e), e == EPERM ? " (tracing needs root)" : "");
		return e;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("nodev", TRACEFS_DIR, "tracefs", 0, NULL) < 0) {
		int e = errno;
		snprintf(msg, msglen, "mount -t tracefs nodev %s: %s", TRACEFS_DIR, errno_name(e));
		return e;
	}
	tr.mounted = 1;
	return 0;
}

/* Instances of agents that are gone (crashed, SIGKILLed) are removed: their
 * names carry the owner's pid and start time. Returns how many. */
static int clean_stale(void)
{
	DIR *d = opendir(TRACEFS_DIR "/instances");
	if (!d)
		return 0;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		int pid;
		unsigned long long st;
		if (sscanf(de->d_name, "proclab-%d-%llu", &pid, &st) != 2)
			continue;
		if (pid > 0 && start_time(pid) == st)
			continue; /* its agent runs */
		char path[600];
		snprintf(path, sizeof path, TRACEFS_DIR "/instances/%s", de->d_name);
		if (rmdir(path) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int trace_is_open(void)
{
	return tr.open;
}

int trace_open(long buffer_kb, char *msg, size_t msglen)
{
	if (tr.open)
		return 0;
	int e = mount_tracefs(msg, msglen);
	if (e)
		return e;
	clean_stale();
	snprintf(tr.name, sizeof tr.name, "proclab-%d-%llu", getpid(), start_time(getpid()));
	snprintf(tr.dir, sizeof tr.dir, TRACEFS_DIR "/instances/%s", tr.name);
	if (mkdir(tr.dir, 0700) < 0) {
		e = errno;
		snprintf(msg, msglen, "mkdir %s: %s%s", tr.dir, errno_name(e),
			 e == EACCES || e == EPERM ? " (tracing needs root)" : "");
		tr.dir[0] = 0;
		trace_close();
		return e;
	}
	tr.open = 1;
	char path[700], num[32];
	snprintf(num, sizeof num, "%ld", buffer_kb);
	struct {
		const char *file, *value;
	} set[] = {{"tracing_on", "0"}, {"buffer_size_kb", num}, {"trace_clock", "mono"}};
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", tr.dir, set[i].file);
		if ((e = write_text(path, set[i].value))) {
			snprintf(msg, msglen, "writing %s to %s: %s", set[i].value, path, errno_name(e));
			trace_close();
			return e;
		}
	}
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	if (ncpu < 1)
		ncpu = 1;
	tr.fds = malloc((size_t)ncpu * sizeof *tr.fds);
	if (!tr.fds)
		abort();
	tr.ncpu = (int)ncpu;
	for (int c = 0; c < tr.ncpu; c++) {
		snprintf(path, sizeof path, "%s/per_cpu/cpu%d/trace_pipe_raw", tr.dir, c);
		tr.fds[c] = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	}
	snprintf(path, sizeof path, "%s/tracing_on", tr.dir);
	write_text(path, "1");
	tr.last_drain = mono_ns();
	return 0;
}

void trace_describe(struct sbuf *res)
{
	sb_puts(res, ",\"instance\":");
	sb_jstr(res, tr.open ? tr.name : NULL);
	sb_puts(res, ",\"path\":");
	sb_jstr(res, tr.open ? tr.dir : NULL);
	sb_printf(res, ",\"mounted\":%s,\"cpus\":%d", tr.mounted ? "true" : "false", tr.ncpu);
}

/* SYSTEM/EVENT: two names of letters, digits and '_' */
static int event_ok(const char *ev)
{
	const char *slash = strchr(ev, '/');
	if (!slash || slash == ev || !slash[1] || strchr(slash + 1, '/') || strlen(ev) > 90)
		return 0;
	for (const char *p = ev; *p; p++)
		if (p != slash && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				    (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

int trace_format(const char *event, struct sbuf *res, char *msg, size_t msglen)
{
	if (!event_ok(event)) {
		snprintf(msg, msglen, "not an event: %.90s (SYSTEM/EVENT)", event);
		return EINVAL;
	}
	char path[800];
	snprintf(path, sizeof path, "%s/events/%s/format", tr.dir, event);
	struct sbuf f = {0};
	int e = read_file(path, &f);
	if (e) {
		snprintf(msg, msglen, "reading %s: %s", path, errno_name(e));
	} else {
		sb_puts(res, ",\"format\":");
		sb_jstrn(res, f.p ? f.p : "", f.len);
	}
	free(f.p);
	return e;
}

int trace_enable(const char *event, const char *filter, struct sbuf *res, char *msg, size_t msglen)
{
	if (!tr.open) {
		snprintf(msg, msglen, "no trace instance: trace open first");
		return EINVAL;
	}
	int e = trace_format(event, res, msg, msglen);
	if (e)
		return e;
	char path[800];
	if (filter && *filter) {
		snprintf(path, sizeof path, "%s/events/%s/filter", tr.dir, event);
		if ((e = write_text(path, filter))) {
			snprintf(msg, msglen, "writing the filter of %s: %s", event, errno_name(e));
			return e;
		}
	}
	snprintf(path, sizeof path, "%s/events/%s/enable", tr.dir, event);
	if ((e = write_text(path, "1"))) {
		snprintf(msg, msglen, "enabling %s: %s", event, errno_name(e));
		return e;
	}
	int known = 0;
	for (int i = 0; i < tr.nevents; i++)
		known |= !strcmp(tr.events[i], event);
	if (!known && tr.nevents < MAX_EVENTS)
		snprintf(tr.events[tr.nevents++], sizeof tr.events[0], "%s", event);
	return 0;
}

int trace_trigger(const char *event, const char *trigger, char *msg, size_t msglen)
{
	if (!tr.open || !event_ok(event)) {
		snprintf(msg, msglen, tr.open ? "not an event: %.90s" : "no trace instance: trace open first", event);
		return EINVAL;
	}
	char path[800];
	snprintf(path, sizeof path, "%s/events/%s/trigger", tr.dir, event);
	int e = write_text(path, trigger);
	if (e)
		snprintf(msg, msglen, "writing the trigger of %s: %s", event, errno_name(e));
	return e;
}

static void keep_page(int cpu, const unsigned char *buf, ssize_t n)
{
	if (n < 16)
		return;
	/* the page header: u64 timestamp, then commit, whose low 30 bits are the
	 * data's length (bit 31: events were lost; bit 30: their count follows
	 * the data): keep the header, the data and that count */
	uint64_t commit;
	memcpy(&commit, buf + 8, 8);
	size_t len = 16 + (size_t)(commit & ((1u << 30) - 1)) + 8;
	if (len > (size_t)n)
		len = (size_t)n;
	if (tr.npages >= MAX_STORED) {
		tr.dropped++;
		return;
	}
	if (tr.npages == tr.cap) {
		tr.cap = tr.cap ? tr.cap * 2 : 64;
		tr.pages = realloc(tr.pages, (size_t)tr.cap * sizeof *tr.pages);
		if (!tr.pages)
			abort();
	}
	struct page *p = &tr.pages[tr.npages++];
	p->cpu = (uint32_t)cpu;
	p->len = (uint32_t)len;
	memcpy(p->data, buf, len);
}

void trace_drain(void)
{
	static unsigned char buf[PAGE_BYTES];
	if (!tr.open)
		return;
	for (int c = 0; c < tr.ncpu; c++) {
		if (tr.fds[c] < 0)
			continue;
		/* bounded: a CPU that writes as fast as we read must not hold us */
		for (int i = 0; i < 4096; i++) {
			ssize_t n = read(tr.fds[c], buf, sizeof buf);
			if (n <= 0)
				break;
			keep_page(c, buf, n);
		}
	}
	tr.last_drain = mono_ns();
}

void trace_tick(void)
{
	if (tr.open && mono_ns() - tr.last_drain >= TRACE_DRAIN_NS)
		trace_drain();
}

int64_t trace_poll_cap(int64_t timeout_ns)
{
	if (!tr.open)
		return timeout_ns;
	int64_t left = tr.last_drain + TRACE_DRAIN_NS - mono_ns();
	if (left < 0)
		left = 0;
	return timeout_ns < 0 || timeout_ns > left ? left : timeout_ns;
}

static void base64(struct sbuf *b, const unsigned char *s, size_t n)
{
	static const char T[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char out[4];
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? s[i + 2] : 0);
		out[0] = T[v >> 18 & 63];
		out[1] = T[v >> 12 & 63];
		out[2] = i + 1 < n ? T[v >> 6 & 63] : '=';
		out[3] = i + 2 < n ? T[v & 63] : '=';
		sb_putn(b, out, 4);
	}
}

/* overrun, commit overrun and dropped events of one CPU's buffer */
static long long lost_on(int cpu)
{
	char path[800];
	snprintf(path, sizeof path, "%s/per_cpu/cpu%d/stats", tr.dir, cpu);
	struct sbuf s = {0};
	long long lost = 0;
	if (read_file(path, &s) == 0 && s.p) {
		static const char *const keys[] = {"\noverrun: ", "\ncommit overrun: ", "\ndropped events: "};
		for (size_t k = 0; k < 3; k++) {
			char *p = strstr(s.p, keys[k]);
			if (p)
				lost += strtoll(p + strlen(keys[k]), NULL, 10);
		}
	}
	free(s.p);
	return lost;
}

void trace_read(struct sbuf *res, int keep)
{
	trace_drain();
	long long lost = 0;
	for (int c = 0; c < tr.ncpu; c++)
		lost += lost_on(c);
	long long bytes = 0;
	for (long i = 0; i < tr.npages; i++)
		bytes += tr.pages[i].len;
	sb_printf(res, ",\"now\":%lld,\"lost_events\":%lld,\"dropped_pages\":%ld,\"npages\":%ld,\"bytes\":%lld",
		  (long long)mono_ns(), lost, tr.dropped, tr.npages, bytes);
	if (keep) {
		sb_puts(res, ",\"pages\":[");
		for (long i = 0; i < tr.npages; i++) {
			sb_printf(res, "%s[%u,\"", i ? "," : "", tr.pages[i].cpu);
			base64(res, tr.pages[i].data, tr.pages[i].len);
			sb_puts(res, "\"]");
		}
		sb_puts(res, "]");
	}
	tr.npages = 0;
	if (tr.cap > 4096) { /* give back what a burst took */
		free(tr.pages);
		tr.pages = NULL;
		tr.cap = 0;
	}
}

void trace_settle(void)
{
	/* MEMBARRIER_CMD_GLOBAL waits for an RCU grace period (synchronize_rcu):
	 * task_struct, pid, cred and signal_struct are freed in RCU callbacks */
	syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
	/* a CPU that ran an exiting task keeps its mm as a lazy TLB until it
	 * switches to another process: visit each CPU so that it drops it */
	cpu_set_t old, one;
	if (sched_getaffinity(0, sizeof old, &old) == 0) {
		for (int c = 0; c < tr.ncpu && c < CPU_SETSIZE; c++) {
			if (!CPU_ISSET(c, &old))
				continue;
			CPU_ZERO(&one);
			CPU_SET(c, &one);
			if (sched_setaffinity(0, sizeof one, &one) == 0)
				sched_yield();
		}
		sched_setaffinity(0, sizeof old, &old);
	}
	struct timespec ts = {0, 5000000};
	nanosleep(&ts, NULL);
}

void trace_close(void)
{
	char path[800];
	if (tr.dir[0]) {
		snprintf(path, sizeof path, "%s/tracing_on", tr.dir);
		write_text(path, "0");
		for (int i = 0; i < tr.nevents; i++) {
			snprintf(path, sizeof path, "%s/events/%s/enable", tr.dir, tr.events[i]);
			write_text(path, "0");
		}
	}
	tr.nevents = 0;
	for (int c = 0; c < tr.ncpu && tr.fds; c++)
		if (tr.fds[c] >= 0)
			close(tr.fds[c]);
	free(tr.fds);
	tr.fds = NULL;
	tr.ncpu = 0;
	/* rmdir answers EBUSY while a file of the instance is open: retry briefly */
	for (int i = 0; tr.dir[0] && i < 100; i++) {
		if (rmdir(tr.dir) == 0 || errno == ENOENT)
			break;
		struct timespec ts = {0, 5000000};
		nanosleep(&ts, NULL);
	}
	tr.dir[0] = 0;
	tr.open = 0;
	free(tr.pages);
	tr.pages = NULL;
	tr.npages = tr.cap = 0;
	if (tr.mounted) {
		umount2(TRACEFS_DIR, 0); /* in our own mount namespace */
		tr.mounted = 0;
	}
}

int trace_clean_main(void)
{
	char msg[256];
	if (mount_tracefs(msg, sizeof msg)) {
		printf("{\"ok\":false,\"message\":\"%s\"}\n", msg);
		return 1;
	}
	int n = clean_stale();
	if (tr.mounted)
		umount2(TRACEFS_DIR, 0);
	printf("{\"ok\":true,\"removed\":%d}\n", n);
	return 0;
}
