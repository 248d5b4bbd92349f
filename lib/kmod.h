/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading and unloading a kernel module by system call (finit_module,
 * delete_module), without running insmod or rmmod.
 */
#ifndef FRAGTEST_KMOD_H
#define FRAGTEST_KMOD_H

#include <stdbool.h>
#include <stddef.h>

/*
 * 0 when this kernel can load modules; otherwise -errno and why says what is
 * missing ("/proc/modules missing", "not root", ...).
 */
int kmod_supported(char *why, size_t len);
/* true when /proc/modules lists name */
bool kmod_loaded(const char *name);
/* finit_module(path, params); -EEXIST when a module of that name is loaded. */
int kmod_load(const char *path, const char *params, char *err, size_t errlen);
/*
 * delete_module(name) without O_TRUNC; retries while the module is busy for
 * up to timeout_ms. 0, -ENOENT when not loaded, or -errno.
 */
int kmod_unload(const char *name, int timeout_ms);

#endif
