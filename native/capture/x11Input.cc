// X11 input injection through XTest (libXtst.so.6, loaded at run time: capture/x11Extensions.h).
//
// Keys arrive as keysyms (what the viewer's keyboard produced), not as keycodes, so the agent's layout decides which
// key makes them. For each keysym: a key that makes it under the current modifier state is pressed as is; else a key
// that makes it with Shift and/or AltGr (ISO_Level3_Shift) toggled is pressed with those modifiers faked around it
// (pressed or released just for that key, then restored); else the keysym is put on a spare keycode (one without
// symbols) with XChangeKeyboardMapping and that key is pressed, as xdotool does. Spare keys keep their keysym until
// they are needed for another one (least recently used first), because clients look the mapping up when they
// process the event, possibly after we have moved on. Every key and button pressed here is remembered, so
// releaseAll() (and closing) lets go of all of them: no stuck keys when the viewer loses focus or disconnects.
#if defined(TESSERA_CAPTURE_X11)
#include <X11/XKBlib.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/keysym.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "capture/capture.h"
#include "capture/keysyms.h"
#include "capture/x11Connection.h"
#include "capture/x11Extensions.h"

namespace tessera::capture {
namespace {

using Clock = std::chrono::steady_clock;
// How long a client may take to read the key mapping after an event from a spare key (see the comment above).
constexpr auto kSpareSettle = std::chrono::milliseconds(100);
constexpr int kMaxWheelClicks = 100;

bool isModifierKeysym(uint32_t ks) {
  return (ks >= XK_Shift_L && ks <= XK_Hyper_R) || ks == XK_ISO_Level3_Shift || ks == XK_ISO_Level5_Shift ||
         ks == XK_Mode_switch || ks == XK_Num_Lock || ks == XK_ISO_Level3_Latch || ks == XK_ISO_Group_Shift;
}

struct Plan {
  KeyCode keycode = 0;
  bool shift = false, level3 = false;  // modifier state wanted while the key goes down
  bool adjust = false;                 // whether that differs from the current state
};

class X11Input final : public InputInjector {
 public:
  explicit X11Input(const std::string& display) : conn_(display, "input") {
    dpy_ = conn_.get();
    std::string why;
    xt_ = x11::xtest(&why);
    if (!xt_) throw CaptureError("input: " + why + ", so input can't be injected");
    int eventBase = 0, errorBase = 0, major = 0, minor = 0;
    if (!xt_->queryExtension(dpy_, &eventBase, &errorBase, &major, &minor))
      throw CaptureError("input: the X server has no XTEST extension, so input can't be injected");
    int opcode = 0;
    major = XkbMajorVersion;
    minor = XkbMinorVersion;
    if (!XkbQueryExtension(dpy_, &opcode, &xkbEventBase_, &errorBase, &major, &minor))
      throw CaptureError("input: the X server has no XKEYBOARD extension");
    XkbSelectEvents(dpy_, XkbUseCoreKbd, XkbMapNotifyMask | XkbNewKeyboardNotifyMask,
                    XkbMapNotifyMask | XkbNewKeyboardNotifyMask);
    XSelectInput(dpy_, conn_.root(), StructureNotifyMask);
    // XTest events must not be held back by another client's grab of the server.
    xt_->grabControl(dpy_, True);
    readRootSize();
    loadKeymap();
  }

  ~X11Input() override {
    if (conn_.lost()) {
      if (xkb_) XkbFreeKeyboard(xkb_, 0, True);
      return;
    }
    try {
      releaseAll();
      restoreSpares();
    } catch (...) {
    }
    if (xkb_) XkbFreeKeyboard(xkb_, 0, True);
    XSync(dpy_, False);
  }

  void move(int32_t x, int32_t y) override {
    update();
    x = std::clamp<int32_t>(x, 0, int32_t(width_) - 1);
    y = std::clamp<int32_t>(y, 0, int32_t(height_) - 1);
    xt_->fakeMotionEvent(dpy_, DefaultScreen(dpy_), x, y, CurrentTime);
    flush();
  }

