// SPDX-License-Identifier: GPL-2.0
/*
 * anon_file_mix: interleave anonymous memory (touched, so really allocated)
 * and page cache in a chosen ratio and chunk size, optionally mlocked, then
 * optionally release every other chunk of each kind. What stays behind is
 * movable memory with chunk-sized holes between it: free memory that cannot
 * merge beyond the chunk's order until compaction moves the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buddyinfo.h"
#include "json.h"
#include "meminfo.h"
#include "procfile.h"
#include "workload_util.h"

#define PROG "anon_file_mix"
#define PREFIX_BASE "ftaf"
#define FLOOR_SPAN (4ull << 20)	/* MemAvailable is re-read after this much */

struct opts {
	const char *dir, *prefix, *floor;
	uint64_t total, chunk, ratio_anon, ratio_file;
	bool to_floor, holes, mlock, thp, hold, keep, quiet, cleanup;
	int node;
	double duration;
};

/* Free pages in blocks of at most `order` and above it, over all zones. */
struct split {
	uint64_t small, large;
	bool ok;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " PROG " --total SIZE|PCT|max [--dir DIR] [options]\n"
		"       " PROG " --dir DIR --cleanup [--prefix P]\n"
		"Interleave touched anonymous memory and page cache, then optionally free\n"
		"every other chunk of each kind to leave chunk-sized holes.\n"
		"  --total SIZE|PCT   memory to take in all: 600M, 60%% of MemTotal, or max\n"
		"                     (up to the safety floor)\n"
		"  --ratio A:F        anonymous to file chunks (default 1:1; 1:0 anon only)\n"
		"  --chunk SIZE       interleaving granularity (default 64K, page multiple)\n"
		"  --dir DIR          where the file lives (needed when F > 0)\n"
		"  --holes            release every other chunk of each kind afterwards\n"
		"  --mlock            mlock the anonymous chunks\n"
		"  --thp              allow transparent huge pages (default: MADV_NOHUGEPAGE,\n"
		"                     so chunks are built of base pages)\n"
		"  --node N           allocate on NUMA node N\n"
		"  --prefix P         file name prefix (default " PREFIX_BASE "<pid>-)\n"
		"  --floor SIZE|PCT   stop before MemAvailable drops below this (default 10%%\n"
		"                     of MemTotal, >= 64M)\n"
		"  --duration SECS    give up after SECS (with --hold: hold until then)\n"
		"  --hold             hold the memory until SIGINT/SIGTERM or --duration\n"
		"  --keep             leave the file on exit (remove it later with --cleanup)\n"
		"  --cleanup          remove files named with the prefix (default every "
		PREFIX_BASE "*) in DIR\n"
		"  --quiet            no progress lines on stderr\n"
		"Prints a JSON summary on stdout. Exit 0 when the total was taken (with max:\n"
		"when the floor was reached), 1 otherwise, 2 on bad usage.\n");
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "total", required_argument, NULL, 't' },
		{ "ratio", required_argument, NULL, 'r' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "dir", required_argument, NULL, 'd' },
		{ "holes", no_argument, NULL, 'o' },
		{ "mlock", no_argument, NULL, 'l' },
		{ "thp", no_argument, NULL, 'T' },
		{ "node", required_argument, NULL, 'N' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "floor", required_argument, NULL, 'f' },
		{ "duration", required_argument, NULL, 'D' },
		{ "hold", no_argument, NULL, 'H' },
		{ "keep", no_argument, NULL, 'k' },
		{ "cleanup", no_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long a, f;
	uint64_t v;
	int c, n;

	memset(o, 0, sizeof(*o));
	o->chunk = 64 << 10;
	o->ratio_anon = o->ratio_file = 1;
	o->node = -1;
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!strcmp(optarg, "max"))
				o->to_floor = true;
			else if (wl_parse_size(optarg, true, &o->total) || !o->total)
				return wl_bad_arg(PROG, "total", optarg, "a size, a % or max");
			break;
		case 'r':
			if (sscanf(optarg, "%llu:%llu%n", &a, &f, &n) != 2 || optarg[n] ||
			    a + f == 0 || a > 1000 || f > 1000 || optarg[0] == '-')
				return wl_bad_arg(PROG, "ratio", optarg, "A:F like 3:1, each 0..1000");
			o->ratio_anon = a;
			o->ratio_file = f;
			break;
		case 'c':
			if (wl_parse_size(optarg, false, &o->chunk) || o->chunk < (uint64_t)page ||
			    o->chunk % (uint64_t)page || o->chunk > (1ull << 30))
				return wl_bad_arg(PROG, "chunk", optarg,
						  "a multiple of the page size, at most 1G");
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'o':
			o->holes = true;
			break;
		case 'l':
			o->mlock = true;
			break;
		case 'T':
			o->thp = true;
			break;
		case 'N':
			if (wl_parse_u64(optarg, 0, 1023, &v))
				return wl_bad_arg(PROG, "node", optarg, "a NUMA node number");
			o->node = (int)v;
			break;
		case 'p':
			if (!wl_prefix_valid(optarg, 64))
				return wl_bad_arg(PROG, "prefix", optarg,
						  "1..64 printable characters, no '/' or blanks");
			o->prefix = optarg;
			break;
		case 'f':
			o->floor = optarg;
			break;
		case 'D':
			if (wl_parse_duration(optarg, &o->duration) || o->duration <= 0)
				return wl_bad_arg(PROG, "duration", optarg, "like 30, 2.5s, 5m");
			break;
		case 'H':
			o->hold = true;
			break;
		case 'k':
			o->keep = true;
			break;
		case 'C':
			o->cleanup = true;
			break;
		case 'Q':
			o->quiet = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return WL_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		return WL_EXIT_USAGE;
	}
	if (o->cleanup) {
		if (!o->dir) {
			fprintf(stderr, PROG ": --cleanup needs --dir\n");
			return WL_EXIT_USAGE;
		}
		return 0;
	}
	if (!o->total && !o->to_floor) {
		fprintf(stderr, PROG ": --total is required\n");
		return WL_EXIT_USAGE;
	}
	if (o->ratio_file && !o->dir) {
		fprintf(stderr, PROG ": file chunks need --dir (or --ratio A:0)\n");
		return WL_EXIT_USAGE;
	}
	if (o->hold && o->keep) {
		fprintf(stderr, PROG ": --hold and --keep do not mix\n");
		return WL_EXIT_USAGE;
	}
	return 0;
}

