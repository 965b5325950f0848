// SIGTERM / SIGSTOP sent to a PTRACE_SEIZE+INTERRUPT tracee, then the tracer exits.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <string.h>
static char state(pid_t p){char b[256],*c;FILE*f;snprintf(b,sizeof b,"/proc/%d/stat",p);f=fopen(b,"r");if(!f)return '-';fgets(b,sizeof b,f);fclose(f);c=strrchr(b,')');return c[2];}
#include <string.h>
int main(int argc,char**argv){
  int sig = argc>1 && argv[1][0]=='S' ? SIGSTOP : SIGTERM;
  pid_t kid=fork(); if(!kid){for(;;)pause();}
  int p[2]; pipe(p);
  pid_t tr=fork(); if(!tr){ptrace(PTRACE_SEIZE,kid,0,0);ptrace(PTRACE_INTERRUPT,kid,0,0);int st;waitpid(kid,&st,__WALL);write(p[1],"x",1);pause();}
  char c; read(p[0],&c,1); usleep(50000);
  printf("after attach: %c\n",state(kid));
  kill(kid,sig); usleep(100000);
  printf("after %s: %c\n",strsignal(sig),state(kid));
  kill(tr,SIGKILL); waitpid(tr,NULL,0); usleep(100000);
  printf("after tracer exit: %c\n",state(kid));
  int st; if(waitpid(kid,&st,WNOHANG|WUNTRACED)>0) printf("wait status 0x%x\n",st);
  kill(kid,SIGKILL); waitpid(kid,NULL,0); return 0;}
