// SPDX-License-Identifier: GPL-2.0
/*
 * Replies of the fragtest module belong to the open file description that
 * sent the request: processes issuing interleaved requests, thousands of
 * them, each get only their own replies.
 */
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "module_fixture.h"

#define ROUNDS 2000

FIXTURE(concurrency) {
	struct ft_client c;
};

FIXTURE_SETUP(concurrency)
{
	FT_MODULE_SETUP(self);
}

FIXTURE_TEARDOWN_PARENT(concurrency)
{
	ft_module_unload();
}

/* Two descriptors in one process: each keeps its own reply. */
TEST_F_TIMEOUT(concurrency, reply_per_descriptor, 120)
{
	struct ft_client d;
	struct ftc_result r;
	char buf[4096];
	ssize_t n;

	ASSERT_EQ(0, ftc_open(&d, NULL));
	/* write on both, then read both: no read in between */
	ASSERT_EQ(13, write(self->c.fd, "alloc count=3", 13));
	ASSERT_EQ(-1, write(d.fd, "alloc count=0", 13));
	n = read(self->c.fd, buf, sizeof(buf) - 1);
	ASSERT_GT(n, 0);
	buf[n] = '\0';
	ASSERT_EQ(0, ftc_parse_result(buf, 0, &r));
	EXPECT_EQ(3, r.attempts);
	n = read(d.fd, buf, sizeof(buf) - 1);
	ASSERT_GT(n, 0);
	buf[n] = '\0';
	EXPECT_NE(NULL, strstr(buf, "reason=count 0 ")) TH_LOG("%s", buf);
	/* a reply is read once to its end, then reads return 0 */
	EXPECT_EQ(0, read(d.fd, buf, sizeof(buf)));
	ftc_close(&d);
}

/* One client's loop; exit status = number of mismatched replies (capped). */
static int client(int id)
{
	struct ft_client c;
	int bad = 0;

	if (ftc_open(&c, NULL))
		return 100;
	for (int i = 0; i < ROUNDS; i++) {
		struct ftc_result r;
		char api[32] = "", want[64];
		const char *rec;
		int count = 1 + (i + id) % 5, order = (i * 7 + id) % 4, ret, o = -1;

		if (i % 10 == 9) {
			/* a refused request, with a reason naming this client's numbers */
			ret = ftc_request(&c, "alloc count=%d order=%d", 70000 + id, order);
			snprintf(want, sizeof(want), "reason=count %d is outside", 70000 + id);
			bad += ret != -EINVAL || !strstr(c.reply, want);
			continue;
		}
		if (id == 0)
			ret = ftc_request(&c, "alloc api=alloc_pages order=%d count=%d", order, count);
		else
			ret = ftc_request(&c, "alloc api=kmalloc size=%d count=%d",
					  64 * (order + 1), count);
		if (ret || ftc_parse_result(c.reply, 0, &r) || r.attempts != (unsigned int)count) {
			bad++;
			continue;
		}
		rec = ftc_record(c.reply, "step", 0, 0);
		if (!rec || !ftc_get_str(rec, "api", api, sizeof(api)) ||
		    strcmp(api, id == 0 ? "alloc_pages" : "kmalloc")) {
			bad++;
			continue;
		}
		if (id == 0 && (!ftc_get_int(rec, "order", &o) || o != order))
			bad++;
		if (id == 1) {
			uint64_t size = 0;

			if (!ftc_get_u64(rec, "size", &size) || size != 64ULL * (order + 1))
				bad++;
		}
		if (ftc_count_records(c.reply, "attempt", 0) != count)
			bad++;
	}
	ftc_close(&c);
	return bad > 99 ? 99 : bad;
}

TEST_F_TIMEOUT(concurrency, two_processes_interleaved, 900)
{
	pid_t pid[2];
	int status;

	for (int i = 0; i < 2; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i])
			_exit(client(i));
	}
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("client %d: %d wrong replies of %d",
							  i, WEXITSTATUS(status), ROUNDS);
	}
	ASSERT_EQ(0, ftc_request(&self->c, "pools"));
	EXPECT_NE(NULL, strstr(self->c.reply, "pools count=0 "));
}

TEST_HARNESS_MAIN
