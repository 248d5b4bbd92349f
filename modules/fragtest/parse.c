// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest: the request grammar (docs/module.md).
 *
 *   request := step { ';' step }
 *   step    := verb { key '=' value | word }
 *
 * Parsing only checks the text and the values that do not depend on the
 * state of memory; alloc.c and frag.c check the rest before anything runs.
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/string.h>

#include "fragtest.h"

static const char * const ft_api_names[FT_NR_API] = {
	[FT_API_ALLOC_PAGES] = "alloc_pages",
	[FT_API_ALLOC_PAGES_NODE] = "alloc_pages_node",
	[FT_API_FOLIO_ALLOC] = "folio_alloc",
	[FT_API_KMALLOC] = "kmalloc",
	[FT_API_KVMALLOC] = "kvmalloc",
	[FT_API_VMALLOC] = "vmalloc",
};

static const char * const ft_verb_names[] = {
	[FT_VERB_ALLOC] = "alloc",
	[FT_VERB_TRY] = "try",
	[FT_VERB_PIN] = "pin",
	[FT_VERB_DRAIN] = "drain",
	[FT_VERB_FREE] = "free",
	[FT_VERB_POOLS] = "pools",
	[FT_VERB_INFO] = "info",
	[FT_VERB_GFP] = "gfp",
	[FT_VERB_UNDEFER] = "undefer",
	[FT_VERB_SETTLE] = "settle",
};

/* Keys each verb accepts, as a bit per key. */
enum {
	K_API, K_GFP, K_ORDER, K_SIZE, K_NODE, K_ZONE, K_COUNT, K_HOLD,
	K_FLOOR, K_PATTERN, K_K, K_ABOVE, K_BELOW, K_POOL, K_REFS, K_NR
};

static const char * const ft_key_names[K_NR] = {
	"api", "gfp", "order", "size", "node", "zone", "count", "hold",
	"floor", "pattern", "k", "above", "below", "pool", "refs",
};

#define KB(k)	(1u << (k))
static const unsigned int ft_verb_keys[] = {
	[FT_VERB_ALLOC] = KB(K_API) | KB(K_GFP) | KB(K_ORDER) | KB(K_SIZE) | KB(K_NODE) |
			  KB(K_COUNT) | KB(K_HOLD),
	[FT_VERB_TRY] = KB(K_API) | KB(K_GFP) | KB(K_ORDER) | KB(K_SIZE) | KB(K_NODE) |
			KB(K_COUNT) | KB(K_HOLD),
	[FT_VERB_PIN] = KB(K_GFP) | KB(K_NODE) | KB(K_ZONE) | KB(K_FLOOR) | KB(K_PATTERN) |
			KB(K_K) | KB(K_REFS) | KB(K_HOLD),
	[FT_VERB_DRAIN] = KB(K_NODE) | KB(K_ZONE) | KB(K_ABOVE) | KB(K_BELOW) | KB(K_FLOOR) |
			  KB(K_HOLD),
	[FT_VERB_FREE] = KB(K_POOL),
	[FT_VERB_UNDEFER] = KB(K_NODE) | KB(K_ZONE),
	[FT_VERB_SETTLE] = 0,
	[FT_VERB_POOLS] = 0,
	[FT_VERB_INFO] = 0,
	[FT_VERB_GFP] = 0,
};

static const char * const ft_mt_names[] = {
	[MIGRATE_UNMOVABLE] = "Unmovable",
	[MIGRATE_MOVABLE] = "Movable",
	[MIGRATE_RECLAIMABLE] = "Reclaimable",
	[MIGRATE_HIGHATOMIC] = "HighAtomic",
#ifdef CONFIG_CMA
	[MIGRATE_CMA] = "CMA",
#endif
#ifdef CONFIG_MEMORY_ISOLATION
	[MIGRATE_ISOLATE] = "Isolate",
#endif
};

const char *ft_api_name(enum ft_api api)
{
	return api < FT_NR_API ? ft_api_names[api] : "?";
}

const char *ft_verb_name(enum ft_verb verb)
{
	return verb < ARRAY_SIZE(ft_verb_names) ? ft_verb_names[verb] : "?";
}

const char *ft_mt_name(int mt)
{
	if (mt < 0 || mt >= ARRAY_SIZE(ft_mt_names) || !ft_mt_names[mt])
		return "Unknown";
	return ft_mt_names[mt];
}

