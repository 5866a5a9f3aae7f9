/* Minimal freestanding <assert.h> for the wasm32 decoder build: assertions are compiled out. */
#pragma once
#define assert(x) ((void)0)