  void button(uint32_t button, bool down) override {
    if (button < 1 || button > 9) throw CaptureError("input: button must be 1..9");
    update();
    if (!down && !heldButtons_.count(button)) return;  // never pressed here: nothing to release
    xt_->fakeButtonEvent(dpy_, button, down ? True : False, CurrentTime);
    if (down)
      heldButtons_.insert(button);
    else
      heldButtons_.erase(button);
    flush();
  }

  void wheel(int32_t dx, int32_t dy) override {
    update();
    auto clicks = [&](int32_t n, unsigned negative, unsigned positive) {
      n = std::clamp(n, -kMaxWheelClicks, kMaxWheelClicks);
      const unsigned b = n < 0 ? negative : positive;
      for (int32_t i = 0; i < std::abs(n); ++i) {
        xt_->fakeButtonEvent(dpy_, b, True, CurrentTime);
        xt_->fakeButtonEvent(dpy_, b, False, CurrentTime);
      }
    };
    clicks(dy, 4, 5);
    clicks(dx, 6, 7);
    flush();
  }

  void key(uint32_t keysym, bool down) override {
    if (keysym == 0 || keysym > 0x1ffffff) throw CaptureError("input: keysym out of range");
    update();
    if (!down) {
      auto it = pressed_.find(keysym);
      if (it == pressed_.end()) return;  // not pressed here (or already released by releaseAll)
      fakeKey(it->second, false);
      pressed_.erase(it);
      flush();
      return;
    }
    auto already = pressed_.find(keysym);
    if (already != pressed_.end()) {  // auto-repeat from the viewer: press the same key again
      fakeKey(already->second, true);
      flush();
      return;
    }
    XkbStateRec state;
    readState(state);
    const Plan plan = planFor(keysym, state, isModifierKeysym(keysym));
    pressWithPlan(plan, state, /*release=*/false);
    pressed_[keysym] = plan.keycode;
    flush();
  }

  void type(const std::u32string& text) override {
    update();
    XkbStateRec state;
    readState(state);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == U'\r' && i + 1 < text.size() && text[i + 1] == U'\n') continue;  // CR LF is one Return
      const uint32_t keysym = keysymForCodepoint(text[i]);
      if (!keysym) continue;
      const Plan plan = planFor(keysym, state, false);
      pressWithPlan(plan, state, /*release=*/true);
    }
    XSync(dpy_, False);
    conn_.check();
  }

  void chord(const std::vector<uint32_t>& keysyms) override {
    if (keysyms.empty() || keysyms.size() > 8) throw CaptureError("input: a key combination has 1 to 8 keys");
    for (uint32_t ks : keysyms)
      if (ks == 0 || ks > 0x1ffffff) throw CaptureError("input: keysym out of range");
    std::vector<uint32_t> pressedHere;
    try {
      for (uint32_t ks : keysyms) {
        if (pressed_.count(ks)) continue;  // already held by the viewer: leave it to them
        key(ks, true);
        pressedHere.push_back(ks);
      }
    } catch (...) {
      for (auto it = pressedHere.rbegin(); it != pressedHere.rend(); ++it) key(*it, false);
      throw;
    }
    for (auto it = pressedHere.rbegin(); it != pressedHere.rend(); ++it) key(*it, false);
  }

  void releaseAll() override {
    if (conn_.lost()) {
      pressed_.clear();
      heldKeys_.clear();
      heldButtons_.clear();
      return;
    }
    for (unsigned b : heldButtons_) xt_->fakeButtonEvent(dpy_, b, False, CurrentTime);
    heldButtons_.clear();
    // Release in the reverse order of a chord: ordinary keys first, modifiers last.
    std::vector<KeyCode> keys(heldKeys_.begin(), heldKeys_.end());
    std::stable_partition(keys.begin(), keys.end(), [&](KeyCode kc) { return !isModifierKeycode(kc); });
    for (KeyCode kc : keys) xt_->fakeKeyEvent(dpy_, kc, False, CurrentTime);
    heldKeys_.clear();
    pressed_.clear();
    flush();
  }

  size_t heldCount() override { return heldKeys_.size() + heldButtons_.size(); }

 private:
  void flush() {
    XFlush(dpy_);
    conn_.check();
  }

  void readRootSize() {
    XWindowAttributes attributes;
    if (!XGetWindowAttributes(dpy_, conn_.root(), &attributes)) conn_.check();
    width_ = uint32_t(std::max(1, attributes.width));
    height_ = uint32_t(std::max(1, attributes.height));
  }

