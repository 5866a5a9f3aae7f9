// Motion: copy operations found from the pixels (scrolling, moved windows), applied as the decoder applies them.
#include <algorithm>

#include "codec/encoderState.h"

namespace tessera {
namespace codec {

// Applies a copy to the picture exactly as the decoder does (rows ordered so overlap is safe).
void Encoder::State::applyCopy(const CopyOp& op) {
  const bool upward = op.dy > 0;
  for (uint32_t r = 0; r < op.h; ++r) {
    const uint32_t row = upward ? r : op.h - 1 - r;
    std::memmove(picturePixel(op.x, op.y + row), picturePixel(op.x + op.dx, op.y + row + op.dy), size_t(op.w) * 4);
  }
  const uint32_t tx0 = op.x / kTile, tx1 = (op.x + op.w - 1) / kTile;
  const uint32_t ty0 = op.y / kTile, ty1 = (op.y + op.h - 1) / kTile;
  for (uint32_t ty = ty0; ty <= ty1; ++ty)
    for (uint32_t tx = tx0; tx <= tx1; ++tx) tileFlags[size_t(ty) * tilesX + tx] |= 2;
}

// Finds blocks of the new frame that are the previous picture moved by some vector: rows of changed tiles are
// hashed (polynomial over 16 pixels), the previous picture is scanned with the same rolling hash, and each hit
// votes for a vector. The best vectors are verified tile by tile and grouped into copy rectangles.
void Encoder::State::findMotion() {
  copies.clear();
  if (changed.size() < kMotionMinTiles || width < kTile * 2) return;
  uint64_t pow15 = 1;
  for (int i = 0; i < 15; ++i) pow15 *= kPolyBase;

  std::fill(bloom.begin(), bloom.end(), 0);
  // The anchor table is sized for this frame (small tables stay in cache).
  size_t tableSize = 64;
  while (tableSize < changed.size() * kScanStep * 2 && tableSize < anchorKeys.size()) tableSize <<= 1;
  if (tableSize > anchorKeys.size()) tableSize = anchorKeys.size();
  const size_t amask = tableSize - 1;
  size_t anchors = 0;
  uint32_t bx0 = width, by0 = height, bx1 = 0, by1 = 0;
  for (uint32_t index : changed) {
    const uint32_t tx = index % tilesX, ty = index / tilesX;
    const uint32_t x0 = tx * kTile, y0 = ty * kTile;
    bx0 = std::min(bx0, x0);
    by0 = std::min(by0, y0);
    bx1 = std::max(bx1, std::min(width, x0 + kTile));
    by1 = std::max(by1, std::min(height, y0 + kTile));
    if (x0 + kTile > width || y0 + kTile > height) continue;
    // Anchors: up to eight rows of the tile that are not a single colour (uniform rows match everywhere), one for
    // each row residue mod 8. The scan below visits only every 8th row of the previous picture: for any vertical
    // offset one anchor row of each tile lands on a scanned row, so each moved tile still votes, at 1/8 of the cost.
    uint32_t covered = 0;
    for (uint32_t r = 0; r < kTile && covered != kResidueMask; ++r) {
      if (covered >> (r & (kScanStep - 1)) & 1) continue;
      const uint8_t* p = framePixel(x0, y0 + r);
      const uint32_t first = load32(p) & kPixelMask;
      bool uniform = true;
      for (uint32_t x = 1; x < kTile && uniform; ++x) uniform = (load32(p + x * 4) & kPixelMask) == first;
      if (uniform) continue;
      covered |= 1u << (r & (kScanStep - 1));
      uint64_t h = 0;
      for (uint32_t x = 0; x < kTile; ++x) h = h * kPolyBase + (load32(p + x * 4) & kPixelMask);
      const uint64_t key = h | 1;
      size_t i = size_t(finalMix(key)) & amask;
      while (anchorKeys[i] != 0 && anchorKeys[i] != key) i = (i + 1) & amask;
      if (anchorKeys[i] == 0 && anchors * 2 < amask) {
        anchorKeys[i] = key;
        anchorVals[i] = index << 4 | r;
        const uint64_t bit = key >> 48;
        bloom[bit >> 6] |= 1ull << (bit & 63);
        ++anchors;
      }
    }
  }
  if (anchors < 2) {
    std::fill(anchorKeys.begin(), anchorKeys.begin() + tableSize, 0);
    return;
  }

  // Scan the previous picture around the changed area.
  const uint32_t rx0 = bx0 > kMotionMargin ? bx0 - kMotionMargin : 0;
  const uint32_t ry0 = by0 > kMotionMargin ? by0 - kMotionMargin : 0;
  const uint32_t rx1 = std::min(width, bx1 + kMotionMargin), ry1 = std::min(height, by1 + kMotionMargin);
  std::fill(voteKeys.begin(), voteKeys.end(), 0);
  const size_t vmask = voteKeys.size() - 1;
  size_t distinctVotes = 0;
  if (rx1 - rx0 >= kTile) {
    for (uint32_t y = (ry0 + kScanStep - 1) & ~(kScanStep - 1); y < ry1; y += kScanStep) {
      const uint32_t* row = picture.data() + size_t(y) * width;
      uint64_t h = 0;
      for (uint32_t x = rx0; x < rx0 + kTile; ++x) h = h * kPolyBase + (row[x] & kPixelMask);
      for (uint32_t x = rx0;; ++x) {
        const uint64_t key = h | 1;
        const uint64_t bit = key >> 48;
        if (bloom[bit >> 6] >> (bit & 63) & 1) {
          size_t i = size_t(finalMix(key)) & amask;
          while (anchorKeys[i] != 0 && anchorKeys[i] != key) i = (i + 1) & amask;
          if (anchorKeys[i] != 0 && anchorHits[i] < kMaxAnchorHits) {
            ++anchorHits[i];
            const uint32_t index = anchorVals[i] >> 4, r = anchorVals[i] & 15;
            const int32_t dx = int32_t(x) - int32_t((index % tilesX) * kTile);
            const int32_t dy = int32_t(y) - int32_t((index / tilesX) * kTile + r);
            if (dx != 0 || dy != 0) {
              const uint64_t vkey = (uint64_t(uint32_t(dx + 65536)) << 32 | uint32_t(dy + 65536)) + 1;
              size_t v = size_t(finalMix(vkey)) & vmask;
              while (voteKeys[v] != 0 && voteKeys[v] != vkey) v = (v + 1) & vmask;
              if (voteKeys[v] == vkey) {
                ++voteCounts[v];
              } else if (distinctVotes < voteKeys.size() / 2) {
                voteKeys[v] = vkey;
                voteCounts[v] = 1;
                ++distinctVotes;
              }
            }
          }
        }
        if (x + kTile >= rx1) break;
        h = (h - (row[x] & kPixelMask) * pow15) * kPolyBase + (row[x + kTile] & kPixelMask);
      }
    }
  }
  std::fill(anchorKeys.begin(), anchorKeys.begin() + tableSize, 0);
  std::fill(anchorHits.begin(), anchorHits.begin() + tableSize, 0);
  if (distinctVotes == 0) return;

  // Best vectors by votes.
  int32_t candDx[kMaxCandidates], candDy[kMaxCandidates];
  uint32_t candVotes[kMaxCandidates];
  uint32_t candidates = 0;
  for (size_t v = 0; v < voteKeys.size(); ++v) {
    if (voteKeys[v] == 0 || voteCounts[v] < 2) continue;
    const uint32_t votes = voteCounts[v];
    uint32_t pos = candidates < kMaxCandidates ? candidates++ : kMaxCandidates;
    if (pos == kMaxCandidates) {
      if (votes <= candVotes[kMaxCandidates - 1]) continue;
      pos = kMaxCandidates - 1;
    }
    while (pos > 0 && candVotes[pos - 1] < votes) {
      candVotes[pos] = candVotes[pos - 1];
      candDx[pos] = candDx[pos - 1];
      candDy[pos] = candDy[pos - 1];
      --pos;
    }
    const uint64_t key = voteKeys[v] - 1;
    candVotes[pos] = votes;
    candDx[pos] = int32_t(key >> 32) - 65536;
    candDy[pos] = int32_t(key & 0xffffffffu) - 65536;
  }
  if (candidates == 0) return;

  // Verify: a changed tile moves with the first candidate vector under which it equals the previous picture.
  uint32_t matched = 0;
  for (uint32_t index : changed) {
    tileVector[index] = -1;
    const uint32_t x0 = (index % tilesX) * kTile, y0 = (index / tilesX) * kTile;
    if (x0 + kTile > width || y0 + kTile > height) continue;
    for (uint32_t k = 0; k < candidates; ++k) {
      const int64_t sx = int64_t(x0) + candDx[k], sy = int64_t(y0) + candDy[k];
      if (sx < 0 || sy < 0 || sx + kTile > width || sy + kTile > height) continue;
      bool same = true;
      for (uint32_t r = 0; r < kTile && same; ++r)
        same = pixelsEqual(framePixel(x0, y0 + r),
                           reinterpret_cast<const uint8_t*>(picturePixel(uint32_t(sx), uint32_t(sy + r))), kTile);
      if (same) {
        tileVector[index] = int8_t(k);
        ++matched;
        break;
      }
    }
  }
  if (matched == 0) return;

  // Group matched tiles into rectangles: horizontal runs, merged downwards when a run has the same columns.
  std::vector<OpenRect>& open = openRects;
  open.clear();
  for (uint32_t ty = 0; ty < tilesY; ++ty) {
    for (uint32_t tx = 0; tx < tilesX;) {
      const int8_t k = tileVector[size_t(ty) * tilesX + tx];
      if (k < 0 || !(tileFlags[size_t(ty) * tilesX + tx] & 1)) {
        ++tx;
        continue;
      }
      uint32_t end = tx + 1;
      while (end < tilesX && (tileFlags[size_t(ty) * tilesX + end] & 1) && tileVector[size_t(ty) * tilesX + end] == k)
        ++end;
      bool merged = false;
      for (OpenRect& o : open) {
        if (o.k == k && o.tx0 == tx && o.tx1 == end && o.ty1 == ty) {
          o.ty1 = ty + 1;
          merged = true;
          break;
        }
      }
      if (!merged && open.size() < kMaxCopies) open.push_back({tx, end, ty, ty + 1, k});
      tx = end;
    }
  }
  for (uint32_t index : changed) tileVector[index] = -1;

  // Widen each rectangle pixel by pixel while the moved content still matches (partial tiles at window edges).
  auto columnMatches = [&](uint32_t x, uint32_t y0, uint32_t y1, int32_t dx, int32_t dy) {
    const int64_t sx = int64_t(x) + dx;
    if (sx < 0 || sx >= width || int64_t(y0) + dy < 0 || int64_t(y1) + dy > height) return false;
    for (uint32_t y = y0; y < y1; ++y)
      if (((load32(framePixel(x, y)) ^ *picturePixel(uint32_t(sx), uint32_t(y + dy))) & kPixelMask) != 0) return false;
    return true;
  };
  auto rowMatches = [&](uint32_t y, uint32_t x0, uint32_t x1, int32_t dx, int32_t dy) {
    const int64_t sy = int64_t(y) + dy;
    if (sy < 0 || sy >= height || int64_t(x0) + dx < 0 || int64_t(x1) + dx > width) return false;
    return pixelsEqual(framePixel(x0, y), reinterpret_cast<const uint8_t*>(picturePixel(uint32_t(x0 + dx), uint32_t(sy))),
                       x1 - x0);
  };
  for (const OpenRect& o : open) {
    const uint32_t x0 = o.tx0 * kTile, x1 = std::min(width, o.tx1 * kTile);
    const uint32_t y0 = o.ty0 * kTile, y1 = std::min(height, o.ty1 * kTile);
    copies.push_back({x0, y0, x1 - x0, y1 - y0, candDx[o.k], candDy[o.k]});
  }
  // Widening stops at the other rectangles: copies are applied one after the other, each reading the picture as
  // the earlier ones left it, so two overlapping destinations would shift the overlap twice (measured: on a dragged
  // window such overlaps spoiled a tile row per text line, hundreds of tiles recoded per frame).
  const size_t n = copies.size();
  for (size_t i = 0; i < n; ++i) {
    CopyOp& c = copies[i];
    const int32_t dx = c.dx, dy = c.dy;
    uint32_t x0 = c.x, x1 = c.x + c.w, y0 = c.y, y1 = c.y + c.h;
    // How far each side may move before it meets another rectangle (rows [y0, y1) for the sides, then the widened
    // columns [x0, x1) for top and bottom).
    uint32_t left = x0 > kTile - 1 ? x0 - (kTile - 1) : 0, right = std::min(width, x1 + kTile - 1);
    for (size_t j = 0; j < n; ++j) {
      const CopyOp& o = copies[j];
      if (j == i || o.y >= y1 || o.y + o.h <= y0) continue;
      if (o.x + o.w <= x0) left = std::max(left, o.x + o.w);
      if (o.x >= x1) right = std::min(right, o.x);
    }
    while (x0 > left && columnMatches(x0 - 1, y0, y1, dx, dy)) --x0;
    while (x1 < right && columnMatches(x1, y0, y1, dx, dy)) ++x1;
    uint32_t top = y0 > kTile - 1 ? y0 - (kTile - 1) : 0, bottom = std::min(height, y1 + kTile - 1);
    for (size_t j = 0; j < n; ++j) {
      const CopyOp& o = copies[j];
      if (j == i || o.x >= x1 || o.x + o.w <= x0) continue;
      if (o.y + o.h <= y0) top = std::max(top, o.y + o.h);
      if (o.y >= y1) bottom = std::min(bottom, o.y);
    }
    while (y0 > top && rowMatches(y0 - 1, x0, x1, dx, dy)) --y0;
    while (y1 < bottom && rowMatches(y1, x0, x1, dx, dy)) ++y1;
    c = {x0, y0, x1 - x0, y1 - y0, dx, dy};
  }
  orderCopies();
}

// Orders the copies so that none reads pixels an earlier one already overwrote: a copy whose source overlaps
// another's destination goes first (Kahn's algorithm over "reads from"; raster order among the free ones). A
// cycle, or too many copies to check pairwise, keeps the remaining ones in raster order: the tiles they spoil are
// then coded like any other change, so the picture is exact either way.
void Encoder::State::orderCopies() {
  const size_t n = copies.size();
  if (n < 2 || n > 512) return;
  auto readsFrom = [&](const CopyOp& reader, const CopyOp& writer) {
    const int64_t sx = int64_t(reader.x) + reader.dx, sy = int64_t(reader.y) + reader.dy;
    return sx < int64_t(writer.x) + writer.w && int64_t(writer.x) < sx + reader.w &&
           sy < int64_t(writer.y) + writer.h && int64_t(writer.y) < sy + reader.h;
  };
  // blockers[k]: how many unplaced copies read from k's destination (k must wait for them).
  copyBlockers.assign(n, 0);
  bool any = false;
  for (size_t k = 0; k < n; ++k)
    for (size_t j = 0; j < n; ++j)
      if (j != k && readsFrom(copies[j], copies[k])) {
        ++copyBlockers[k];
        any = true;
      }
  if (!any) return;
  orderedCopies.clear();
  copyPlaced.assign(n, 0);
  for (size_t step = 0; step < n; ++step) {
    size_t pick = n;
    for (size_t k = 0; k < n && pick == n; ++k)
      if (!copyPlaced[k] && copyBlockers[k] == 0) pick = k;
    for (size_t k = 0; k < n && pick == n; ++k)  // a cycle: take the first one left
      if (!copyPlaced[k]) pick = k;
    copyPlaced[pick] = 1;
    orderedCopies.push_back(copies[pick]);
    for (size_t k = 0; k < n; ++k)
      if (!copyPlaced[k] && copyBlockers[k] > 0 && readsFrom(copies[pick], copies[k])) --copyBlockers[k];
  }
  copies.swap(orderedCopies);
}

}  // namespace codec
}  // namespace tessera
