/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a captured text fixture in a kselftest-harness unit test: the
 * whole file, or the test fails naming the path. Include after
 * kselftest_harness.h; free the buffer with text_free().
 */
#ifndef FRAGTEST_TEXT_FIXTURE_H
#define FRAGTEST_TEXT_FIXTURE_H

#include <string.h>

#include "procfile.h"

static inline struct text_buf text_fixture_load(struct __test_metadata *_metadata,
						const char *path)
{
	struct text_buf t;
	int ret = text_read_file(path, &t);

	if (ret)
		TH_LOG("cannot read %s: %s", path, strerror(-ret));
	ASSERT_EQ(0, ret);
	return t;
}

#endif
