# SPDX-License-Identifier: GPL-2.0
# fragtest: reproduce, test and explain high-order page allocation failures.
#
#   make [all]            userspace into $(BUILD), module for $(KDIR) when present
#   make run_tests        the suite on the running kernel (KTAP on stdout)
#   make vmtest           the suite on KERNEL (alias, release or tree) under QEMU
#   make check            unit tests, run_tests on the host, vmtest on 6.1 and 6.12
#   make clean
#
# Variables: KDIR (kernel build tree for the module), KSRC (kernel source tree
# for the kselftest harness), KERNEL (default 6.12), BUILD (default build),
# VMTEST_ARGS (extra scripts/vmtest options), TESTS (run only these tests).

BUILD     ?= build
KERNEL    ?= 6.12
CHECK_KERNELS ?= 6.1 6.12
CC        ?= gcc
CFLAGS    ?= -O2 -g
WARN      := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
FT_CFLAGS := -std=c11 -D_GNU_SOURCE -Ilib $(WARN) $(CFLAGS)
LDLIBS    := -lm

# The kselftest harness comes from a kernel tree at build time, never from git.
ifneq ($(KSRC),)
HARNESS_DIR := $(KSRC)/tools/testing/selftests
else
HARNESS_DIR := $(BUILD)/ksrc/tools/testing/selftests
endif
HARNESS   := $(HARNESS_DIR)/kselftest_harness.h

# The module is built for KDIR; default to the running kernel's tree if any.
KDIR      ?= $(wildcard /lib/modules/$(shell uname -r)/build)
# The release the module is for, as uname -r will say it: UTS_RELEASE, which
# vermagic uses too (Debian's 6.1 include/config/kernel.release says 6.1.192
# where the kernel calls itself 6.1.0-56-amd64).
KREL      := $(if $(KDIR),$(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null))

