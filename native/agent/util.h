/* Small helpers of the agent: a growing string buffer with JSON writers,
 * name tables (errno, signals, rlimits, clone flags, wait options). */
#ifndef PROCLAB_UTIL_H
#define PROCLAB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct sbuf {
	char *p;
	size_t len, cap;
};

void sb_reset(struct sbuf *b);
void sb_putn(struct sbuf *b, const char *s, size_t n);
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* a JSON string of n raw bytes: escapes; a byte that is not UTF-8 becomes
 * the lone surrogate U+DC00 + byte (surrogateescape) */
void sb_jstrn(struct sbuf *b, const char *s, size_t n);
void sb_jstr(struct sbuf *b, const char *s);

int64_t mono_ns(void);
const char *errno_name(int e);
int signal_number(const char *s);     /* -1 when unknown; "0" gives 0 */
const char *signal_name(int sig, char buf[16]);
int rlimit_number(const char *s);     /* -1 when unknown */
int clone_flags_parse(const char *s, unsigned long *out); /* 0 ok */
/* room for one descriptor passed with SCM_RIGHTS, aligned for a cmsghdr */
union fd_cmsg {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};
/* attaches fd (when >= 0) to mh as SCM_RIGHTS, its control data in u */
void msg_attach_fd(struct msghdr *mh, union fd_cmsg *u, int fd);
int wait_opts_parse(const char *s, int *out);             /* 0 ok */
/* decimal integer in [min, max]; 0 ok, -1 otherwise */
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
int utf8_valid(const char *s, size_t n);
/* writes s to an existing file (a sysctl, a cgroup or tracefs file); 0 or errno */
int write_text(const char *path, const char *s);

#endif
