// Reads every page of a fresh anonymous mapping, then counts pagemap's present and exclusive bits.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
int main(int argc,char**argv){
  size_t pages=strtoul(argv[1],0,0); int nohuge=argc>2;
  volatile char *p=mmap(0,pages*4096,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0);
  if(nohuge) madvise((void*)p,pages*4096,MADV_NOHUGEPAGE);
  char s=0; for(size_t i=0;i<pages;i++) s+=p[i*4096];
  int fd=open("/proc/self/pagemap",O_RDONLY); uint64_t *pm=malloc(pages*8);
  pread(fd,pm,pages*8,((uintptr_t)p/4096)*8);
  size_t pr=0,ex=0; for(size_t i=0;i<pages;i++){ if(pm[i]>>63&1){pr++; if(pm[i]>>56&1) ex++;} }
  printf("%zu pages%s: present %zu exclusive %zu (pfn of page 0: %llx)\n",pages,nohuge?" (MADV_NOHUGEPAGE)":"",pr,ex,(unsigned long long)(pm[0]&((1ULL<<55)-1)));
  return s;
}
