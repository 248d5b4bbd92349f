// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest watch records a time series of the live files, one JSON object
 * per line, for the duration of a command (returning its status) or a
 * duration; and the pieces the workloads share parse what they promise:
 * sizes, durations and --until conditions, evaluated on a known buddyinfo.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "fragcond.h"
#include "workload_helpers.h"
#include "workload_util.h"

static void fragtest_bin(char *bin, size_t len)
{
	wlt_bin("fragtest", bin, len);
}

TEST(watch_writes_json_lines_for_a_duration)
{
	char bin[512], out[1 << 16], path[] = "/tmp/fragtest-watch-XXXXXX";
	char *argv[] = { bin, "watch", "--hz", "20", "--duration", "1", "--quiet", "--output",
			 path, NULL };
	int fd, lines = 0;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;

	fragtest_bin(bin, sizeof(bin));
	if (access(bin, X_OK))
		SKIP(return, "%.200s is not built", bin);
	fd = mkstemp(path);
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(0, wlt_run(argv, out, sizeof(out)));
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while (getline(&line, &cap, f) > 0) {
		lines++;
		EXPECT_EQ('{', line[0]);
		EXPECT_NE(NULL, strstr(line, "\"buddyinfo\":["));
		EXPECT_NE(NULL, strstr(line, "\"vmstat\":{"));
		EXPECT_NE(NULL, strstr(line, "\"zoneinfo\":["));
		EXPECT_NE(NULL, strstr(line, "\"seq\":"));
	}
	free(line);
	fclose(f);
	unlink(path);
	/* one at the start and at least one more within the second */
	EXPECT_GE(lines, 2);
}

TEST(watch_returns_the_command_status)
{
	char bin[512], out[1 << 16];
	char *ok[] = { bin, "watch", "--hz", "5", "--quiet", "--parts", "buddyinfo", "--", "true",
		       NULL };
	char *three[] = { bin, "watch", "--hz", "5", "--quiet", "--parts", "buddyinfo", "--", "sh",
			  "-c", "exit 3", NULL };
	char *bad[] = { bin, "watch", "--parts", "buddyinfo,nonsense", NULL };

	fragtest_bin(bin, sizeof(bin));
	if (access(bin, X_OK))
		SKIP(return, "%.200s is not built", bin);
	EXPECT_EQ(0, wlt_run(ok, out, sizeof(out)));
	/* the last line is the state the command left behind */
	EXPECT_NE(NULL, strstr(out, "\"buddyinfo\":["));
	EXPECT_EQ(NULL, strstr(out, "\"vmstat\""));
	EXPECT_EQ(3, wlt_run(three, out, sizeof(out)));
	EXPECT_EQ(2, wlt_run(bad, out, sizeof(out)));
}

TEST(sizes_and_durations)
{
	uint64_t v;
	double d;

	ASSERT_EQ(0, wl_parse_size("512M", false, &v));
	EXPECT_EQ(512ull << 20, v);
	ASSERT_EQ(0, wl_parse_size("1.5GiB", false, &v));
	EXPECT_EQ(3ull << 29, v);
	ASSERT_EQ(0, wl_parse_size("4096", false, &v));
	EXPECT_EQ(4096, v);
	ASSERT_EQ(0, wl_parse_size("50%", true, &v));
	EXPECT_GT(v, 0);
	EXPECT_NE(0, wl_parse_size("50%", false, &v));
	EXPECT_NE(0, wl_parse_size("101%", true, &v));
	EXPECT_NE(0, wl_parse_size("-1M", false, &v));
	EXPECT_NE(0, wl_parse_size("12Q", false, &v));
	EXPECT_NE(0, wl_parse_size("", false, &v));
	EXPECT_NE(0, wl_parse_size("99999999999T", false, &v));
	ASSERT_EQ(0, wl_parse_duration("500ms", &d));
	EXPECT_EQ(0.5, d);
	ASSERT_EQ(0, wl_parse_duration("2m", &d));
	EXPECT_EQ(120, d);
	EXPECT_NE(0, wl_parse_duration("3 days", &d));
	EXPECT_TRUE(wl_prefix_valid("ftpc1-", 64));
	EXPECT_FALSE(wl_prefix_valid("a/b", 64));
	EXPECT_FALSE(wl_prefix_valid("..", 64));
	EXPECT_FALSE(wl_prefix_valid("", 64));
}

static const char buddy_text[] =
	"Node 0, zone      DMA      0      0      0      0      0      1      1      1      0      1      3\n"
	"Node 0, zone    DMA32    100     50     10      0      0      0      0      0      0      0      0\n";

TEST(conditions_on_a_known_state)
{
	struct buddyinfo bi;
	struct parse_error perr;
	struct fragcond_state st = { .page_size = 4096 };
	struct fragcond *c;
	char err[256];
	double score;

	ASSERT_EQ(0, buddyinfo_parse(buddy_text, strlen(buddy_text), &bi, &perr));
	st.buddy = &bi;
	/* DMA32: 100 + 100 + 40 = 240 free pages, none in blocks >= order 3 */
	ASSERT_EQ(0, fragcond_parse("unusable_index(zone=DMA32,order=3) >= 0.99", &c, err,
				    sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(1, fragcond_eval(c, &st, &score, err, sizeof(err)));
	EXPECT_EQ(0, score);
	fragcond_free(c);
	ASSERT_EQ(0, fragcond_parse("max_free_order(zone=DMA32) < 2 || free_kb >= 1000000", &c,
				    err, sizeof(err)));
	EXPECT_EQ(0, fragcond_eval(c, &st, &score, err, sizeof(err)));
	EXPECT_LT(score, 0);
	fragcond_free(c);
	/* all zones: DMA's order-10 blocks make order 3 usable */
	ASSERT_EQ(0, fragcond_parse("unusable_index(order=3) < 0.5 && max_free_order == 10", &c,
				    err, sizeof(err)));
	EXPECT_EQ(1, fragcond_eval(c, &st, &score, err, sizeof(err)));
	fragcond_free(c);
	ASSERT_EQ(0, fragcond_parse("max_free_order(zone=Normal) > 1", &c, err, sizeof(err)));
	EXPECT_EQ(-ENOENT, fragcond_eval(c, &st, &score, err, sizeof(err)));
	fragcond_free(c);
	EXPECT_EQ(-EINVAL, fragcond_parse("unusable_index(zone=DMA32) > 1", &c, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, fragcond_parse("free_kb >= ", &c, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, fragcond_parse("free_kb >= 1 and free_kb < 2", &c, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, fragcond_parse("free_kb(order=99) > 1", &c, err, sizeof(err)));
	buddyinfo_free(&bi);
}

TEST_HARNESS_MAIN
