/* The lab's own tracefs instance: tracepoints of the kernel's fork, exit,
 * wait and slab paths, recorded while a lab runs (docs/protocol.md, "trace").
 *
 * One instance per agent, named proclab-PID-STARTTIME, never the top level:
 * the machine's own tracing settings are not touched. tracefs is mounted, if
 * it is not already, in a mount namespace of the agent's own, so the mount
 * goes with the agent whatever ends it. The per-CPU ring buffers are read
 * without blocking, from the poll loop every 20 ms; Java parses the pages. */
#ifndef PROCLAB_TRACE_H
#define PROCLAB_TRACE_H

#include "util.h"

#include <stdint.h>

#define TRACE_DRAIN_NS 20000000LL /* how often the poll loop drains the buffers */

/* Makes the instance (removing stale ones of dead agents first). 0 or an
 * errno, with msg saying what failed. */
int trace_open(long buffer_kb, char *msg, size_t msglen);
int trace_is_open(void);
/* its name, its path, whether we mounted tracefs, the number of CPUs */
void trace_describe(struct sbuf *res);
/* writes FILTER (may be NULL) then enables SYSTEM/EVENT; the event's format
 * file goes into res as "format" */
int trace_enable(const char *event, const char *filter, struct sbuf *res, char *msg, size_t msglen);
int trace_trigger(const char *event, const char *trigger, char *msg, size_t msglen);
/* the text of events/SYSTEM/EVENT/format (or ftrace/kernel_stack) */
int trace_format(const char *event, struct sbuf *res, char *msg, size_t msglen);
/* non-blocking reads of every CPU's buffer into memory */
void trace_drain(void);
/* from the poll loop: drain when TRACE_DRAIN_NS have passed */
void trace_tick(void);
/* caps a poll timeout so the loop wakes up to drain */
int64_t trace_poll_cap(int64_t timeout_ns);
/* the pages drained since the last read (base64), and what was lost */
void trace_read(struct sbuf *res, int keep);
/* lets deferred work finish: an RCU grace period, a visit to every CPU */
void trace_settle(void);
/* tears everything down; safe on every path, and more than once */
void trace_close(void);
/* --trace-clean: removes the instances of agents that are gone */
int trace_clean_main(void);

#endif
