// SPDX-License-Identifier: GPL-2.0
/*
 * slab_pin: unmovable kernel memory driven from userspace, for labs without
 * the fragtest module. Pipe buffers are order-0 pages allocated without
 * __GFP_MOVABLE, so each pipe holding data pins unmovable pages that
 * compaction cannot move; unix socket pairs add unmovable slab; empty files
 * add dentries and inodes (reclaimable slab).
 *
 * Allocated while page cache is written in between (--interleave) and the
 * cache then removed, the pins end up scattered through pageblocks that the
 * cache had filled: the unmovable fragmentation that compaction cannot undo.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "json.h"
#include "meminfo.h"
#include "workload_util.h"

#define PROG "slab_pin"
#define PREFIX_BASE "ftsp"

struct opts {
	const char *dir, *prefix, *floor;
	uint64_t pipes, pipe_pages, sockets, files, interleave;
	double duration;
	bool keep_cache, hold, quiet, cleanup;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " PROG " [--pipes N] [--sockets N] [--files N --dir DIR] [options]\n"
		"       " PROG " --dir DIR --cleanup [--prefix P]\n"
		"Pin unmovable kernel memory from userspace, optionally scattered among\n"
		"page cache that is removed afterwards.\n"
		"  --pipes N          pipes, each holding --pipe-pages pages of data (unmovable)\n"
		"  --pipe-pages P     pages of data per pipe (default 1, at most 16)\n"
		"  --sockets N        unix socket pairs (unmovable slab)\n"
		"  --files N          empty files in DIR (dentries and inodes, reclaimable slab)\n"
		"  --dir DIR          for --files and --interleave\n"
		"  --interleave SIZE  page cache written to a file in DIR after each pipe; the\n"
		"                     file is removed once the pins are in place, leaving holes\n"
		"  --keep-cache       keep the interleaved cache until exit instead\n"
		"  --prefix P         file name prefix (default " PREFIX_BASE "<pid>-)\n"
		"  --floor SIZE|PCT   stop before MemAvailable drops below this (default 10%%\n"
		"                     of MemTotal, >= 64M)\n"
		"  --duration SECS    give up after SECS (with --hold: hold until then)\n"
		"  --hold             hold the pins until SIGINT/SIGTERM or --duration\n"
		"  --cleanup          remove files named with the prefix (default every "
		PREFIX_BASE "*) in DIR\n"
		"  --quiet            no progress lines on stderr\n"
		"Pipes and sockets go with the process; files are removed on exit (after a\n"
		"SIGKILL, by --cleanup). Prints a JSON summary on stdout. Exit 0 when\n"
		"everything asked for was pinned, 1 otherwise, 2 on bad usage.\n");
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "pipes", required_argument, NULL, 'P' },
		{ "pipe-pages", required_argument, NULL, 'g' },
		{ "sockets", required_argument, NULL, 's' },
		{ "files", required_argument, NULL, 'F' },
		{ "dir", required_argument, NULL, 'd' },
		{ "interleave", required_argument, NULL, 'i' },
		{ "keep-cache", no_argument, NULL, 'K' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "floor", required_argument, NULL, 'f' },
		{ "duration", required_argument, NULL, 'D' },
		{ "hold", no_argument, NULL, 'H' },
		{ "cleanup", no_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->pipe_pages = 1;
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'P':
			if (wl_parse_u64(optarg, 0, 1000000, &o->pipes))
				return wl_bad_arg(PROG, "pipes", optarg, "0..1000000");
			break;
		case 'g':
			if (wl_parse_u64(optarg, 1, 16, &o->pipe_pages))
				return wl_bad_arg(PROG, "pipe-pages", optarg, "1..16");
			break;
		case 's':
			if (wl_parse_u64(optarg, 0, 1000000, &o->sockets))
				return wl_bad_arg(PROG, "sockets", optarg, "0..1000000");
			break;
		case 'F':
			if (wl_parse_u64(optarg, 0, 10000000, &o->files))
				return wl_bad_arg(PROG, "files", optarg, "0..10000000");
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'i':
			if (wl_parse_size(optarg, false, &o->interleave) || o->interleave > (1ull << 30))
				return wl_bad_arg(PROG, "interleave", optarg, "a size up to 1G");
			break;
		case 'K':
			o->keep_cache = true;
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
	if ((o->cleanup || o->files || o->interleave) && !o->dir) {
		fprintf(stderr, PROG ": --cleanup, --files and --interleave need --dir\n");
		return WL_EXIT_USAGE;
	}
	if (!o->cleanup && !o->pipes && !o->sockets && !o->files) {
		fprintf(stderr, PROG ": nothing to pin: give --pipes, --sockets or --files\n");
		return WL_EXIT_USAGE;
	}
	if (o->interleave && !o->pipes) {
		fprintf(stderr, PROG ": --interleave goes between pipes: give --pipes\n");
		return WL_EXIT_USAGE;
	}
	return 0;
}

/* Room for fds: every pipe and socket pair takes two. */
static int raise_nofile(uint64_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	if (rl.rlim_cur >= need)
		return 0;
	rl.rlim_cur = need;
	if (rl.rlim_max < need)
		rl.rlim_max = need;	/* needs CAP_SYS_RESOURCE; up to fs.nr_open */
	if (!setrlimit(RLIMIT_NOFILE, &rl))
		return 0;
	fprintf(stderr, PROG ": %llu pipes and socket pairs need %llu open files; the limit "
		"is %llu and cannot be raised (%s): pin fewer, or more --pipe-pages per pipe\n",
		(unsigned long long)(need / 2), (unsigned long long)need,
		(unsigned long long)(getrlimit(RLIMIT_NOFILE, &rl) ? 0 : rl.rlim_max),
		strerror(errno));
	return -1;
}

