// SPDX-License-Identifier: GPL-2.0
/*
 * pagecache_fill: put a chosen amount of file data into the page cache of a
 * directory's filesystem, through io_uring, and report what it cost.
 *
 * write mode: buffered writes create the files; their pages (dirty, then
 * written back) are the cache. read mode: the files are first written with
 * O_DIRECT (no cache), then read back buffered, so the cache is clean and
 * reclaimable at once. Few large files fill the cache in long runs; many
 * small ones interleave inodes and dentries (slab) with page cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <liburing.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "json.h"
#include "meminfo.h"
#include "workload_util.h"

#define PROG "pagecache_fill"
#define PREFIX_BASE "ftpc"
#define FLOOR_EVERY (32ull << 20)	/* re-check MemAvailable after this many bytes */

enum mode { MODE_WRITE, MODE_READ };

struct opts {
	const char *dir;
	const char *prefix;
	const char *floor;
	uint64_t target, file_size, count, block, qd;
	bool have_target, have_count;
	enum mode mode;
	int node;
	double duration;
	bool hold, keep, quiet, cleanup;
};

struct slot {
	int fd;
	uint64_t file;		/* index of the file open in this slot */
	uint32_t inflight;
};

struct engine {
	struct io_uring ring;
	bool fixed;		/* the buffer is registered */
	void *buf;
	struct slot *slots;
	unsigned int nr_slots;
	int dfd;
	const struct opts *o;
	struct wl_floor *floor;
	struct wl_progress *progress;
	double deadline;
	uint64_t done_bytes, total_bytes, submitted_bytes, files_created;
	char stopped_by[16];
	char error[256];
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " PROG " --dir DIR --target SIZE|PCT [options]\n"
		"       " PROG " --dir DIR --cleanup [--prefix P]\n"
		"Fill the page cache of DIR's filesystem with file data through io_uring.\n"
		"  --dir DIR          directory for the files (on the filesystem to cache)\n"
		"  --target SIZE|PCT  bytes of file data to cache: 512M, 2G, or 30%% of MemTotal\n"
		"  --file-size SIZE   size of each file (default 64M; 16K for many small files)\n"
		"  --count N          at most N files (default: as many as the target needs)\n"
		"  --mode write|read  write: buffered writes (dirty cache); read: write with\n"
		"                     O_DIRECT, then read back buffered (clean cache). Default write\n"
		"  --block SIZE       I/O size (default 256K, at most the file size)\n"
		"  --qd N             io_uring queue depth (default 32)\n"
		"  --node N           bind the cache's allocations to NUMA node N\n"
		"  --prefix P         file name prefix (default " PREFIX_BASE "<pid>-)\n"
		"  --floor SIZE|PCT   stop before MemAvailable drops below this (default "
		"10%% of MemTotal, >= 64M)\n"
		"  --duration SECS    give up after SECS (with --hold: hold until then)\n"
		"  --hold             after the target, keep the files until SIGINT/SIGTERM or\n"
		"                     the --duration limit\n"
		"  --keep             leave the files on exit (remove them later with --cleanup)\n"
		"  --cleanup          remove files named with the prefix (default every "
		PREFIX_BASE "*) in DIR\n"
		"  --quiet            no progress lines on stderr\n"
		"Prints a JSON summary on stdout. Exit 0 when the target was reached, 1 when\n"
		"not (floor, duration, signal, I/O error), 2 on bad usage.\n");
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "target", required_argument, NULL, 't' },
		{ "file-size", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "mode", required_argument, NULL, 'm' },
		{ "block", required_argument, NULL, 'b' },
		{ "qd", required_argument, NULL, 'q' },
		{ "node", required_argument, NULL, 'N' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "floor", required_argument, NULL, 'f' },
		{ "duration", required_argument, NULL, 'D' },
		{ "hold", no_argument, NULL, 'H' },
		{ "keep", no_argument, NULL, 'k' },
		{ "cleanup", no_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->file_size = 64ull << 20;
	o->block = 256ull << 10;
	o->qd = 32;
	o->node = -1;
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->dir = optarg;
			break;
		case 't':
			if (wl_parse_size(optarg, true, &o->target) || !o->target)
				return wl_bad_arg(PROG, "target", optarg, "a size like 512M or 30%");
			o->have_target = true;
			break;
		case 's':
			if (wl_parse_size(optarg, false, &o->file_size) || !o->file_size)
				return wl_bad_arg(PROG, "file-size", optarg, "a size like 16K or 64M");
			break;
		case 'n':
			if (wl_parse_u64(optarg, 1, 100000000, &o->count))
				return wl_bad_arg(PROG, "count", optarg, "1..100000000");
			o->have_count = true;
			break;
		case 'm':
			if (!strcmp(optarg, "write"))
				o->mode = MODE_WRITE;
			else if (!strcmp(optarg, "read"))
				o->mode = MODE_READ;
			else
				return wl_bad_arg(PROG, "mode", optarg, "write or read");
			break;
		case 'b':
			if (wl_parse_size(optarg, false, &o->block) || o->block < 4096 ||
			    o->block > (64ull << 20) || o->block % 4096)
				return wl_bad_arg(PROG, "block", optarg, "4K..64M, a multiple of 4K");
			break;
		case 'q':
			if (wl_parse_u64(optarg, 1, 4096, &o->qd))
				return wl_bad_arg(PROG, "qd", optarg, "1..4096");
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
				return wl_bad_arg(PROG, "duration", optarg, "like 30, 2.5s, 500ms, 5m");
			break;
		case 'H':
			o->hold = true;
			break;
		case 'k':
			o->keep = true;
			break;
		case 'c':
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
	if (!o->dir) {
		fprintf(stderr, PROG ": --dir is required\n");
		return WL_EXIT_USAGE;
	}
	if (o->cleanup)
		return 0;
	if (!o->have_target && !o->have_count) {
		fprintf(stderr, PROG ": give --target (or --count with --file-size)\n");
		return WL_EXIT_USAGE;
	}
	if (!o->have_target)
		o->target = o->count * o->file_size;
	if (!o->have_count) {
		o->count = (o->target + o->file_size - 1) / o->file_size;
		if (o->count > 100000000) {
			fprintf(stderr, PROG ": --target / --file-size needs more than 1e8 files\n");
			return WL_EXIT_USAGE;
		}
	}
	if (o->hold && o->keep) {
		fprintf(stderr, PROG ": --hold and --keep do not mix\n");
		return WL_EXIT_USAGE;
	}
	if (o->block > o->file_size)
		o->block = (o->file_size + 4095) & ~4095ull;
	/* O_DIRECT needs whole blocks: read mode rounds files up to 4K */
	if (o->mode == MODE_READ)
		o->file_size = (o->file_size + 4095) & ~4095ull;
	return 0;
}