  void update() {
    conn_.check();
    bool keymap = false, resized = false;
    while (XPending(dpy_)) {
      XEvent event;
      XNextEvent(dpy_, &event);
      if (event.type == MappingNotify) {
        XRefreshKeyboardMapping(&event.xmapping);
        keymap = true;
      } else if (event.type == xkbEventBase_) {
        keymap = true;
      } else if (event.type == ConfigureNotify && event.xconfigure.window == conn_.root()) {
        resized = true;
      }
    }
    conn_.check();
    if (keymap) loadKeymap();
    if (resized) readRootSize();
  }

  void loadKeymap() {
    XkbDescPtr fresh = XkbGetMap(dpy_, XkbAllClientInfoMask, XkbUseCoreKbd);
    conn_.check();
    if (!fresh) throw CaptureError("input: can't read the keyboard mapping");
    if (xkb_) XkbFreeKeyboard(xkb_, 0, True);
    xkb_ = fresh;
    keysToKeycodes_.clear();
    charsToKeycodes_.clear();
    shiftKey_ = level3Key_ = 0;
    level3Mask_ = 0;
    for (int kc = xkb_->min_key_code; kc <= xkb_->max_key_code; ++kc) {
      const int groups = XkbKeyNumGroups(xkb_, kc);
      for (int g = 0; g < groups; ++g) {
        const int width = XkbKeyGroupWidth(xkb_, kc, g);
        for (int level = 0; level < width; ++level) {
          const KeySym ks = XkbKeySymEntry(xkb_, kc, level, g);
          if (ks == NoSymbol) continue;
          auto& list = keysToKeycodes_[uint32_t(ks)];
          if (std::find(list.begin(), list.end(), KeyCode(kc)) == list.end()) list.push_back(KeyCode(kc));
          // The same character under another keysym (Cyrillic_pe vs U+043F, EuroSign vs U+20AC).
          if (const char32_t c = codepointForKeysym(uint32_t(ks))) {
            auto& chars = charsToKeycodes_[c];
            if (std::find(chars.begin(), chars.end(), KeyCode(kc)) == chars.end()) chars.push_back(KeyCode(kc));
          }
        }
      }
      if (groups > 0) {
        const KeySym first = XkbKeySymEntry(xkb_, kc, 0, 0);
        if (first == XK_Shift_L && !shiftKey_) shiftKey_ = KeyCode(kc);
        if (first == XK_ISO_Level3_Shift && !level3Key_) {
          level3Key_ = KeyCode(kc);
          level3Mask_ = xkb_->map->modmap ? xkb_->map->modmap[kc] : 0;
        }
      }
    }
    if (!shiftKey_) {
      auto it = keysToKeycodes_.find(XK_Shift_R);
      if (it != keysToKeycodes_.end()) shiftKey_ = it->second.front();
    }
    if (!level3Mask_) level3Key_ = 0;
    // Spare keys: keycodes the keymap leaves empty, and those still carrying a keysym we put there (a new layout
    // replaces the whole map, and with it our mappings).
    spares_.clear();
    for (auto it = spareUse_.begin(); it != spareUse_.end();) {
      const KeyCode kc = it->first;
      if (XkbKeyNumGroups(xkb_, kc) > 0 && XkbKeySymEntry(xkb_, kc, 0, 0) == it->second.keysym) {
        spares_.push_back(kc);
        ++it;
      } else {
        it = spareUse_.erase(it);
      }
    }
    for (int kc = xkb_->min_key_code; kc <= xkb_->max_key_code; ++kc)
      if (XkbKeyNumGroups(xkb_, kc) == 0) spares_.push_back(KeyCode(kc));
  }

  void readState(XkbStateRec& state) {
    std::memset(&state, 0, sizeof state);
    XkbGetState(dpy_, XkbUseCoreKbd, &state);
    conn_.check();
  }

  bool isSpare(KeyCode kc) const { return std::find(spares_.begin(), spares_.end(), kc) != spares_.end(); }

  bool isModifierKeycode(KeyCode kc) const {
    return xkb_ && xkb_->map->modmap && kc >= xkb_->min_key_code && kc <= xkb_->max_key_code &&
           xkb_->map->modmap[kc] != 0;
  }