/* Zone names are the same on every node; take them from the first one. */
const char *ft_zone_name(int idx)
{
	if (idx < 0 || idx >= MAX_NR_ZONES)
		return "?";
	return NODE_DATA(first_online_node)->node_zones[idx].name;
}

int ft_zone_index(const char *name)
{
	int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		if (!strcmp(ft_zone_name(i), name))
			return i;
	return -1;
}

/* Decimal, no sign, no overflow. */
static int ft_parse_u64(const char *v, u64 *out)
{
	u64 n = 0;

	if (!*v)
		return -EINVAL;
	for (; *v; v++) {
		if (!isdigit(*v))
			return -EINVAL;
		if (n > (U64_MAX - (*v - '0')) / 10)
			return -ERANGE;
		n = n * 10 + (*v - '0');
	}
	*out = n;
	return 0;
}

/* Bytes with an optional K, M or G (powers of 1024). */
static int ft_parse_size(const char *v, u64 *out)
{
	char num[24];
	size_t len = strlen(v);
	unsigned int shift = 0;
	u64 n;
	int ret;

	if (len && strchr("KkMmGg", v[len - 1])) {
		shift = strchr("Kk", v[len - 1]) ? 10 : strchr("Mm", v[len - 1]) ? 20 : 30;
		len--;
	}
	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, v, len);
	num[len] = '\0';
	ret = ft_parse_u64(num, &n);
	if (ret)
		return ret;
	if (n > (U64_MAX >> shift))
		return -ERANGE;
	*out = n << shift;
	return 0;
}

static int ft_parse_node(const char *v, bool allow_all, int *node, struct ft_ctx *ctx)
{
	u64 n;

	if (!strcmp(v, "any") || !strcmp(v, "none")) {
		*node = allow_all ? FT_ALL : NUMA_NO_NODE;
		return 0;
	}
	if (!strcmp(v, "all")) {
		if (!allow_all)
			return ft_fail(ctx, -EINVAL,
				       "node=all is for pin, drain and undefer; use node=any");
		*node = FT_ALL;
		return 0;
	}
	if (ft_parse_u64(v, &n))
		return ft_fail(ctx, -EINVAL, "malformed node '%s'", v);
	if (n >= nr_node_ids || !node_online(n))
		return ft_fail(ctx, -EINVAL, "node %llu does not exist", n);
	if (!node_state(n, N_MEMORY))
		return ft_fail(ctx, -EINVAL, "node %llu has no memory", n);
	*node = n;
	return 0;
}

static int ft_pool_name_ok(const char *v, struct ft_ctx *ctx)
{
	const char *p;

	if (!*v || strlen(v) >= FT_POOL_NAME_LEN)
		return ft_fail(ctx, -EINVAL, "pool names have 1 to %d characters",
			       FT_POOL_NAME_LEN - 1);
	for (p = v; *p; p++)
		if (!isalnum(*p) && *p != '_' && *p != '-' && *p != '.')
			return ft_fail(ctx, -EINVAL,
				       "pool name '%s': only letters, digits, '_', '-' and '.'",
				       v);
	return 0;
}

