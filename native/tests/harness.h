/* A small kselftest-style harness: TEST(name) { ... } with ASSERT_* (stop
 * the test) and EXPECT_* (note and go on), SKIP(reason). Each test runs in
 * its own forked child under alarm(), so a crash or hang fails that test
 * only; the runner reaps every child and prints TAP plus a closing line
 * "N passed, N failed, N skipped". */
#ifndef PROCLAB_HARNESS_H
#define PROCLAB_HARNESS_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define HARNESS_MAX_TESTS 64
#define HARNESS_TIMEOUT 60

struct harness_test {
	const char *name;
	void (*fn)(void);
};
static struct harness_test harness_tests[HARNESS_MAX_TESTS];
static int harness_ntests;
static int harness_failed;   /* in the test's child */
static const char *harness_filter;
static void (*harness_after)(void); /* runs after each test, in its child */

#define TEST(name)                                                              \
	static void test_##name(void);                                          \
	__attribute__((constructor)) static void register_##name(void)          \
	{                                                                       \
		if (harness_ntests < HARNESS_MAX_TESTS)                         \
			harness_tests[harness_ntests++] =                       \
				(struct harness_test){#name, test_##name};      \
	}                                                                       \
	static void test_##name(void)

#define HARNESS_FAIL(fmt, ...)                                                  \
	do {                                                                    \
		printf("#   %s:%d: " fmt "\n", __FILE__, __LINE__, ##__VA_ARGS__); \
		fflush(stdout);                                                 \
		harness_failed = 1;                                             \
	} while (0)

#define EXPECT_TRUE(c)                                                 \
	do {                                                           \
		if (!(c))                                              \
			HARNESS_FAIL("expected %s", #c);               \
	} while (0)
#define ASSERT_TRUE(c)                                                 \
	do {                                                           \
		if (!(c)) {                                            \
			HARNESS_FAIL("assertion %s", #c);              \
			return;                                        \
		}                                                      \
	} while (0)
#define EXPECT_EQ(a, b)                                                                  \
	do {                                                                             \
		long long a_ = (long long)(a), b_ = (long long)(b);                      \
		if (a_ != b_)                                                            \
			HARNESS_FAIL("expected %s == %s (%lld != %lld)", #a, #b, a_, b_); \
	} while (0)
#define ASSERT_EQ(a, b)                                                                  \
	do {                                                                             \
		long long a_ = (long long)(a), b_ = (long long)(b);                      \
		if (a_ != b_) {                                                          \
			HARNESS_FAIL("assertion %s == %s (%lld != %lld)", #a, #b, a_, b_); \
			return;                                                          \
		}                                                                        \
	} while (0)
#define EXPECT_STREQ(a, b)                                                                   \
	do {                                                                                 \
		const char *a_ = (a), *b_ = (b);                                             \
		if (!a_ || !b_ || strcmp(a_, b_))                                            \
			HARNESS_FAIL("expected %s == \"%s\" (got \"%s\")", #a, b_ ? b_ : "(null)", \
				     a_ ? a_ : "(null)");                                    \
	} while (0)
#define ASSERT_STREQ(a, b)                                                                   \
	do {                                                                                 \
		const char *a_ = (a), *b_ = (b);                                             \
		if (!a_ || !b_ || strcmp(a_, b_)) {                                          \
			HARNESS_FAIL("assertion %s == \"%s\" (got \"%s\")", #a, b_ ? b_ : "(null)", \
				     a_ ? a_ : "(null)");                                    \
			return;                                                              \
		}                                                                            \
	} while (0)

/* exit code 4 from a test's child means skipped */
#define SKIP(...)                                                  \
	do {                                                       \
		printf("#   SKIP: " __VA_ARGS__);                      \
		printf("\n");                                      \
		fflush(stdout);                                    \
		_exit(harness_failed ? 1 : 4);                     \
	} while (0)

static int harness_main(int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0, n = 0;
	/* a test name after the fixed arguments runs that test alone */
	harness_filter = getenv("HARNESS_ONLY");
	int exact = 0;
	if (argc > 2) {
		harness_filter = argv[2];
		exact = 1;
	}
	for (int i = 0; i < harness_ntests; i++)
		if (!harness_filter || (exact ? !strcmp(harness_tests[i].name, harness_filter)
					      : strstr(harness_tests[i].name, harness_filter) != NULL))
			n++;
	if (n == 0) {
		printf("no test named %s\n", harness_filter);
		return 1;
	}
	printf("TAP version 13\n1..%d\n", n);
	fflush(stdout);
	int k = 0;
	for (int i = 0; i < harness_ntests; i++) {
		struct harness_test *t = &harness_tests[i];
		if (harness_filter && (exact ? strcmp(t->name, harness_filter) != 0
					     : strstr(t->name, harness_filter) == NULL))
			continue;
		k++;
		printf("# RUN %s\n", t->name);
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			setpgid(0, 0); /* so a hung test's whole group can be killed */
			alarm(HARNESS_TIMEOUT);
			harness_failed = 0;
			t->fn();
			if (harness_after)
				harness_after();
			fflush(stdout);
			_exit(harness_failed ? 1 : 0);
		}
		int st = 0;
		while (waitpid(pid, &st, 0) < 0)
			;
		kill(-pid, SIGKILL); /* anything the test left behind */
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			passed++;
			printf("ok %d %s\n", k, t->name);
		} else if (WIFEXITED(st) && WEXITSTATUS(st) == 4) {
			skipped++;
			printf("ok %d %s # SKIP\n", k, t->name);
		} else {
			failed++;
			if (WIFSIGNALED(st))
				printf("#   killed by signal %d%s\n", WTERMSIG(st),
				       WTERMSIG(st) == SIGALRM ? " (timeout)" : "");
			printf("not ok %d %s\n", k, t->name);
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	if (failed)
		return 1;
	return skipped && !passed ? 4 : 0; /* 4: ctest's SKIP_RETURN_CODE */
}

#endif
