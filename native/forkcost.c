/* The fork-cost benchmark's shared pieces (forkcost.h). */
#define _GNU_SOURCE
#include "forkcost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define FC_PAGE 4096UL
#define FC_MIB (1UL << 20)

int fc_map(struct fc_mem *m, long max_mib)
{
	memset(m, 0, sizeof *m);
	m->len = (size_t)max_mib * FC_MIB;
	void *p = mmap(NULL, m->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	/* huge pages would turn fork's copy of 512 entries into one of a PMD */
	madvise(p, m->len, MADV_NOHUGEPAGE);
	m->base = p;
	return 0;
}

void fc_write_to(struct fc_mem *m, long mib)
{
	size_t end = (size_t)mib * FC_MIB;
	if (end > m->len)
		end = m->len;
	for (size_t o = m->written; o < end; o += FC_PAGE)
		((volatile char *)m->base)[o] = 1;
	if (end > m->written)
		m->written = end;
}

void fc_unmap(struct fc_mem *m)
{
	if (m->base)
		munmap(m->base, m->len);
	m->base = NULL;
}

long fc_point(long max_mib, int i, int n)
{
	return (long)((long long)max_mib * i / (n - 1));
}

long fc_mem_available_mib(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "MemAvailable:", 13))
			kb = strtol(line + 13, NULL, 10);
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

int64_t fc_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double fc_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
