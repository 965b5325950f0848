// The leader thread exits with SYS_exit(3), its other thread later with SYS_exit(4): what does waitpid report?
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
static void *thr(void *a){ usleep(200000); syscall(SYS_exit, 4); return 0; }
int main(){
  pid_t kid=fork();
  if(!kid){ pthread_t t; pthread_create(&t,0,thr,0); syscall(SYS_exit, 3); }
  int st; waitpid(kid,&st,0);
  printf("waitpid status %d (exit code %d)\n", st, WEXITSTATUS(st));
}
