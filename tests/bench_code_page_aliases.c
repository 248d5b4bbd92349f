// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark: how long zeroing one page takes under QEMU TCG when the guest
 * ran code in it through N different virtual addresses, as a shared library
 * page is run by N processes with randomized address layouts. QEMU keeps a
 * translation per virtual address and a store into the page walks them
 * all, so the cost grows with N on every store of the page and once more
 * per translation invalidated. scripts/vmtest boots with norandmaps because
 * of what this measures.
 *
 *   gcc -O2 -static -o build/bench_code_page_aliases tests/bench_code_page_aliases.c
 *   scripts/vmtest --kernel 6.12 -- build/bench_code_page_aliases
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE_BYTES	4096UL

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* one page of rets, every 16th byte called through each of n mappings */
static int run_through_aliases(int fd, int n, unsigned char **maps)
{
	for (int k = 0; k < n; k++) {
		/* all kept mapped, so that each gets an address of its own */
		maps[k] = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
		if (maps[k] == MAP_FAILED) {
			perror("mmap");
			return -1;
		}
		for (size_t off = 0; off < PAGE_BYTES; off += 16)
			((void (*)(void))(maps[k] + off))();
	}
	return 0;
}

int main(void)
{
	static const int aliases[] = { 1, 16, 128, 1024 };
	static unsigned char *maps[1024];

	for (size_t v = 0; v < sizeof(aliases) / sizeof(aliases[0]); v++) {
		int n = aliases[v], fd = memfd_create("code", 0);
		unsigned char *page;
		size_t quads = PAGE_BYTES / 8;
		void *dst;
		double t;

		if (fd < 0 || ftruncate(fd, PAGE_BYTES)) {
			perror("memfd");
			return 1;
		}
		page = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (page == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		memset(page, 0xc3, PAGE_BYTES);
		if (run_through_aliases(fd, n, maps))
			return 1;
		dst = page;
		t = seconds();
		asm volatile("rep stosq" : "+D"(dst), "+c"(quads) : "a"(0) : "memory");
		t = seconds() - t;
		printf("one page run through %4d addresses: zeroing it took %.1f ms\n", n, t * 1e3);
		for (int k = 0; k < n; k++)
			munmap(maps[k], PAGE_BYTES);
		munmap(page, PAGE_BYTES);
		close(fd);
	}
	return 0;
}
