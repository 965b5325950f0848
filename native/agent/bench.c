/* proclab-agent --bench fork-cost MAX_MIB POINTS REPS: what fork, vfork,
 * clone(CLONE_VM) and posix_spawn(/bin/true) cost against the memory the
 * caller has written, measured here in the agent (the JVM never forks).
 *
 * The agent maps MAX_MIB of anonymous memory once, in 4 KiB pages, and at
 * each of POINTS sizes from 0 to MAX_MIB writes up to that size, then times
 * each call REPS times after a few untimed ones: the time the caller is held (fork
 * and clone return once the child exists; vfork when the child has exited;
 * posix_spawn, a CLONE_VM|CLONE_VFORK clone in glibc, when the child has
 * exec'd). Each child is reaped before the next call, untimed. Fork is the
 * agent's own raw clone(SIGCHLD), as in a lab.
 *
 * Prints JSON lines: "bench" (the settings, the THP mode), one "point" per
 * size with each call's median in microseconds, then "done"; or "error"
 * (exit 1). With a fifth word, `step`, it waits for a line on stdin before
 * each size (and stops at EOF), so that a caller can run it in lockstep with
 * the plain loop: both then meet the same load at the same size. Every child
 * is reaped and the memory unmapped on every path. */
#define _GNU_SOURCE
#include "agent.h"
#include "sys.h"
#include "../forkcost.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

enum { B_FORK, B_VFORK, B_CLONE_VM, B_SPAWN, B_CALLS };
static const char *const call_key[B_CALLS] = {"fork_us", "vfork_us", "clone_vm_us", "posix_spawn_us"};

static char clone_stack[64 * 1024] __attribute__((aligned(16)));
static const char *true_path;

static int clone_child(void *arg)
{
	(void)arg;
	return 0; /* glibc's clone ends the child with exit(2) */
}

/* vfork's child runs on the caller's stack until _exit: keep it in a frame of its own */
static __attribute__((noinline)) pid_t vfork_exit(void)
{
	pid_t p = vfork();
	if (p == 0)
		_exit(0);
	return p;
}

/* one call, timed; the child is reaped after the clock stops. -1 with errno */
static int timed_call(int call, double *us)
{
	pid_t p = -1;
	int64_t t0 = fc_now_ns();
	switch (call) {
	case B_FORK:
		p = sys_fork();
		if (p == 0)
			sys_exit_group(0);
		break;
	case B_VFORK:
		p = vfork_exit();
		break;
	case B_CLONE_VM:
		p = clone(clone_child, clone_stack + sizeof clone_stack, CLONE_VM | SIGCHLD, NULL);
		break;
	case B_SPAWN: {
		char *argv[] = {"true", NULL}, *envp[] = {NULL};
		int e = posix_spawn(&p, true_path, NULL, NULL, argv, envp);
		if (e) {
			errno = e;
			p = -1;
		}
		break;
	}
	}
	int64_t t1 = fc_now_ns();
	if (p < 0)
		return -1;
	while (waitpid(p, NULL, __WALL) < 0 && errno == EINTR)
		;
	*us = (double)(t1 - t0) / 1e3;
	return 0;
}

static void jerror(const char *what, int e)
{
	struct sbuf b = {0};
	sb_puts(&b, "{\"type\":\"error\",\"message\":");
	char msg[256];
	snprintf(msg, sizeof msg, "%s%s%s", what, e ? ": " : "", e ? errno_name(e) : "");
	sb_jstr(&b, msg);
	sb_puts(&b, "}\n");
	fwrite(b.p, 1, b.len, stdout);
	fflush(stdout);
	free(b.p);
}

static void thp_mode(char *out, size_t n)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
	out[0] = 0;
	if (f) {
		if (!fgets(out, (int)n, f))
			out[0] = 0;
		fclose(f);
	}
	out[strcspn(out, "\n")] = 0;
}

/* waits for the caller's go (a line on stdin); 0 at EOF */
static int wait_go(void)
{
	char line[64];
	return fgets(line, sizeof line, stdin) != NULL;
}

static int fork_cost(long max_mib, int points, int reps, int step)
{
	true_path = access("/bin/true", X_OK) == 0 ? "/bin/true" : "/usr/bin/true";
	long avail = fc_mem_available_mib();
	if (avail >= 0 && max_mib * 2 > avail) {
		char m[160];
		snprintf(m, sizeof m, "--max-mib %ld needs twice that much free memory; MemAvailable is %ld MiB", max_mib, avail);
		jerror(m, 0);
		return 1;
	}
	struct fc_mem mem;
	if (fc_map(&mem, max_mib) < 0) {
		jerror("mmap of the parent's memory", errno);
		return 1;
	}
	char thp[128];
	thp_mode(thp, sizeof thp);
	struct sbuf b = {0};
	sb_printf(&b, "{\"type\":\"bench\",\"bench\":\"fork-cost\",\"max_mib\":%ld,\"points\":%d,\"reps\":%d,\"pid\":%d,\"spawn\":",
		  max_mib, points, reps, (int)getpid());
	sb_jstr(&b, true_path);
	sb_puts(&b, ",\"thp\":");
	sb_jstr(&b, thp);
	sb_puts(&b, "}\n");
	fwrite(b.p, 1, b.len, stdout);
	fflush(stdout);
	double *us = calloc((size_t)reps, sizeof *us);
	int rc = 0;
	int i;
	for (i = 0; i < points && !rc; i++) {
		if (step && !wait_go())
			break;
		long mib = fc_point(max_mib, i, points);
		fc_write_to(&mem, mib);
		sb_reset(&b);
		sb_printf(&b, "{\"type\":\"point\",\"mib\":%ld", mib);
		for (int c = 0; c < B_CALLS && !rc; c++) {
			for (int r = i ? -FC_WARMUP : -FC_WARMUP_FIRST; r < reps; r++) {
				double warm, *t = r < 0 ? &warm : &us[r];
				if (timed_call(c, t) < 0) {
					jerror(call_key[c], errno);
					rc = 1;
					break;
				}
			}
			if (!rc)
				sb_printf(&b, ",\"%s\":%.1f", call_key[c], fc_median(us, reps));
		}
		if (!rc) {
			sb_puts(&b, "}\n");
			fwrite(b.p, 1, b.len, stdout);
			fflush(stdout);
		}
	}
	if (!rc && i == points)
		fputs("{\"type\":\"done\"}\n", stdout);
	fflush(stdout);
	free(us);
	free(b.p);
	fc_unmap(&mem);
	return rc;
}

int bench_main(int argc, char **argv)
{
	/* dies with whoever started it; a child of ours never lives past its call */
	pid_t ppid = getppid();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != ppid)
		return 1;
	int64_t max_mib, points, reps;
	int step = argc == 5 && !strcmp(argv[4], "step");
	if ((argc != 4 && !step) || strcmp(argv[0], "fork-cost") || parse_i64(argv[1], 1, 1 << 20, &max_mib) < 0 ||
	    parse_i64(argv[2], 2, 1000, &points) < 0 || parse_i64(argv[3], 1, 100000, &reps) < 0) {
		jerror("usage: proclab-agent --bench fork-cost MAX_MIB(1..1048576) POINTS(2..1000) REPS(1..100000) [step]", 0);
		return 2;
	}
	return fork_cost((long)max_mib, (int)points, (int)reps, step);
}