  KeySym translate(KeyCode kc, unsigned mods, unsigned group) const {
    unsigned consumed = 0;
    KeySym out = NoSymbol;
    XkbTranslateKeyCode(xkb_, kc, XkbBuildCoreState(mods, group), &consumed, &out);
    return out;
  }

  Plan planFor(uint32_t keysym, const XkbStateRec& state, bool modifierKey) {
    const unsigned mods = state.mods;
    const bool shiftOn = mods & ShiftMask;
    const bool level3On = level3Mask_ && (mods & level3Mask_);
    // Keys that carry this keysym, or the same character under another keysym.
    const char32_t character = modifierKey ? 0 : codepointForKeysym(keysym);
    std::vector<KeyCode> candidates;
    if (auto found = keysToKeycodes_.find(keysym); found != keysToKeycodes_.end()) candidates = found->second;
    if (character) {
      if (auto found = charsToKeycodes_.find(character); found != charsToKeycodes_.end())
        for (KeyCode kc : found->second)
          if (std::find(candidates.begin(), candidates.end(), kc) == candidates.end()) candidates.push_back(kc);
    }
    auto makes = [&](KeySym produced) {
      return produced == keysym || (character && produced != NoSymbol && codepointForKeysym(uint32_t(produced)) == character);
    };
    if (!candidates.empty()) {
      Plan best;
      int bestCost = 99;
      for (KeyCode kc : candidates) {
        if (isSpare(kc)) continue;  // ours: may be stale, handled below
        if (modifierKey) return Plan{kc, shiftOn, level3On, false};
        for (int shift = 0; shift < 2; ++shift) {
          if (bool(shift) != shiftOn && !shiftKey_) continue;
          for (int level3 = 0; level3 < (level3Mask_ ? 2 : 1); ++level3) {
            const bool wantLevel3 = level3Mask_ ? bool(level3) : level3On;
            unsigned m = mods & ~ShiftMask;
            if (shift) m |= ShiftMask;
            if (level3Mask_) m = (m & ~level3Mask_) | (wantLevel3 ? level3Mask_ : 0);
            if (!makes(translate(kc, m, state.group))) continue;
            const int cost = (bool(shift) != shiftOn) + (wantLevel3 != level3On);
            if (cost < bestCost) {
              bestCost = cost;
              best = Plan{kc, bool(shift), wantLevel3, cost > 0};
            }
          }
        }
        if (bestCost == 0) break;
      }
      if (best.keycode) return best;
    }
    return Plan{spareFor(keysym), shiftOn, level3On, false};
  }

  // A spare keycode that carries `keysym` (mapping it there when needed).
  KeyCode spareFor(uint32_t keysym) {
    const auto now = Clock::now();
    for (auto& [kc, use] : spareUse_) {
      if (use.keysym == keysym) {
        use.lastUsed = now;
        return kc;
      }
    }
    KeyCode chosen = 0;
    Clock::time_point oldest = Clock::time_point::max();
    for (KeyCode kc : spares_) {
      if (heldKeys_.count(kc)) continue;
      auto it = spareUse_.find(kc);
      if (it == spareUse_.end()) {
        chosen = kc;
        oldest = Clock::time_point::min();
        break;
      }
      if (it->second.lastUsed < oldest) {
        oldest = it->second.lastUsed;
        chosen = kc;
      }
    }
    if (!chosen) throw CaptureError("input: no spare key left to map keysym " + std::to_string(keysym));
    if (oldest != Clock::time_point::min() && now - oldest < kSpareSettle) {
      XSync(dpy_, False);  // let clients see the last use of this key before its meaning changes
      std::this_thread::sleep_for(kSpareSettle - (now - oldest));
    }
    KeySym syms[2] = {KeySym(keysym), KeySym(keysym)};
    x11::ErrorTrap trap(dpy_);
    XChangeKeyboardMapping(dpy_, chosen, 2, syms, 1);
    if (trap.sync()) throw CaptureError("input: can't map a spare key: " + trap.describe());
    conn_.check();
    spareUse_[chosen] = SpareUse{keysym, Clock::now()};
    return chosen;
  }

