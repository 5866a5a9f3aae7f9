// Screen capture, input injection and clipboard behind one OS-neutral interface.
// X11 is the first backend (x11*.cc); Windows (DXGI + SendInput) and macOS (ScreenCaptureKit + CGEvent) go beside it
// by implementing the three classes below and the three open* functions. Plain C++: no N-API here.
// Every failure is a CaptureError (std::runtime_error) with a message a person can act on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace tessera::capture {

struct CaptureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Rect {
  int32_t x = 0, y = 0;
  uint32_t width = 0, height = 0;
};

struct Monitor {
  std::string name;
  Rect rect;  // in desktop (root window) coordinates
  bool primary = false;
};

// Memory that holds captured pixels. A grab writes into the same PixelBuffer again and again; a new one is made
// only when the screen grows. It stays valid for as long as anyone holds the shared_ptr, even after the capture
// that made it has moved on to a bigger one or was closed (the N-API face hands it to JS without copying).
struct PixelBuffer {
  virtual ~PixelBuffer() = default;
  uint8_t* data = nullptr;
  size_t capacity = 0;
};

// One captured picture: BGRX (byte 0 blue, byte 3 undefined), rows `stride` bytes apart, top-left at (x, y).
struct Frame {
  std::shared_ptr<PixelBuffer> buffer;
  int32_t x = 0, y = 0;
  uint32_t width = 0, height = 0, stride = 0;
};

struct CursorImage {
  uint32_t width = 0, height = 0;
  uint32_t hotX = 0, hotY = 0;
  std::string name;           // the theme's name for it ("left_ptr", "xterm"...) when the server knows one
  std::vector<uint8_t> rgba;  // straight (not premultiplied) alpha, rows width*4 bytes apart
};

struct CursorState {
  int32_t x = 0, y = 0;   // pointer position in desktop coordinates
  uint64_t serial = 0;    // changes whenever the shape changes
  bool shapeIncluded = false;
  CursorImage shape;      // filled when shapeIncluded
};

class ScreenCapture {
 public:
  virtual ~ScreenCapture() = default;
  // Size of the whole desktop (all monitors), after taking in any resolution change the system reported.
  virtual Rect bounds() = 0;
  // Monitors (XRandR monitors on X11); never empty: a desktop without monitor information is one monitor.
  virtual std::vector<Monitor> monitors() = 0;
  // Increases whenever the desktop size or the monitor layout changed.
  virtual uint64_t layoutVersion() = 0;
  // Captures `region` (whole desktop when null; clipped to the desktop; throws when nothing is left) into the
  // reused buffer.
  virtual Frame grab(const Rect* region) = 0;
  // Pointer position; the shape only when it changed since the last call that included it (or when forced).
  virtual CursorState cursor(bool forceShape) = 0;
};

class InputInjector {
 public:
  virtual ~InputInjector() = default;
  // Moves the pointer; coordinates are clamped to the desktop.
  virtual void move(int32_t x, int32_t y) = 0;
  // Button 1 left, 2 middle, 3 right, 4/5 wheel up/down, 6/7 wheel left/right, 8/9 back/forward.
  virtual void button(uint32_t button, bool down) = 0;
  // Wheel clicks: dy > 0 scrolls down, dx > 0 scrolls right. Each axis is limited to 100 clicks per call.
  virtual void wheel(int32_t dx, int32_t dy) = 0;
  // A key by X keysym (the same numbers RFB/VNC uses on every OS). Modifiers are keys too (Shift_L 0xffe1...).
  // A keysym with no key on the keyboard is put on a spare key first, so any keysym can be sent.
  virtual void key(uint32_t keysym, bool down) = 0;
  // Types text (any Unicode; newline = Return, tab = Tab) whatever the keyboard layout is.
  virtual void type(const std::u32string& text) = 0;
  // Presses the keysyms in order, then releases them in reverse order.
  virtual void chord(const std::vector<uint32_t>& keysyms) = 0;
  // Releases every key and button this injector holds down (viewer lost focus, control revoked, disconnect).
  virtual void releaseAll() = 0;
  // Number of keys and buttons currently held down by this injector.
  virtual size_t heldCount() = 0;
};

// Clipboard text (UTF-8). Works on its own thread; results and changes come back through the callback, which runs
// on that thread.
struct ClipboardEvent {
  enum class Kind { Text, Change, Error } kind = Kind::Text;
  uint64_t requestId = 0;  // for Text/Error answers to requestText() and setText(); 0 for Change
  std::string text;        // Text/Change: the clipboard text; Error: the reason
  bool tooLarge = false;   // Change: the new clipboard content exceeded the limit (text is empty)
  bool noText = false;     // Text: the clipboard is empty or holds no text (an image, files...)
};

class Clipboard {
 public:
  virtual ~Clipboard() = default;
  // Asks for the current clipboard text; the answer is one Text or Error event with this requestId.
  virtual void requestText(uint64_t requestId) = 0;
  // Takes the clipboard with this text (throws when it is larger than the limit); the outcome is one Text event
  // (empty text) or Error event with this requestId.
  virtual void setText(const std::string& utf8, uint64_t requestId) = 0;
  // Stops the thread; no event is delivered after it returns.
  virtual void close() = 0;
};

using ClipboardCallback = std::function<void(ClipboardEvent&&)>;

// display: X11 display name ("" = $DISPLAY). Throws CaptureError when it can't be opened or lacks what we need.
// allowShm = false forces the slower copy path (what a remote X server gets); for tests.
std::unique_ptr<ScreenCapture> openScreenCapture(const std::string& display, bool allowShm = true);
std::unique_ptr<InputInjector> openInputInjector(const std::string& display);
// maxBytes: largest text taken or given; watchChanges: report clipboard changes made by other programs.
std::unique_ptr<Clipboard> openClipboard(const std::string& display, size_t maxBytes, bool watchChanges,
                                         ClipboardCallback callback);

// Which backend this build has ("x11", or "none" on an OS without one yet).
const char* backendName();

}  // namespace tessera::capture