LIB_SRC   := $(wildcard lib/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIB_A     := $(BUILD)/libfragtest.a
CLI_SRC   := $(wildcard tools/*.c)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
CLI       := $(BUILD)/bin/fragtest
WL_SRC    := $(wildcard workloads/*.c)
WL_BIN    := $(WL_SRC:workloads/%.c=$(BUILD)/bin/%)
UNIT_SRC  := $(wildcard tests/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/%.c=$(BUILD)/tests/%)
# programs the unit tests run (not tests themselves)
UNIT_AUX  := $(BUILD)/tests/case_results_demo
SELF_SRC  := $(wildcard selftests/*.c)
SELF_BIN  := $(SELF_SRC:selftests/%.c=$(BUILD)/selftests/%)
MOD_SRC   := $(wildcard modules/fragtest/*.c modules/fragtest/*.h modules/fragtest/Kbuild)
MOD_KO    := $(if $(and $(KREL),$(MOD_SRC)),$(BUILD)/modules/$(KREL)/fragtest.ko)

# Libraries that only some programs need; -l flags per program below.
WL_LIBS_pagecache_fill := -luring -lnuma
WL_LIBS_anon_file_mix  := -lnuma
WL_LIBS_veth_churn     := -lmnl
WL_LIBS_fragment       := -luring -lnuma -lmnl
SELF_LIBS_veth_queues_fragmented := -lmnl

.PHONY: all userspace module unit run_tests vmtest check clean deps harness
.DEFAULT_GOAL := all

all: userspace module

userspace: $(CLI) $(WL_BIN) $(UNIT_BIN) $(UNIT_AUX) $(SELF_BIN)

module: $(MOD_KO)

# Installed on the host; a VM sees the host's packages, so it skips the check.
deps:
	@[ -n "$$FRAGTEST_VM" ] || scripts/deps build

$(BUILD)/obj/%.o: %.c $(wildcard lib/*.h) | deps
	@mkdir -p $(dir $@)
	$(CC) $(FT_CFLAGS) -MMD -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(CLI): $(CLI_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(FT_CFLAGS) -o $@ $(CLI_OBJ) $(LIB_A) $(LDLIBS)

$(BUILD)/bin/%: workloads/%.c $(LIB_A) $(wildcard workloads/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(FT_CFLAGS) -Iworkloads -o $@ $< $(LIB_A) $(WL_LIBS_$*) $(LDLIBS)

harness: $(HARNESS)

$(BUILD)/ksrc/tools/testing/selftests/kselftest_harness.h:
	scripts/get-ksrc $(BUILD)/ksrc

# Harness-based programs: the harness uses GNU extensions, hence gnu11; its
# setjmp around fork() makes gcc warn about clobbered locals it never reuses.
HARNESS_CFLAGS = $(subst -std=c11,-std=gnu11,$(FT_CFLAGS)) -I$(HARNESS_DIR) -Itests \
	-Wno-unused-parameter -Wno-sign-compare -Wno-clobbered

$(BUILD)/tests/%: tests/%.c $(LIB_A) $(HARNESS) $(wildcard tests/*.h selftests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(HARNESS_CFLAGS) -DFRAGTEST_SRCDIR='"$(CURDIR)"' -o $@ $< $(LIB_A) $(LDLIBS)

$(BUILD)/selftests/%: selftests/%.c $(LIB_A) $(HARNESS) $(wildcard selftests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(HARNESS_CFLAGS) -Iselftests -o $@ $< $(LIB_A) $(SELF_LIBS_$*) $(LDLIBS)

# Out-of-tree module, built in a copy per kernel release so that several
# kernels' objects never mix and the source tree stays clean.
$(BUILD)/modules/$(KREL)/fragtest.ko: $(MOD_SRC)
	@mkdir -p $(BUILD)/modules/$(KREL)/src
	cp $(MOD_SRC) $(BUILD)/modules/$(KREL)/src/
	$(MAKE) -C $(KDIR) M=$(abspath $(BUILD)/modules/$(KREL)/src) W=1 modules
	cp $(BUILD)/modules/$(KREL)/src/fragtest.ko $@

unit: $(LIB_A) $(UNIT_BIN) $(UNIT_AUX)
	@scripts/run-suite --name unit $(UNIT_BIN)

# The suite on the running kernel. Needs root for most tests; a test whose
# needs are missing SKIPs with the reason. Inside a fragtest VM (FRAGTEST_VM
# set by scripts/vmtest) nothing is rebuilt: the guest runs exactly what the
# host built for it, even if the sources change meanwhile. RUN_SUITE_ARGS:
# more scripts/run-suite options (scripts/vmtest-suite's VM profiles use them).
run_tests: $(if $(FRAGTEST_VM),,all)
	@FRAGTEST_BUILD=$(abspath $(BUILD)) FRAGTEST_MODULE=$(abspath $(BUILD)/modules/$(shell uname -r)/fragtest.ko) \
		scripts/run-suite --name selftests $(RUN_SUITE_ARGS) $(if $(TESTS),$(addprefix $(BUILD)/selftests/,$(TESTS)),$(SELF_BIN))

vmtest: userspace
	@BUILD=$(BUILD) TESTS="$(TESTS)" scripts/vmtest-suite $(KERNEL) $(VMTEST_ARGS)

check:
	@scripts/check $(CHECK_KERNELS)

clean:
	rm -rf $(BUILD)/obj $(BUILD)/bin $(BUILD)/tests $(BUILD)/selftests $(BUILD)/modules \
		$(BUILD)/libfragtest.a $(BUILD)/vm

-include $(wildcard $(BUILD)/obj/*/*.d)

# A relocatable kselftest-layout tree (run_kselftest.sh, kselftest-list.txt,
# fragtest/...) with the module built for KDIR; see scripts/install-kselftest.
INSTALL_PATH ?= $(BUILD)/kselftest_install
.PHONY: install
install: all
	@scripts/install-kselftest "$(INSTALL_PATH)" "$(abspath $(BUILD))" "$(KREL)"