int main(int argc, char **argv)
{
	struct wl_progress progress = { 0 };
	struct meminfo before, pinned_mi, after;
	struct parse_error perr;
	struct wl_floor floor;
	struct json_writer w;
	struct opts o;
	char prefix[80], err[256], errmsg[300] = "", name[4096];
	const char *result = "done";
	uint64_t nr_pipes = 0, nr_socks = 0, nr_files = 0, cache_bytes = 0;
	long page = sysconf(_SC_PAGESIZE);
	int *fds = NULL, cache_fd = -1, dfd = -1, ret = 0;
	uint64_t nr_fds;
	char *buf = NULL;
	double t0, secs, deadline;
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
	nr_fds = 2 * (o.pipes + o.sockets);
	if (raise_nofile(nr_fds + 64)) {
		wl_floor_close(&floor);
		return WL_EXIT_FAIL;
	}
	fds = malloc((nr_fds ? nr_fds : 1) * sizeof(*fds));
	buf = malloc((size_t)page * 16 > o.interleave ? (size_t)page * 16 : o.interleave);
	if (!fds || !buf) {
		fprintf(stderr, PROG ": out of memory\n");
		ret = WL_EXIT_FAIL;
		goto out;
	}
	memset(buf, 0x3c, (size_t)page * 16 > o.interleave ? (size_t)page * 16 : o.interleave);
	if (o.dir) {
		dfd = open(o.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0) {
			fprintf(stderr, PROG ": %s: %s\n", o.dir, strerror(errno));
			ret = WL_EXIT_FAIL;
			goto out;
		}
	}
	if (o.interleave) {
		snprintf(name, sizeof(name), "%scache", o.prefix);
		cache_fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (cache_fd < 0) {
			fprintf(stderr, PROG ": %s/%s: %s\n", o.dir, name, strerror(errno));
			ret = WL_EXIT_FAIL;
			goto out;
		}
	}
	meminfo_read(-1, &before, &perr);
	t0 = wl_now();
	deadline = o.duration ? t0 + o.duration : 0;

	/* pipes, each followed by its share of page cache */
	while (nr_pipes < o.pipes) {
		int *p = fds + 2 * nr_pipes;
		uint64_t bytes = o.pipe_pages * (uint64_t)page;

		if (wl_stopping() || (deadline && wl_now() > deadline)) {
			result = wl_stopping() ? "signal" : "duration";
			break;
		}
		if ((nr_pipes & 63) == 0 && !wl_floor_allows(&floor, 64 * (bytes + o.interleave))) {
			result = "floor";
			break;
		}
		if (pipe2(p, O_CLOEXEC | O_NONBLOCK)) {
			snprintf(errmsg, sizeof(errmsg), "pipe: %s", strerror(errno));
			result = "error";
			break;
		}
		nr_pipes++;
		/* one write per page: each lands in its own pipe buffer page */
		for (uint64_t g = 0; g < o.pipe_pages; g++) {
			if (write(p[1], buf, (size_t)page) != page) {
				snprintf(errmsg, sizeof(errmsg), "pipe write: %s", strerror(errno));
				result = "error";
				break;
			}
		}
		if (errmsg[0])
			break;
		if (cache_fd >= 0) {
			if (write(cache_fd, buf, o.interleave) != (ssize_t)o.interleave) {
				snprintf(errmsg, sizeof(errmsg), "cache write: %s", strerror(errno));
				result = "error";
				break;
			}
			cache_bytes += o.interleave;
		}
		wl_progress(&progress, PROG ": %llu pipes, %llu MiB interleaved cache",
			    (unsigned long long)nr_pipes, (unsigned long long)(cache_bytes >> 20));
	}
	/* socket pairs: unmovable slab (sock, inode, dentry) */
	while (!strcmp(result, "done") && nr_socks < o.sockets) {
		int *p = fds + 2 * (nr_pipes + nr_socks);

		if (wl_stopping()) {
			result = "signal";
			break;
		}
		if ((nr_socks & 255) == 0 && !wl_floor_allows(&floor, 256 * 8192)) {
			result = "floor";
			break;
		}
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p)) {
			snprintf(errmsg, sizeof(errmsg), "socketpair: %s", strerror(errno));
			result = "error";
			break;
		}
		nr_socks++;
	}
	/* empty files: a dentry and an inode each */
	while (!strcmp(result, "done") && nr_files < o.files) {
		int fd;

		if (wl_stopping()) {
			result = "signal";
			break;
		}
		if ((nr_files & 1023) == 0 && !wl_floor_allows(&floor, 1024 * 2048)) {
			result = "floor";
			break;
		}
		snprintf(name, sizeof(name), "%s%08llu", o.prefix, (unsigned long long)nr_files);
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			snprintf(errmsg, sizeof(errmsg), "%.100s/%.100s: %s", o.dir, name,
				 strerror(errno));
			result = "error";
			break;
		}
		close(fd);
		nr_files++;
		wl_progress(&progress, PROG ": %llu files", (unsigned long long)nr_files);
	}
	meminfo_read(-1, &pinned_mi, &perr);
	if (cache_fd >= 0 && !o.keep_cache) {
		/* the holes: the cache between the pins goes */
		close(cache_fd);
		cache_fd = -1;
		snprintf(name, sizeof(name), "%scache", o.prefix);
		unlinkat(dfd, name, 0);
	}
	secs = wl_now() - t0;
	if (meminfo_read(-1, &after, &perr))
		after = pinned_mi;
	if (strcmp(result, "done"))
		ret = WL_EXIT_FAIL;
	if (!ret && o.hold) {
		if (!o.quiet)
			fprintf(stderr, PROG ": %llu pipes, %llu socket pairs, %llu files pinned, holding%s\n",
				(unsigned long long)nr_pipes, (unsigned long long)nr_socks,
				(unsigned long long)nr_files,
				deadline ? " until the duration ends" : " until SIGINT/SIGTERM");
		while (wl_sleep(deadline ? deadline - wl_now() : 3600) &&
		       (!deadline || wl_now() < deadline))
			;
	}
	if (cache_fd >= 0) {
		close(cache_fd);
		cache_fd = -1;
	}
	if (o.dir)
		removed = wl_remove_prefixed(o.dir, o.prefix);

	json_init(&w, stdout, false);
	json_object_begin(&w, NULL);
	json_string(&w, "program", PROG);
	json_uint(&w, "pipes", nr_pipes);
	json_uint(&w, "pipe_pages", o.pipe_pages);
	json_uint(&w, "pinned_pipe_bytes", nr_pipes * o.pipe_pages * (uint64_t)page);
	json_uint(&w, "socket_pairs", nr_socks);
	json_uint(&w, "files", nr_files);
	json_uint(&w, "interleaved_cache_bytes", cache_bytes);
	json_bool(&w, "cache_removed", o.interleave && !o.keep_cache);
	json_double(&w, "seconds", secs);
	json_string(&w, "result", result);
	if (errmsg[0])
		json_string(&w, "error", errmsg);
	wl_meminfo_write_json(&w, "meminfo_before", &before);
	wl_meminfo_write_json(&w, "meminfo_pinned", &pinned_mi);
	wl_meminfo_write_json(&w, "meminfo_after", &after);
	wl_floor_write_json(&w, "floor", &floor);
	json_int(&w, "removed_files", removed);
	json_object_end(&w);
	json_finish(&w);
	if (errmsg[0])
		fprintf(stderr, PROG ": %s\n", errmsg);
	else if (ret)
		fprintf(stderr, PROG ": stopped before pinning everything (%s)\n", result);
	if (removed < 0) {
		fprintf(stderr, PROG ": removing %s/%s*: %s\n", o.dir, o.prefix,
			strerror((int)-removed));
		ret = WL_EXIT_FAIL;
	}
out:
	for (uint64_t i = 0; fds && i < 2 * (nr_pipes + nr_socks); i++)
		close(fds[i]);
	if (cache_fd >= 0)
		close(cache_fd);
	if (dfd >= 0)
		close(dfd);
	free(fds);
	free(buf);
	wl_floor_close(&floor);
	return ret;
}