static int ft_parse_kv(struct ft_step *s, int key, const char *v, struct ft_ctx *ctx)
{
	u64 n;
	int i;

	switch (key) {
	case K_API:
		for (i = 0; i < FT_NR_API; i++)
			if (!strcmp(v, ft_api_names[i]))
				break;
		if (i == FT_NR_API)
			return ft_fail(ctx, -EINVAL,
				       "unknown api '%s' (alloc_pages, alloc_pages_node, folio_alloc, kmalloc, kvmalloc, vmalloc)",
				       v);
		s->api = i;
		return 0;
	case K_GFP:
		s->gfp_set = true;
		return ft_gfp_parse(v, &s->gfp, ctx);
	case K_ORDER:
		if (ft_parse_u64(v, &n))
			return ft_fail(ctx, -EINVAL, "malformed order '%s'", v);
		if (n > FT_TOP_ORDER)
			return ft_fail(ctx, -EINVAL,
				       "order %llu is above this kernel's top order %d",
				       n, FT_TOP_ORDER);
		s->order = n;
		return 0;
	case K_SIZE:
		i = ft_parse_size(v, &n);
		if (i)
			return ft_fail(ctx, -EINVAL, "malformed size '%s'", v);
		if (!n)
			return ft_fail(ctx, -EINVAL, "size 0");
		if (n > SZ_1G)
			return ft_fail(ctx, -EINVAL, "size %llu is above the cap of 1G", n);
		s->size = n;
		return 0;
	case K_NODE:
		return ft_parse_node(v, s->verb == FT_VERB_PIN || s->verb == FT_VERB_DRAIN ||
					s->verb == FT_VERB_UNDEFER,
				     &s->node, ctx);
	case K_ZONE:
		if (!strcmp(v, "all")) {
			s->zone = FT_ALL;
			return 0;
		}
		s->zone = ft_zone_index(v);
		if (s->zone < 0)
			return ft_fail(ctx, -EINVAL, "unknown zone '%s'", v);
		return 0;
	case K_COUNT:
		if (ft_parse_u64(v, &n))
			return ft_fail(ctx, -EINVAL, "malformed count '%s'", v);
		if (!n || n > FT_MAX_COUNT)
			return ft_fail(ctx, -EINVAL, "count %llu is outside 1..%d", n,
				       FT_MAX_COUNT);
		s->count = n;
		return 0;
	case K_HOLD:
	case K_POOL:
		if (ft_pool_name_ok(v, ctx))
			return ctx->err;
		strscpy(s->pool, v, sizeof(s->pool));
		return 0;
	case K_FLOOR: {
		size_t len = strlen(v);
		char num[24];

		s->floor_pct = len && v[len - 1] == '%';
		if (s->floor_pct)
			len--;
		if (!len || len >= sizeof(num))
			return ft_fail(ctx, -EINVAL, "malformed floor '%s'", v);
		memcpy(num, v, len);
		num[len] = '\0';
		if (ft_parse_u64(num, &s->floor))
			return ft_fail(ctx, -EINVAL, "malformed floor '%s'", v);
		if (s->floor_pct && s->floor > 100)
			return ft_fail(ctx, -EINVAL, "floor %llu%% is above 100%%", s->floor);
		s->floor_set = true;
		return 0;
	}
	case K_PATTERN:
		s->alt = !strcmp(v, "alt");
		if (s->alt)
			s->k = 1;
		else if (strcmp(v, "group"))
			return ft_fail(ctx, -EINVAL, "unknown pattern '%s' (alt, group)", v);
		return 0;
	case K_K:
		if (ft_parse_u64(v, &n))
			return ft_fail(ctx, -EINVAL, "malformed k '%s'", v);
		if (n < 1 || n > FT_TOP_ORDER)
			return ft_fail(ctx, -EINVAL, "k %llu is outside 1..%d", n, FT_TOP_ORDER);
		s->k = n;
		return 0;
	case K_REFS:
		if (strcmp(v, "0") && strcmp(v, "1"))
			return ft_fail(ctx, -EINVAL, "refs takes 0 or 1, not '%s'", v);
		s->refs = *v == '1';
		return 0;
	case K_ABOVE:
		if (ft_parse_u64(v, &n))
			return ft_fail(ctx, -EINVAL, "malformed above '%s'", v);
		if (n >= FT_TOP_ORDER)
			return ft_fail(ctx, -EINVAL, "above %llu: must be below the top order %d",
				       n, FT_TOP_ORDER);
		s->above = n;
		return 0;
	case K_BELOW: {
		size_t len = strlen(v);
		char num[8];

		/* a share of the zone's span, never all of it nor none */
		if (len < 2 || len > sizeof(num) || v[len - 1] != '%')
			return ft_fail(ctx, -EINVAL,
				       "below takes a percentage, e.g. below=50%%, not '%s'", v);
		memcpy(num, v, len - 1);
		num[len - 1] = '\0';
		if (ft_parse_u64(num, &n))
			return ft_fail(ctx, -EINVAL, "malformed below '%s'", v);
		if (n < 1 || n > 99)
			return ft_fail(ctx, -EINVAL, "below %llu%% is outside 1..99%%", n);
		s->below_pct = n;
		return 0;
	}
	}
	return -EINVAL;
}