static struct split buddy_split(int order)
{
	struct split s = { 0 };
	struct buddyinfo bi;

	if (buddyinfo_read(&bi))
		return s;
	for (size_t z = 0; z < bi.nr_zones; z++) {
		uint64_t all = buddy_zone_free_pages(&bi.zones[z]);
		uint64_t above = buddy_zone_pages_at_or_above(&bi.zones[z], order + 1);

		s.large += above;
		s.small += all - above;
	}
	buddyinfo_free(&bi);
	s.ok = true;
	return s;
}

static void split_json(struct json_writer *w, const char *key, struct split s)
{
	json_object_begin(w, key);
	if (s.ok) {
		json_uint(w, "free_pages_up_to_chunk_order", s.small);
		json_uint(w, "free_pages_above_chunk_order", s.large);
	}
	json_object_end(w);
}

static int chunk_order(uint64_t chunk)
{
	long page = sysconf(_SC_PAGESIZE);
	int order = 0;

	while (((uint64_t)page << (order + 1)) <= chunk)
		order++;
	return order;
}

static int bind_node(int node)
{
	struct bitmask *bm;

	if (numa_available() < 0) {
		fprintf(stderr, PROG ": --node %d: this kernel has no NUMA support\n", node);
		return -1;
	}
	if (node > numa_max_node() || !numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned)node)) {
		fprintf(stderr, PROG ": --node %d: no such node (max %d)\n", node, numa_max_node());
		return -1;
	}
	bm = numa_allocate_nodemask();
	numa_bitmask_setbit(bm, (unsigned int)node);
	numa_set_membind(bm);
	numa_free_nodemask(bm);
	return 0;
}

