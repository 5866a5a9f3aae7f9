// The encoder's pipeline (Encoder::encode at the end reads as FORMAT.md's sections: saves, copies, preview, tiles),
// its epoch and zstd set-up, and the cache's content-hash map. The steps' heavy parts live beside it: tileHash.cc,
// motion.cc, tileWriters.cc (one writer per tile kind), preview.cc; their shared state is encoderState.h.
#include "codec/encoder.h"

#include <algorithm>
#include <new>

#include "codec/encoderState.h"
#include "codec/messageHeader.h"

namespace tessera {
namespace codec {

Encoder::Encoder(const EncoderOptions& options) : s_(new State) {
  s_->opt = options;
  s_->zstd = ZSTD_createCCtx();
}

Encoder::~Encoder() {
  if (s_->zstd) ZSTD_freeCCtx(s_->zstd);
}

void Encoder::reset() { s_->epoch = false; }
void Encoder::refresh() { s_->refreshPending = true; }
void Encoder::setMaxMessageBytes(size_t bytes) { s_->opt.maxMessageBytes = bytes; }
bool Encoder::isExact() const { return s_->epoch && s_->exact; }
const EncodeStats& Encoder::lastStats() const { return s_->stats; }

size_t Encoder::memoryBytes() const {
  const State& s = *s_;
  size_t n = sizeof(State);
  n += s.picture.capacity() * 4 + (s.pictureHash.capacity() + s.frameHash.capacity()) * 8 + s.tileFlags.capacity();
  n += s.changed.capacity() * 4 + size_t(s.cache.slots()) * (kTilePixels * 4 + 8) + s.slotHash.capacity() * 8;
  n += s.mapKeys.capacity() * 8 + s.mapSlots.capacity() * 4;
  n += s.a.capacity() + s.b.capacity() + s.comp.capacity();
  n += (s.anchorKeys.capacity() + s.bloom.capacity() + s.voteKeys.capacity()) * 8;
  n += (s.anchorVals.capacity() + s.voteCounts.capacity()) * 4 + s.tileVector.capacity();
  n += (s.copies.capacity() + s.orderedCopies.capacity()) * sizeof(CopyOp) + s.previewRows.capacity() * 4;
  n += s.copyBlockers.capacity() * 4 + s.copyPlaced.capacity();
  if (s.zstd) n += ZSTD_sizeof_CCtx(s.zstd);
  return n;
}

void Encoder::State::startEpoch(uint32_t w, uint32_t h, PixelFormat f) {
  if (w != width || h != height || picture.empty()) {
    width = w;
    height = h;
    tilesX = (w + kTile - 1) / kTile;
    tilesY = (h + kTile - 1) / kTile;
    const size_t tiles = size_t(tilesX) * tilesY;
    picture.assign(size_t(w) * h, 0);
    picture.shrink_to_fit();
    pictureHash.assign(tiles, 0);
    frameHash.assign(tiles, 0);
    tileFlags.assign(tiles, 0);
    lastChange.assign(tiles, 0);
    history.assign(tiles * 2, -1);
    saves.reserve(tiles);
    changed.clear();
    changed.reserve(tiles);
    tileVector.assign(tiles, -1);
    const uint32_t slots = cacheSlotsFor(w, h);
    if (!cache.allocate(slots)) throw std::bad_alloc();  // what the std::vector it replaces threw
    slotHash.assign(slots, 0);
    size_t mapSize = 1;
    while (mapSize < size_t(slots) * 2) mapSize <<= 1;
    mapKeys.assign(mapSize, 0);
    mapSlots.assign(mapSize, -1);
    mapMask = mapSize - 1;
    size_t anchorSize = 1;
    while (anchorSize < tiles * kScanStep * 2 || anchorSize < 64) anchorSize <<= 1;
    anchorKeys.assign(anchorSize, 0);
    anchorVals.assign(anchorSize, 0);
    anchorHits.assign(anchorSize, 0);
    bloom.assign(1024, 0);
    voteKeys.assign(16384, 0);
    voteCounts.assign(16384, 0);
    copies.reserve(kMaxCopies);
    previewRows.assign(size_t(w) * 6 + 16, 0);
  } else {
    std::fill(lastChange.begin(), lastChange.end(), 0);
    std::fill(picture.begin(), picture.end(), 0);
    clearCache();
  }
  format = f;
  cache.clear();
  epoch = true;
  exact = false;
  refining = false;
  refreshPending = false;  // the key message resets everything a refresh would
  resetZstd();
}

// Empty cache, as the decoder's after a key or refresh message (slots, LRU, hash map, per-position history).
void Encoder::State::clearCache() {
  std::fill(history.begin(), history.end(), -1);
  std::fill(mapKeys.begin(), mapKeys.end(), 0);
  std::fill(mapSlots.begin(), mapSlots.end(), -1);
  cache.clear();
}

void Encoder::State::resetZstd() {
  ZSTD_CCtx_reset(zstd, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_compressionLevel, opt.zstdLevel);
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_windowLog, std::min(opt.windowLog, kWindowLogMax));
  // Level 9's search with its hash and chain tables capped at 2^20 entries (4 MB each) keeps the encoder under
  // 64 MB at 1080p; measured: 10-20 % smaller than level 3 for ~1 ms more on large updates.
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_hashLog, std::min(opt.hashLog, 20));
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_chainLog, std::min(opt.hashLog, 20));
  // Measured on the corpus: minimum match 6 and 64 search attempts (searchLog 6) are 5 % smaller than level 9's
  // defaults (pixel rows repeat in long runs; short matches cost more than the literals they replace).
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_minMatch, 6);
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_searchLog, 6);
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_checksumFlag, 0);
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_contentSizeFlag, 0);
}

