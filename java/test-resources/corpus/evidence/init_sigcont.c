// SIGSTOP (from the parent namespace) then SIGCONT to a pid namespace's init: from outside, and from inside.
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
static char state(pid_t p){char b[512],*c;FILE*f;snprintf(b,sizeof b,"/proc/%d/stat",p);f=fopen(b,"r");if(!f)return '-';fgets(b,sizeof b,f);fclose(f);c=strrchr(b,')');return c[2];}
static char stk[65536];
static int from_inside;
static int init_fn(void*a){ if(from_inside){ if(fork()==0){ sleep(1); kill(1,SIGCONT); _exit(0);} } for(;;) pause(); }
int main(){
  for(from_inside=0;from_inside<2;from_inside++){
    pid_t ns=clone(init_fn,stk+sizeof stk,CLONE_NEWPID|SIGCHLD,0);
    usleep(100000);
    kill(ns,SIGSTOP); usleep(100000);
    printf("%s: after SIGSTOP from parent ns: %c\n", from_inside?"inside":"outside", state(ns));
    if(!from_inside) kill(ns,SIGCONT);
    usleep(1500000);
    printf("%s: after SIGCONT: %c\n", from_inside?"inside":"outside", state(ns));
    kill(ns,SIGKILL); waitpid(ns,NULL,0);
  }
}
