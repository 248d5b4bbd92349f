// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the JSON reader: valid documents of every kind, round trips
 * through the JSON writer, and malformed input (each must fail with a
 * message, never crash; run under valgrind or ASan to check for leaks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "json.h"
#include "json_read.h"

static int parse(const char *text, struct jr_value *v, char *err, size_t errlen)
{
	return jr_parse(text, strlen(text), v, err, errlen);
}

TEST(scalars)
{
	struct jr_value v;
	char err[200];

	ASSERT_EQ(0, parse(" 42 ", &v, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(JR_NUMBER, v.type);
	EXPECT_TRUE(v.is_int);
	EXPECT_EQ(42, v.integer);
	jr_free(&v);
	ASSERT_EQ(0, parse("-1.5e3", &v, err, sizeof(err)));
	EXPECT_FALSE(v.is_int);
	EXPECT_EQ(-1500.0, v.number);
	jr_free(&v);
	ASSERT_EQ(0, parse("18446744073709551615", &v, err, sizeof(err)));
	EXPECT_FALSE(v.is_int);	/* beyond int64: only the double */
	EXPECT_GT(v.number, 1.8e19);
	jr_free(&v);
	ASSERT_EQ(0, parse("true", &v, err, sizeof(err)));
	EXPECT_TRUE(v.boolean);
	jr_free(&v);
	ASSERT_EQ(0, parse("null", &v, err, sizeof(err)));
	EXPECT_EQ(JR_NULL, v.type);
	jr_free(&v);
}

TEST(strings_and_escapes)
{
	struct jr_value v;
	char err[200];

	ASSERT_EQ(0, parse("\"a\\\"b\\\\c\\/\\n\\t\\u00e9\\u20ac\\ud83d\\ude00\"", &v, err,
			   sizeof(err))) TH_LOG("%s", err);
	EXPECT_STREQ("a\"b\\c/\n\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", v.string);
	EXPECT_EQ(strlen(v.string), v.len);
	jr_free(&v);
	ASSERT_EQ(0, parse("\"caf\xc3\xa9\"", &v, err, sizeof(err)));
	EXPECT_STREQ("caf\xc3\xa9", v.string);
	jr_free(&v);
}

TEST(nested_lookup)
{
	const char *doc = "{\"schema_version\": 1, \"test\": \"t\", \"health\": "
			  "{\"ok\": false, \"taint_added\": 512}, \"zones\": [1, [2, 3], {}],"
			  " \"dup\": 1, \"dup\": 2}";
	struct jr_value v;
	char err[200];

	ASSERT_EQ(0, parse(doc, &v, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(1, jr_num(jr_get(&v, "schema_version"), -1));
	EXPECT_STREQ("t", jr_str(jr_get(&v, "test"), NULL));
	EXPECT_EQ(512, jr_num(jr_path(&v, "health.taint_added"), -1));
	EXPECT_FALSE(jr_path(&v, "health.ok")->boolean);
	EXPECT_EQ(NULL, jr_path(&v, "health.nothing.deeper"));
	EXPECT_EQ(3, jr_num(jr_at(jr_at(jr_get(&v, "zones"), 1), 1), -1));
	EXPECT_EQ(NULL, jr_at(jr_get(&v, "zones"), 3));
	EXPECT_TRUE(jr_is(jr_at(jr_get(&v, "zones"), 2), JR_OBJECT));
	EXPECT_EQ(2, jr_num(jr_get(&v, "dup"), -1));
	/* wrong kinds give the default, not a crash */
	EXPECT_STREQ("d", jr_str(jr_get(&v, "schema_version"), "d"));
	EXPECT_EQ(-1, jr_num(jr_get(&v, "test"), -1));
	EXPECT_EQ(NULL, jr_get(jr_get(&v, "zones"), "x"));
	jr_free(&v);
}

/* What the project's writer produces, the reader reads back. */
TEST(writer_round_trip)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_writer w;
	struct jr_value v;
	char err[200];

	ASSERT_NE(NULL, f);
	json_init(&w, f, true);
	json_object_begin(&w, NULL);
	json_string(&w, "s", "line\nwith \"quotes\" and \x01 control");
	json_int(&w, "i", -9000000000LL);
	json_uint(&w, "u", 18000000000ULL);
	json_double(&w, "d", 0.25);
	json_bool(&w, "b", true);
	json_null(&w, "n");
	json_array_begin(&w, "a");
	for (int i = 0; i < 100; i++)
		json_int(&w, NULL, i);
	json_array_end(&w);
	json_object_end(&w);
	json_finish(&w);
	fclose(f);
	ASSERT_EQ(0, jr_parse(buf, len, &v, err, sizeof(err))) TH_LOG("%s\n%s", err, buf);
	EXPECT_STREQ("line\nwith \"quotes\" and \x01 control", jr_str(jr_get(&v, "s"), ""));
	EXPECT_EQ(-9000000000LL, jr_get(&v, "i")->integer);
	EXPECT_EQ(18000000000LL, jr_get(&v, "u")->integer);
	EXPECT_EQ(0.25, jr_num(jr_get(&v, "d"), 0));
	EXPECT_EQ(100, jr_get(&v, "a")->n);
	EXPECT_EQ(99, jr_num(jr_at(jr_get(&v, "a"), 99), 0));
	jr_free(&v);
	free(buf);
}

static const char *const malformed[] = {
	"", " ", "{", "}", "[", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
	"{a:1}", "{'a':1}", "[1 2]", "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10",
	"NaN", "Infinity", "1e999", "tru", "nul", "falsey", "\"abc", "\"a\\x\"",
	"\"\\u12\"", "\"\\uzzzz\"", "\"\\ud800\"", "\"\\ud800\\u0041\"", "\"\\udc00\"",
	"\"\\u0000\"", "\"tab\there\"", "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
	"\"\xe2\x82\"", "1 2", "[1]x", "{\"a\":1}}", "\"a\\",
};

TEST(malformed_input_fails_cleanly)
{
	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		struct jr_value v;
		char err[200] = "";

		EXPECT_EQ(-1, parse(malformed[i], &v, err, sizeof(err)))
			TH_LOG("accepted: '%s'", malformed[i]);
		EXPECT_NE(0, strlen(err)) TH_LOG("no message for '%s'", malformed[i]);
		EXPECT_NE(NULL, strstr(err, "line ")) TH_LOG("%s", err);
	}
}

TEST(depth_limit)
{
	char deep[JR_MAX_DEPTH * 2 + 8], ok[JR_MAX_DEPTH * 2 + 1];
	struct jr_value v;
	char err[200];

	memset(deep, '[', JR_MAX_DEPTH + 1);
	memset(deep + JR_MAX_DEPTH + 1, ']', JR_MAX_DEPTH + 1);
	deep[2 * (JR_MAX_DEPTH + 1)] = '\0';
	EXPECT_EQ(-1, parse(deep, &v, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "deeper")) TH_LOG("%s", err);
	memset(ok, '[', JR_MAX_DEPTH);
	memset(ok + JR_MAX_DEPTH, ']', JR_MAX_DEPTH);
	ok[2 * JR_MAX_DEPTH] = '\0';
	ASSERT_EQ(0, parse(ok, &v, err, sizeof(err))) TH_LOG("%s", err);
	jr_free(&v);
}

/* Every prefix of a valid document is invalid and must fail cleanly; a
 * simple exhaustive check for reads past the end.
 */
TEST(truncations)
{
	const char *doc = "{\"a\": [1, 2.5, -3e2, \"x\\u00e9\\ud83d\\ude00\", true, false, null,"
			  " {\"b\": {}}, []]}";
	size_t n = strlen(doc);

	for (size_t i = 0; i < n; i++) {
		char *copy = malloc(i ? i : 1);
		struct jr_value v;
		char err[200];

		ASSERT_NE(NULL, copy);
		memcpy(copy, doc, i);
		EXPECT_EQ(-1, jr_parse(copy, i, &v, err, sizeof(err))) TH_LOG("prefix %zu", i);
		free(copy);
	}
}

TEST(missing_file)
{
	struct jr_value v;
	char err[300];

	EXPECT_EQ(-1, jr_parse_file("/nonexistent/summary.json", &v, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "/nonexistent/summary.json"));
	EXPECT_EQ(-1, jr_parse_file("/proc", &v, err, sizeof(err)));
}

TEST_HARNESS_MAIN
