/* Messages between the agent and its lab processes (SOCK_SEQPACKET: one
 * message per send, so no framing), and the per-mm tables that observe reads
 * with process_vm_readv. */
#ifndef PROCLAB_PROTO_H
#define PROCLAB_PROTO_H

#include <stdint.h>

#define LAB_NAME_MAX 64       /* names: at most 63 bytes + NUL */
#define LAB_DATA_MAX 65536    /* exec argv or script, packed */
#define LAB_MAX_VARS 64
#define LAB_MAX_REGIONS 32
#define LAB_PAGE 4096UL

enum lab_op {
	OP_FORK = 1, OP_VFORK, OP_CLONE, OP_EXEC, OP_EXIT, OP_KILL, OP_WAIT,
	OP_HOLD, OP_BLOCK, OP_SPIN, OP_SET, OP_ADD, OP_MAP, OP_TOUCH,
	OP_SUBREAPER, OP_IGNORE, OP_SETUID, OP_RLIMIT, OP_PTRACE, OP_SYSREAD,
	OP_SCRIPT, OP_SETPGID, OP_SETSID, OP_HANDLE, OP_MASK,
};

/* setpgid's pgid for a process the caller cannot name (another pid namespace,
 * or a name that never was a process): a number no pid can be, so the kernel
 * finds no such group (EPERM), as for any pgid without a group */
#define LAB_NO_SUCH_PID 0x7fffffff

/* agent -> lab process; a fd may ride along (SCM_RIGHTS) */
struct lab_cmd {
	uint32_t op, seq;
	int32_t a, b, c;
	int64_t x, y;
	char name[LAB_NAME_MAX];
	uint32_t len;              /* bytes used in data */
	char data[LAB_DATA_MAX];
};
#define LAB_CMD_HDR ((uint32_t)__builtin_offsetof(struct lab_cmd, data))

enum lab_rep_kind {
	REP_RESULT = 1, /* answer to cmd seq (late ones too) */
	REP_READY,      /* a new task runs its loop; its pidfd rides along */
	REP_IDLE,       /* back in the loop after hold/block/spin */
	REP_DATA,       /* script records, before the script's REP_RESULT */
	REP_WAITING,    /* about to enter a wait: asleep from here on, it is in do_wait */
};

struct lab_rep {
	uint32_t kind, seq, op;
	int32_t err;     /* errno, 0 on success; -1: no such region (a lab error) */
	int32_t pid;     /* pid as the replying task sees it */
	int32_t status;
	int64_t val, val2, val3;
	uint32_t n;      /* REP_DATA: records that follow */
};

/* a script step (repeat fast path), run by one process */
enum { SS_FORK = 1, SS_VFORK, SS_WAIT };
struct script_step {
	int32_t op, k, arg; /* FORK/VFORK: child slot k, exit code arg; WAIT: slot k or -1 (any), opts arg */
};
struct script_rec {
	int32_t v;       /* pid, or -errno, or 0 with status -1: skipped (no child) */
	int32_t status;
};
#define SCRIPT_MAX_KIDS 16
#define SCRIPT_CHUNK 4000

struct lab_var {
	char name[LAB_NAME_MAX];
	int64_t value;
};
struct lab_region {
	char name[LAB_NAME_MAX];
	uint64_t addr, pages;
};
/* Per address space by design: fork copies it, CLONE_VM shares it, exactly
 * as the kernel does with the memory that holds it. */
struct lab_tables {
	uint32_t nvars, nregions;
	struct lab_var vars[LAB_MAX_VARS];
	struct lab_region regions[LAB_MAX_REGIONS];
};
extern struct lab_tables lab_tables;

/* lab.c */
__attribute__((noreturn)) void lab_main(int sock, int pidns, long pid_max, int nofile_soft, const char *home);
int lab_read_sys(int64_t *pid_max, int64_t *ns_last_pid, int64_t *threads_max);

#endif
