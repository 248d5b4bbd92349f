// SPDX-License-Identifier: GPL-2.0
#include "mmzone.h"

#include <string.h>

bool scan_node_zone(struct scan *s, int *node, char zone[FT_ZONE_NAME_LEN])
{
	size_t n;

	if (!scan_literal(s, "Node") || !scan_int(s, node) || *node < 0 ||
	    !scan_literal(s, ",") || !scan_literal(s, "zone") ||
	    !scan_word(s, zone, FT_ZONE_NAME_LEN))
		return false;
	n = strlen(zone);
	if (n && zone[n - 1] == ',')
		zone[n - 1] = '\0';
	return zone[0] != '\0';
}
