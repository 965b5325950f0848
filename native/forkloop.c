/* The plain loop the agent's `repeat` fast path is measured against:
 * fork, child _exit(0), parent waitpid, N times. Prints `forks_per_s X`.
 * `proclab-forkloop N raw` makes the same loop with the raw clone(SIGCHLD)
 * and exit_group system calls the agent uses, without glibc's fork()
 * bookkeeping (atfork handlers, allocator locks, TID caching): comparing
 * against both tells the agent's own overhead from glibc's.
 *
 * `proclab-forkloop cost MAX_MIB POINTS REPS [step]` is the plain loop of
 * the fork-cost benchmark (`proclab bench fork-cost`): the same sizes, memory
 * and timing as the agent's (agent/bench.c, forkcost.c), with glibc's fork();
 * prints `point MIB fork_us MEDIAN` a line. With `step` it waits for a line
 * on stdin before each size, as the agent's does. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "forkcost.h"

static pid_t raw_fork(void)
{
	return (pid_t)syscall(SYS_clone, (unsigned long)SIGCHLD, 0UL, 0UL, 0UL, 0UL);
}

static int cost(long max_mib, int points, int reps, int step)
{
	pid_t ppid = getppid();
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* ends with the benchmark that started it */
	if (getppid() != ppid)
		return 1;
	struct fc_mem mem;
	double *us = calloc((size_t)reps + FC_WARMUP_FIRST, sizeof *us);
	if (!us || fc_map(&mem, max_mib) < 0) {
		perror("mmap");
		return 1;
	}
	char go[64];
	for (int i = 0; i < points; i++) {
		if (step && !fgets(go, sizeof go, stdin))
			break; /* the caller is gone */
		long mib = fc_point(max_mib, i, points);
		fc_write_to(&mem, mib);
		int warm = i ? FC_WARMUP : FC_WARMUP_FIRST; /* the first calls are untimed */
		for (int r = 0; r < reps + warm; r++) {
			int64_t t0 = fc_now_ns();
			pid_t p = fork();
			if (p == 0)
				_exit(0);
			int64_t t1 = fc_now_ns();
			if (p < 0) {
				perror("fork");
				fc_unmap(&mem);
				return 1;
			}
			waitpid(p, NULL, 0);
			us[r] = (double)(t1 - t0) / 1e3;
		}
		printf("point %ld fork_us %.1f\n", mib, fc_median(us + warm, reps));
		fflush(stdout);
	}
	fc_unmap(&mem);
	free(us);
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "cost")) {
		long max_mib = strtol(argv[2], NULL, 10);
		int points = atoi(argv[3]), reps = atoi(argv[4]);
		int step = argc == 6 && !strcmp(argv[5], "step");
		if (max_mib < 1 || points < 2 || reps < 1 || (argc == 6 && !step)) {
			fprintf(stderr, "usage: %s cost MAX_MIB POINTS REPS [step]\n", argv[0]);
			return 2;
		}
		return cost(max_mib, points, reps, step);
	}
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
	int raw = argc > 2 && !strcmp(argv[2], "raw");
	if (n <= 0)
		n = 1;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		pid_t p = raw ? raw_fork() : fork();
		if (p < 0) {
			perror("fork");
			return 1;
		}
		if (p == 0) {
			if (raw)
				syscall(SYS_exit_group, 0);
			_exit(0);
		}
		if (waitpid(p, NULL, 0) != p) {
			perror("waitpid");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("forks_per_s %.0f\n", (double)n / s);
	return 0;
}
