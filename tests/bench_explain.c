// SPDX-License-Identifier: GPL-2.0
/*
 * Parse speed of `fragtest explain`'s parser: builds ~MB megabytes of dmesg
 * text (ordinary boot/driver lines with a full allocation-failure report
 * every ~2000 lines), parses it several times and prints MB/s.
 *   bench_explain [MB] [FILE]     (FILE: use its contents as the report)
 * Built by tests/fuzz/build.sh. Not a test_*.c: `make` does not run it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diagnose.h"
#include "report_parse.h"

static const char *const noise[] = {
	"[%5lu.%06lu] e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx\n",
	"[%5lu.%06lu] EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)\n",
	"[%5lu.%06lu] audit: type=1400 audit(1717437596.123:42): apparmor=\"STATUS\" operation=\"profile_load\" name=\"/usr/bin/man\" pid=612 comm=\"apparmor_parser\"\n",
	"[%5lu.%06lu] usb 1-3: new high-speed USB device number 4 using xhci_hcd\n",
	"[%5lu.%06lu] IPv6: ADDRCONF(NETDEV_CHANGE): veth1a2b3c: link becomes ready\n",
	"[%5lu.%06lu] docker0: port 3(veth1a2b3c) entered forwarding state\n",
};

static const char report[] =
	"[%5lu.%06lu] dockerd: page allocation failure: order:6, mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null),cpuset=docker.service,mems_allowed=0\n"
	"[%5lu.%06lu] CPU: 3 PID: 1234 Comm: dockerd Not tainted 5.15.0-107-generic #117-Ubuntu\n"
	"[%5lu.%06lu] Call Trace:\n"
	"[%5lu.%06lu]  <TASK>\n"
	"[%5lu.%06lu]  dump_stack_lvl+0x4a/0x63\n"
	"[%5lu.%06lu]  warn_alloc+0x138/0x160\n"
	"[%5lu.%06lu]  __alloc_pages_slowpath.constprop.0+0xa44/0xa80\n"
	"[%5lu.%06lu]  __alloc_pages+0x311/0x330\n"
	"[%5lu.%06lu]  kmalloc_order+0x2f/0xd0\n"
	"[%5lu.%06lu]  __kmalloc+0x2b1/0x330\n"
	"[%5lu.%06lu]  veth_alloc_queues+0x25/0x80 [veth]\n"
	"[%5lu.%06lu]  veth_dev_init+0x72/0xd0 [veth]\n"
	"[%5lu.%06lu]  </TASK>\n"
	"[%5lu.%06lu] Mem-Info:\n"
	"[%5lu.%06lu] active_anon:26033 inactive_anon:61950 isolated_anon:0\n"
	"[%5lu.%06lu]  free:55278 free_pcp:143 free_cma:0\n"
	"[%5lu.%06lu] Node 0 DMA free:13312kB min:64kB low:80kB high:96kB reserved_highatomic:0KB active_anon:0kB inactive_anon:0kB present:15992kB managed:15360kB mlocked:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB\n"
	"[%5lu.%06lu] lowmem_reserve[]: 0 2831 15794 15794 15794\n"
	"[%5lu.%06lu] Node 0 Normal free:121696kB min:55416kB low:69268kB high:83120kB reserved_highatomic:12288KB present:13631488kB managed:13274116kB free_cma:0kB\n"
	"[%5lu.%06lu] lowmem_reserve[]: 0 0 0 0 0\n"
	"[%5lu.%06lu] Node 0 DMA: 0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 1*1024kB (U) 2*2048kB (UM) 2*4096kB (M) = 13312kB\n"
	"[%5lu.%06lu] Node 0 Normal: 8088*4kB (UMEH) 4920*8kB (UMEH) 1847*16kB (UMEH) 642*32kB (UMEH) 24*64kB (UME) 2*128kB (M) 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 123600kB\n";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time too: on a loaded host wall time mostly measures the wait for a CPU */
static double cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t want = (argc > 1 ? strtoul(argv[1], NULL, 10) : 64) << 20, len = 0, cap;
	char *buf, line[4096];
	unsigned long t = 0;
	size_t reports = 0;
	double best = 1e9, best_cpu = 1e9;

	if (want == 0 || want > (4096ul << 20)) {
		fprintf(stderr, "usage: bench_explain [MB 1-4096]\n");
		return 2;
	}
	cap = want + 8192;
	buf = malloc(cap);
	if (!buf)
		return 2;
	for (unsigned long i = 0; len + sizeof(line) < want; i++) {
		int n;

		t += 1371;
		if (i % 2000 == 1999) {
			/* one stamp for all 22 lines of the report */
			unsigned long a[44];

			for (int k = 0; k < 44; k += 2) {
				a[k] = t / 1000000;
				a[k + 1] = t % 1000000;
			}
			n = snprintf(buf + len, cap - len, report, a[0], a[1], a[2], a[3], a[4], a[5],
				     a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15],
				     a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25],
				     a[26], a[27], a[28], a[29], a[30], a[31], a[32], a[33], a[34], a[35],
				     a[36], a[37], a[38], a[39], a[40], a[41], a[42], a[43]);
		} else {
			n = snprintf(buf + len, cap - len, noise[i % 6], t / 1000000, t % 1000000);
		}
		if (n < 0)
			break;
		len += (size_t)n;
	}
	for (int round = 0; round < 5; round++) {
		struct rp_list l = { 0 };
		double t0 = now(), c0 = cpu(), dt, dc;

		rp_parse(buf, len, &l);
		dt = now() - t0;
		dc = cpu() - c0;
		if (dt < best)
			best = dt;
		if (dc < best_cpu)
			best_cpu = dc;
		reports = l.n;
		rp_free(&l);
	}
	/* the diagnosis of one report, for scale */
	{
		struct rp_list l = { 0 };
		struct dx_result *d = malloc(sizeof(*d));
		double t0;

		rp_parse(buf, len < 1 << 20 ? len : 1 << 20, &l);
		t0 = now();
		for (size_t i = 0; d && i < l.n; i++)
			dx_diagnose(&l.v[i], d);
		printf("diagnosis: %zu reports in %.3f ms\n", l.n, (now() - t0) * 1e3);
		free(d);
		rp_free(&l);
	}
	printf("parsed %.1f MB (%zu reports) in %.3f s: %.0f MB/s wall, %.0f MB/s of CPU time\n",
	       len / 1048576.0, reports, best, len / 1048576.0 / best, len / 1048576.0 / best_cpu);
	free(buf);
	(void)argv;
	return 0;
}
