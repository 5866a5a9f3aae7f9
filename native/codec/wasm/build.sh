#!/usr/bin/env bash
# Builds the browser decoder: the same decoder.cc as the native build, plus zstd's decompressor (zstd 1.5.7's
# lib sources as shipped in the npm package zstd-napi, a devDependency whose own install script is denied: we use
# only its sources), compiled with Debian's clang for wasm32 (no C library; see decoderWasm.cc). Output
# (committed, so the client builds without clang): client/src/codec/tesseraDecoder.wasm. Usage: build.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/../../.."
out="${1:-client/src/codec/tesseraDecoder.wasm}"
CLANG="${CLANG:-clang}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
zstd=node_modules/zstd-napi/deps/zstd/lib
[ -f "$zstd/zstd.h" ] || { echo "missing $zstd: run npm install" >&2; exit 1; }
flags=(--target=wasm32 -O2 -nostdlib -mbulk-memory -msimd128 -fno-exceptions -fno-rtti -fvisibility=hidden
       -Inative -Inative/codec/wasm/include -I"$zstd" -DNDEBUG)
zstd_objects=()
for src in common/entropy_common.c common/error_private.c common/fse_decompress.c common/xxhash.c common/zstd_common.c \
           decompress/huf_decompress.c decompress/zstd_ddict.c decompress/zstd_decompress.c \
           decompress/zstd_decompress_block.c; do
  obj="$tmp/zstd_$(basename "$src" .c).o"
  "$CLANG" "${flags[@]}" -x c -std=c11 -c "$zstd/$src" -o "$obj" \
    -DZSTD_NO_INTRINSICS -DZSTD_DISABLE_ASM -DXXH_NO_STDLIB -DZSTD_NO_TRACE -DZSTD_LEGACY_SUPPORT=0 -Wno-unused-function
  zstd_objects+=("$obj")
done
"$CLANG" "${flags[@]}" -x c++ -std=c++17 -c native/codec/decoder.cc -o "$tmp/decoder.o"
"$CLANG" "${flags[@]}" -x c++ -std=c++17 -c native/codec/wasm/decoderWasm.cc -o "$tmp/wasm.o"
"$CLANG" --target=wasm32 -nostdlib -Wl,--no-entry -Wl,--strip-all -Wl,--gc-sections \
  -Wl,-z,stack-size=1048576 -Wl,--max-memory=4294967296 \
  "${zstd_objects[@]}" "$tmp/decoder.o" "$tmp/wasm.o" -o "$tmp/out.wasm"
mkdir -p "$(dirname "$out")"
cp "$tmp/out.wasm" "$out"
