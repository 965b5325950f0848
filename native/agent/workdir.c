/* The lab's working directory: a private directory of the agent's, where
 * lab processes and the programs they exec run. A core dump (core_pattern
 * "core" writes it in the dumping process's cwd) or a file a program makes
 * lands there, never in the directory the user ran proclab from, and goes
 * with the lab. A relative program path is still taken from the user's
 * directory (lab.c resolves it against user_cwd). */
#define _GNU_SOURCE
#include "agent.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char lab_dir[512];
char user_cwd[4096];

static const char *tmp_dir(void)
{
	const char *t = getenv("TMPDIR");
	return t && *t == '/' ? t : "/tmp";
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* removes dir and what is in it, never following a link out of it */
static void remove_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* an agent of ours still runs under that pid (a dead one's directory is stale) */
static int agent_alive(pid_t pid)
{
	char path[64], exe[4096];
	snprintf(path, sizeof path, "/proc/%d/exe", pid);
	ssize_t n = readlink(path, exe, sizeof exe - 1);
	if (n <= 0)
		return kill(pid, 0) == 0 || errno == EPERM;
	exe[n] = 0;
	const char *b = strrchr(exe, '/');
	return strncmp(b ? b + 1 : exe, "proclab-agent", 13) == 0;
}

/* directories of earlier agents that were killed before they could clean up */
static void remove_stale(void)
{
	DIR *d = opendir(tmp_dir());
	if (!d)
		return;
	uid_t me = geteuid();
	for (struct dirent *e; (e = readdir(d));) {
		int pid;
		if (sscanf(e->d_name, "proclab-lab-%d-", &pid) != 1 || pid <= 0 || pid == getpid())
			continue;
		char path[600];
		snprintf(path, sizeof path, "%s/%s", tmp_dir(), e->d_name);
		struct stat sb;
		if (lstat(path, &sb) < 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != me || agent_alive(pid))
			continue;
		remove_tree(path);
	}
	closedir(d);
}

int workdir_make(void)
{
	if (!getcwd(user_cwd, sizeof user_cwd))
		user_cwd[0] = 0;
	remove_stale();
	snprintf(lab_dir, sizeof lab_dir, "%s/proclab-lab-%d-XXXXXX", tmp_dir(), (int)getpid());
	if (!mkdtemp(lab_dir)) {
		lab_dir[0] = 0;
		return errno;
	}
	return 0;
}

void workdir_remove(void)
{
	if (lab_dir[0])
		remove_tree(lab_dir);
	lab_dir[0] = 0;
}
