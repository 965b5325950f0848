/* Reading a lab process without asking it: /proc text as it is, its vars and
 * regions tables with process_vm_readv, its pages with pagemap/kpagecount. */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

int read_file(const char *path, struct sbuf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	char buf[8192];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return e;
		}
		if (n == 0)
			break;
		sb_putn(out, buf, (size_t)n);
	}
	close(fd);
	return 0;
}

/* One read of a small /proc file from offset 0 (a sysctl-style file gives
 * EOF to any later offset), NUL-terminated; the bytes read, or <= 0. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n > 0)
		buf[n] = 0;
	return n;
}

/* The state letter: stat is cut at the LAST ')' since comm may hold ')'. */
int proc_state(pid_t host_pid)
{
	char path[64], buf[1024];
	if (host_pid <= 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/stat", host_pid);
	if (read_small(path, buf, sizeof buf) <= 0)
		return 0;
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return 0;
	return (unsigned char)p[2];
}

/* pidfd fdinfo "Pid:" is the pid in the agent's namespace, -1 once reaped */
pid_t pidfd_host_pid(int pidfd)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
	if (read_small(path, buf, sizeof buf) <= 0)
		return 0;
	char *p = strstr(buf, "\nPid:");
	if (!p)
		return 0;
	return (pid_t)strtol(p + 5, NULL, 10);
}

int task_exists(struct task *t)
{
	if (t->reaped || t->host_pid <= 0)
		return 0;
	if (t->pidfd >= 0 && !t->thread)
		return pidfd_host_pid(t->pidfd) > 0;
	return proc_state(t->host_pid) != 0;
}

static void put_proc_text(pid_t pid, struct sbuf *res, struct sbuf *tmp)
{
	char path[96];
	static const char *const parts[] = {"stat", "status"};
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "/proc/%d/%s", pid, parts[i]);
		sb_reset(tmp);
		if (read_file(path, tmp) == 0) {
			sb_printf(res, ",\"%s\":", parts[i]);
			sb_jstrn(res, tmp->p ? tmp->p : "", tmp->len);
		}
	}
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", pid, pid);
	sb_reset(tmp);
	if (read_file(path, tmp) == 0) {
		sb_puts(res, ",\"children\":");
		sb_jstrn(res, tmp->p ? tmp->p : "", tmp->len);
	}
	/* where it sleeps: wchan (its owner may read it), the kernel stack (root only) */
	static const char *const why[] = {"wchan", "stack"};
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "/proc/%d/%s", pid, why[i]);
		sb_reset(tmp);
		int e = read_file(path, tmp);
		/* a task that has set its state to sleep but not yet left its CPU
		 * reads 0 (get_wchan skips tasks still on the run queue): a moment */
		for (int k = 0; i == 0 && k < 40 && e == 0 && tmp->p && !strcmp(tmp->p, "0"); k++) {
			int st = proc_state(pid);
			if (st != 'S' && st != 'D' && st != 'T' && st != 't')
				break;
			struct timespec ts = {0, 250000};
			nanosleep(&ts, NULL);
			sb_reset(tmp);
			e = read_file(path, tmp);
		}
		if (e == 0) {
			sb_printf(res, ",\"%s\":", why[i]);
			sb_jstrn(res, tmp->p ? tmp->p : "", tmp->len);
		} else {
			sb_printf(res, ",\"%s_errno\":", why[i]);
			sb_jstr(res, errno_name(e));
		}
	}
}