int main(int argc, char **argv)
{
	struct wl_progress progress = { 0 };
	struct split before, filled = { 0 }, holed = { 0 };
	struct meminfo mi_before, mi_after;
	struct parse_error perr;
	struct wl_floor floor;
	struct json_writer w;
	struct opts o;
	char prefix[80], path[4096], err[256], errmsg[300] = "";
	const char *result = "total";
	uint64_t max_chunks, nr_anon = 0, nr_file = 0, released = 0, released_bytes = 0;
	uint64_t anon_cap, file_off = 0, until_check = 0;
	long page = sysconf(_SC_PAGESIZE);
	double t0, secs, deadline;
	char *anon = MAP_FAILED, *page_buf = NULL;
	int fd = -1, ret = 0;
	long removed = 0;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	if (o.cleanup)
		return wl_cleanup_files(PROG, o.dir, o.prefix ? o.prefix : PREFIX_BASE);
	if (!o.prefix) {
		wl_default_prefix(prefix, sizeof(prefix), PREFIX_BASE);
		o.prefix = prefix;
	}
	progress.quiet = o.quiet;
	wl_signals_init();
	if (wl_floor_init(&floor, o.floor, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return o.floor ? WL_EXIT_USAGE : WL_EXIT_FAIL;
	}
	if (o.to_floor)
		o.total = floor.mem_total;
	max_chunks = o.total / o.chunk;
	if (!max_chunks) {
		fprintf(stderr, PROG ": --total is smaller than one chunk\n");
		wl_floor_close(&floor);
		return WL_EXIT_USAGE;
	}
	if (o.node >= 0 && bind_node(o.node)) {
		wl_floor_close(&floor);
		return WL_EXIT_FAIL;
	}
	/* address space for every chunk that could be anonymous; pages come on touch */
	anon_cap = (max_chunks * o.ratio_anon + o.ratio_anon + o.ratio_file - 1) /
		   (o.ratio_anon + o.ratio_file) * o.chunk;
	if (anon_cap) {
		anon = mmap(NULL, anon_cap, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (anon == MAP_FAILED) {
			fprintf(stderr, PROG ": mmap %llu bytes: %s\n", (unsigned long long)anon_cap,
				strerror(errno));
			wl_floor_close(&floor);
			return WL_EXIT_FAIL;
		}
		/* base pages, so that chunks and holes are what the options say */
		if (!o.thp)
			madvise(anon, anon_cap, MADV_NOHUGEPAGE);
	}
	if (o.ratio_file) {
		snprintf(path, sizeof(path), "%s/%s0", o.dir, o.prefix);
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		page_buf = malloc(o.chunk);
		if (fd < 0 || !page_buf) {
			fprintf(stderr, PROG ": %s: %s\n", path, fd < 0 ? strerror(errno) :
				"out of memory");
			ret = WL_EXIT_FAIL;
			goto out;
		}
		memset(page_buf, 0xa5, o.chunk);
	}
	if (meminfo_read(-1, &mi_before, &perr)) {
		fprintf(stderr, PROG ": %s\n", perr.msg);
		ret = WL_EXIT_FAIL;
		goto out;
	}
	before = buddy_split(chunk_order(o.chunk));
	t0 = wl_now();
	deadline = o.duration ? t0 + o.duration : 0;
	for (uint64_t i = 0; i < max_chunks; i++) {
		uint64_t r = o.ratio_anon + o.ratio_file;
		/*
		 * Spread the anonymous chunks evenly among the file ones, in
		 * pairs of one kind: --holes releases the second chunk of each
		 * pair, so no two released chunks were taken one after the
		 * other. (Chunk by chunk, a 1:1 mix released anon k and file k,
		 * neighbours where the pages come in physical order, and the
		 * holes merged past the chunk's order.)
		 */
		uint64_t pair = i / 2;
		bool is_anon = (pair + 1) * o.ratio_anon / r > pair * o.ratio_anon / r;

		if (wl_stopping()) {
			result = "signal";
			break;
		}
		if (deadline && wl_now() > deadline) {
			result = "duration";
			break;
		}
		/* reading meminfo per chunk would cost more than the chunk */
		if (!until_check) {
			until_check = o.chunk > FLOOR_SPAN ? o.chunk : FLOOR_SPAN;
			if (!wl_floor_allows(&floor, until_check)) {
				result = "floor";
				break;
			}
		}
		until_check = until_check > o.chunk ? until_check - o.chunk : 0;
		if (is_anon) {
			char *p = anon + nr_anon * o.chunk;

			if ((nr_anon + 1) * o.chunk > anon_cap)
				continue;
			for (uint64_t off = 0; off < o.chunk; off += (uint64_t)page)
				p[off] = (char)(i | 1);
			if (o.mlock && mlock(p, o.chunk)) {
				snprintf(errmsg, sizeof(errmsg), "mlock: %s", strerror(errno));
				result = "error";
				break;
			}
			nr_anon++;
		} else {
			ssize_t n = pwrite(fd, page_buf, o.chunk, (off_t)file_off);

			if (n != (ssize_t)o.chunk) {
				snprintf(errmsg, sizeof(errmsg), "write %.200s: %s", path,
					 n < 0 ? strerror(errno) : "short write");
				result = "error";
				break;
			}
			file_off += o.chunk;
			nr_file++;
		}
		wl_progress(&progress, PROG ": %llu MiB anon, %llu MiB file, MemAvailable %llu MiB",
			    (unsigned long long)(nr_anon * o.chunk >> 20),
			    (unsigned long long)(nr_file * o.chunk >> 20),
			    (unsigned long long)(floor.lowest >> 20));
	}
	filled = buddy_split(chunk_order(o.chunk));
	if (o.holes && (!strcmp(result, "total") || !strcmp(result, "floor"))) {
		/* every other chunk of each kind: holes among both anon and file */
		for (uint64_t k = 1; k < nr_anon; k += 2) {
			char *p = anon + k * o.chunk;

			if (o.mlock)
				munlock(p, o.chunk);
			if (madvise(p, o.chunk, MADV_DONTNEED) == 0) {
				released++;
				released_bytes += o.chunk;
			}
		}
		for (uint64_t k = 1; k < nr_file; k += 2) {
			off_t off = (off_t)(k * o.chunk);

			/* punching drops the pages at once, dirty or not */
			if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
				      (off_t)o.chunk) == 0 ||
			    (fdatasync(fd) == 0 &&
			     posix_fadvise(fd, off, (off_t)o.chunk, POSIX_FADV_DONTNEED) == 0)) {
				released++;
				released_bytes += o.chunk;
			}
		}
		holed = buddy_split(chunk_order(o.chunk));
	}
	secs = wl_now() - t0;
	if (meminfo_read(-1, &mi_after, &perr))
		mi_after = mi_before;
	if (strcmp(result, "total") && !(o.to_floor && !strcmp(result, "floor")))
		ret = WL_EXIT_FAIL;
	if (!ret && o.hold) {
		if (!o.quiet)
			fprintf(stderr, PROG ": %llu MiB anon, %llu MiB file, %llu chunks released, holding%s\n",
				(unsigned long long)(nr_anon * o.chunk >> 20),
				(unsigned long long)(nr_file * o.chunk >> 20),
				(unsigned long long)released,
				deadline ? " until the duration ends" : " until SIGINT/SIGTERM");
		while (wl_sleep(deadline ? deadline - wl_now() : 3600) &&
		       (!deadline || wl_now() < deadline))
			;
	}

	json_init(&w, stdout, false);
	json_object_begin(&w, NULL);
	json_string(&w, "program", PROG);
	json_uint(&w, "total_bytes", o.total);
	json_uint(&w, "ratio_anon", o.ratio_anon);
	json_uint(&w, "ratio_file", o.ratio_file);
	json_uint(&w, "chunk", o.chunk);
	json_int(&w, "chunk_order", chunk_order(o.chunk));
	json_uint(&w, "anon_chunks", nr_anon);
	json_uint(&w, "file_chunks", nr_file);
	json_uint(&w, "anon_bytes", nr_anon * o.chunk);
	json_uint(&w, "file_bytes", nr_file * o.chunk);
	json_bool(&w, "mlock", o.mlock);
	json_bool(&w, "thp", o.thp);
	json_bool(&w, "holes", o.holes);
	json_uint(&w, "released_chunks", released);
	json_uint(&w, "released_bytes", released_bytes);
	json_int(&w, "node", o.node);
	json_double(&w, "seconds", secs);
	json_string(&w, "result", result);
	if (errmsg[0])
		json_string(&w, "error", errmsg);
	json_object_begin(&w, "buddy");
	split_json(&w, "before", before);
	split_json(&w, "after_fill", filled);
	if (o.holes)
		split_json(&w, "after_holes", holed);
	json_object_end(&w);
	wl_meminfo_write_json(&w, "meminfo_before", &mi_before);
	wl_meminfo_write_json(&w, "meminfo_after", &mi_after);
	wl_floor_write_json(&w, "floor", &floor);
	json_bool(&w, "kept", o.keep);
	if (fd >= 0 && !o.keep) {
		close(fd);
		fd = -1;
		removed = wl_remove_prefixed(o.dir, o.prefix);
	}
	json_int(&w, "removed_files", removed);
	json_object_end(&w);
	json_finish(&w);
	if (errmsg[0])
		fprintf(stderr, PROG ": %s\n", errmsg);
	else if (ret)
		fprintf(stderr, PROG ": stopped before the total (%s)\n", result);
	if (removed < 0) {
		fprintf(stderr, PROG ": removing %s/%s*: %s\n", o.dir, o.prefix,
			strerror((int)-removed));
		ret = WL_EXIT_FAIL;
	}
out:
	if (anon != MAP_FAILED)
		munmap(anon, anon_cap);
	if (fd >= 0) {
		close(fd);
		if (!o.keep)
			wl_remove_prefixed(o.dir, o.prefix);
	}
	free(page_buf);
	wl_floor_close(&floor);
	return ret;
}
