# zstd, compiled into the addon from the sources npm already put in node_modules (zstd-napi ships zstd's lib/, the
# same tree native/codec/wasm/build.sh compiles for the browser), so no libzstd-dev is needed to build and no
# libzstd1 to run. Static and hidden (see the addon's --exclude-libs): the codec's output depends on the zstd
# version, so it must never bind to another copy of libzstd already loaded in the process.
set(TESSERA_ZSTD_DIR "${CMAKE_SOURCE_DIR}/node_modules/zstd-napi/deps/zstd/lib" CACHE PATH "zstd's lib/ source folder")
if(NOT EXISTS "${TESSERA_ZSTD_DIR}/zstd.h")
  message(FATAL_ERROR "zstd sources not found in ${TESSERA_ZSTD_DIR}: run npm install (the zstd-napi devDependency holds them)")
endif()
file(GLOB TESSERA_ZSTD_SOURCES
  ${TESSERA_ZSTD_DIR}/common/*.c ${TESSERA_ZSTD_DIR}/compress/*.c ${TESSERA_ZSTD_DIR}/decompress/*.c)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64" AND NOT MSVC)
  enable_language(ASM)
  list(APPEND TESSERA_ZSTD_SOURCES ${TESSERA_ZSTD_DIR}/decompress/huf_decompress_amd64.S)
else()
  set(TESSERA_ZSTD_NO_ASM ZSTD_DISABLE_ASM)
endif()
add_library(tessera_zstd STATIC ${TESSERA_ZSTD_SOURCES})
target_include_directories(tessera_zstd PUBLIC ${TESSERA_ZSTD_DIR})
target_compile_definitions(tessera_zstd PRIVATE ZSTD_LEGACY_SUPPORT=0 ${TESSERA_ZSTD_NO_ASM}
                                        $<$<NOT:$<CONFIG:Debug>>:NDEBUG>)
target_compile_options(tessera_zstd PRIVATE -O3)