static void put_region(pid_t pid, const struct lab_region *r, struct sbuf *res)
{
	sb_printf(res, "{\"pages\":%llu,\"addr\":\"%llx\"", (unsigned long long)r->pages,
		  (unsigned long long)r->addr);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/pagemap", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t *pm = NULL;
	size_t np = (size_t)r->pages;
	if (fd >= 0 && np > 0 && np <= (1u << 20)) {
		pm = malloc(np * 8);
		ssize_t n = pm ? pread(fd, pm, np * 8, (off_t)(r->addr / LAB_PAGE * 8)) : -1;
		if (n != (ssize_t)(np * 8)) {
			free(pm);
			pm = NULL;
		}
	}
	if (fd >= 0)
		close(fd);
	if (!pm) {
		sb_puts(res, ",\"pagemap\":null}");
		return;
	}
	sb_puts(res, ",\"pagemap\":[");
	int pfns = 0;
	for (size_t i = 0; i < np; i++) {
		sb_printf(res, "%s\"%016llx\"", i ? "," : "", (unsigned long long)pm[i]);
		if ((pm[i] >> 63) && (pm[i] & ((1ULL << 55) - 1)))
			pfns = 1;
	}
	sb_puts(res, "]");
	if (pfns && kpagecount_fd >= 0) {
		sb_puts(res, ",\"kpagecount\":[");
		for (size_t i = 0; i < np; i++) {
			uint64_t cnt = 0, pfn = pm[i] & ((1ULL << 55) - 1);
			if ((pm[i] >> 63) && pfn &&
			    pread(kpagecount_fd, &cnt, 8, (off_t)(pfn * 8)) != 8)
				cnt = 0;
			sb_printf(res, "%s%llu", i ? "," : "", (unsigned long long)cnt);
		}
		sb_puts(res, "]");
	}
	sb_puts(res, "}");
	free(pm);
}

void observe_task(struct task *t, char **regions, int nregions, struct sbuf *res)
{
	static struct sbuf tmp;
	static struct lab_tables tab;
	int64_t t0 = mono_ns();
	int exists = task_exists(t);
	sb_puts(res, ",\"name\":");
	sb_jstr(res, t->name);
	sb_printf(res, ",\"pid\":%d,\"host_pid\":%d,\"exists\":%s", t->pid, t->host_pid,
		  exists ? "true" : "false");
	if (exists) {
		put_proc_text(t->host_pid, res, &tmp);
		int st = proc_state(t->host_pid);
		if (st && st != 'Z' && st != 'X' && !t->execd && t->tables) {
			struct iovec l = {&tab, sizeof tab}, r = {(void *)(uintptr_t)t->tables, sizeof tab};
			if (process_vm_readv(t->host_pid, &l, 1, &r, 1, 0) == (ssize_t)sizeof tab) {
				sb_puts(res, ",\"vars\":{");
				for (uint32_t i = 0; i < tab.nvars && i < LAB_MAX_VARS; i++) {
					tab.vars[i].name[LAB_NAME_MAX - 1] = 0;
					sb_puts(res, i ? "," : "");
					sb_jstr(res, tab.vars[i].name);
					sb_printf(res, ":%lld", (long long)tab.vars[i].value);
				}
				sb_puts(res, "},\"regions\":{");
				for (int k = 0; k < nregions; k++) {
					sb_puts(res, k ? "," : "");
					sb_jstr(res, regions[k]);
					sb_puts(res, ":");
					uint32_t i;
					for (i = 0; i < tab.nregions && i < LAB_MAX_REGIONS; i++) {
						tab.regions[i].name[LAB_NAME_MAX - 1] = 0;
						if (!strcmp(tab.regions[i].name, regions[k]))
							break;
					}
					if (i < tab.nregions && i < LAB_MAX_REGIONS)
						put_region(t->host_pid, &tab.regions[i], res);
					else
						sb_puts(res, "null");
				}
				sb_puts(res, "}");
			}
		}
	}
	sb_puts(res, ",\"errno\":");
	if (t->err)
		sb_jstr(res, errno_name(t->err));
	else
		sb_puts(res, "null");
	sb_puts(res, ",\"wait\":");
	if (t->has_wait) {
		sb_printf(res, "{\"pid\":%d,\"name\":", t->wait_pid);
		if (t->wait_name >= 0)
			sb_jstr(res, tasks[t->wait_name]->name);
		else
			sb_puts(res, "null");
		sb_printf(res, ",\"status\":%d}", t->wait_status);
	} else {
		sb_puts(res, "null");
	}
	sb_printf(res, ",\"t_us\":%lld", (long long)((mono_ns() - t0) / 1000));
}

int observe_pid(pid_t host_pid, struct sbuf *res)
{
	static struct sbuf tmp;
	int exists = proc_state(host_pid) != 0;
	sb_printf(res, ",\"host_pid\":%d,\"exists\":%s", host_pid, exists ? "true" : "false");
	if (exists)
		put_proc_text(host_pid, res, &tmp);
	return 0;
}
