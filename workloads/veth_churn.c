// SPDX-License-Identifier: GPL-2.0
/*
 * veth_churn: create and delete veth pairs over rtnetlink (no `ip`
 * processes), with chosen rx/tx queue counts. Each veth allocates arrays
 * sized by its queue count (the rq array is 256 x 832 B = order 6 with 256
 * queues on 6.12), so churning many-queue devices makes the kernel ask for
 * high-order pages over and over, as container hosts do.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "vethlink.h"
#include "workload_util.h"

#define PROG "veth_churn"
#define MAX_ERRNOS 16
#define MAX_SAMPLES 200000	/* latency samples kept for percentiles */

struct opts {
	const char *prefix;
	const char *cleanup;
	uint64_t count, keep_alive, rxq, txq;
	double rate, duration;
	bool have_count, hold, keep, quiet;
};

struct lat {
	double *v;
	size_t n;
	double sum, max;
};

struct churn {
	const struct opts *o;
	struct vl_sock nl;
	uint64_t modulus;	/* names are prefix + (index % modulus) + a/b */
	uint64_t *alive;	/* FIFO of live indices, capacity modulus */
	uint64_t head, nr_alive, max_alive;
	uint64_t created, deleted, failed, delete_failed;
	struct { int err; uint64_t count; } errs[MAX_ERRNOS];
	int nr_errs;
	char first_error[160];
	struct lat create_lat, delete_lat;
	char stopped_by[16];
	bool loaded_module;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " PROG " [--count N] [--duration SECS] [options]\n"
		"       " PROG " --cleanup PREFIX\n"
		"Create (and delete) veth pairs over rtnetlink with chosen queue counts.\n"
		"  --count N          pairs to create in all (default 1 unless --duration)\n"
		"  --duration SECS    stop creating after SECS (with --hold: hold until then)\n"
		"  --rate R           at most R pairs a second (default: as fast as possible)\n"
		"  --keep-alive N     keep at most N pairs: delete the oldest before the next\n"
		"  --queues Q         rx and tx queues per device (default 1)\n"
		"  --rx-queues Q      rx queues only;  --tx-queues Q  tx queues only\n"
		"  --prefix P         device name prefix (default fv<pid in hex>-); names are\n"
		"                     P<index>a and P<index>b, at most 15 characters\n"
		"  --hold             after the last pair, hold until SIGINT/SIGTERM or --duration\n"
		"  --keep             leave the pairs on exit (remove them with --cleanup P)\n"
		"  --cleanup PREFIX   delete every veth whose name starts with PREFIX\n"
		"  --quiet            no progress lines on stderr\n"
		"Prints a JSON summary on stdout. Exit 0 when every pair was created (and\n"
		"removed unless --keep), 1 otherwise (the errnos are in the summary), 2 on\n"
		"bad usage.\n");
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'D' },
		{ "rate", required_argument, NULL, 'r' },
		{ "keep-alive", required_argument, NULL, 'K' },
		{ "queues", required_argument, NULL, 'q' },
		{ "rx-queues", required_argument, NULL, 'R' },
		{ "tx-queues", required_argument, NULL, 'T' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "hold", no_argument, NULL, 'H' },
		{ "keep", no_argument, NULL, 'k' },
		{ "cleanup", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->rxq = o->txq = 1;
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (wl_parse_u64(optarg, 1, 10000000, &o->count))
				return wl_bad_arg(PROG, "count", optarg, "1..10000000");
			o->have_count = true;
			break;
		case 'D':
			if (wl_parse_duration(optarg, &o->duration) || o->duration <= 0)
				return wl_bad_arg(PROG, "duration", optarg, "like 30, 2.5s, 5m");
			break;
		case 'r':
			errno = 0;
			o->rate = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(o->rate > 0) || o->rate > 1e6)
				return wl_bad_arg(PROG, "rate", optarg, "pairs a second, > 0");
			break;
		case 'K':
			if (wl_parse_u64(optarg, 1, 1000000, &o->keep_alive))
				return wl_bad_arg(PROG, "keep-alive", optarg, "1..1000000");
			break;
		case 'q':
		case 'R':
		case 'T': {
			uint64_t q;

			/* the kernel's own cap on a device's queues is 4096 */
			if (wl_parse_u64(optarg, 1, 4096, &q))
				return wl_bad_arg(PROG, c == 'q' ? "queues" : c == 'R' ? "rx-queues" :
						  "tx-queues", optarg, "1..4096");
			if (c != 'T')
				o->rxq = q;
			if (c != 'R')
				o->txq = q;
			break;
		}
		case 'p':
			o->prefix = optarg;
			break;
		case 'H':
			o->hold = true;
			break;
		case 'k':
			o->keep = true;
			break;
		case 'c':
			o->cleanup = optarg;
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
		if (!wl_prefix_valid(o->cleanup, IFNAMSIZ - 2))
			return wl_bad_arg(PROG, "cleanup", o->cleanup,
					  "an interface name prefix, 1..14 characters");
		return 0;
	}
	if (!o->have_count)
		o->count = o->duration ? 10000000 : 1;
	if (o->hold && o->keep) {
		fprintf(stderr, PROG ": --hold and --keep do not mix\n");
		return WL_EXIT_USAGE;
	}
	return 0;
}

