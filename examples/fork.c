/* fork.c, the "buf" example of the reading group's slides (LKD chapter 3,
 * "fork() & exec()"), as the slides print it: fork copies the process, so
 * child and parent each start from buf = 1; the child then execs ls -al, and
 * the parent waits for it. Try: proclab watch -- ./fork */
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t p;
	int status;
	int buf = 1;
	(void)argc;
	(void)argv;

	p = fork();
	if (p == -1) {
		perror("fork\n");
		return -1;
	} else if (p == 0) {
		printf("this is child, value of buf = %d\n", buf);
		buf += 10;
		printf("child add 10 to the buf, then value of buf = %d\n", buf);
		execlp("ls", "ls", "-al", NULL);
		exit(1);
	} else {
		printf("this is parent, value of buf = %d\n", buf);
		buf += 20;
		printf("parent add 20 to the buf, then value of buf = %d\n", buf);
		wait(&status);
		exit(1);
	}
	return 1;
}