// ---- cache -----------------------------------------------------------------------------------------------------

void Encoder::State::mapPut(uint64_t key, int32_t slot) {
  key |= 1;  // 0 marks an empty bucket
  size_t i = size_t(finalMix(key)) & mapMask;
  while (mapKeys[i] != 0 && mapKeys[i] != key) i = (i + 1) & mapMask;
  mapKeys[i] = key;
  mapSlots[i] = slot;
}

void Encoder::State::mapErase(uint64_t key, int32_t slot) {
  key |= 1;
  size_t i = size_t(finalMix(key)) & mapMask;
  while (mapKeys[i] != 0 && mapKeys[i] != key) i = (i + 1) & mapMask;
  if (mapKeys[i] == 0 || mapSlots[i] != slot) return;
  // Backward-shift deletion keeps linear probing chains intact.
  size_t hole = i;
  for (size_t j = (i + 1) & mapMask; mapKeys[j] != 0; j = (j + 1) & mapMask) {
    const size_t home = size_t(finalMix(mapKeys[j])) & mapMask;
    if (((j - home) & mapMask) >= ((j - hole) & mapMask)) {
      mapKeys[hole] = mapKeys[j];
      mapSlots[hole] = mapSlots[j];
      hole = j;
    }
  }
  mapKeys[hole] = 0;
  mapSlots[hole] = -1;
}

int32_t Encoder::State::cacheFind(uint64_t hash, const uint8_t* tile, size_t rowStride) {
  const uint64_t key = hash | 1;
  size_t i = size_t(finalMix(key)) & mapMask;
  while (mapKeys[i] != 0 && mapKeys[i] != key) i = (i + 1) & mapMask;
  if (mapKeys[i] == 0) return -1;
  const int32_t slot = mapSlots[i];
  const uint8_t* cached = reinterpret_cast<const uint8_t*>(cache.tile(uint32_t(slot)));
  for (uint32_t r = 0; r < kTile; ++r)
    if (!pixelsEqual(cached + r * kTile * 4, tile + r * rowStride, kTile)) return -1;  // hash collision
  return slot;
}

int32_t Encoder::State::cacheInsert(uint32_t index, uint64_t hash) {
  bool reused;
  const uint32_t slot = cache.insert(reused);
  if (reused) mapErase(slotHash[slot], int32_t(slot));
  cache.store(slot, picturePixel((index % tilesX) * kTile, (index / tilesX) * kTile), width);
  slotHash[slot] = hash;
  mapPut(hash, int32_t(slot));
  return int32_t(slot);
}


