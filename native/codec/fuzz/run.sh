#!/usr/bin/env bash
# Builds the fuzzers (libFuzzer + AddressSanitizer + UndefinedBehaviorSanitizer, Debian's clang) and runs them for
# SECONDS in total (default 60): two thirds for the decoder on hostile messages (decoderFuzz.cc, seeded from the
# committed seeds/), one third for encoder+decoder round trips (roundTripFuzz.cc, seeded from seeds-roundtrip/ with no length ramp, so
# pictures of every size and many edits are tried from the first second). Exit status 0 = no crash found.
#   native/codec/fuzz/run.sh 60          # the bounded run CI does (native/codec/fuzz.test.ts)
#   native/codec/fuzz/run.sh 3600 -jobs=2 -workers=2   # a longer run; extra arguments go to libFuzzer
# Crash inputs are written to $TESSERA_FUZZ_ARTIFACTS (default: a temporary folder, printed at the end).
set -euo pipefail
cd "$(dirname "$0")/../../.."
seconds="${1:-60}"
shift || true
CLANGXX="${CLANGXX:-clang++}"
work="$(mktemp -d)"
artifacts="${TESSERA_FUZZ_ARTIFACTS:-$work/artifacts}"
mkdir -p "$artifacts" "$work/corpus" "$work/roundtrip"
cp native/codec/fuzz/seeds/* "$work/corpus/"
cp native/codec/fuzz/seeds-roundtrip/* "$work/roundtrip/"
# zstd is the addon's own static build (cmake/zstd.cmake, made by npm install), not instrumented: the fuzzers
# look for bugs in our code, and the stream must come from the same zstd as the addon's.
zstd_lib=build/libtessera_zstd.a
[ -f "$zstd_lib" ] || { echo "missing $zstd_lib: run npm install (or npm run build:native)" >&2; exit 1; }
flags=(-std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Inative
       -Inode_modules/zstd-napi/deps/zstd/lib)
"$CLANGXX" "${flags[@]}" native/codec/fuzz/decoderFuzz.cc native/codec/decoder.cc "$zstd_lib" -o "$work/decoder_fuzz"
encoder=(native/codec/encoder.cc native/codec/tileHash.cc native/codec/motion.cc native/codec/tileWriters.cc
         native/codec/preview.cc)
"$CLANGXX" "${flags[@]}" native/codec/fuzz/roundTripFuzz.cc "${encoder[@]}" native/codec/decoder.cc "$zstd_lib" \
  -o "$work/roundtrip_fuzz"
status=0
"$work/decoder_fuzz" "$work/corpus" -max_total_time="$((seconds * 2 / 3))" -max_len=65536 -rss_limit_mb=3072 \
  -malloc_limit_mb=1024 -timeout=20 -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" || status=$?
if [ "$status" -eq 0 ]; then
  "$work/roundtrip_fuzz" "$work/roundtrip" -max_total_time="$((seconds / 3))" -max_len=4096 -len_control=0 -rss_limit_mb=3072 \
    -timeout=20 -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" || status=$?
fi
if [ "$status" -ne 0 ]; then
  echo "fuzzer found a problem; inputs in $artifacts" >&2
  exit "$status"
fi
rm -rf "$work"
