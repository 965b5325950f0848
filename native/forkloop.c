/* The plain loop the agent's `repeat` fast path is measured against:
 * fork, child _exit(0), parent waitpid, N times. Prints `forks_per_s X`.
 * `proclab-forkloop N raw` makes the same loop with the raw clone(SIGCHLD)
 * and exit_group system calls the agent uses, without glibc's fork()
 * bookkeeping (atfork handlers, allocator locks, TID caching): comparing
 * against both tells the agent's own overhead from glibc's. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t raw_fork(void)
{
	return (pid_t)syscall(SYS_clone, (unsigned long)SIGCHLD, 0UL, 0UL, 0UL, 0UL);
}

int main(int argc, char **argv)
{
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