// Saves (into the cache) the tiles about to change whose content was stable: it may come back later.
void Encoder::State::chooseSaves() {
  saves.clear();
  for (uint32_t index : changed) {
    const uint32_t tx = index % tilesX, ty = index / tilesX;
    if ((tx + 1) * kTile > width || (ty + 1) * kTile > height) continue;
    if (frameNo - lastChange[index] < kSaveAge) continue;
    const uint32_t* tile = picturePixel(tx * kTile, ty * kTile);
    bool uniform = true;
    for (uint32_t r = 0; r < kTile && uniform; ++r)
      for (uint32_t x = 0; x < kTile; ++x)
        if (((tile[size_t(r) * width + x] ^ tile[0]) & kPixelMask) != 0) {
          uniform = false;
          break;
        }
    if (uniform) continue;  // solid tiles cost 3 bytes anyway
    // Saved even if an older copy is cached: the save makes it the most recently used entry (the old one ages out).
    const int32_t slot = cacheInsert(index, pictureHash[index]);
    saves.push_back(index);
    if (history[index * 2] != slot) {
      history[index * 2 + 1] = history[index * 2];
      history[index * 2] = slot;
    }
  }
}


// ---- message ---------------------------------------------------------------------------------------------------

bool Encoder::State::finish(bool key, std::vector<uint8_t>& out) {
  uint8_t lengthA[kMaxVarintBytes];
  const size_t lengthABytes = writeVarint(lengthA, uint32_t(a.size()));
  const size_t raw = lengthABytes + a.size() + b.size();
  stats.rawBytes = raw;
  MessageHeader header;
  header.flags = key ? kFlagKey : stats.refresh ? kFlagRefresh : 0;
  header.rawLength = uint32_t(raw);
  header.width = width;
  header.height = height;
  uint8_t headerBytes[kMaxHeaderBytes];
  out.assign(headerBytes, headerBytes + writeMessageHeader(header, headerBytes));
  const size_t bound = ZSTD_compressBound(raw) + 64;
  if (comp.size() < bound) comp.resize(bound);
  ZSTD_outBuffer ob = {comp.data(), comp.size(), 0};
  const struct {
    const void* p;
    size_t n;
  } parts[3] = {{lengthA, lengthABytes}, {a.data(), a.size()}, {b.data(), b.size()}};
  for (int i = 0; i < 3; ++i) {
    ZSTD_inBuffer ib = {parts[i].p, parts[i].n, 0};
    while (ib.pos < ib.size) {
      const size_t r = ZSTD_compressStream2(zstd, &ob, &ib, ZSTD_e_continue);
      if (ZSTD_isError(r)) return false;
    }
  }
  ZSTD_inBuffer none = {nullptr, 0, 0};
  for (;;) {
    const size_t r = ZSTD_compressStream2(zstd, &ob, &none, ZSTD_e_flush);
    if (ZSTD_isError(r)) return false;
    if (r == 0) break;
  }
  out.insert(out.end(), comp.data(), comp.data() + ob.pos);
  if (ob.pos > 0) rawPerByte = 0.7 * rawPerByte + 0.3 * (double(raw) / double(ob.pos));
  return true;
}

// ---- the pipeline ----------------------------------------------------------------------------------------------
// One message per call, in FORMAT.md's section order: saves, copies, preview, tiles. Each step below is one stage.

// Starts a new epoch (key message) when needed, or a refresh when one is pending. Returns whether it is a key.
bool Encoder::State::beginMessage(uint32_t w, uint32_t h, PixelFormat f) {
  bool key = false;
  if (!epoch || w != width || h != height || f != format) {
    startEpoch(w, h, f);
    key = true;
  }
  stats.key = key;
  if (!key && refreshPending) {
    // Refresh: this message starts a fresh zstd stream and an empty cache on both sides; the picture (and so the
    // change detection, progressive refinement and motion search against it) carries on unchanged.
    refreshPending = false;
    clearCache();
    resetZstd();
    stats.refresh = true;
  }
  a.clear();
  b.clear();
  return key;
}

