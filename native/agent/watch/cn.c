/* The proc connector (netlink cn_proc): the kernel's own report of every
 * fork, exec and exit on the machine, each with the time the kernel took it
 * (ktime_get_ns, CLOCK_MONOTONIC). We keep those of the watched tree. */
#define _GNU_SOURCE
#include "watch.h"

#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int cn_send_op(int fd, enum proc_cn_mcast_op op)
{
	struct __attribute__((aligned(NLMSG_ALIGNTO))) {
		struct nlmsghdr nl;
		struct __attribute__((packed)) {
			struct cn_msg cn;
			enum proc_cn_mcast_op op;
		} m;
	} req;
	memset(&req, 0, sizeof req);
	req.nl.nlmsg_len = sizeof req;
	req.nl.nlmsg_type = NLMSG_DONE;
	req.nl.nlmsg_pid = (unsigned)getpid();
	req.m.cn.id.idx = CN_IDX_PROC;
	req.m.cn.id.val = CN_VAL_PROC;
	req.m.cn.len = sizeof(enum proc_cn_mcast_op);
	req.m.op = op;
	return send(fd, &req, sizeof req, 0) == (ssize_t)sizeof req ? 0 : -1;
}

int cn_open(char *why, size_t whylen)
{
	int fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
	if (fd < 0) {
		snprintf(why, whylen, "no netlink connector socket (%s)", errno_name(errno));
		return -1;
	}
	/* the whole machine's forks pass through here: a big buffer, forced
	 * past rmem_max where we may (root) */
	int sz = 8 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC, .nl_pid = 0};
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		snprintf(why, whylen, "the proc connector refused to listen (%s)", errno_name(errno));
		close(fd);
		return -1;
	}
	if (cn_send_op(fd, PROC_CN_MCAST_LISTEN) < 0) {
		snprintf(why, whylen, "the proc connector refused to listen (%s)", errno_name(errno));
		close(fd);
		return -1;
	}
	/* the kernel acknowledges with PROC_EVENT_NONE and an error number;
	 * a requester it ignores (another pid or user namespace) hears nothing */
	int64_t dl = mono_ns() + 1000000000LL;
	while (mono_ns() < dl) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 100) <= 0)
			continue;
		char buf[8192];
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n <= 0)
			continue;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			struct cn_msg *cm = NLMSG_DATA(h);
			struct proc_event *ev = (struct proc_event *)cm->data;
			if (ev->what != PROC_EVENT_NONE)
				continue;
			if (ev->event_data.ack.err == 0)
				return fd;
			snprintf(why, whylen, "the proc connector refused to listen (%s)", errno_name((int)ev->event_data.ack.err));
			close(fd);
			return -1;
		}
	}
	snprintf(why, whylen, "the proc connector did not answer (in another pid or user namespace it ignores us)");
	close(fd);
	return -1;
}

static void on_event(const struct proc_event *ev)
{
	int64_t at = (int64_t)ev->timestamp_ns;
	switch (ev->what) {
	case PROC_EVENT_FORK: {
		const typeof(ev->event_data.fork) *f = &ev->event_data.fork;
		if (f->child_pid != f->child_tgid)
			return; /* a thread: the tree is of processes */
		if (!wp_find(f->parent_tgid) || wp_find(f->child_pid))
			return;
		reap_check(f->parent_tgid, at); /* a wait of the parent's came before this fork */
		/* a child starts as a copy of its parent: by now it may have exec'd */
		wp_add(f->child_pid, f->parent_tgid, wp_find(f->parent_tgid)->comm, at);
		return;
	}
	case PROC_EVENT_EXEC: {
		struct wproc *w = wp_find(ev->event_data.exec.process_tgid);
		if (w && !w->exited) {
			reap_check(w->pid, at);
			wp_exec(w, at);
		}
		return;
	}
	case PROC_EVENT_EXIT: {
		const typeof(ev->event_data.exit) *x = &ev->event_data.exit;
		if (x->process_pid != x->process_tgid)
			return; /* a thread ended; its process lives on */
		struct wproc *w = wp_find(x->process_tgid);
		if (w && !w->exited)
			wp_exit(w, 1, (int)x->exit_code, at);
		return;
	}
	default:
		return;
	}
}

int cn_drain(int fd)
{
	static char buf[65536];
	int lost = 0;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				lost++;
				continue;
			}
			return lost;
		}
		if (n == 0)
			return lost;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_NOOP)
				continue;
			struct cn_msg *cm = NLMSG_DATA(h);
			if (cm->id.idx != CN_IDX_PROC || cm->id.val != CN_VAL_PROC)
				continue;
			on_event((const struct proc_event *)cm->data);
		}
	}
}
