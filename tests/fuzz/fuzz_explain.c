// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: any bytes through the report parser, the diagnosis and
 * the GFP decoder. Built by tests/fuzz/build.sh; never part of `make`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "gfp_layout.h"
#include "report_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_list list = { 0 };
	struct dx_result *d = malloc(sizeof(*d));
	char buf[512];

	if (!d)
		return 0;
	rp_parse((const char *)data, size, &list);
	for (size_t i = 0; i < list.n; i++)
		dx_diagnose(&list.v[i], d);
	rp_free(&list);
	free(d);

	/* the first bytes as a mask, in every era */
	if (size >= 4) {
		uint32_t m;

		memcpy(&m, data, 4);
		for (size_t i = 0; i < gfp_era_count(); i++)
			gfp_format(gfp_era_at(i), m, buf, (size_t)(data[0] % sizeof(buf)) + 1);
	}
	/* and as text for the mask parser */
	if (size < sizeof(buf)) {
		uint32_t m;

		memcpy(buf, data, size);
		buf[size] = '\0';
		gfp_parse_mask(buf, &m);
		gfp_era_for_version(buf);
	}
	return 0;
}