static unsigned int digits(uint64_t v)
{
	unsigned int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* --- churn -------------------------------------------------------------- */

static void lat_add(struct lat *l, double secs)
{
	if (l->v && l->n < MAX_SAMPLES)
		l->v[l->n] = secs;
	l->n++;
	l->sum += secs;
	if (secs > l->max)
		l->max = secs;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void lat_write_json(struct json_writer *w, const char *key, struct lat *l)
{
	size_t kept = l->n < MAX_SAMPLES ? l->n : MAX_SAMPLES;

	json_object_begin(w, key);
	json_uint(w, "samples", l->n);
	if (l->n && l->v) {
		qsort(l->v, kept, sizeof(double), cmp_double);
		json_double(w, "min", l->v[0] * 1e6);
		json_double(w, "p50", l->v[kept / 2] * 1e6);
		json_double(w, "p99", l->v[kept * 99 / 100] * 1e6);
		json_double(w, "max", l->max * 1e6);
		json_double(w, "mean", l->sum / (double)l->n * 1e6);
	}
	json_object_end(w);
}

static void pair_name(const struct churn *c, uint64_t index, char end, char *buf)
{
	/* main() checked that every name fits */
	if (snprintf(buf, IFNAMSIZ, "%s%llu%c", c->o->prefix,
		     (unsigned long long)(index % c->modulus), end) >= IFNAMSIZ)
		buf[0] = '\0';
}

static void note_error(struct churn *c, int err, const char *what, const char *name)
{
	int i;

	for (i = 0; i < c->nr_errs; i++)
		if (c->errs[i].err == err)
			break;
	if (i == c->nr_errs && i < MAX_ERRNOS)
		c->errs[c->nr_errs++].err = err;
	if (i < MAX_ERRNOS)
		c->errs[i].count++;
	if (!c->first_error[0])
		snprintf(c->first_error, sizeof(c->first_error), "%s %s: %s", what, name,
			 strerror(err));
}

static int delete_oldest(struct churn *c)
{
	uint64_t index = c->alive[c->head];
	char a[IFNAMSIZ];
	double t = wl_now();
	int ret;

	pair_name(c, index, 'a', a);
	ret = vl_link_delete(&c->nl, a);
	if (ret) {
		c->delete_failed++;
		note_error(c, -ret, "delete", a);
		if (ret != -ENODEV)
			return ret;	/* still there: keep it listed */
	} else {
		lat_add(&c->delete_lat, wl_now() - t);
		c->deleted++;
	}
	c->head = (c->head + 1) % c->modulus;
	c->nr_alive--;
	return 0;
}

static bool fatal(int err)
{
	/* no point in going on: the next request fails the same way */
	return err == EPERM || err == EACCES || err == EOPNOTSUPP || err == EPROTONOSUPPORT ||
	       err == EEXIST || err == EINVAL || err == ENAMETOOLONG;
}

static void churn(struct churn *c, struct wl_progress *progress)
{
	const struct opts *o = c->o;
	double t0 = wl_now(), deadline = o->duration ? t0 + o->duration : 0;

	for (uint64_t i = 0; i < o->count; i++) {
		char a[IFNAMSIZ], b[IFNAMSIZ];
		double t;
		int ret;

		if (wl_stopping()) {
			snprintf(c->stopped_by, sizeof(c->stopped_by), "signal");
			return;
		}
		if (deadline && wl_now() >= deadline) {
			snprintf(c->stopped_by, sizeof(c->stopped_by), "duration");
			return;
		}
		if (o->rate && !wl_sleep(t0 + (double)i / o->rate - wl_now()))
			continue;	/* stopped: reported at the top */
		if (c->nr_alive == c->modulus && delete_oldest(c)) {
			snprintf(c->stopped_by, sizeof(c->stopped_by), "error");
			return;
		}
		pair_name(c, i, 'a', a);
		pair_name(c, i, 'b', b);
		t = wl_now();
		ret = vl_veth_create(&c->nl, a, b, (uint32_t)o->txq, (uint32_t)o->rxq);
		if (ret == -EOPNOTSUPP && !c->loaded_module && !c->created) {
			c->loaded_module = true;
			if (vl_load_veth_module()) {
				t = wl_now();
				ret = vl_veth_create(&c->nl, a, b, (uint32_t)o->txq, (uint32_t)o->rxq);
			}
		}
		if (ret) {
			c->failed++;
			note_error(c, -ret, "create", a);
			if (fatal(-ret)) {
				snprintf(c->stopped_by, sizeof(c->stopped_by), "error");
				return;
			}
		} else {
			lat_add(&c->create_lat, wl_now() - t);
			c->created++;
			c->alive[(c->head + c->nr_alive) % c->modulus] = i;
			c->nr_alive++;
			if (c->nr_alive > c->max_alive)
				c->max_alive = c->nr_alive;
		}
		wl_progress(progress, PROG ": created %llu, deleted %llu, failed %llu, alive %llu",
			    (unsigned long long)c->created, (unsigned long long)c->deleted,
			    (unsigned long long)c->failed, (unsigned long long)c->nr_alive);
	}
	if (o->hold) {
		if (!o->quiet)
			fprintf(stderr, PROG ": %llu pairs alive, holding%s\n",
				(unsigned long long)c->nr_alive,
				deadline ? " until the duration ends" : " until SIGINT/SIGTERM");
		while (wl_sleep(deadline ? deadline - wl_now() : 3600) &&
		       (!deadline || wl_now() < deadline))
			;
	}
}

static int do_cleanup(const char *prefix)
{
	struct vl_sock nl;
	struct json_writer w;
	uint64_t failed = 0;
	long n;
	int ret = vl_open(&nl);

	if (ret) {
		fprintf(stderr, PROG ": rtnetlink: %s\n", strerror(-ret));
		return WL_EXIT_FAIL;
	}
	n = vl_cleanup_prefix(&nl, prefix, &failed);
	vl_close(&nl);
	if (n < 0) {
		fprintf(stderr, PROG ": listing links: %s\n", strerror((int)-n));
		return WL_EXIT_FAIL;
	}
	json_init(&w, stdout, false);
	json_object_begin(&w, NULL);
	json_string(&w, "program", PROG);
	json_string(&w, "cleanup", prefix);
	json_int(&w, "deleted_pairs", n);
	json_uint(&w, "failed", failed);
	json_object_end(&w);
	json_finish(&w);
	if (failed)
		fprintf(stderr, PROG ": %llu devices named %s* could not be deleted\n",
			(unsigned long long)failed, prefix);
	return failed ? WL_EXIT_FAIL : 0;
}

int main(int argc, char **argv)
{
	struct wl_progress progress = { 0 };
	struct json_writer w;
	struct churn c;
	struct opts o;
	char prefix[IFNAMSIZ];
	double t0, secs;
	uint64_t left_failed = 0;
	long leftover = 0;
	int ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	if (o.cleanup)
		return do_cleanup(o.cleanup);
	if (!o.prefix) {
		snprintf(prefix, sizeof(prefix), "fv%x-", (unsigned int)getpid());
		o.prefix = prefix;
	}
	memset(&c, 0, sizeof(c));
	c.o = &o;
	c.modulus = o.keep_alive ? o.keep_alive : o.count;
	if (!wl_prefix_valid(o.prefix, IFNAMSIZ - 2) ||
	    strlen(o.prefix) + digits(c.modulus - 1) + 1 > IFNAMSIZ - 1) {
		fprintf(stderr, PROG ": prefix '%s' leaves no room for %llu pair names within %d "
			"characters (use a shorter --prefix or --keep-alive)\n", o.prefix,
			(unsigned long long)c.modulus, IFNAMSIZ - 1);
		return WL_EXIT_USAGE;
	}
	progress.quiet = o.quiet;
	c.alive = calloc(c.modulus, sizeof(*c.alive));
	c.create_lat.v = calloc(o.count < MAX_SAMPLES ? o.count : MAX_SAMPLES, sizeof(double));
	c.delete_lat.v = calloc(o.count < MAX_SAMPLES ? o.count : MAX_SAMPLES, sizeof(double));
	if (!c.alive || !c.create_lat.v || !c.delete_lat.v) {
		fprintf(stderr, PROG ": out of memory\n");
		ret = WL_EXIT_FAIL;
		goto out;
	}
	wl_signals_init();
	ret = vl_open(&c.nl);
	if (ret) {
		fprintf(stderr, PROG ": rtnetlink: %s\n", strerror(-ret));
		ret = WL_EXIT_FAIL;
		goto out;
	}
	/* the exit sweep deletes prefix*: it must find only what this run made */
	leftover = vl_count_prefix(&c.nl, o.prefix);
	if (leftover) {
		if (leftover < 0)
			fprintf(stderr, PROG ": listing links: %s\n", strerror((int)-leftover));
		else
			fprintf(stderr, PROG ": %ld veths named %s* exist already: choose another "
				"--prefix, or remove them with --cleanup %s\n", leftover, o.prefix,
				o.prefix);
		vl_close(&c.nl);
		ret = WL_EXIT_FAIL;
		goto out;
	}
	t0 = wl_now();
	churn(&c, &progress);
	secs = wl_now() - t0;
	if (!o.keep) {
		while (c.nr_alive)
			if (delete_oldest(&c))
				break;
		/* anything the FIFO lost track of (a failed delete) goes by name */
		leftover = vl_cleanup_prefix(&c.nl, o.prefix, &left_failed);
	}
	vl_close(&c.nl);

	json_init(&w, stdout, false);
	json_object_begin(&w, NULL);
	json_string(&w, "program", PROG);
	json_string(&w, "prefix", o.prefix);
	json_uint(&w, "rx_queues", o.rxq);
	json_uint(&w, "tx_queues", o.txq);
	json_uint(&w, "requested", o.have_count ? o.count : 0);
	json_uint(&w, "created", c.created);
	json_uint(&w, "deleted", c.deleted);
	json_uint(&w, "failed", c.failed);
	json_uint(&w, "delete_failed", c.delete_failed);
	json_uint(&w, "max_alive", c.max_alive);
	json_uint(&w, "alive_at_exit", c.nr_alive);
	json_int(&w, "leftover_deleted", leftover);
	json_double(&w, "seconds", secs);
	json_double(&w, "pairs_per_s", secs > 0 ? (double)c.created / secs : 0);
	json_array_begin(&w, "errors");
	for (int i = 0; i < c.nr_errs; i++) {
		json_object_begin(&w, NULL);
		json_int(&w, "errno", c.errs[i].err);
		json_string(&w, "error", strerror(c.errs[i].err));
		json_uint(&w, "count", c.errs[i].count);
		json_object_end(&w);
	}
	json_array_end(&w);
	if (c.first_error[0])
		json_string(&w, "first_error", c.first_error);
	lat_write_json(&w, "create_latency_us", &c.create_lat);
	lat_write_json(&w, "delete_latency_us", &c.delete_lat);
	json_string(&w, "result", c.stopped_by[0] ? c.stopped_by :
		    c.failed ? "failures" : "done");
	json_bool(&w, "kept", o.keep);
	json_bool(&w, "ran_modprobe", c.loaded_module);
	json_object_end(&w);
	json_finish(&w);

	ret = 0;
	if (c.failed || !strcmp(c.stopped_by, "error") ||
	    (!strcmp(c.stopped_by, "signal") && !o.hold) || (!strcmp(c.stopped_by, "duration") &&
							    o.have_count)) {
		fprintf(stderr, PROG ": %s\n", c.first_error[0] ? c.first_error :
			"stopped before creating every pair");
		ret = WL_EXIT_FAIL;
	}
	if (leftover < 0 || left_failed || (!o.keep && c.nr_alive)) {
		fprintf(stderr, PROG ": could not remove every %s* device\n", o.prefix);
		ret = WL_EXIT_FAIL;
	}
out:
	free(c.alive);
	free(c.create_lat.v);
	free(c.delete_lat.v);
	return ret;
}