/* Bytes the run writes: whole files, count of them, but not past the target. */
static uint64_t file_bytes(const struct opts *o, uint64_t file)
{
	uint64_t start = file * o->file_size;

	if (start >= o->target)
		return 0;
	if (o->mode == MODE_READ)	/* whole 4K blocks for O_DIRECT */
		return o->file_size;
	return o->target - start < o->file_size ? o->target - start : o->file_size;
}

static void file_name(const struct opts *o, uint64_t file, char *buf, size_t len)
{
	snprintf(buf, len, "%s%08llu", o->prefix, (unsigned long long)file);
}

static int engine_init(struct engine *e, const struct opts *o)
{
	struct iovec iov;
	int ret;

	e->o = o;
	e->nr_slots = (unsigned int)o->qd + 1;
	e->slots = calloc(e->nr_slots, sizeof(*e->slots));
	if (!e->slots || posix_memalign(&e->buf, 4096, o->block)) {
		snprintf(e->error, sizeof(e->error), "out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < e->nr_slots; i++)
		e->slots[i].fd = -1;
	/* non-zero data so that no filesystem can store holes */
	memset(e->buf, 0x5a, o->block);
	ret = io_uring_queue_init((unsigned int)o->qd, &e->ring, 0);
	if (ret) {
		snprintf(e->error, sizeof(e->error), "io_uring_queue_init: %s", strerror(-ret));
		return ret;
	}
	/*
	 * One registered buffer serves every request: writes only read it and
	 * the data that reads land in it is discarded. Registration saves the
	 * per-I/O page pinning; without it (memlock limit) plain I/O works.
	 */
	iov.iov_base = e->buf;
	iov.iov_len = o->block;
	e->fixed = io_uring_register_buffers(&e->ring, &iov, 1) == 0;
	return 0;
}

static void engine_exit(struct engine *e)
{
	if (e->ring.ring_fd > 0)
		io_uring_queue_exit(&e->ring);
	for (unsigned int i = 0; e->slots && i < e->nr_slots; i++)
		if (e->slots[i].fd >= 0)
			close(e->slots[i].fd);
	free(e->slots);
	free(e->buf);
}

static void set_error(struct engine *e, const char *fmt, const char *name, int err)
{
	if (!e->error[0])
		snprintf(e->error, sizeof(e->error), fmt, name, strerror(err));
	snprintf(e->stopped_by, sizeof(e->stopped_by), "error");
}

/* Reap completions; a slot no longer current is closed once idle. */
static void reap(struct engine *e, unsigned int *inflight, int cur)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;

	io_uring_for_each_cqe(&e->ring, head, cqe) {
		unsigned int s = (unsigned int)(cqe->user_data & 0xffffffff);
		uint32_t len = (uint32_t)(cqe->user_data >> 32);
		struct slot *sl = &e->slots[s];

		n++;
		sl->inflight--;
		(*inflight)--;
		if (cqe->res < 0 || (uint32_t)cqe->res != len) {
			char name[128];

			file_name(e->o, sl->file, name, sizeof(name));
			set_error(e, "%s: %s", name, cqe->res < 0 ? -cqe->res : EIO);
		} else {
			e->done_bytes += len;
		}
		if (!sl->inflight && (int)s != cur && sl->fd >= 0) {
			close(sl->fd);
			sl->fd = -1;
		}
	}
	io_uring_cq_advance(&e->ring, n);
}

static bool should_stop(struct engine *e)
{
	if (e->stopped_by[0])
		return true;
	if (wl_stopping())
		snprintf(e->stopped_by, sizeof(e->stopped_by), "signal");
	else if (e->deadline && wl_now() > e->deadline)
		snprintf(e->stopped_by, sizeof(e->stopped_by), "duration");
	return e->stopped_by[0];
}

static int idle_slot(const struct engine *e)
{
	for (unsigned int s = 0; s < e->nr_slots; s++)
		if (e->slots[s].fd < 0 && !e->slots[s].inflight)
			return (int)s;
	return -1;
}

/*
 * One pass over the files: create and write them (buffered or O_DIRECT), or
 * read them back. Up to qd requests are in flight across the files; slots
 * hold the files with requests in flight (qd + 1 of them, so that one is
 * always idle while fewer than qd requests are).
 */
static int run_pass(struct engine *e, bool writing, bool direct)
{
	const struct opts *o = e->o;
	unsigned int inflight = 0;
	int cur = -1;
	uint64_t file = 0, off = 0, next_floor = e->submitted_bytes + FLOOR_EVERY;
	double start = wl_now();
	int flags = writing ? O_WRONLY | O_CREAT | O_EXCL : O_RDONLY;
	char name[128];

	if (direct)
		flags |= O_DIRECT;
	e->done_bytes = 0;
	for (;;) {
		bool more = file < o->count && file_bytes(o, file) > 0;
		int ret;

		while (more && inflight < o->qd && !should_stop(e)) {
			uint64_t fbytes = file_bytes(o, file);
			uint32_t len = (uint32_t)(fbytes - off < o->block ? fbytes - off : o->block);
			struct io_uring_sqe *sqe;
			struct slot *sl;

			if (cur < 0) {
				cur = idle_slot(e);
				if (cur < 0)
					break;
				sl = &e->slots[cur];
				file_name(o, file, name, sizeof(name));
				sl->fd = openat(e->dfd, name, flags | O_CLOEXEC, 0600);
				if (sl->fd < 0) {
					cur = -1;
					set_error(e, "%s: %s", name, errno);
					break;
				}
				sl->file = file;
				if (writing && !direct)
					e->files_created++;
			}
			sl = &e->slots[cur];
			if (e->submitted_bytes >= next_floor) {
				next_floor = e->submitted_bytes + FLOOR_EVERY;
				if (!wl_floor_allows(e->floor, FLOOR_EVERY)) {
					snprintf(e->stopped_by, sizeof(e->stopped_by), "floor");
					break;
				}
			}
			sqe = io_uring_get_sqe(&e->ring);
			if (!sqe)
				break;
			if (writing && e->fixed)
				io_uring_prep_write_fixed(sqe, sl->fd, e->buf, len, off, 0);
			else if (writing)
				io_uring_prep_write(sqe, sl->fd, e->buf, len, off);
			else if (e->fixed)
				io_uring_prep_read_fixed(sqe, sl->fd, e->buf, len, off, 0);
			else
				io_uring_prep_read(sqe, sl->fd, e->buf, len, off);
			sqe->user_data = (uint64_t)cur | ((uint64_t)len << 32);
			sl->inflight++;
			inflight++;
			off += len;
			e->submitted_bytes += len;
			if (off >= fbytes) {
				/* fully submitted: the slot closes when its last request ends */
				file++;
				off = 0;
				cur = -1;
				more = file < o->count && file_bytes(o, file) > 0;
			}
		}
		if (!inflight && (!more || e->stopped_by[0]))
			break;
		ret = io_uring_submit_and_wait(&e->ring, inflight ? 1 : 0);
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
			set_error(e, "%sio_uring_submit: %s", "", -ret);
			break;	/* requests still in flight end in io_uring_queue_exit */
		}
		reap(e, &inflight, cur);
		if (wl_progress_due(e->progress)) {
			double el = wl_now() - start;

			fprintf(stderr, PROG ": %s %llu/%llu MiB, %.1f MB/s, MemAvailable %llu MiB\n",
				writing ? (direct ? "prepared" : "written") : "read",
				(unsigned long long)(e->done_bytes >> 20),
				(unsigned long long)(e->total_bytes >> 20),
				el > 0 ? (double)e->done_bytes / el / 1e6 : 0.0,
				(unsigned long long)(wl_mem_available(e->floor) >> 20));
		}
	}
	for (unsigned int i = 0; i < e->nr_slots; i++) {
		if (e->slots[i].fd >= 0 && !e->slots[i].inflight) {
			close(e->slots[i].fd);
			e->slots[i].fd = -1;
		}
	}
	return e->stopped_by[0] ? -1 : 0;
}

