#!/bin/sh
# Build the libFuzzer harness for the allocation-failure report parser.
#   tests/fuzz/build.sh [OUTDIR]      (default /tmp/fragtest-fuzz)
# Then, on one core at low priority:
#   nice -n 19 OUTDIR/fuzz_explain -jobs=1 -workers=1 -max_total_time=3600 \
#       -dict=tests/fuzz/explain.dict OUTDIR/corpus tests/fuzz/corpus
# The benchmark (tests/bench_explain.c) is built here too, with the normal
# compiler and flags.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-/tmp/fragtest-fuzz}
cc=${CLANG:-clang-14}
mkdir -p "$out/corpus"
src="$top/lib/report_parse.c $top/lib/diagnose.c $top/lib/gfp_layout.c $top/lib/watermark.c"
$cc -std=gnu11 -D_GNU_SOURCE -g -O1 -I"$top/lib" \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-o "$out/fuzz_explain" "$here/fuzz_explain.c" $src
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -I"$top/lib" \
	-o "$out/bench_explain" "$top/tests/bench_explain.c" $src
echo "built $out/fuzz_explain $out/bench_explain"
