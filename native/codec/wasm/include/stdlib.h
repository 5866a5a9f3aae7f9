/* Minimal freestanding <stdlib.h> for the wasm32 decoder build (implementations in decoderWasm.cc). */
#pragma once
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void* malloc(size_t n);
void* calloc(size_t count, size_t size);
void free(void* p);
#ifdef __cplusplus
}
#endif