// The tiles whose hash differs from the picture's (all of them on a key message). False when none changed.
bool Encoder::State::collectChanged(bool key) {
  const size_t tiles = size_t(tilesX) * tilesY;
  changed.clear();
  for (uint32_t i = 0; i < tiles; ++i) {
    if (key || frameHash[i] != pictureHash[i]) {
      tileFlags[i] = 1;
      changed.push_back(i);
    } else {
      tileFlags[i] = 0;
    }
  }
  stats.changedTiles = uint32_t(changed.size());
  return !changed.empty();
}

void Encoder::State::writeSaves() {
  putVarint(a, uint32_t(saves.size()));
  for (size_t k = 0; k < saves.size(); ++k) putVarint(a, k ? saves[k] - saves[k - 1] - 1 : saves[0]);
  for (uint32_t index : changed) lastChange[index] = frameNo;
}

// Progressive mode and a large area changed at once that motion does not explain (a window maximised, another
// application in front): true, with the changed area's bounds, when a coarse preview should go first (after this
// message's saves), exact tiles in the following messages.
bool Encoder::State::wantsPreview(bool key, uint32_t box[4]) {
  if (opt.maxMessageBytes == 0 || key || refining) return false;
  const size_t tiles = size_t(tilesX) * tilesY;
  size_t moved = 0;
  for (const CopyOp& op : copies) moved += size_t(op.w) * op.h / kTilePixels;
  size_t remaining = changed.size() > moved ? changed.size() - moved : 0;
  if (remaining * 4 >= tiles) {
    // Single-colour tiles cost a few bytes (a new desktop background is cheap): count only the others.
    size_t detailed = 0;
    for (uint32_t index : changed) {
      const uint32_t x0 = (index % tilesX) * kTile, y0 = (index / tilesX) * kTile;
      const uint32_t tw = std::min(kTile, width - x0), th = std::min(kTile, height - y0);
      const uint32_t first = load32(framePixel(x0, y0)) & kPixelMask;
      bool uniform = true;
      for (uint32_t r = 0; r < th && uniform; ++r) {
        const uint8_t* p = framePixel(x0, y0 + r);
        for (uint32_t x = 0; x < tw; ++x)
          if ((load32(p + x * 4) & kPixelMask) != first) {
            uniform = false;
            break;
          }
      }
      detailed += !uniform;
    }
    remaining = detailed > moved ? detailed - moved : 0;
  }
  const size_t estimate = remaining * kTilePixels * 3 / 4;  // MED + zstd keep roughly 1/4 of the RGB bytes
  if (remaining * 4 < tiles || estimate <= opt.maxMessageBytes * 4) return false;
  box[0] = width;
  box[1] = height;
  box[2] = box[3] = 0;
  for (uint32_t index : changed) {
    const uint32_t x0 = (index % tilesX) * kTile, y0 = (index / tilesX) * kTile;
    box[0] = std::min(box[0], x0);
    box[1] = std::min(box[1], y0);
    box[2] = std::max(box[2], std::min(width, x0 + kTile));
    box[3] = std::max(box[3], std::min(height, y0 + kTile));
  }
  return true;
}

// The one preview path (a progressive key picture, or a large change): no copies, the preview, no tiles.
bool Encoder::State::writePreview(bool key, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1,
                                  std::vector<uint8_t>& out) {
  const size_t bound = ZSTD_compressBound(size_t(width) * height * 3 / 4) + 64;
  if (comp.size() < bound) comp.resize(bound);
  putVarint(a, 0);  // no copies
  encodePreview(x0, y0, x1 - x0, y1 - y0);
  putVarint(a, 0);  // no tiles
  // Every tile under the preview now shows preview pixels: their hashes describe that, so they get refined.
  for (uint32_t ty = y0 / kTile; ty * kTile < y1; ++ty)
    for (uint32_t tx = x0 / kTile; tx * kTile < x1; ++tx) recomputePictureHash(ty * tilesX + tx);
  exact = false;
  refining = true;
  stats.preview = true;
  return finish(key, out);
}

