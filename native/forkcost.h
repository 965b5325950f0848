/* What the fork-cost benchmark's two loops share: the agent's
 * (agent/bench.c) and the plain one (forkloop.c cost). The caller's written
 * memory, one anonymous mapping written a range at a time; the sizes
 * measured; the clock; the median. */
#ifndef PROCLAB_FORKCOST_H
#define PROCLAB_FORKCOST_H

#include <stddef.h>
#include <stdint.h>

/* untimed calls before each size's timed ones: on a VM the first calls after a
 * pause wait for the host to wake the other, halted vCPU (hundreds of µs);
 * a fresh process also faults in its own code first, so the first size gets
 * more of them */
#define FC_WARMUP 5
#define FC_WARMUP_FIRST 50

struct fc_mem {
	char *base;
	size_t len;     /* bytes mapped */
	size_t written; /* bytes written so far, from the start */
};

/* maps max_mib MiB of 4 KiB pages (MADV_NOHUGEPAGE: whatever THP says); 0 or -1 with errno */
int fc_map(struct fc_mem *m, long max_mib);
/* writes one byte in every page up to mib MiB (pages already written are left alone) */
void fc_write_to(struct fc_mem *m, long mib);
void fc_unmap(struct fc_mem *m);
/* the i-th of n sizes evenly spaced from 0 to max_mib (n >= 2) */
long fc_point(long max_mib, int i, int n);
/* MemAvailable of /proc/meminfo in MiB, or -1 */
long fc_mem_available_mib(void);
int64_t fc_now_ns(void);
/* the median of v[0..n) (sorts v) */
double fc_median(double *v, int n);

#endif
