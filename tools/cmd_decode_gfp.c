// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest decode-gfp [--kernel VERSION] [--json] MASK
 *
 * MASK as the kernel prints it (0x40dc0, 40dc0, or a pasted
 * "mode:0x40dc0(...)"). With --kernel, prints the names as that kernel's
 * %pGg would; without it, every layout era the mask is consistent with.
 * Exit: 0 decoded, 1 the mask has bits unknown to the era (or to every
 * era), 2 usage.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "gfp_layout.h"
#include "json.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fragtest decode-gfp [--kernel VERSION] [--json] MASK\n"
		"  MASK      GFP mask in hex as printed by the kernel (0x40dc0)\n"
		"  --kernel  decode with that kernel's layout (e.g. 4.19.176, 6.1.0-18-amd64)\n"
		"            without it, list every layout era the mask is consistent with\n"
		"  --json    machine-readable output\n");
}

static void json_names(struct json_writer *w, const char *key, const char *text)
{
	const char *p = text;

	json_array_begin(w, key);
	while (*p) {
		size_t l = strcspn(p, "|");

		json_string_n(w, NULL, p, l);
		p += l;
		if (*p == '|')
			p++;
	}
	json_array_end(w);
}

static void json_era(struct json_writer *w, const struct gfp_era *e, uint32_t mask)
{
	char text[512], hex[16];
	uint32_t unknown = gfp_format(e, mask, text, sizeof(text));

	json_string(w, "layout", e->id);
	json_string(w, "last", e->last);
	json_string(w, "source", e->source);
	json_string(w, "text", text);
	json_names(w, "names", text);
	snprintf(hex, sizeof(hex), "%#x", unknown);
	json_string(w, "unknown_bits", hex);
	json_bool(w, "config_dependent", e->features & GFP_ERA_CONFIG_BITS);
}

int cmd_decode_gfp(int argc, char **argv)
{
	const char *kernel = NULL, *maskarg = NULL;
	bool json = false;
	uint32_t mask;
	char text[512], hex[16];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--kernel") || !strcmp(argv[i], "-k")) {
			if (++i >= argc) {
				fprintf(stderr, "decode-gfp: --kernel needs a version\n");
				return 2;
			}
			kernel = argv[i];
		} else if (!strncmp(argv[i], "--kernel=", 9)) {
			kernel = argv[i] + 9;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			fprintf(stderr, "decode-gfp: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		} else if (maskarg) {
			fprintf(stderr, "decode-gfp: one MASK only\n");
			return 2;
		} else {
			maskarg = argv[i];
		}
	}
	if (!maskarg) {
		usage(stderr);
		return 2;
	}
	if (!gfp_parse_mask(maskarg, &mask)) {
		fprintf(stderr, "decode-gfp: '%s' is not a hex GFP mask\n", maskarg);
		return 2;
	}
	snprintf(hex, sizeof(hex), "%#x", mask);

	if (kernel) {
		const struct gfp_era *e = gfp_era_for_version(kernel);
		uint32_t unknown;

		if (!e) {
			fprintf(stderr, "decode-gfp: cannot use kernel version '%s' (2.6.32 or later, e.g. 5.15.0-107)\n",
				kernel);
			return 2;
		}
		unknown = gfp_format(e, mask, text, sizeof(text));
		if (json) {
			struct json_writer w;

			json_init(&w, stdout, true);
			json_object_begin(&w, NULL);
			json_string(&w, "mask", hex);
			json_string(&w, "kernel", kernel);
			json_era(&w, e, mask);
			json_object_end(&w);
			json_finish(&w);
		} else {
			printf("%s\n", text[0] ? text : "none");
			if (unknown)
				fprintf(stderr, "decode-gfp: bits %#x are not GFP flags in the %s-%s layout\n",
					unknown, e->id, e->last);
			if (e->features & GFP_ERA_CONFIG_BITS && (mask & 0xff000000u))
				fprintf(stderr, "decode-gfp: bits from 0x1000000 on depend on .config in %s+ (assumed: no KASAN_HW_TAGS, no LOCKDEP, SLAB_OBJ_EXT=y)\n",
					e->id);
		}
		return unknown ? 1 : 0;
	}

	/* all eras, newest first; identical decodings grouped */
	size_t n = gfp_era_count(), consistent = 0;
	struct json_writer w;

	if (json) {
		json_init(&w, stdout, true);
		json_object_begin(&w, NULL);
		json_string(&w, "mask", hex);
		json_array_begin(&w, "consistent");
	} else {
		printf("%s decodes, per kernel layout (newest first):\n", hex);
	}
	for (size_t i = n; i-- > 0;) {
		const struct gfp_era *e = gfp_era_at(i), *lo = e;
		char next[512];

		if (!gfp_era_consistent(e, mask))
			continue;
		gfp_format(e, mask, text, sizeof(text));
		/* merge older neighbours with the same reading */
		while (i > 0) {
			const struct gfp_era *p = gfp_era_at(i - 1);

			if (!gfp_era_consistent(p, mask))
				break;
			gfp_format(p, mask, next, sizeof(next));
			if (strcmp(next, text))
				break;
			lo = p;
			i--;
		}
		consistent++;
		if (json) {
			json_object_begin(&w, NULL);
			json_string(&w, "first", lo->id);
			json_era(&w, e, mask);
			json_object_end(&w);
		} else {
			char range[32];

			snprintf(range, sizeof(range), "%s-%s", lo->id, e->last);
			printf("  %-14s %s%s\n", range, text[0] ? text : "none",
			       e->features & GFP_ERA_PGG ? "" : "   (pre-4.5: no %pGg names printed)");
		}
	}
	if (json) {
		json_array_end(&w);
		json_uint(&w, "consistent_count", consistent);
		json_object_end(&w);
		json_finish(&w);
	} else if (!consistent) {
		printf("  no layout from 2.6.32 on has all of these bits (vendor flags?)\n");
	}
	return consistent ? 0 : 1;
}