void Encoder::State::writeCopies() {
  putVarint(a, uint32_t(copies.size()));
  for (const CopyOp& op : copies) {
    putVarint(a, op.x);
    putVarint(a, op.y);
    putVarint(a, op.w);
    putVarint(a, op.h);
    putSvarint(a, op.dx);
    putSvarint(a, op.dy);
    applyCopy(op);
    stats.copiedTiles += (op.w / kTile) * (op.h / kTile);
  }
  stats.copyOps = uint32_t(copies.size());
  putVarint(a, 0);  // no preview
}

// Tiles in raster order, as many as the message budget allows (at least one: always progress). Returns false when
// the message would carry nothing at all.
bool Encoder::State::writeTiles(bool key) {
  const size_t tiles = size_t(tilesX) * tilesY;
  const size_t countPos = a.size();  // the count goes here once it is known
  const size_t rawBudget = opt.maxMessageBytes ? size_t(double(opt.maxMessageBytes) * rawPerByte) : size_t(-1);
  uint32_t coded = 0;
  int64_t last = -1;
  bool complete = true;
  for (uint32_t i = 0; i < tiles; ++i) {
    const uint8_t flags = tileFlags[i];
    if (!flags) continue;
    if (coded > 0 && a.size() + b.size() > rawBudget) {
      complete = false;
      // Tiles the copies touched but that we do not code now: the hash must describe the picture as it is.
      if (flags & 2) recomputePictureHash(i);
      continue;
    }
    const size_t before = a.size();
    if (encodeTile(i)) {
      patchVarint(a, before, uint32_t(int64_t(i) - last - 1));  // encodeTile left a one-byte placeholder
      last = i;
      ++coded;
    }
    pictureHash[i] = frameHash[i];
  }
  stats.codedTiles = coded;
  exact = complete;
  if (complete) refining = false;
  if (coded == 0 && copies.empty() && saves.empty() && !key && !stats.refresh) return false;
  insertVarint(a, countPos, coded);
  return true;
}

bool Encoder::encode(const uint8_t* pixels, uint32_t width, uint32_t height, uint32_t stride, PixelFormat format,
                     std::vector<uint8_t>& out) {
  State& s = *s_;
  out.clear();
  if (!pixels || width < 1 || height < 1 || width > kMaxWidth || height > kMaxHeight || stride < width * 4) {
    return false;
  }
  s.stats = EncodeStats();
  s.frame = pixels;
  s.stride = stride;
  const bool key = s.beginMessage(width, height, format);
  auto clock = std::chrono::steady_clock::now();
  s.hashFrame();
  s.stats.usHash = microsSince(clock);

  if (key && s.opt.maxMessageBytes > 0) {
    putVarint(s.a, 0);  // no saves
    return s.writePreview(true, 0, 0, width, height, out);
  }
  if (!s.collectChanged(key)) {
    s.exact = true;
    s.refining = false;
    if (!s.stats.refresh) return false;
    // A refresh goes out even when nothing changed: a payload without operations (the viewer needs the flag).
    for (int section = 0; section < 4; ++section) putVarint(s.a, 0);  // saves, copies, preview, tiles
    return s.finish(false, out);
  }

  ++s.frameNo;
  s.keptThisFrame = 0;
  s.saves.clear();
  if (!key && s.opt.cache) s.chooseSaves();
  s.stats.usSaves = microsSince(clock);
  s.writeSaves();
  if (!key && s.opt.motion) s.findMotion();
  if (key) s.copies.clear();
  s.stats.usMotion = microsSince(clock);

  uint32_t box[4];
  if (s.wantsPreview(key, box)) return s.writePreview(false, box[0], box[1], box[2], box[3], out);
  s.writeCopies();
  if (!s.writeTiles(key)) return false;
  s.stats.usTiles = microsSince(clock);
  const bool ok = s.finish(key, out);
  s.stats.usZstd = microsSince(clock);
  return ok;
}

}  // namespace codec
}  // namespace tessera
