/* waitpid.c, the zombie example of the reading group's slides (LKD chapter 3,
 * "exit() -> Zombie Process -> waitpid()"): the child exits at once; the
 * parent sleeps, and all that time the child is a zombie (ps: Z, <defunct>);
 * then waitpid reaps it and says status = 256, exit(1) << 8.
 * The slides sleep 10 s; this one sleeps 2 s (or the seconds given as its
 * argument), so that watching it does not take long: proclab watch -- ./waitpid */
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t p;
	int status;
	unsigned int seconds = argc > 1 ? (unsigned int)atoi(argv[1]) : 2;

	p = fork();
	if (p == -1) {
		perror("fork\n");
		return -1;
	} else if (p == 0) {
		printf("this is child, then exit\n");
		exit(1);
	} else {
		sleep(seconds);
		waitpid(p, &status, 0);
		printf("waitpid done, status = %d\n", status);
		exit(1);
	}
	return 1;
}
