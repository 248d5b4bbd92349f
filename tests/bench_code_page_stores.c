// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark: how long zeroing a page takes under QEMU TCG when the page once
 * held code the guest ran, with rep stosb (what clear_page_erms uses) and
 * with rep stosq (clear_page_rep, a CPU without ERMS). A store into a page
 * with translated code takes QEMU's slow path until the last translation in
 * that page is invalidated; on a page whose every 16th byte was executed,
 * that is nearly every store of the page. scripts/vmtest hides ERMS and FSRM
 * from the guest because of what this measures.
 *
 *   gcc -O2 -static -o build/bench_code_page_stores tests/bench_code_page_stores.c
 *   scripts/vmtest --kernel 6.12 -- build/bench_code_page_stores
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define NR_PAGES	256
#define PAGE_BYTES	4096UL
#define ROUNDS		2

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* one ret every 16 bytes, each called once: translations all over the pages */
static void run_code_in(unsigned char *p, size_t len)
{
	memset(p, 0xc3, len);
	for (size_t off = 0; off < len; off += 16)
		((void (*)(void))(p + off))();
}

static void zero_bytes(void *dst, size_t len)
{
	asm volatile("rep stosb" : "+D"(dst), "+c"(len) : "a"(0) : "memory");
}

static void zero_quads(void *dst, size_t len)
{
	size_t quads = len / 8;

	asm volatile("rep stosq" : "+D"(dst), "+c"(quads) : "a"(0) : "memory");
}

int main(void)
{
	size_t len = NR_PAGES * PAGE_BYTES;

	for (int round = 0; round < ROUNDS; round++) {
		for (int v = 0; v < 4; v++) {
			int held_code = v & 1, quads = v >> 1;
			unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE | PROT_EXEC,
						MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
			double t;

			if (p == MAP_FAILED) {
				perror("mmap");
				return 1;
			}
			if (held_code)
				run_code_in(p, len);
			else
				memset(p, 0xc3, len);
			t = seconds();
			if (quads)
				zero_quads(p, len);
			else
				zero_bytes(p, len);
			t = seconds() - t;
			printf("%s over pages that %s: %.1f us per page\n",
			       quads ? "rep stosq" : "rep stosb",
			       held_code ? "held code" : "held data", t * 1e6 / NR_PAGES);
			munmap(p, len);
		}
	}
	return 0;
}