  void restoreSpares() {
    if (spareUse_.empty()) return;
    Clock::time_point last = Clock::time_point::min();
    for (auto& [kc, use] : spareUse_) last = std::max(last, use.lastUsed);
    XSync(dpy_, False);
    const auto since = Clock::now() - last;
    if (since < kSpareSettle) std::this_thread::sleep_for(kSpareSettle - since);
    for (auto& [kc, use] : spareUse_) {
      KeySym none[1] = {NoSymbol};
      XChangeKeyboardMapping(dpy_, kc, 1, none, 1);
    }
    spareUse_.clear();
  }

  void fakeKey(KeyCode kc, bool down) {
    xt_->fakeKeyEvent(dpy_, kc, down ? True : False, CurrentTime);
    if (down)
      heldKeys_.insert(kc);
    else
      heldKeys_.erase(kc);
  }

  // Keys currently down that set `mask` (whoever pressed them).
  std::vector<KeyCode> keysDownWithMask(unsigned mask) {
    std::vector<KeyCode> result;
    char keys[32];
    XQueryKeymap(dpy_, keys);
    for (int kc = xkb_->min_key_code; kc <= xkb_->max_key_code; ++kc)
      if ((keys[kc / 8] & (1 << (kc % 8))) && xkb_->map->modmap && (xkb_->map->modmap[kc] & mask))
        result.push_back(KeyCode(kc));
    return result;
  }

  // Presses plan.keycode (and releases it too when `release`), with Shift/AltGr set as the plan wants for the
  // duration of the press only.
  void pressWithPlan(const Plan& plan, const XkbStateRec& state, bool release) {
    std::vector<std::pair<KeyCode, bool>> undo;  // key, state to restore
    if (plan.adjust) {
      const bool shiftOn = state.mods & ShiftMask;
      const bool level3On = level3Mask_ && (state.mods & level3Mask_);
      auto toggle = [&](bool want, bool on, unsigned mask, KeyCode key) {
        if (want == on) return;
        if (want) {
          xt_->fakeKeyEvent(dpy_, key, True, CurrentTime);
          undo.emplace_back(key, false);
        } else {
          for (KeyCode kc : keysDownWithMask(mask)) {
            xt_->fakeKeyEvent(dpy_, kc, False, CurrentTime);
            undo.emplace_back(kc, true);
          }
        }
      };
      toggle(plan.shift, shiftOn, ShiftMask, shiftKey_);
      if (level3Mask_) toggle(plan.level3, level3On, level3Mask_, level3Key_);
    }
    fakeKey(plan.keycode, true);
    if (release) fakeKey(plan.keycode, false);
    for (auto it = undo.rbegin(); it != undo.rend(); ++it)
      xt_->fakeKeyEvent(dpy_, it->first, it->second ? True : False, CurrentTime);
    if (std::find(spares_.begin(), spares_.end(), plan.keycode) != spares_.end()) {
      auto it = spareUse_.find(plan.keycode);
      if (it != spareUse_.end()) it->second.lastUsed = Clock::now();
    }
  }

  struct SpareUse {
    uint32_t keysym = 0;
    Clock::time_point lastUsed;
  };

  x11::Connection conn_;
  Display* dpy_ = nullptr;
  const x11::XTestApi* xt_ = nullptr;
  int xkbEventBase_ = 0;
  XkbDescPtr xkb_ = nullptr;
  uint32_t width_ = 1, height_ = 1;
  std::unordered_map<uint32_t, std::vector<KeyCode>> keysToKeycodes_;
  std::unordered_map<char32_t, std::vector<KeyCode>> charsToKeycodes_;
  KeyCode shiftKey_ = 0, level3Key_ = 0;
  unsigned level3Mask_ = 0;
  std::vector<KeyCode> spares_;
  std::map<KeyCode, SpareUse> spareUse_;
  std::map<uint32_t, KeyCode> pressed_;  // keysym -> the key pressed for it
  std::set<KeyCode> heldKeys_;
  std::set<unsigned> heldButtons_;
};

}  // namespace

std::unique_ptr<InputInjector> openInputInjector(const std::string& display) {
  return std::make_unique<X11Input>(display);
}

}  // namespace tessera::capture
#endif