static void write_summary(const struct opts *o, const struct engine *e, const struct meminfo *before,
			  const struct meminfo *after, double fill_secs, double prep_secs,
			  long removed, const char *reached)
{
	struct json_writer w;
	uint64_t cb = 0, ca = 0;

	meminfo_get(before, "Cached", &cb);
	meminfo_get(after, "Cached", &ca);
	json_init(&w, stdout, false);
	json_object_begin(&w, NULL);
	json_string(&w, "program", PROG);
	json_string(&w, "dir", o->dir);
	json_string(&w, "prefix", o->prefix);
	json_string(&w, "mode", o->mode == MODE_READ ? "read" : "write");
	json_uint(&w, "target_bytes", o->target);
	json_uint(&w, "file_size", o->file_size);
	json_uint(&w, "files", o->mode == MODE_READ ? o->count : e->files_created);
	json_uint(&w, "bytes", e->done_bytes);
	json_uint(&w, "block", o->block);
	json_uint(&w, "qd", o->qd);
	json_bool(&w, "registered_buffers", e->fixed);
	json_int(&w, "node", o->node);
	json_double(&w, "seconds", fill_secs);
	json_double(&w, "mb_per_s", fill_secs > 0 ? (double)e->done_bytes / fill_secs / 1e6 : 0);
	if (o->mode == MODE_READ)
		json_double(&w, "prepare_seconds", prep_secs);
	json_string(&w, "result", reached);
	if (e->error[0])
		json_string(&w, "error", e->error);
	json_int(&w, "cached_delta_bytes", (int64_t)ca - (int64_t)cb);
	wl_meminfo_write_json(&w, "meminfo_before", before);
	wl_meminfo_write_json(&w, "meminfo_after", after);
	wl_floor_write_json(&w, "floor", e->floor);
	json_bool(&w, "kept", o->keep);
	json_int(&w, "removed_files", removed);
	json_object_end(&w);
	json_finish(&w);
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
	/* before the ring exists, so that its io-wq workers inherit the policy */
	numa_set_membind(bm);
	numa_free_nodemask(bm);
	if (numa_run_on_node(node)) {
		fprintf(stderr, PROG ": --node %d: %s\n", node, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct engine e;
	struct meminfo before, after;
	struct parse_error perr;
	struct wl_progress progress = { 0 };
	struct wl_floor floor;
	struct statvfs sv;
	struct opts o;
	char prefix[80], err[256];
	double t0, prep_secs = 0, fill_secs;
	long removed = 0;
	int ret;

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
	if (statvfs(o.dir, &sv)) {
		fprintf(stderr, PROG ": %s: %s\n", o.dir, strerror(errno));
		wl_floor_close(&floor);
		return WL_EXIT_FAIL;
	}
	if ((uint64_t)sv.f_bavail * sv.f_frsize < o.count * o.file_size / 100 * 105 &&
	    (uint64_t)sv.f_bavail * sv.f_frsize < o.target / 100 * 105) {
		fprintf(stderr, PROG ": %s has %llu MiB free, the target needs %llu MiB (+5%%)\n",
			o.dir, (unsigned long long)((uint64_t)sv.f_bavail * sv.f_frsize >> 20),
			(unsigned long long)(o.target >> 20));
		wl_floor_close(&floor);
		return WL_EXIT_FAIL;
	}
	if (!wl_floor_allows(&floor, 0)) {
		fprintf(stderr, PROG ": MemAvailable %llu MiB is already below the floor %llu MiB\n",
			(unsigned long long)(floor.lowest >> 20),
			(unsigned long long)(floor.floor >> 20));
		wl_floor_close(&floor);
		return WL_EXIT_FAIL;
	}
	if (o.node >= 0 && bind_node(o.node)) {
		wl_floor_close(&floor);
		return WL_EXIT_FAIL;
	}

	memset(&e, 0, sizeof(e));
	e.ring.ring_fd = -1;
	e.floor = &floor;
	e.progress = &progress;
	e.total_bytes = o.target;
	e.dfd = open(o.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (e.dfd < 0) {
		fprintf(stderr, PROG ": %s: %s\n", o.dir, strerror(errno));
		wl_floor_close(&floor);
		return WL_EXIT_FAIL;
	}
	if (meminfo_read(-1, &before, &perr)) {
		fprintf(stderr, PROG ": %s\n", perr.msg);
		close(e.dfd);
		wl_floor_close(&floor);
		return WL_EXIT_FAIL;
	}
	if (o.duration)
		e.deadline = wl_now() + o.duration;
	ret = engine_init(&e, &o);
	if (!ret && o.mode == MODE_READ) {
		t0 = wl_now();
		ret = run_pass(&e, true, true);
		if (ret && !strcmp(e.stopped_by, "error") && e.files_created == 0) {
			/* no O_DIRECT here (tmpfs...): write, sync, drop each file's cache */
			e.error[0] = e.stopped_by[0] = '\0';
			ret = run_pass(&e, true, false);
			for (uint64_t f = 0; !ret && f < o.count; f++) {
				char name[128];
				int fd;

				file_name(&o, f, name, sizeof(name));
				fd = openat(e.dfd, name, O_RDONLY | O_CLOEXEC);
				if (fd >= 0) {
					fdatasync(fd);
					posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
					close(fd);
				}
			}
		}
		e.files_created = o.count;
		prep_secs = wl_now() - t0;
		if (!ret)
			meminfo_read(-1, &before, &perr);
	}
	t0 = wl_now();
	if (!ret)
		ret = run_pass(&e, o.mode == MODE_WRITE, false);
	fill_secs = wl_now() - t0;
	if (meminfo_read(-1, &after, &perr))
		after = before;
	if (!ret && o.hold) {
		if (!o.quiet)
			fprintf(stderr, PROG ": target reached, holding%s\n",
				o.duration ? " until the duration ends" : " until SIGINT/SIGTERM");
		while (!should_stop(&e))
			wl_sleep(e.deadline ? e.deadline - wl_now() : 3600);
		if (!strcmp(e.stopped_by, "duration") || !strcmp(e.stopped_by, "signal"))
			e.stopped_by[0] = '\0';
	}
	engine_exit(&e);
	close(e.dfd);
	if (!o.keep) {
		removed = wl_remove_prefixed(o.dir, o.prefix);
		if (removed < 0) {
			fprintf(stderr, PROG ": removing %s/%s*: %s\n", o.dir, o.prefix,
				strerror((int)-removed));
			ret = -1;
		}
	}
	write_summary(&o, &e, &before, &after, fill_secs, prep_secs, removed,
		      ret ? (e.stopped_by[0] ? e.stopped_by : "error") : "target");
	wl_floor_close(&floor);
	if (ret) {
		if (e.error[0])
			fprintf(stderr, PROG ": %s\n", e.error);
		else if (e.stopped_by[0])
			fprintf(stderr, PROG ": stopped before the target (%s)\n", e.stopped_by);
		return WL_EXIT_FAIL;
	}
	return 0;
}
