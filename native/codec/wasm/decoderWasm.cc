// WebAssembly face of the decoder (built by build.sh with clang --target=wasm32, no C library): a tiny allocator,
// the four memory functions, and C exports that the browser worker calls (client/src/codec/wasmDecoder.ts).
#include <stddef.h>
#include <stdint.h>

#include "codec/decoder.h"

extern "C" {

// ---- memory functions (bulk-memory instructions) ----------------------------------------------------------------
void* memcpy(void* dst, const void* src, size_t n) {
  __builtin_memcpy(dst, src, n);  // lowered to memory.copy with -mbulk-memory
  return dst;
}
void* memmove(void* dst, const void* src, size_t n) {
  __builtin_memmove(dst, src, n);
  return dst;
}
void* memset(void* dst, int c, size_t n) {
  __builtin_memset(dst, c, n);  // memory.fill
  return dst;
}
int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char* p = static_cast<const unsigned char*>(a);
  const unsigned char* q = static_cast<const unsigned char*>(b);
  for (size_t i = 0; i < n; ++i)
    if (p[i] != q[i]) return p[i] < q[i] ? -1 : 1;
  return 0;
}

// ---- allocator: first fit over an address-ordered block list, coalescing on free --------------------------------
// The decoder allocates a handful of large buffers per picture size, so a simple list is enough.
extern unsigned char __heap_base;
struct Block {
  size_t size;  // payload bytes
  Block* next;  // next block in address order
  size_t free;
  size_t pad;
};
static Block* first = nullptr;
static Block* last = nullptr;
static uintptr_t heapEnd = 0;
static const size_t kAlign = 16;

static bool ensureHeap(uintptr_t end) {
  const uintptr_t have = __builtin_wasm_memory_size(0) * 65536u;
  if (end <= have) return true;
  const uintptr_t pages = (end - have + 65535) / 65536;
  return __builtin_wasm_memory_grow(0, pages) != size_t(-1);
}

void* malloc(size_t n) {
  if (n == 0) n = 1;
  if (n > 0x7fff0000u) return nullptr;
  n = (n + kAlign - 1) & ~(kAlign - 1);
  for (Block* b = first; b; b = b->next) {
    if (!b->free || b->size < n) continue;
    if (b->size >= n + sizeof(Block) + 64) {  // split
      Block* rest = reinterpret_cast<Block*>(reinterpret_cast<unsigned char*>(b + 1) + n);
      rest->size = b->size - n - sizeof(Block);
      rest->next = b->next;
      rest->free = 1;
      b->next = rest;
      b->size = n;
      if (last == b) last = rest;
    }
    b->free = 0;
    return b + 1;
  }
  if (!heapEnd) heapEnd = (reinterpret_cast<uintptr_t>(&__heap_base) + kAlign - 1) & ~(kAlign - 1);
  const uintptr_t end = heapEnd + sizeof(Block) + n;
  if (end < heapEnd || !ensureHeap(end)) return nullptr;
  Block* b = reinterpret_cast<Block*>(heapEnd);
  b->size = n;
  b->next = nullptr;
  b->free = 0;
  if (last) last->next = b; else first = b;
  last = b;
  heapEnd = end;
  return b + 1;
}

void free(void* p) {
  if (!p) return;
  Block* b = static_cast<Block*>(p) - 1;
  b->free = 1;
  // Coalesce every run of adjacent free blocks (the list is short).
  for (Block* a = first; a; a = a->next) {
    while (a->free && a->next && a->next->free) {
      if (last == a->next) last = a;
      a->size += sizeof(Block) + a->next->size;
      a->next = a->next->next;
    }
  }
}

void* calloc(size_t count, size_t size) {
  if (size && count > size_t(-1) / size) return nullptr;
  void* p = malloc(count * size);
  if (p) memset(p, 0, count * size);
  return p;
}

}  // extern "C"

void* operator new(size_t n) { return malloc(n); }
void operator delete(void* p) noexcept { free(p); }
void operator delete(void* p, size_t) noexcept { free(p); }

// ---- exports ----------------------------------------------------------------------------------------------------
namespace {
struct Instance {
  tessera::codec::Decoder decoder;
  unsigned char* input = nullptr;
  size_t inputCapacity = 0;
};
}  // namespace

#define EXPORT(name) extern "C" __attribute__((export_name(#name)))

EXPORT(tessera_create) Instance* tesseraCreate() { return new Instance(); }
EXPORT(tessera_destroy) void tesseraDestroy(Instance* d) {
  if (!d) return;
  free(d->input);
  delete d;
}
// A buffer of at least `size` bytes for the next message (JS copies the message there).
EXPORT(tessera_input) unsigned char* tesseraInput(Instance* d, size_t size) {
  if (size > d->inputCapacity) {
    free(d->input);
    d->inputCapacity = 0;
    d->input = static_cast<unsigned char*>(malloc(size));
    if (!d->input) return nullptr;
    d->inputCapacity = size;
  }
  return d->input;
}
EXPORT(tessera_decode) int tesseraDecode(Instance* d, size_t length) {
  if (length > d->inputCapacity) return 0;
  return d->decoder.decode(d->input, length) ? 1 : 0;
}
EXPORT(tessera_error) const char* tesseraError(Instance* d) {
  const char* e = d->decoder.error();
  return e ? e : "";
}
EXPORT(tessera_width) uint32_t tesseraWidth(Instance* d) { return d->decoder.width(); }
EXPORT(tessera_height) uint32_t tesseraHeight(Instance* d) { return d->decoder.height(); }
EXPORT(tessera_picture) const uint8_t* tesseraPicture(Instance* d) { return d->decoder.rgba(); }
EXPORT(tessera_ready) int tesseraReady(Instance* d) { return d->decoder.ready() ? 1 : 0; }