static void ft_step_defaults(struct ft_step *s, enum ft_verb verb)
{
	memset(s, 0, sizeof(*s));
	s->verb = verb;
	s->api = FT_API_ALLOC_PAGES;
	s->gfp = GFP_KERNEL;
	s->order = -1;
	s->node = (verb == FT_VERB_PIN || verb == FT_VERB_DRAIN || verb == FT_VERB_UNDEFER) ?
		  FT_ALL : NUMA_NO_NODE;
	s->zone = FT_ALL;
	s->count = 1;
	s->k = 1;
	if (verb == FT_VERB_PIN)
		strscpy(s->pool, "pin", sizeof(s->pool));
	else if (verb == FT_VERB_DRAIN)
		strscpy(s->pool, "drain", sizeof(s->pool));
}

static int ft_parse_step(char *text, struct ft_step *s, struct ft_ctx *ctx)
{
	unsigned int seen = 0;
	char *tok, *eq;
	int verb, key;

	text = skip_spaces(text);
	tok = strsep(&text, " \t\n");
	for (verb = 0; verb < ARRAY_SIZE(ft_verb_names); verb++)
		if (!strcmp(tok, ft_verb_names[verb]))
			break;
	if (verb == ARRAY_SIZE(ft_verb_names))
		return ft_fail(ctx, -EINVAL,
			       "unknown verb '%.32s' (%s)", tok,
			       "alloc, try, pin, drain, free, pools, info, gfp, undefer, settle");
	ft_step_defaults(s, verb);

	while (text) {
		tok = strsep(&text, " \t\n");
		if (!*tok)
			continue;
		eq = strchr(tok, '=');
		if (!eq) {
			if (verb == FT_VERB_FREE && !strcmp(tok, "all") && !(seen & KB(K_NR))) {
				s->all = true;
				seen |= KB(K_NR);
				continue;
			}
			return ft_fail(ctx, -EINVAL, "'%.48s' is not key=value", tok);
		}
		*eq = '\0';
		for (key = 0; key < K_NR; key++)
			if (!strcmp(tok, ft_key_names[key]))
				break;
		if (key == K_NR || !(ft_verb_keys[verb] & KB(key)))
			return ft_fail(ctx, -EINVAL, "%s takes no key '%.32s'",
				       ft_verb_names[verb], tok);
		if (seen & KB(key))
			return ft_fail(ctx, -EINVAL, "key '%s' given twice", tok);
		seen |= KB(key);
		if (ft_parse_kv(s, key, eq + 1, ctx))
			return ctx->err;
	}

	if ((seen & KB(K_ORDER)) && (seen & KB(K_SIZE)))
		return ft_fail(ctx, -EINVAL, "give order or size, not both");
	if (verb == FT_VERB_FREE && !!s->all == !!(seen & KB(K_POOL)))
		return ft_fail(ctx, -EINVAL, "free takes pool=NAME or all");
	if ((verb == FT_VERB_ALLOC || verb == FT_VERB_TRY) && s->order < 0 && !s->size)
		s->order = 0;
	if (verb == FT_VERB_PIN && (seen & KB(K_K)) && (!(seen & KB(K_PATTERN)) || s->alt))
		return ft_fail(ctx, -EINVAL, "k= goes with pattern=group");
	return 0;
}

/*
 * text is the NUL-terminated request; it is cut up in place. Control
 * characters other than blanks and newlines make the request malformed.
 */
int ft_parse_request(char *text, struct ft_request *req, struct ft_ctx *ctx)
{
	char *p, *step;

	for (p = text; *p; p++)
		if ((!isprint(*p) && *p != '\n' && *p != '\t') || (unsigned char)*p > 0x7e)
			return ft_fail(ctx, -EINVAL, "malformed request: byte %#x at %td",
				       (unsigned char)*p, p - text);
	req->nr = 0;
	while ((step = strsep(&text, ";"))) {
		if (!*skip_spaces(step)) {
			if (!text && req->nr)
				break;	/* trailing ';' or newline */
			return ft_fail(ctx, -EINVAL, "malformed request: empty step");
		}
		if (req->nr == FT_MAX_STEPS)
			return ft_fail(ctx, -EINVAL, "more than %d steps", FT_MAX_STEPS);
		ctx->step = req->nr;
		if (ft_parse_step(step, &req->steps[req->nr], ctx))
			return ctx->err;
		req->nr++;
	}
	ctx->step = -1;
	return 0;
}
