#!/usr/bin/env bash
# Builds the browser decoder: the same decoder.cc as the native build, plus zstd's single-file decompressor,
# compiled with Debian's clang for wasm32 (no C library; see decoderWasm.cc). Output (committed, so the client
# builds without clang): client/src/codec/tesseraDecoder.wasm. Usage: build.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/../../.."
out="${1:-client/src/codec/tesseraDecoder.wasm}"
CLANG="${CLANG:-clang}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
flags=(--target=wasm32 -O2 -nostdlib -mbulk-memory -msimd128 -fno-exceptions -fno-rtti -fvisibility=hidden
       -Inative -Inative/codec/wasm/include -Inative/codec/third_party/zstd -DNDEBUG)
"$CLANG" "${flags[@]}" -x c -std=c11 -c native/codec/third_party/zstd/zstddeclib.c -o "$tmp/zstd.o" \
  -DZSTD_NO_INTRINSICS -DXXH_NO_STDLIB -Wno-unused-function
"$CLANG" "${flags[@]}" -x c++ -std=c++17 -c native/codec/decoder.cc -o "$tmp/decoder.o"
"$CLANG" "${flags[@]}" -x c++ -std=c++17 -c native/codec/wasm/decoderWasm.cc -o "$tmp/wasm.o"
"$CLANG" --target=wasm32 -nostdlib -Wl,--no-entry -Wl,--strip-all -Wl,--gc-sections \
  -Wl,-z,stack-size=1048576 -Wl,--max-memory=4294967296 \
  "$tmp/zstd.o" "$tmp/decoder.o" "$tmp/wasm.o" -o "$tmp/out.wasm"
mkdir -p "$(dirname "$out")"
cp "$tmp/out.wasm" "$out"
