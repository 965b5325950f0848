// A non-leader thread calls execve(sleep): which pid runs sleep, and is the thread's tid still there?
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
static int p[2];
static void *thr(void *a){ pid_t tid=syscall(SYS_gettid); write(p[1],&tid,sizeof tid); usleep(100000); execl("/bin/sleep","sleep","30",(char*)0); return 0; }
int main(){
  pipe(p);
  pid_t kid=fork();
  if(!kid){ pthread_t t; pthread_create(&t,0,thr,0); for(;;) pause(); }
  pid_t tid; read(p[0],&tid,sizeof tid); usleep(400000);
  char b[256]; FILE*f; snprintf(b,sizeof b,"/proc/%d/comm",kid); f=fopen(b,"r"); fgets(b,sizeof b,f); fclose(f);
  printf("kid (tgid %d) comm: %s", kid, b);
  snprintf(b,sizeof b,"/proc/%d/task/%d",kid,tid); printf("thread tid %d still there: %s\n", tid, access(b,F_OK)==0?"yes":"no");
  snprintf(b,sizeof b,"/proc/%d",tid); printf("/proc/%d exists: %s\n", tid, access(b,F_OK)==0?"yes":"no");
  kill(kid,SIGKILL); int st; waitpid(kid,&st,0); printf("waitpid(kid) status %d\n",st);
}
