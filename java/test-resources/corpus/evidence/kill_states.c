// SIGKILL to a stopped child: which states does /proc show between the kill and the zombie?
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
static char state(pid_t p){char b[512],*c;FILE*f;snprintf(b,sizeof b,"/proc/%d/stat",p);f=fopen(b,"r");if(!f)return '-';if(!fgets(b,sizeof b,f)){fclose(f);return '-';}fclose(f);c=strrchr(b,')');return c?c[2]:'?';}
int main(int argc,char**argv){
  int rounds=argc>1?atoi(argv[1]):2000, d=0, r=0;
  for(int i=0;i<rounds;i++){
    pid_t k=fork(); if(!k){ for(;;) pause(); }
    kill(k,SIGSTOP); while(state(k)!='T');
    kill(k,SIGKILL);
    char s; int sawD=0, sawR=0;
    while((s=state(k))!='Z'){ if(s=='D') sawD=1; if(s=='R') sawR=1; }
    d+=sawD; r+=sawR; waitpid(k,NULL,0);
  }
  printf("%d kills of a stopped child: D seen before Z in %d, R in %d\n",rounds,d,r);
}
